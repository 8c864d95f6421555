package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestServeRefuses(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	for _, tc := range []struct {
		reason string
		args   []string
		stderr string // substring of the one line
	}{
		{"0.0.0.0 reaches other hosts: refused without --allow-remote", []string{"serve", "--addr", "0.0.0.0:0"}, "--addr 0.0.0.0:0 listens on 0.0.0.0, not loopback"},
		{"an empty host listens on every interface", []string{"serve", "--addr", ":0"}, "listens on every interface"},
		{"a host name other than localhost is not known to be loopback", []string{"serve", "--addr", "example.invalid:0"}, "not loopback"},
		{"an address without a port", []string{"serve", "--addr", "127.0.0.1"}, `--addr "127.0.0.1": missing port in address`},
		{"a port in use", []string{"serve", "--addr", busy.Addr().String()}, "cannot listen on " + busy.Addr().String() + ": bind: address already in use"},
		{"an unknown flag", []string{"serve", "--port", "8080"}, "flag provided but not defined: -port"},
		{"a positional argument", []string{"serve", "cassettes"}, `unexpected argument "cassettes"`},
		{"a cassette directory that does not exist", []string{"serve", "--addr", "127.0.0.1:0", "--cassettes", "no/such/dir"}, "--cassettes no/such/dir: not a directory"},
	} {
		t.Run(tc.reason, func(t *testing.T) {
			code, out, errs := runKontrak(t, "", tc.args...)
			if code != 2 {
				t.Errorf("exit %d, want 2 (stdout %q, stderr %q)", code, out, errs)
			}
			lines := strings.Split(strings.TrimRight(errs, "\n"), "\n")
			last := lines[len(lines)-1]
			if !strings.HasPrefix(last, "kontrak serve: ") || !strings.Contains(last, tc.stderr) {
				t.Errorf("stderr's last line %q, want one line with %q", last, tc.stderr)
			}
			if strings.Contains(out, "listening") {
				t.Errorf("it listened: %q", out)
			}
		})
	}
}

// syncBuffer is a buffer the server's goroutines and the test may share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestServeAnswersAndStops(t *testing.T) {
	for _, tc := range []struct {
		reason string
		args   []string
		logged string // what stderr holds for the request; "" for nothing at all
	}{
		{"loopback, a port the system picks", []string{"--addr", "127.0.0.1:0"}, "method=GET path=/kontrak-nowhere status=404"},
		{"localhost is loopback", []string{"--addr", "localhost:0"}, "method=GET path=/kontrak-nowhere status=404"},
		{"a JSON log", []string{"--addr", "127.0.0.1:0", "--log", "json"}, `"method":"GET","path":"/kontrak-nowhere","status":404`},
		{"no log", []string{"--addr", "127.0.0.1:0", "--log", "off"}, ""},
	} {
		t.Run(tc.reason, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var stdout, stderr syncBuffer
			addrs := make(chan net.Addr, 1)
			done := make(chan error, 1)
			go func() { done <- serve(ctx, tc.args, &stdout, &stderr, func(a net.Addr) { addrs <- a }) }()
			var addr net.Addr
			select {
			case addr = <-addrs:
			case err := <-done:
				t.Fatalf("serve returned %v before listening (stderr %q)", err, stderr.String())
			case <-time.After(30 * time.Second):
				t.Fatal("serve did not start")
			}
			_, port, _ := net.SplitHostPort(addr.String())
			url := "http://127.0.0.1:" + port + "/kontrak-nowhere"
			resp, err := http.Get(url)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusNotFound || !strings.Contains(string(body), "kontrak serve: no documented operation for GET /kontrak-nowhere") {
				t.Errorf("got HTTP %d %q, want the one-line 404", resp.StatusCode, body)
			}
			cancel() // what SIGINT and SIGTERM do
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("serve ended with %v, want a graceful stop", err)
				}
			case <-time.After(30 * time.Second):
				t.Fatal("serve did not stop")
			}
			if out := stdout.String(); !strings.Contains(out, "kontrak serve: listening on http://"+addr.String()) || !strings.Contains(out, "kontrak serve: stopped") {
				t.Errorf("stdout %q does not give the address and the stop", out)
			}
			if errs := stderr.String(); tc.logged == "" && errs != "" {
				t.Errorf("--log off, stderr %q", errs)
			} else if !strings.Contains(errs, tc.logged) {
				t.Errorf("stderr %q has no line for the request (want %s)", errs, tc.logged)
			}
		})
	}
}

func TestCheckLoopback(t *testing.T) {
	for _, tc := range []struct {
		addr   string
		remote bool
		ok     bool
		reason string
	}{
		{"127.0.0.1:8080", false, true, "IPv4 loopback"},
		{"127.8.9.10:8080", false, true, "all of 127/8 is loopback"},
		{"[::1]:8080", false, true, "IPv6 loopback"},
		{"localhost:8080", false, true, "localhost names loopback"},
		{"0.0.0.0:8080", false, false, "every IPv4 interface"},
		{"[::]:8080", false, false, "every IPv6 interface"},
		{":8080", false, false, "no host: every interface"},
		{"192.168.1.10:8080", false, false, "a LAN address"},
		{"0.0.0.0:8080", true, true, "--allow-remote lets it through (not listened on here: tests stay on loopback)"},
		{"8080", true, false, "no port separator is refused even with --allow-remote"},
	} {
		err := checkLoopback(tc.addr, tc.remote)
		if (err == nil) != tc.ok {
			t.Errorf("%s (%s, allow-remote %v): got %v, want ok=%v", tc.reason, tc.addr, tc.remote, err, tc.ok)
		}
	}
}

func TestServeIsListed(t *testing.T) {
	_, out, errs := runKontrak(t, "", "help")
	if !strings.Contains(out, "serve ") {
		t.Errorf("help does not list serve: %q", errs)
	}
}

package main

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/kontrak/kontrak/sandbox"
	"github.com/kontrak/kontrak/scenario"
)

// shutdownGrace bounds how long a stopping server waits for the requests in flight.
const shutdownGrace = 10 * time.Second

func runServe(args []string, _ io.Reader, stdout, stderr io.Writer) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return serve(ctx, args, stdout, stderr, nil)
}

// serve runs the sandbox until ctx is done (SIGINT or SIGTERM), then shuts it down gracefully. ready, when
// set, is told the listening address once requests are accepted.
func serve(ctx context.Context, args []string, stdout, stderr io.Writer, ready func(net.Addr)) error {
	fs := newFlags("serve")
	addr := fs.String("addr", "127.0.0.1:8080", "the address to listen on (loopback unless --allow-remote)")
	cassettes := fs.String("cassettes", "", "the cassette directory (default: cassettes/ of the repository)")
	root := fs.String("root", "", "the repository, for suites/<vendor>/scenarios.yaml (default: the one around the working directory)")
	allowRemote := fs.Bool("allow-remote", false, "listen on an address other hosts reach (the sandbox accepts test credentials)")
	callbackHTTP := fs.Bool("callback-http", false, "post callbacks over plain http to a loopback receiver (the spec documents https only)")
	callbackCA := fs.String("callback-ca", "", "a PEM file of the certificates an https callback receiver is trusted by (default: the system's roots, SSL_CERT_FILE)")
	logFormat := fs.String("log", "text", "the per-request log on stderr: text, json or off")
	def := sandbox.DefaultTimeouts()
	readTimeout := fs.Duration("read-timeout", def.Read, "the longest a request (headers and body) may take to arrive")
	idleTimeout := fs.Duration("idle-timeout", def.Idle, "how long an idle keep-alive connection stays open")
	rest, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("unexpected argument %q (serve takes flags only)", rest[0])
	}
	if err := checkLoopback(*addr, *allowRemote); err != nil {
		return err
	}
	var handler slog.Handler
	switch *logFormat {
	case "text":
		handler = slog.NewTextHandler(stderr, nil)
	case "json":
		handler = slog.NewJSONHandler(stderr, nil)
	case "off":
		handler = slog.DiscardHandler
	default:
		return usagef("--log %q: want text, json or off", *logFormat)
	}
	logger := slog.New(handler)
	if *root == "" {
		if *root, err = scenario.Root(); err != nil {
			return usagef("--root not given and %v", err)
		}
	}
	if *cassettes == "" {
		*cassettes = filepath.Join(*root, "cassettes")
	}
	if st, err := os.Stat(*cassettes); err != nil || !st.IsDir() {
		return usagef("--cassettes %s: not a directory", *cassettes)
	}
	c, err := loadContract()
	if err != nil {
		return err
	}
	// The accepted credentials are the environment's, by the variable names the specs give.
	creds := map[string]string{}
	for _, v := range c.Vendors() {
		// and the credential serve sends with a callback (HTTP Basic, user:password)
		for _, name := range append(v.CredentialVars(), v.CallbackCredentialVars()...) {
			if val := os.Getenv(name); val != "" && name != "" {
				creds[name] = val
			}
		}
	}
	cb := sandbox.Callbacks{AllowRemote: *allowRemote, HTTP: *callbackHTTP}
	if *callbackCA != "" {
		pem, err := os.ReadFile(*callbackCA)
		if err != nil {
			return usagef("--callback-ca %s: %v", *callbackCA, unwrapOp(err))
		}
		cb.RootCAs = x509.NewCertPool()
		if !cb.RootCAs.AppendCertsFromPEM(pem) {
			return usagef("--callback-ca %s: no PEM certificate in it", *callbackCA)
		}
	}
	h, err := sandbox.New(c, sandbox.Config{Cassettes: *cassettes, Root: *root, Credentials: creds, Now: time.Now, Logger: logger,
		Callbacks: cb})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %v", *addr, unwrapOp(err))
	}
	srv := sandbox.NewServer(h, sandbox.Timeouts{Read: *readTimeout, Idle: *idleTimeout}, slog.NewLogLogger(handler, slog.LevelWarn))
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	fmt.Fprintf(stdout, "kontrak serve: listening on http://%s (%s)\n", ln.Addr(), strings.Join(c.VendorIDs(), ", "))
	if ready != nil {
		ready(ln.Addr())
	}
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutting down: %v", err)
	}
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	fmt.Fprintln(stdout, "kontrak serve: stopped")
	return nil
}

// checkLoopback refuses an address other hosts could reach, unless allowed: the sandbox is a test fixture
// that accepts test credentials. An empty host (":8080") listens on every interface.
func checkLoopback(addr string, allowRemote bool) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return usagef("--addr %q: %v", addr, unwrapOp(err))
	}
	if allowRemote {
		return nil
	}
	if strings.EqualFold(host, "localhost") {
		return nil
	}
	ip, _, _ := strings.Cut(host, "%") // a zone names an interface, not an address
	if p := net.ParseIP(ip); p != nil && p.IsLoopback() {
		return nil
	}
	if host == "" {
		host = "every interface"
	}
	return usagef("--addr %s listens on %s, not loopback: the sandbox accepts test credentials; give --allow-remote to listen there anyway", addr, host)
}

// unwrapOp drops the "listen tcp …:" prefix of a net error: the message names the address once.
func unwrapOp(err error) error {
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		return op.Err
	}
	var ae *net.AddrError
	if errors.As(err, &ae) {
		return errors.New(ae.Err)
	}
	return err
}

package sandbox_test

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/kontrak/kontrak/sandbox"
)

// serveLimited runs the sandbox behind sandbox.NewServer with the given timeouts, on loopback.
func serveLimited(t *testing.T, to sandbox.Timeouts) (*fixture, string) {
	t.Helper()
	return serveConfigured(t, sandbox.Config{}, to)
}

// serveConfigured is serveLimited with a configuration (its Root and Credentials are the fixture's).
func serveConfigured(t *testing.T, cfg sandbox.Config, to sandbox.Timeouts) (*fixture, string) {
	t.Helper()
	f := start(t, sandbox.Config{}) // for the contract, credentials and the handler's configuration
	cfg.Root, cfg.Credentials = f.root, f.creds
	h, err := sandbox.New(f.c, cfg)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := sandbox.NewServer(h, to, nil)
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return f, ln.Addr().String()
}

// closedWithin reads from c until the server closes it, and fails when it has not after a generous bound
// (a bound on the test, not a speed assertion: the server's timeout is a fraction of it).
func closedWithin(t *testing.T, c net.Conn, what string) []byte {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(20 * time.Second))
	b, err := io.ReadAll(c)
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Fatalf("%s: the connection is still open", what)
	}
	return b
}

func TestStalledUploadIsCutAtTheReadTimeout(t *testing.T) {
	t.Parallel()
	_, addr := serveLimited(t, sandbox.Timeouts{Read: 300 * time.Millisecond})
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "POST /ktp/id/extract-async HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{\"image\":\"")
	// … and nothing more: the server must give up on the body and close the connection.
	closedWithin(t, c, "a stalled upload")
}

func TestIdleConnectionsClose(t *testing.T) {
	t.Parallel()
	_, addr := serveLimited(t, sandbox.Timeouts{Idle: 300 * time.Millisecond})
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "GET /kontrak-nowhere HTTP/1.1\r\nHost: x\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Close {
		t.Fatal("the server closed a keep-alive connection at once: the idle timeout is not what closes it")
	}
	closedWithin(t, c, "an idle keep-alive connection")
}

// TestOversizeBodyIsRefusedUnread: a 50 MB body is answered with the vendor's size error (or the
// fixture's 413) after a few bytes of it, and the connection closes.
func TestOversizeBodyIsRefusedUnread(t *testing.T) {
	t.Parallel()
	f, addr := serveLimited(t, sandbox.Timeouts{})
	for _, tc := range []struct {
		vendor, op, code string
		status           int
	}{
		{"verihubs", "submitExtractKtpAsync", "INVALID_PAYLOAD_IMAGE_SIZE", 400},
		{"ekycpro", "idOcrGeneral", "IMAGE_INVALID_SIZE", 200},
		{"kredibel", "ocrKtp", "", 413},
		{"verihubs", "getExtractKtpAsyncResult", "INVALID_PAYLOAD_REFERENCE_ID", 400}, // no documented image: serve's 1 MiB, the spec's bodySize row
	} {
		op, err := f.c.Operation(tc.vendor, tc.op)
		if err != nil {
			t.Fatal(err)
		}
		req := f.rawRequest(t, op, raw{contentType: op.RequestContentType})
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		var head bytes.Buffer
		fmt.Fprintf(&head, "%s %s HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n", op.Method, req.URL.RequestURI(), 50<<20)
		for k, vs := range req.Header {
			fmt.Fprintf(&head, "%s: %s\r\n", k, vs[0])
		}
		head.WriteString("\r\n" + strings.Repeat("A", 1024))
		c.Write(head.Bytes())
		c.SetReadDeadline(time.Now().Add(20 * time.Second))
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatalf("%s: no answer after 1 KiB of a 50 MB body: %v", op.Name(), err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		c.Close()
		if cl := op.Classify(resp.StatusCode, body); resp.StatusCode != tc.status || cl.Code != tc.code {
			t.Errorf("%s: HTTP %d code %q, want HTTP %d code %q (%s)", op.Name(), resp.StatusCode, cl.Code, tc.status, tc.code, body)
		}
		if !resp.Close {
			t.Errorf("%s: the connection stays open after a refused body", op.Name())
		}
	}
}

// repeat is n bytes of base64 alphabet, made as they are read.
type repeat struct{ n int }

func (r *repeat) Read(p []byte) (int, error) {
	if r.n <= 0 {
		return 0, io.EOF
	}
	if len(p) > r.n {
		p = p[:r.n]
	}
	for i := range p {
		p[i] = 'A'
	}
	r.n -= len(p)
	return len(p), nil
}

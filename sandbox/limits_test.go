package sandbox_test

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
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

// heapBound is the bound of TestConcurrentOversizeBodiesKeepMemoryBounded: the growth of the sandbox
// process's heap in use (runtime/metrics, the sum that is MemStats.HeapInuse) while 20 chunked bodies of
// 60 MB each arrive at once at a sandbox that reads childLargeBodies large bodies at a time. A chunked body
// is read up to its operation's limit (about 10 MB for Verihubs' submit: its 5 MB image in base64 and
// form escaping), in io.ReadAll's growing buffer. Measured on a 2-core machine, with the child's collector
// at GOGC=10 so that the heap in use stays close to the live heap: 2 at a time grow the heap by 46 to 56 MB
// (63 to 68 MB under -race); all 20 at once, as without the large-body bound, by 170 to 240 MB (360 to
// 410 MB under -race). The heap is the Go runtime's own, so the bound holds as it is under -race: the race
// detector's shadow memory lies outside it (it is what multiplies the RSS, bounded without -race only).
const heapBound = 112 << 20

// childLargeBodies is the child sandbox's Config.MaxLargeBodies: fewer than DefaultMaxLargeBodies, so that
// the bounded and the unbounded heap lie far apart on either side of heapBound.
const childHeldBytes = 22 << 20

// rssBound is the child's peak RSS (VmHWM) in the same run, checked without -race only.
const rssBound = 200 << 20

// TestConcurrentOversizeBodiesKeepMemoryBounded runs the sandbox in a child process (this test binary),
// so that only the server's memory is measured, and sends it 20 chunked oversize bodies at once: no
// Content-Length, so each is read up to its limit. At most Config.MaxLargeBodies are read at a time; the
// child's heap in use, sampled every millisecond, grows by less than heapBound, race detector or not.
func TestConcurrentOversizeBodiesKeepMemoryBounded(t *testing.T) {
	if os.Getenv("KONTRAK_SANDBOX_CHILD") == "1" {
		t.Skip("the child's own run")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestSandboxChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), "KONTRAK_SANDBOX_CHILD=1", "GOGC=10") // GOGC: see heapBound
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	sc := bufio.NewScanner(stdout)
	var addr string
	for sc.Scan() {
		if a, ok := strings.CutPrefix(sc.Text(), "addr "); ok {
			addr = a
			break
		}
	}
	if addr == "" {
		t.Fatal("the child did not start")
	}
	f := start(t, sandbox.Config{})
	op, _ := f.c.Operation("verihubs", "submitExtractKtpAsync")
	proto := f.rawRequest(t, op, raw{contentType: op.RequestContentType})
	var wg sync.WaitGroup
	statuses := make([]int, 20)
	for i := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest(op.Method, "http://"+addr+op.Path, io.MultiReader(strings.NewReader(`{"image":"`), &repeat{n: 60 << 20}))
			req.Header = proto.Header.Clone()
			req.ContentLength = -1 // chunked
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				return // the server may close while the client still writes
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			statuses[i] = resp.StatusCode
		}()
	}
	wg.Wait()
	stdin.Close()
	var base, peak, hwm int64
	for sc.Scan() {
		line := sc.Text()
		if v, ok := strings.CutPrefix(line, "heap-base "); ok {
			base, _ = strconv.ParseInt(v, 10, 64)
		}
		if v, ok := strings.CutPrefix(line, "heap-peak "); ok {
			peak, _ = strconv.ParseInt(v, 10, 64)
		}
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			hwm = kb << 10
		}
	}
	cmd.Wait()
	if base == 0 || peak == 0 {
		t.Fatal("the child reported no heap")
	}
	t.Logf("heap in use of the sandbox under 20 concurrent 60 MB bodies: %d MB at rest, %d MB at peak (+%d MB); peak RSS %d MB (race detector: %v); answers %v",
		base>>20, peak>>20, (peak-base)>>20, hwm>>20, raceEnabled, statuses)
	if peak-base > heapBound {
		t.Errorf("the heap in use grew by %d MB, want under %d MB", (peak-base)>>20, heapBound>>20)
	}
	if !raceEnabled && hwm > rssBound {
		t.Errorf("peak RSS %d MB, want under %d MB", hwm>>20, rssBound>>20)
	}
	answered := 0
	for _, st := range statuses {
		if st != 0 {
			answered++
		}
		if st != 0 && st != http.StatusBadRequest {
			t.Errorf("an oversize body answered HTTP %d, want 400 INVALID_PAYLOAD_IMAGE_SIZE", st)
		}
	}
	if answered == 0 {
		t.Errorf("no body was answered: the sandbox read none of them, and the bound proved nothing")
	}
}

// TestSandboxChild is the child of TestConcurrentOversizeBodiesKeepMemoryBounded: a sandbox on loopback
// until its stdin closes, its heap in use sampled every millisecond meanwhile; then the heap at rest
// before the load, the peak, and its /proc status when there is one.
func TestSandboxChild(t *testing.T) {
	if os.Getenv("KONTRAK_SANDBOX_CHILD") != "1" {
		t.Skip("run by TestConcurrentOversizeBodiesKeepMemoryBounded")
	}
	_, addr := serveConfigured(t, sandbox.Config{Limits: sandbox.Limits{HeldBytes: childHeldBytes}}, sandbox.Timeouts{})
	runtime.GC()
	base := heapInUse()
	stop := make(chan struct{})
	done := make(chan int64)
	go func() {
		peak := base
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			peak = max(peak, heapInUse())
			select {
			case <-stop:
				done <- peak
				return
			case <-tick.C:
			}
		}
	}()
	fmt.Printf("addr %s\n", addr)
	io.Copy(io.Discard, os.Stdin)
	close(stop)
	fmt.Printf("heap-base %d\nheap-peak %d\n", base, <-done)
	if status, err := os.ReadFile("/proc/self/status"); err == nil {
		os.Stdout.Write(status)
	}
}

// heapInUse is MemStats.HeapInuse, read without stopping the world: the heap's spans that hold objects.
func heapInUse() int64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/memory/classes/heap/unused:bytes"}}
	metrics.Read(s)
	return int64(s[0].Value.Uint64() + s[1].Value.Uint64())
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

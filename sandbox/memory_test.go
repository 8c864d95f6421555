package sandbox_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kontrak/kontrak/client"
	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/sandbox"
)

// The memory bounds of kontrak serve, measured: the sandbox runs in a child process (this test binary,
// TestSandboxChild), with its default limits, so that only the server's memory is measured; each load
// is sent to it at once, and the child reports the growth of its heap in use over the load (runtime/metrics,
// the sum that is MemStats.HeapInuse, sampled every millisecond) and its peak RSS (VmHWM, reset before
// each load through /proc/self/clear_refs). The child's collector runs at GOGC=10, so that the heap in
// use stays close to the live heap: what is measured is what the server holds, not what the collector
// has not yet taken back. The heap is the Go runtime's own, so its bounds hold under -race too (the race
// detector's shadow memory lies outside it); the RSS bound is checked without -race only.
//
// Measured on a 2-core machine (go test, then go test -race), heap growth and peak RSS:
//
//	wrong credentials, 200 × 1 MB at once (JSON, form, multipart of thousands of values)   see memoryLoads
//	right credentials, 200 × 1 MB at once (the same, and single 1 MB values, parsed)
//	20 chunked bodies of 60 MB at once (Verihubs' submit, read to its 10 MB limit)
//
// Before issue 21 the first load reached 15.5 GB (a body parsed before its credentials were checked,
// at 70 to 85 times its size for a multipart of many parts).

// rssBound is the peak RSS every load must stay under (without -race): the bound the README states.
const rssBound = 400 << 20

// memoryLoad is one load of TestMemoryBounds and the bound of the heap's growth under it.
type memoryLoad struct {
	name, reason string
	heapBound    int64
	send         func(t *testing.T, f *fixture, addr string) []int // the statuses answered (0: no answer)
	check        func(t *testing.T, statuses []int)
}

// TestMemoryBounds holds kontrak serve to the memory bounds the README states (see above).
func TestMemoryBounds(t *testing.T) {
	if os.Getenv("KONTRAK_SANDBOX_CHILD") == "1" {
		t.Skip("the child's own run")
	}
	child := startChild(t)
	f := start(t, sandbox.Config{}) // the contract and credentials the child uses too
	for _, load := range memoryLoads() {
		began := time.Now()
		base, peak, hwm := child.measure(t, func() []int { return load.send(t, f, child.addr) }, load, f)
		t.Logf("%s took %v", load.name, time.Since(began))
		t.Logf("%s: heap in use %d MB at rest, +%d MB at peak (bound %d MB); peak RSS %d MB (race detector: %v)",
			load.name, base>>20, (peak-base)>>20, load.heapBound>>20, hwm>>20, raceEnabled)
		if peak-base > load.heapBound {
			t.Errorf("%s (%s): the heap in use grew by %d MB, want under %d MB", load.name, load.reason, (peak-base)>>20, load.heapBound>>20)
		}
		if !raceEnabled && hwm > rssBound {
			t.Errorf("%s (%s): peak RSS %d MB, want under %d MB", load.name, load.reason, hwm>>20, rssBound>>20)
		}
	}
}

func memoryLoads() []memoryLoad {
	return []memoryLoad{
		{
			name: "wrong-credentials-200x1MB", reason: "credentials are checked before a body is read; a refused body is discarded, never held",
			heapBound: 48 << 20,
			send: func(t *testing.T, f *fixture, addr string) []int {
				return sendAtOnce(t, f, addr, 200, manyValueBodies(t, f, 1<<20), false)
			},
			check: answeredAll,
		},
		{
			name: "right-credentials-200x1MB", reason: "at most Limits.HeldBytes of bodies are held; values are counted before a body is parsed",
			heapBound: 160 << 20,
			send: func(t *testing.T, f *fixture, addr string) []int {
				bodies := append(manyValueBodies(t, f, 1<<20), oneValueBodies(t, f, 1<<20)...)
				return sendAtOnce(t, f, addr, 200, bodies, true)
			},
			check: answeredAll,
		},
		{
			name: "chunked-20x60MB", reason: "a chunked body is read to its operation's limit, the rest discarded; Limits.HeldBytes holds them all",
			heapBound: 112 << 20,
			send: func(t *testing.T, f *fixture, addr string) []int {
				op, _ := f.c.Operation("verihubs", "submitExtractKtpAsync")
				proto := f.rawRequest(t, op, raw{contentType: op.RequestContentType})
				statuses := make([]int, 20)
				var wg sync.WaitGroup
				for i := range statuses {
					wg.Go(func() {
						req, _ := http.NewRequest(op.Method, "http://"+addr+op.Path, io.MultiReader(strings.NewReader(`{"image":"`), &repeat{n: 60 << 20}))
						req.Header = proto.Header.Clone()
						req.ContentLength = -1 // chunked
						resp, err := http.DefaultClient.Do(req)
						if err != nil {
							return // the server closes a body over Limits.Discard while the client still writes
						}
						io.Copy(io.Discard, resp.Body)
						resp.Body.Close()
						statuses[i] = resp.StatusCode
					})
				}
				wg.Wait()
				return statuses
			},
			check: func(t *testing.T, statuses []int) {
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
			},
		},
	}
}

func answeredAll(t *testing.T, statuses []int) {
	t.Helper()
	for i, st := range statuses {
		if st == 0 {
			t.Errorf("upload %d got no answer (a reset?): a client that writes its whole body gets its answer", i)
			return
		}
	}
}

// upload is one body of a load: the operation, its content type and bytes (shared by every request that
// sends it: the test's own memory stays small).
type upload struct {
	op          *contract.Operation
	contentType string
	body        []byte
}

// manyValueBodies are bodies of about size bytes made of as many small values as fit, for every vendor's
// operation with a body: a JSON object of thousands of members, a form of thousands of fields, a multipart
// of thousands of parts — what costs a parser most per byte.
func manyValueBodies(t *testing.T, f *fixture, size int) []upload {
	var out []upload
	for _, v := range f.c.Vendors() {
		for _, op := range v.Operations {
			if op.RequestSchema == nil || op.Signature != nil {
				continue
			}
			var b bytes.Buffer
			ct := op.RequestContentType
			switch {
			case strings.HasPrefix(ct, "multipart/"):
				mw := multipart.NewWriter(&b)
				for i := 0; b.Len() < size; i++ {
					mw.WriteField("f"+strconv.Itoa(i), "x")
				}
				mw.Close()
				ct = mw.FormDataContentType()
			case ct == "application/x-www-form-urlencoded":
				for i := 0; b.Len() < size; i++ {
					fmt.Fprintf(&b, "f%d=x&", i)
				}
			default:
				b.WriteString("{")
				for i := 0; b.Len() < size; i++ {
					fmt.Fprintf(&b, `"f%d":[1,{"a":"x"}],`, i)
				}
				b.WriteString(`"end":1}`)
			}
			out = append(out, upload{op, ct, b.Bytes()})
		}
	}
	return out
}

// oneValueBodies are bodies of about size bytes whose image field is one long value: parsed whole.
func oneValueBodies(t *testing.T, f *fixture, size int) []upload {
	var out []upload
	value := base64.StdEncoding.EncodeToString(make([]byte, size*3/4))
	for _, v := range f.c.Vendors() {
		for _, op := range v.Operations {
			field, _ := op.ImageField()
			if field == "" {
				continue
			}
			switch ct := op.RequestContentType; {
			case strings.HasPrefix(ct, "multipart/"):
				ct, body := multipartBody(t, field, "image/jpeg", make([]byte, size))
				out = append(out, upload{op, ct, body})
			case ct == "application/x-www-form-urlencoded":
				out = append(out, upload{op, ct, []byte(field + "=" + url.QueryEscape(value))})
			default:
				out = append(out, upload{op, ct, []byte(`{"` + field + `":"` + value + `"}`)})
			}
		}
	}
	return out
}

// sendAtOnce sends n uploads at once, round robin over bodies, with the right credentials or wrong ones,
// each with its Content-Length (written whole by the client), and returns the statuses answered.
func sendAtOnce(t *testing.T, f *fixture, addr string, n int, bodies []upload, right bool) []int {
	t.Helper()
	base := "http://" + addr
	tokens := map[string]string{}
	for _, u := range bodies {
		for _, sc := range u.op.Security {
			if sc.TokenOperation != "" && right && tokens[sc.TokenOperation] == "" {
				cl := client.New(u.op.Vendor, client.Config{BaseURL: base, Credentials: f.creds})
				resp, err := cl.Do(context.Background(), client.Request{Operation: sc.TokenOperation})
				if err != nil {
					t.Fatal(err)
				}
				tok, _ := contract.Lookup(resp.Body, u.op.Vendor.Operation(sc.TokenOperation).Token.TokenPointer)
				tokens[sc.TokenOperation] = fmt.Sprint(tok)
			}
		}
	}
	tr := &http.Transport{MaxConnsPerHost: n, MaxIdleConnsPerHost: n}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr, Timeout: 2 * time.Minute}
	statuses := make([]int, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		u := bodies[i%len(bodies)]
		wg.Go(func() {
			req, _ := http.NewRequest(u.op.Method, base+u.op.Path, bytes.NewReader(u.body))
			req.Header.Set("Content-Type", u.contentType)
			for _, sc := range u.op.Security {
				v := "kontrak-serve-test-wrong"
				if right {
					v = f.creds[sc.Env]
					if sc.TokenOperation != "" {
						v = tokens[sc.TokenOperation]
					}
				}
				if sc.Type == "http" {
					v = "Bearer " + v
				}
				if sc.In == "query" {
					q := req.URL.Query()
					q.Set(sc.Header, v)
					req.URL.RawQuery = q.Encode()
				} else {
					req.Header.Set(sc.Header, v)
				}
			}
			<-start
			resp, err := hc.Do(req)
			if err != nil {
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			statuses[i] = resp.StatusCode
		})
	}
	close(start)
	wg.Wait()
	return statuses
}

// child is the sandbox of TestSandboxChild, driven through its stdin and stdout.
type child struct {
	addr string
	in   io.Writer
	out  *bufio.Scanner
}

func startChild(t *testing.T) *child {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestSandboxChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), "KONTRAK_SANDBOX_CHILD=1", "GOGC=10") // GOGC: see above
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stdin.Close(); cmd.Wait() })
	c := &child{in: stdin, out: bufio.NewScanner(stdout)}
	for c.out.Scan() {
		if a, ok := strings.CutPrefix(c.out.Text(), "addr "); ok {
			c.addr = a
			return c
		}
	}
	t.Fatal("the child did not start")
	return nil
}

// measure runs a load against the child and returns its heap in use at rest before it, its peak during
// it, and its peak RSS during it.
func (c *child) measure(t *testing.T, send func() []int, load memoryLoad, f *fixture) (base, peak, hwm int64) {
	t.Helper()
	fmt.Fprintln(c.in, "start")
	c.expect(t, "started")
	statuses := send()
	fmt.Fprintln(c.in, "stop")
	for c.out.Scan() {
		line := c.out.Text()
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
		if line == "stopped" {
			break
		}
	}
	if base == 0 || peak == 0 {
		t.Fatalf("%s: the child reported no heap", load.name)
	}
	load.check(t, statuses)
	return base, peak, hwm
}

func (c *child) expect(t *testing.T, want string) {
	t.Helper()
	for c.out.Scan() {
		if c.out.Text() == want {
			return
		}
	}
	t.Fatalf("the child did not say %q", want)
}

// TestSandboxChild is the child of TestMemoryBounds: a sandbox on loopback with its default limits, that
// measures each load between a "start" and a "stop" line on its stdin — its heap in use at rest, its peak,
// sampled every millisecond, and its /proc status (VmHWM) — until its stdin closes.
func TestSandboxChild(t *testing.T) {
	if os.Getenv("KONTRAK_SANDBOX_CHILD") != "1" {
		t.Skip("run by TestMemoryBounds")
	}
	_, addr := serveConfigured(t, sandbox.Config{}, sandbox.Timeouts{})
	fmt.Printf("addr %s\n", addr)
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		if in.Text() != "start" {
			continue
		}
		runtime.GC()
		os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) // resets VmHWM (Linux); elsewhere the peak is the process's
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
		fmt.Println("started")
		for in.Scan() && in.Text() != "stop" {
		}
		close(stop)
		fmt.Printf("heap-base %d\nheap-peak %d\n", base, <-done)
		if status, err := os.ReadFile("/proc/self/status"); err == nil {
			os.Stdout.Write(status)
		}
		fmt.Println("stopped")
	}
}

// heapInUse is MemStats.HeapInuse, read without stopping the world: the heap's spans that hold objects.
func heapInUse() int64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/memory/classes/heap/unused:bytes"}}
	metrics.Read(s)
	return int64(s[0].Value.Uint64() + s[1].Value.Uint64())
}

package monitor

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// guard is how long a test waits for what must happen at once before it says the monitor blocked (a
// bound against a hang, never a measure of speed: everything here happens on a channel's signal).
const guard = 30 * time.Second

// The monitor never delays the caller: RoundTrip returns the vendor's status and headers while the body
// has not been sent; the answer is judged in the Read that reaches its end, before Close.
func TestTransportReturnsBeforeTheBody(t *testing.T) {
	c := load(t)
	body := example(t, c, "advance", "ocrKtpCheck", 200)
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		w.(http.Flusher).Flush() // the headers leave now; the body only once the test releases it
		<-release
		w.Write(body[:10])
		w.(http.Flusher).Flush()
		w.Write(body[10:])
	}))
	defer srv.Close()
	defer func() {
		select {
		case <-release:
		default:
			close(release)
		}
	}()
	var events atomic.Int32
	tr := NewTransport(nil, c, WithCallback(func(Event) { events.Add(1) }))
	type result struct {
		resp *http.Response
		err  error
	}
	done := make(chan result, 1)
	go func() {
		resp, err := (&http.Client{Transport: tr}).Post(srv.URL+"/openapi/face-recognition/v3/ocr-ktp-check", "application/json", nil)
		done <- result{resp, err}
	}()
	var res result
	select {
	case res = <-done:
	case <-time.After(guard):
		t.Fatal("RoundTrip did not return while the body was held back: the monitor waits for the body")
	}
	if res.err != nil {
		t.Fatal(res.err)
	}
	resp := res.resp
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("caller got %d %v before the body", resp.StatusCode, resp.Header)
	}
	if n := events.Load(); n != 0 || tr.Stats().Operations[0].Judged != 0 {
		t.Fatalf("judged before the body arrived: %d events", n)
	}
	close(release)
	got, err := io.ReadAll(resp.Body)
	if err != nil || !bytes.Equal(got, body) {
		t.Fatalf("caller read %q, %v", got, err)
	}
	if n := events.Load(); n != 1 {
		t.Errorf("%d events once the caller read to the end, want 1 (judged at EOF, before Close)", n)
	}
	resp.Body.Close()
	st := tr.Stats().Operations[0]
	if events.Load() != 1 || st.Judged != 1 || st.Calls != 1 {
		t.Errorf("after Close: %d events, stats %+v; want one judged call", events.Load(), st)
	}
	if _, err := resp.Body.Read(make([]byte, 8)); err == nil {
		t.Error("a Read after Close succeeded")
	}
}

// countingBody is a vendor body that never returns io.EOF with its last bytes (the io.Reader contract
// allows either), and counts the reads it serves.
type countingBody struct {
	r      io.Reader
	reads  int
	closed bool
}

func (b *countingBody) Read(p []byte) (int, error) {
	b.reads++
	if len(p) > 7 {
		p = p[:7] // a few bytes at a time, as a slow network delivers them
	}
	return b.r.Read(p)
}
func (b *countingBody) Close() error { b.closed = true; return nil }

// Judged at Close: a caller that read all of a declared Content-Length without seeing io.EOF (json.Decoder
// stops at the end of the value) has its answer judged when it closes the body; a caller that closes
// before the end has it counted as not judged (never judged cut short); nothing reads after Close.
func TestTransportJudgesAtClose(t *testing.T) {
	c := load(t)
	body := example(t, c, "advance", "ocrKtpCheck", 200)
	for _, tc := range []struct {
		reason string
		read   int // bytes the caller reads before Close
		judged bool
	}{
		{"all of the Content-Length read, no EOF seen: judged at Close", len(body), true},
		{"closed after half the body: not judged", len(body) / 2, false},
		{"closed unread: not judged", 0, false},
	} {
		vendor := &countingBody{r: bytes.NewReader(body)}
		next := roundTripFunc(func(*http.Request) (*http.Response, error) {
			return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}}, ContentLength: int64(len(body)), Body: vendor}, nil
		})
		events := 0
		tr := NewTransport(next, c, WithCallback(func(e Event) {
			events++
			if len(e.Findings) != 0 {
				t.Errorf("%s: findings %v of the documented example", tc.reason, e.Findings)
			}
		}))
		req, _ := http.NewRequest("POST", "https://api.advance.ai/openapi/face-recognition/v3/ocr-ktp-check", nil)
		resp, err := tr.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		got := make([]byte, tc.read)
		if _, err := io.ReadFull(resp.Body, got); err != nil || !bytes.Equal(got, body[:tc.read]) {
			t.Fatalf("%s: read %q, %v", tc.reason, got, err)
		}
		if events != 0 {
			t.Errorf("%s: judged before Close without an EOF", tc.reason)
		}
		resp.Body.Close()
		st := tr.Stats().Operations[0]
		if (events == 1) != tc.judged || (st.Judged == 1) != tc.judged || (st.NotJudged == 1) == tc.judged || !vendor.closed {
			t.Errorf("%s: %d events, stats %+v, vendor body closed %v", tc.reason, events, st, vendor.closed)
		}
		reads := vendor.reads
		if n, err := resp.Body.Read(make([]byte, 64)); n != 0 || err == nil || vendor.reads != reads {
			t.Errorf("%s: a Read after Close gave %d bytes, %v, and read the vendor's body %d more times", tc.reason, n, err, vendor.reads-reads)
		}
	}
}

// endlessBody is a vendor body of n bytes of JSON-ish filler made as it is read: it costs no memory itself.
type endlessBody struct{ left int64 }

func (b *endlessBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	for i := range p {
		p[i] = ' '
	}
	b.left -= int64(len(p))
	return len(p), nil
}
func (b *endlessBody) Close() error { return nil }

// The copy of a body is bounded by the cap (1 MiB by default), however long the body and whether or not it
// declares its length: reading 64 MiB through the monitor allocates a few MiB, not 64. Measured, not timed.
func TestBodyMemoryBound(t *testing.T) {
	c := load(t)
	const size = 64 << 20
	next := roundTripFunc(func(*http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: 200, Header: http.Header{}, ContentLength: -1, Body: &endlessBody{left: size}}, nil
	})
	tr := NewTransport(next, c)
	req, _ := http.NewRequest("POST", "https://api.advance.ai/openapi/face-recognition/v3/ocr-ktp-check", nil)
	buf := make([]byte, 32<<10)
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	resp, err := tr.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	for {
		k, err := resp.Body.Read(buf)
		n += int64(k)
		if err != nil {
			break
		}
	}
	resp.Body.Close()
	runtime.ReadMemStats(&after)
	if n != size {
		t.Fatalf("caller read %d bytes of %d", n, size)
	}
	alloc := after.TotalAlloc - before.TotalAlloc
	t.Logf("reading %d MiB through the monitor allocated %.2f MiB", size>>20, float64(alloc)/(1<<20))
	if alloc > 8<<20 {
		t.Errorf("reading %d MiB through the monitor allocated %d bytes: the copy is not bounded by the 1 MiB cap", size>>20, alloc)
	}
	if st := tr.Stats().Operations[0]; st.NotJudged != 1 || st.Judged != 0 {
		t.Errorf("stats %+v: a body over the cap is not judged", st)
	}
}

// The callback receiver is called at once, before the vendor's body arrived, and reads it as it comes;
// the callback is judged at its end. A receiver that leaves the body unread still has it judged whole.
func TestHandlerDoesNotWaitForTheBody(t *testing.T) {
	c := load(t)
	cb, err := c.Callback("verihubs", "extractKtpAsyncCallback")
	if err != nil {
		t.Fatal(err)
	}
	result := example(t, c, "verihubs", "getExtractKtpAsyncResult", 200)
	for _, reads := range []bool{true, false} {
		called := make(chan struct{})
		var got []byte
		var mu sync.Mutex
		events := 0
		receiver := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			close(called)
			if reads {
				b, _ := io.ReadAll(r.Body)
				mu.Lock()
				got = b
				if events != 1 {
					t.Errorf("the receiver read to the end and %d events came, want 1 (judged at EOF)", events)
				}
				mu.Unlock()
			}
			w.WriteHeader(http.StatusNoContent)
		})
		h := NewHandler(receiver, c, cb, WithCallback(func(e Event) {
			mu.Lock()
			events++
			mu.Unlock()
		}))
		srv := httptest.NewServer(h)
		pr, pw := io.Pipe()
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/hooks/verihubs", pr)
		req.Header.Set("Content-Type", "application/json")
		req.SetBasicAuth("kontrak", "synthetic")
		done := make(chan *http.Response, 1)
		go func() {
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				close(done)
				return
			}
			done <- resp
		}()
		select {
		case <-called:
		case <-time.After(guard):
			t.Fatal("the receiver was not called while the body was held back: the monitor waits for the body")
		}
		pw.Write(result)
		pw.Close()
		resp := <-done
		if resp == nil {
			srv.Close()
			continue
		}
		resp.Body.Close()
		srv.Close()
		st := h.Stats()
		mu.Lock()
		if resp.StatusCode != http.StatusNoContent || events != 1 || st.Operations[0].Judged != 1 || (reads && !bytes.Equal(got, result)) {
			t.Errorf("receiver reads %v: status %d, %d events, stats %+v, receiver got %d of %d bytes", reads, resp.StatusCode, events, st.Operations, len(got), len(result))
		}
		mu.Unlock()
	}
}

// A callback is still judged as a whole at the receiver's return when it declared its length and was read
// in full; the exact bytes reach the receiver (TestHandlerCallbacks holds the findings).
func TestHandlerBodyPassesThrough(t *testing.T) {
	c := load(t)
	cb, _ := c.Callback("verihubs", "extractKtpAsyncCallback")
	body := strings.Repeat(" ", 100) + `{"message":"success"}`
	var got []byte
	h := NewHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, _ = io.ReadAll(r.Body)
		r.Body.Close()
		if _, err := r.Body.Read(make([]byte, 1)); err == nil {
			t.Error("the receiver read after Close")
		}
	}), c, cb)
	req := httptest.NewRequest(http.MethodPost, "/hooks", strings.NewReader(body))
	h.ServeHTTP(httptest.NewRecorder(), req)
	if string(got) != body || h.Stats().Operations[0].Judged != 1 {
		t.Errorf("receiver got %q, stats %+v", got, h.Stats())
	}
}

package sandbox_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"sort"
	"testing"
	"time"

	"github.com/kontrak/kontrak/client"
	"github.com/kontrak/kontrak/sandbox"
	"github.com/kontrak/kontrak/specimen"
)

// BenchmarkServe measures the sandbox on loopback: a Verihubs sandbox-code GET and an ADVANCE multipart OCR
// POST of a 640×400 JPEG, recorded (it matches an early candidate) and not (every candidate is tried). It reports p50 and p99 latencies beside ns/op (1e9/ns-op is the requests per
// second of one client).
func BenchmarkServe(b *testing.B) {
	f := start(b, sandbox.Config{})
	get, _ := f.c.Operation("verihubs", "getExtractKtpAsyncResult")
	ocr, _ := f.c.Operation("advance", "ocrKtpCheck")
	jpeg := picture(b, cleanJPEG)
	ct, body := multipartBody(b, "ocrImage", "image/jpeg", jpeg)
	// The same picture one byte longer: a valid JPEG no recording holds, so every candidate is tried.
	uct, ubody := multipartBody(b, "ocrImage", "image/jpeg", append(append([]byte(nil), jpeg...), 0))
	for _, bc := range []struct {
		name string
		req  func() *http.Request
	}{
		{"verihubs-sandbox-get", func() *http.Request {
			return f.rawRequest(b, get, raw{query: "reference_id=REFERENCE_ID_KTP"})
		}},
		{"advance-ocr-post-640x400", func() *http.Request {
			return f.rawRequest(b, ocr, raw{contentType: ct, body: body})
		}},
		{"advance-ocr-post-640x400-unrecorded", func() *http.Request {
			return f.rawRequest(b, ocr, raw{contentType: uct, body: ubody})
		}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			proto := bc.req()
			payload, _ := io.ReadAll(proto.Body)
			lat := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for range b.N {
				req := proto.Clone(proto.Context())
				req.Body = io.NopCloser(bytes.NewReader(payload))
				t0 := time.Now()
				resp, err := f.srv.Client().Do(req)
				if err != nil {
					b.Fatal(err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				lat = append(lat, time.Since(t0))
				if resp.StatusCode != http.StatusOK {
					b.Fatalf("HTTP %d", resp.StatusCode)
				}
			}
			b.StopTimer()
			sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
		})
	}
}

// imageRequest is one vendor's documented image request as its real client sends it, kept as bytes.
type imageRequest struct {
	name   string
	method string
	url    string
	header http.Header
	body   []byte
}

// imageRequests builds, for every vendor, the first operation (by id) that carries x-kontrak-image,
// called by the real client with a ~100 KB synthetic JPEG (specimen), against the fixture's sandbox.
func imageRequests(b *testing.B, f *fixture) []imageRequest {
	img, err := specimen.Render(specimen.NewIdentity("bench-image-request"), specimen.Clean, specimen.JPEG, 960, 600)
	if err != nil {
		b.Fatal(err)
	}
	var out []imageRequest
	for _, v := range f.c.Vendors() {
		for _, id := range v.OperationIDs() {
			op := v.Operation(id)
			if field, _ := op.ImageField(); field == "" || op.Method != http.MethodPost {
				continue
			}
			var got imageRequest
			capture := handlerTransport{http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				got = imageRequest{name: fmt.Sprintf("%s-%s-%dKB", v.ID, id, len(img)/1000), method: r.Method, url: r.URL.String(), header: r.Header.Clone()}
				got.body, _ = io.ReadAll(r.Body)
				r.Body = io.NopCloser(bytes.NewReader(got.body))
				f.sb.ServeHTTP(w, r)
			})}
			cl := client.New(v, client.Config{BaseURL: f.baseURL(v), Credentials: f.creds, HTTP: &http.Client{Transport: capture}})
			if _, err := cl.Do(context.Background(), client.Request{Operation: id, Image: img}); err != nil {
				b.Fatal(err)
			}
			out = append(out, got)
			break
		}
	}
	return out
}

// BenchmarkImageRequest measures each vendor's documented image request (~100 KB JPEG) over loopback,
// beside a bare loopback call of the same bytes (a handler that reads the body and answers 200): serve
// must decode the body once and the image once, whatever rules read them (issue 24). It reports
// allocations per request (B/op, allocs/op: client and server), "x-loopback", the ratio of ns/op to the
// bare call, and "server-B/op", the bytes the handler alone allocates a request (in process).
func BenchmarkImageRequest(b *testing.B) {
	f := start(b, sandbox.Config{})
	bare := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Write([]byte(`{}`))
	}))
	b.Cleanup(bare.Close)
	send := func(b *testing.B, srv *httptest.Server, ir imageRequest) {
		u, _ := url.Parse(ir.url)
		req, _ := http.NewRequest(ir.method, srv.URL+u.RequestURI(), bytes.NewReader(ir.body))
		req.Header = ir.header.Clone()
		resp, err := srv.Client().Do(req)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode >= 500 {
			b.Fatalf("HTTP %d", resp.StatusCode)
		}
	}
	for _, ir := range imageRequests(b, f) {
		b.Run(ir.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				send(b, f.srv, ir)
			}
			served := b.Elapsed()
			// The floor: as many bare loopback calls of the same bytes, outside the timer (testing.Benchmark
			// cannot run inside a benchmark).
			t0 := time.Now()
			for range b.N {
				send(b, bare, ir)
			}
			b.ReportMetric(float64(served)/float64(time.Since(t0)), "x-loopback")
			// The handler alone, in process: what serve allocates for one request.
			const runs = 20
			var m0, m1 runtime.MemStats
			runtime.ReadMemStats(&m0)
			for range runs {
				req := httptest.NewRequest(ir.method, ir.url, bytes.NewReader(ir.body))
				req.Header = ir.header.Clone()
				f.sb.ServeHTTP(httptest.NewRecorder(), req)
			}
			runtime.ReadMemStats(&m1)
			b.ReportMetric(float64(m1.TotalAlloc-m0.TotalAlloc)/runs, "server-B/op")
			b.ReportMetric(float64(m1.TotalAlloc-m0.TotalAlloc)/runs/float64(len(ir.body)), "server-B/body-B")
			b.ReportMetric(float64(m1.Mallocs-m0.Mallocs)/runs, "server-allocs/op")
		})
	}
}

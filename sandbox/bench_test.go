package sandbox_test

import (
	"bytes"
	"io"
	"net/http"
	"sort"
	"testing"
	"time"

	"github.com/kontrak/kontrak/sandbox"
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

package monitor

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"testing"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"

	"github.com/kontrak/kontrak/contract"
)

// nopBody is a vendor body that costs no allocation to hand out again.
type nopBody struct{ bytes.Reader }

func (nopBody) Close() error { return nil }

// BenchmarkTransport: a conforming answer through the monitor (transport/, with the global no-op meter
// provider; transport-otel/, with the OpenTelemetry SDK recording every instrument) against contract.Judge
// of the same answer alone (judge/), which is what the monitor calls. The difference in allocs/op is what the
// monitor adds.
func BenchmarkTransport(b *testing.B) {
	c := load(b)
	body := example(b, c, "advance", "ocrKtpCheck", 200)
	op, _ := c.Operation("advance", "ocrKtpCheck")
	b.Run("judge", func(b *testing.B) {
		b.ReportAllocs()
		h := http.Header{}
		for b.Loop() {
			if v := c.Judge(contract.Exchange{Status: 200, Header: h, Body: body}, contract.JudgeOptions{Operation: op}); len(v.Findings) != 0 {
				b.Fatal(v.Findings)
			}
		}
	})
	run := func(b *testing.B, opts ...Option) {
		resp := &http.Response{StatusCode: 200, Header: http.Header{}, ContentLength: int64(len(body))}
		vb := &nopBody{}
		next := roundTripFunc(func(*http.Request) (*http.Response, error) {
			vb.Reset(body)
			resp.Body = vb
			return resp, nil
		})
		tr := NewTransport(next, c, opts...)
		req, _ := http.NewRequest("POST", "https://api.advance.ai/openapi/face-recognition/v3/ocr-ktp-check", nil)
		buf := make([]byte, len(body)+1)
		b.ReportAllocs()
		for b.Loop() {
			r, _ := tr.RoundTrip(req)
			io.ReadFull(r.Body, buf[:len(body)])
			r.Body.Close()
		}
		if st := tr.Stats(); st.Operations[0].Drifted != 0 {
			b.Fatal(st)
		}
	}
	b.Run("transport", func(b *testing.B) { run(b) })
	b.Run("transport-otel", func(b *testing.B) {
		mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
		defer mp.Shutdown(context.Background())
		run(b, WithMeterProvider(mp))
	})
}

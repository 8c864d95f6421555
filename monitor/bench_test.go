package monitor

import (
	"bytes"
	"io"
	"net/http"
	"testing"

	"github.com/kontrak/kontrak/contract"
)

// nopBody is a vendor body that costs no allocation to hand out again.
type nopBody struct{ bytes.Reader }

func (nopBody) Close() error { return nil }

// BenchmarkTransport: a conforming answer through the monitor (transport/) against Operation.Check of
// the same body alone (check/). The difference in allocs/op is what the monitor adds on its fast path.
func BenchmarkTransport(b *testing.B) {
	c := load(b)
	body := example(b, c, "advance", "ocrKtpCheck", 200)
	op, _ := c.Operation("advance", "ocrKtpCheck")
	b.Run("check", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if fs := op.Check(200, nil, body, contract.CheckOptions{}); len(fs) != 0 {
				b.Fatal(fs)
			}
			op.Classify(200, body)
		}
	})
	b.Run("transport", func(b *testing.B) {
		resp := &http.Response{StatusCode: 200, Header: http.Header{}, ContentLength: int64(len(body))}
		vb := &nopBody{}
		next := roundTripFunc(func(*http.Request) (*http.Response, error) {
			vb.Reset(body)
			resp.Body = vb
			return resp, nil
		})
		tr := NewTransport(next, c)
		req, _ := http.NewRequest("POST", "https://api.advance.ai/openapi/face-recognition/v3/ocr-ktp-check", nil)
		buf := make([]byte, len(body)+1)
		b.ReportAllocs()
		for b.Loop() {
			r, _ := tr.RoundTrip(req)
			io.ReadFull(r.Body, buf[:len(body)])
			r.Body.Close()
		}
	})
}

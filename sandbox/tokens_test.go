package sandbox_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/kontrak/kontrak/client"
	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/sandbox"
)

// handlerTransport sends a request straight to a handler, without a socket: the token tests issue
// thousands of tokens, and what they measure is the server's store, not loopback.
type handlerTransport struct{ h http.Handler }

func (t handlerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	t.h.ServeHTTP(rec, req)
	return rec.Result(), nil
}

// signedTokenRequest is one signed generate-token request of the real client at the clock's time, kept
// as bytes: with the clock held still, the same request is valid again and again, and each gets a new
// token.
type signedTokenRequest struct {
	url    string
	header http.Header
	body   []byte
}

func newSignedTokenRequest(t testing.TB, f *fixture, now func() time.Time) (signedTokenRequest, *contract.Operation) {
	t.Helper()
	tokenOp, err := f.c.Operation("advance", "generateToken")
	if err != nil {
		t.Fatal(err)
	}
	var got signedTokenRequest
	capture := handlerTransport{http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.url, got.header = r.URL.String(), r.Header.Clone()
		got.body, _ = io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(got.body))
		f.sb.ServeHTTP(w, r)
	})}
	v := f.c.Vendor("advance")
	cl := client.New(v, client.Config{BaseURL: "http://sandbox.invalid", Credentials: f.creds, HTTP: &http.Client{Transport: capture}, Now: now})
	if _, err := cl.Do(context.Background(), client.Request{Operation: tokenOp.ID}); err != nil {
		t.Fatal(err)
	}
	return got, tokenOp
}

// issue sends the request once to the handler and returns the token it got ("" for none).
func (s signedTokenRequest) issue(t testing.TB, h http.Handler, tokenOp *contract.Operation) string {
	req := httptest.NewRequest(http.MethodPost, s.url, bytes.NewReader(s.body))
	req.Header = s.header.Clone()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	tok, _ := contract.Lookup(rec.Body.Bytes(), tokenOp.Token.TokenPointer)
	str, _ := tok.(string)
	return str
}

func TestTokensBounded(t *testing.T) {
	t.Parallel()
	const limit, issued = 300, 2000
	clk := newClock(time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC))
	f := start(t, sandbox.Config{Now: clk.Now, MaxTokens: limit})
	req, tokenOp := newSignedTokenRequest(t, f, clk.Now)
	// The longest period a token may be issued for: the client may ask for its own.
	period := time.Duration(max(tokenOp.Token.PeriodSecond["default"], tokenOp.Token.PeriodSecond["maximum"])) * time.Second

	first := ""
	for i := range issued {
		tok := req.issue(t, f.sb, tokenOp)
		if tok == "" {
			t.Fatalf("request %d got no token", i)
		}
		if i == 0 {
			first = tok
		}
		if n := f.sb.Tokens(); n > limit {
			t.Fatalf("after %d tokens the server remembers %d, more than MaxTokens %d", i+1, n, limit)
		}
	}
	if n := f.sb.Tokens(); n != limit {
		t.Errorf("after %d tokens the server remembers %d, want MaxTokens %d (the newest)", issued, n, limit)
	}
	ocr := func(tok string) *client.Response {
		return f.do(t, "advance", client.Request{Operation: "ocrKtpCheck", Image: picture(t, cleanJPEG), NoToken: true, TokenValue: tok})
	}
	if resp := ocr(first); !isRefusedToken(tokenOp, resp) {
		t.Errorf("the first of %d tokens, forgotten past MaxTokens %d, is still accepted: %s", issued, limit, resp.Body)
	}
	last := req.issue(t, f.sb, tokenOp)
	if resp := ocr(last); isRefusedToken(tokenOp, resp) {
		t.Errorf("the newest token is refused: %s (%s)", resp.Body, f.log.Last())
	}

	// Expiry by time: one period later every token has expired, and the next issue forgets them all.
	clk.Advance(period)
	req, _ = newSignedTokenRequest(t, f, clk.Now)
	if n := f.sb.Tokens(); n != 1 {
		t.Errorf("a period after %d tokens the server remembers %d, want 1 (the one just issued)", issued, n)
	}
}

func isRefusedToken(tokenOp *contract.Operation, resp *client.Response) bool {
	return tokenOp.Classify(resp.Status, resp.Body).Code == tokenOp.Token.Refused.Code
}

// BenchmarkTokens measures a generate-token call (signature checked, token issued and kept) through the
// handler, after 1k and after 100k tokens were issued: the store's cost must not grow with the tokens it
// holds (issue 24: the old sweep took the rate from 5.9k to 2.2k a second within 15 s). It reports
// ns/op per size and, on the larger, the ratio to the smaller ("x-1k": 1 is flat).
func BenchmarkTokens(b *testing.B) {
	clk := newClock(time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC))
	perOp := map[int]float64{}
	for _, n := range []int{1_000, 100_000} {
		// One server per size, filled once: every round of b.N adds its tokens to the n already held
		// (MaxTokens 2n: past it the oldest are forgotten, which is part of what an issue costs).
		f := start(b, sandbox.Config{Now: clk.Now, MaxTokens: 2 * n})
		req, tokenOp := newSignedTokenRequest(b, f, clk.Now)
		for range n {
			req.issue(b, f.sb, tokenOp)
		}
		b.Run(fmt.Sprintf("issued=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if req.issue(b, f.sb, tokenOp) == "" {
					b.Fatal("no token")
				}
			}
			ns := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
			perOp[n] = ns
			if small := perOp[1_000]; n > 1_000 && small > 0 {
				b.ReportMetric(ns/small, "x-1k")
			}
		})
	}
}

package monitor

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// The callback handler: the wrapped receiver always gets the exact bytes sent; the callback gets the
// findings of the inbound callback; the size cap passes a body unjudged; a panicking callback is recovered.
func TestHandlerCallbacks(t *testing.T) {
	c := load(t)
	cb, err := c.Callback("verihubs", "extractKtpAsyncCallback")
	if err != nil {
		t.Fatal(err)
	}
	result := example(t, c, "verihubs", "getExtractKtpAsyncResult", 200)
	big := append(bytes.Repeat([]byte(" "), 2048), result...)
	for _, tc := range []struct {
		reason string
		auth   bool
		body   []byte
		want   string // finding ids, or "unjudged"
	}{
		{"the documented result with Basic auth", true, result, ""},
		{"no Basic auth", false, result, "callback-auth-missing"},
		{"drifted: the data object is gone", true, []byte(`{"message":"success"}`), "field-missing"},
		{"over the cap: passed on, not judged", true, big, "unjudged"},
		{"a panic-provoking body", true, []byte("{\"data\":" + strings.Repeat("[", 1000)), "body-not-json"},
	} {
		var got []byte
		receiver := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			got, _ = io.ReadAll(r.Body)
			w.WriteHeader(http.StatusNoContent)
		})
		var ids []string
		events := 0
		h := NewHandler(receiver, c, cb, WithMaxBody(1024), WithCallback(func(e Event) {
			events++
			for _, f := range e.Findings {
				ids = append(ids, f.ID)
			}
			panic("a panicking callback")
		}))
		req := httptest.NewRequest(http.MethodPost, "/hooks/verihubs", bytes.NewReader(tc.body))
		req.Header.Set("Content-Type", "application/json")
		if tc.auth {
			req.SetBasicAuth("kontrak", "synthetic")
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusNoContent || !bytes.Equal(got, tc.body) {
			t.Errorf("%s: the receiver got %d bytes (status %d), want the %d sent", tc.reason, len(got), rec.Code, len(tc.body))
		}
		s := h.Stats()
		if tc.want == "unjudged" {
			if events != 0 || len(s.Operations) != 1 || s.Operations[0].NotJudged != 1 {
				t.Errorf("%s: %d events, stats %+v; want it counted as not judged", tc.reason, events, s.Operations)
			}
			continue
		}
		if events != 1 || !strings.Contains(strings.Join(ids, ","), tc.want) || (tc.want == "") != (len(ids) == 0) {
			t.Errorf("%s: %d events, findings %v; want %q", tc.reason, events, ids, tc.want)
		}
		if s.Panics != 1 || s.Operations[0].Operation != "extractKtpAsyncCallback" || s.Operations[0].Judged != 1 {
			t.Errorf("%s: stats %+v", tc.reason, s)
		}
	}
}

package monitor

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/kontrak/kontrak/contract"
)

// TestLogsPrintNoPathNIK: calls whose request path and query hold a NIK — a documented route whose answer
// drifted (so the monitor logs), its query holding the NIK; a route of no vendor operation holding it as a
// segment, after %2F, and in the fragment — are judged through NewTransport with a logger at Debug, in
// slog's JSON and text handlers, and no log line holds the NIK.
func TestLogsPrintNoPathNIK(t *testing.T) {
	const nik = "3174011708900002"
	c := load(t)
	drift := bytes.Replace(example(t, c, "ekycpro", "idOcrGeneral", 200), []byte(`"status":"OK"`), []byte(`"status":"NEW"`), 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(drift)
	}))
	t.Cleanup(srv.Close)
	paths := []string{
		"/v1/id_ocr/general?nik=" + nik + "&q=" + nik[:8] + "-" + nik[8:],
		"/v1/ktp/" + nik + "?nik=" + nik + "#" + nik,
		"/v1/ktp%2F" + nik,
		"/v1/id_ocr/general/" + nik,
	}
	opts := &slog.HandlerOptions{Level: slog.LevelDebug}
	for _, h := range []struct {
		name string
		new  func(io.Writer) slog.Handler
	}{
		{"json", func(w io.Writer) slog.Handler { return slog.NewJSONHandler(w, opts) }},
		{"text", func(w io.Writer) slog.Handler { return slog.NewTextHandler(w, opts) }},
	} {
		var logs bytes.Buffer
		var findings int
		tr := NewTransport(nil, c, WithLogger(slog.New(h.new(&logs))), WithCallback(func(e Event) { findings += len(e.Findings) }))
		client := &http.Client{Transport: tr}
		for _, p := range paths {
			resp, err := client.Post(srv.URL+p, "application/json", strings.NewReader(`{}`))
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		if findings == 0 || !strings.Contains(logs.String(), contract.ErrorCodeUndocumented) {
			t.Fatalf("%s: the drifted answer was not logged (%d findings): the test proves nothing\n%s", h.name, findings, logs.String())
		}
		if st := tr.Stats(); st.Unrouted == 0 {
			t.Errorf("%s: no call counted unrouted: %+v", h.name, st)
		}
		for _, leak := range []string{nik, nik[8:]} {
			if strings.Contains(logs.String(), leak) {
				t.Errorf("%s: a log line holds the path's NIK:\n%s", h.name, logs.String())
			}
		}
	}
}

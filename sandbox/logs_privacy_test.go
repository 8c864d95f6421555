package sandbox_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/kontrak/kontrak/sandbox"
)

// serve's own log prints nothing a client put in a request that may be personal data: an unknown member's
// name, a client's own reference id, an unrouted path, a method no registry names (the red team's second
// pass found each printed as it came).
func TestLogsPrintNoPersonalData(t *testing.T) {
	f := start(t, sandbox.Config{Callbacks: sandbox.Callbacks{HTTP: true}})
	hdr := http.Header{"App-Id": {f.creds["VERIHUBS_APP_ID"]}, "Api-Key": {f.creds["VERIHUBS_API_KEY"]}, "Content-Type": {"application/json"}}
	send := func(method, path, body string) {
		req, err := http.NewRequest(method, f.srv.URL+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header = hdr.Clone()
		resp, err := f.srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	send("POST", "/ktp/id/extract-async", `{"image":"/9j/4AAQ","KANARI INDAH":"1"}`)
	send("POST", "/ktp/id/extract-async", `{"image":"/9j/4AAQ","reference_id":"3174051201900003"}`)
	send("GET", "/ktp/id/extract-async/result?reference_id=3174051201900003", "")
	send("GET", "/3174051201900003/kanari.indah%40example.com", "")
	send("KANARI", "/ktp/id/extract-async", "")
	// A callback to a loopback port nothing listens on: the transport's error quotes the client's URL.
	send("POST", "/ktp/id/extract-async", `{"image":"/9j/4AAQ","callback_url":"http://127.0.0.1:1/3174051201900003?e=kanari.indah@example.com"}`)
	var lines []string
	for range 200 { // the first attempt fails at once; its line is written by the callback worker
		if lines = f.log.all(); strings.Contains(strings.Join(lines, "\n"), "callback to") {
			break
		}
		time.Sleep(25 * time.Millisecond)
	}
	if !strings.Contains(strings.Join(lines, "\n"), "failed (attempt 1") {
		t.Fatalf("no failed callback was logged: %q", lines)
	}
	if len(lines) < 5 {
		t.Fatalf("%d log lines, want one a request: %q", len(lines), lines)
	}
	for _, l := range lines {
		for _, leak := range []string{"KANARI", "3174051201900003", "kanari.indah"} {
			if strings.Contains(l, leak) {
				t.Errorf("the log prints %q: %s", leak, l)
			}
		}
	}
}

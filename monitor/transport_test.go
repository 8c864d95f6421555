package monitor

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	kontrak "github.com/kontrak/kontrak"
	"github.com/kontrak/kontrak/contract"
)

func load(tb testing.TB) *contract.Contract {
	tb.Helper()
	c, err := contract.Load(kontrak.Files)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// example is a documented example body of an operation's status, from the spec.
func example(tb testing.TB, c *contract.Contract, vendor, operation string, status int) []byte {
	tb.Helper()
	op, err := c.Operation(vendor, operation)
	if err != nil {
		tb.Fatal(err)
	}
	r := op.Response(status)
	if r == nil || len(r.Examples) == 0 {
		tb.Fatalf("%s %s: no example for %d", vendor, operation, status)
	}
	return r.Examples[0].Value
}

// answer is what the test server sends for a path.
type answer struct {
	status int
	ct     string
	body   []byte
}

func server(t *testing.T, answers map[string]answer) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, ok := answers[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		if a.ct != "" {
			w.Header().Set("Content-Type", a.ct)
		}
		w.WriteHeader(a.status)
		w.Write(a.body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestTransportTable(t *testing.T) {
	c := load(t)
	ok := example(t, c, "advance", "ocrKtpCheck", 200)
	drift := bytes.Replace(example(t, c, "ekycpro", "idOcrGeneral", 200), []byte(`"status":"OK"`), []byte(`"status":"NEW"`), 1)
	if bytes.Equal(drift, example(t, c, "ekycpro", "idOcrGeneral", 200)) {
		t.Fatal("the ekycpro example has no status OK to change")
	}
	big := append(append([]byte(`{"code":"SUCCESS","data":{"pad":"`), bytes.Repeat([]byte("x"), 4096)...), `"}}`...)
	cases := []struct {
		reason    string
		path      string
		a         answer
		judged    bool
		wantIDs   []string // the findings' ids, in order
		notJudged bool
		unrouted  bool
	}{
		{"conforming answer: no finding", "/openapi/face-recognition/v3/ocr-ktp-check", answer{200, "application/json", ok}, true, nil, false, false},
		{"drifted answer: an undocumented code, one finding at the code (a documented code would make it conform)", "/v1/id_ocr/general", answer{200, "application/json", drift}, true,
			[]string{contract.ErrorCodeUndocumented}, false, false},
		{"non-JSON answer", "/v1/id_ocr/general", answer{200, "text/html", []byte("<html>maintenance</html>")}, true,
			[]string{contract.BodyNotJSON}, false, false},
		{"oversize answer: passed, not judged", "/openapi/face-recognition/v3/ocr-ktp-check", answer{200, "application/json", big}, false, nil, true, false},
		{"a panic inside the monitor (here its callback's): the caller still gets the bytes", "/openapi/face-recognition/v3/ocr-ktp-check", answer{200, "application/json", []byte(`{"code":1e999}`)}, true, nil, false, false},
		{"another API: passed, counted unrouted", "/healthz", answer{204, "", nil}, false, nil, false, true},
	}
	for _, tc := range cases {
		t.Run(tc.reason, func(t *testing.T) {
			srv := server(t, map[string]answer{tc.path: tc.a})
			var events []Event
			var logs bytes.Buffer
			panicky := strings.Contains(tc.reason, "panic")
			tr := NewTransport(nil, c, WithMaxBody(1024), WithCallback(func(e Event) {
				events = append(events, e)
				if panicky {
					panic("boom")
				}
			}),
				WithLogger(slog.New(slog.NewJSONHandler(&logs, nil))))
			client := &http.Client{Transport: tr}
			resp, err := client.Post(srv.URL+tc.path, "application/json", strings.NewReader(`{}`))
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil || resp.StatusCode != tc.a.status || !bytes.Equal(got, tc.a.body) {
				t.Fatalf("caller got %d %q (%v), the server sent %d %q", resp.StatusCode, got, err, tc.a.status, tc.a.body)
			}
			if tc.judged != (len(events) == 1) {
				t.Fatalf("%d events, judged %v", len(events), tc.judged)
			}
			if tc.judged && !panicky {
				var ids []string
				for _, f := range events[0].Findings {
					ids = append(ids, f.ID)
				}
				if strings.Join(ids, ",") != strings.Join(tc.wantIDs, ",") {
					t.Errorf("findings %v, want %v", ids, tc.wantIDs)
				}
				if n := strings.Count(logs.String(), "\n"); n != len(tc.wantIDs) {
					t.Errorf("%d log records, want one a finding:\n%s", n, logs.String())
				}
			}
			st := tr.Stats()
			if panicky != (st.Panics == 1) {
				t.Errorf("panics recovered: %d", st.Panics)
			}
			if tc.unrouted != (st.Unrouted == 1) {
				t.Errorf("unrouted %d", st.Unrouted)
			}
			if !tc.unrouted && (len(st.Operations) != 1 || (st.Operations[0].NotJudged == 1) != tc.notJudged) {
				t.Errorf("stats %+v", st)
			}
		})
	}
}

// Logs name the finding, never a value of personal data: a value outside a documented set is its shape.
func TestTransportLogsNoValue(t *testing.T) {
	c := load(t)
	body := example(t, c, "advance", "ocrKtpCheck", 200)
	var doc map[string]any
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	doc["pricingStrategy"] = "SECRETVALUE" // outside the closed set FREE, PAY
	body, _ = json.Marshal(doc)
	srv := server(t, map[string]answer{"/openapi/face-recognition/v3/ocr-ktp-check": {200, "application/json", body}})
	var logs bytes.Buffer
	client := &http.Client{Transport: NewTransport(nil, c, WithLogger(slog.New(slog.NewJSONHandler(&logs, nil))))}
	resp, err := client.Post(srv.URL+"/openapi/face-recognition/v3/ocr-ktp-check", "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body) // the answer is judged as it is read
	resp.Body.Close()
	if strings.Contains(logs.String(), "SECRETVALUE") {
		t.Errorf("the log echoes the value:\n%s", logs.String())
	}
	var rec map[string]any
	if err := json.Unmarshal([]byte(strings.SplitN(logs.String(), "\n", 2)[0]), &rec); err != nil {
		t.Fatalf("no finding logged (%v): %q", err, logs.String())
	}
	for _, k := range []string{"id", "severity", "vendor", "operation", "pointer", "want", "got"} {
		if _, ok := rec[k]; !ok {
			t.Errorf("log record has no %s: %v", k, rec)
		}
	}
	if rec["got"] != `a value shaped "AAAAAAAAAAA"` || rec["id"] != contract.ValueNotInSet || rec["pointer"] != "/pricingStrategy" {
		t.Errorf("got %v", rec["got"])
	}
}

// Sampling judges exactly one call in n; the others still pass their bytes.
func TestTransportSampling(t *testing.T) {
	c := load(t)
	body := example(t, c, "advance", "ocrKtpCheck", 200)
	srv := server(t, map[string]answer{"/openapi/face-recognition/v3/ocr-ktp-check": {200, "application/json", body}})
	judged := 0
	tr := NewTransport(nil, c, WithSample(4), WithCallback(func(Event) { judged++ }))
	client := &http.Client{Transport: tr}
	for range 12 {
		resp, err := client.Post(srv.URL+"/openapi/face-recognition/v3/ocr-ktp-check", "application/json", nil)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !bytes.Equal(got, body) {
			t.Fatal("bytes changed")
		}
	}
	st := tr.Stats().Operations[0]
	if judged != 3 || st.Judged != 3 || st.SampledOut != 9 || st.Calls != 12 {
		t.Errorf("judged %d, stats %+v; want 3 of 12", judged, st)
	}
}

// The caller of a broken connection gets what arrived, then the same error.
func TestTransportBrokenBody(t *testing.T) {
	c := load(t)
	next := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: 200, Header: http.Header{}, ContentLength: -1,
			Body: io.NopCloser(io.MultiReader(strings.NewReader(`{"code":`), errReader{io.ErrUnexpectedEOF}))}, nil
	})
	tr := NewTransport(next, c)
	req, _ := http.NewRequest("POST", "https://api.advance.ai/openapi/face-recognition/v3/ocr-ktp-check", nil)
	resp, err := tr.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(resp.Body)
	if string(got) != `{"code":` || err != io.ErrUnexpectedEOF {
		t.Errorf("read %q, %v", got, err)
	}
	if st := tr.Stats(); st.Operations[0].NotJudged != 1 {
		t.Errorf("stats %+v", st)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// 50 concurrent callers, a mix of answers: every caller gets its bytes, the counters add up (run -race).
func TestTransportConcurrent(t *testing.T) {
	c := load(t)
	ok := example(t, c, "advance", "ocrKtpCheck", 200)
	srv := server(t, map[string]answer{
		"/openapi/face-recognition/v3/ocr-ktp-check": {200, "application/json", ok},
		"/v1/id_ocr/general":                         {200, "text/plain", []byte("nope")},
	})
	var mu sync.Mutex
	events := 0
	tr := NewTransport(nil, c, WithCallback(func(Event) { mu.Lock(); events++; mu.Unlock() }))
	client := &http.Client{Transport: tr}
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			path, want := "/openapi/face-recognition/v3/ocr-ktp-check", ok
			if i%2 == 1 {
				path, want = "/v1/id_ocr/general", []byte("nope")
			}
			req, _ := http.NewRequestWithContext(context.Background(), "POST", srv.URL+path, nil)
			resp, err := client.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			got, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if !bytes.Equal(got, want) {
				t.Errorf("caller %d got %q", i, got)
			}
		}()
	}
	wg.Wait()
	st := tr.Stats()
	var judged int64
	for _, op := range st.Operations {
		judged += op.Judged
	}
	if events != 50 || judged != 50 || len(st.Findings) != 1 || st.Findings[0].ID != contract.BodyNotJSON || st.Findings[0].Count != 25 {
		t.Errorf("events %d, stats %+v", events, st)
	}
}

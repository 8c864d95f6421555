package run_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	kontrak "github.com/kontrak/kontrak"
	"github.com/kontrak/kontrak/cassette"
	"github.com/kontrak/kontrak/client"
	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/redact"
	"github.com/kontrak/kontrak/run"
	"github.com/kontrak/kontrak/scenario"
)

func load(t testing.TB) *contract.Contract {
	t.Helper()
	c, err := contract.Load(kontrak.Files)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func root(t testing.TB) string {
	t.Helper()
	r, err := scenario.Root()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// A request that matches no cassette fails with its METHOD, URL and the cassette it was looked for in.
func TestReplayMiss(t *testing.T) {
	c := load(t)
	dir := t.TempDir()
	copyDir(t, filepath.Join(root(t), "cassettes", "ekycpro"), filepath.Join(dir, "ekycpro"))
	f, _ := scenario.Load(root(t), c, "ekycpro")
	var s *scenario.Scenario
	for _, x := range f.Scenarios {
		if x.Name == "image-invalid-format" {
			s = x
		}
	}
	// The scenario now sends a PNG: the cassette holds a GIF's hash.
	s.Request.Image.Format = "png"
	env := &run.Engine{Contract: c, Cassettes: dir, Mode: run.Replay}
	res := env.Run(context.Background(), s)
	if res.Err == nil {
		t.Fatal("replay of a request the cassette does not hold succeeded")
	}
	msg := res.Message()
	for _, want := range []string{"POST https://api.ekycpro.com/v1/id_ocr/general", filepath.Join(dir, "ekycpro", "image-invalid-format.yaml"), "scenario image-invalid-format"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
}

func copyDir(t *testing.T, from, to string) {
	t.Helper()
	if err := os.MkdirAll(to, 0o755); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(from)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(from, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(to, e.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		reason, in string
		want       time.Duration
	}{
		{"seconds, as HTTP says", "10", 10 * time.Second},
		{"seconds with a unit, as ADVANCE writes it", "10s", 10 * time.Second},
		{"ADVANCE's own 'Retry-After :10s'", ":10s", 10 * time.Second},
		{"an HTTP date", now.Add(3 * time.Second).Format(http.TimeFormat), 3 * time.Second},
		{"a date in the past", now.Add(-time.Hour).Format(http.TimeFormat), 0},
		{"garbage waits a second", "soon", time.Second},
	} {
		if got := run.ParseRetryAfter(tc.in, now); got != tc.want {
			t.Errorf("%s: ParseRetryAfter(%q) = %v, want %v", tc.reason, tc.in, got, tc.want)
		}
	}
}

// liveServer answers ADVANCE's operations: tokens always, OCR calls from a script of answers.
func liveServer(t *testing.T, script ...func(w http.ResponseWriter)) (*httptest.Server, *int) {
	var mu sync.Mutex
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if strings.HasSuffix(r.URL.Path, "generate-token") {
			fmt.Fprintf(w, `{"code":"SUCCESS","message":"OK","data":{"token":"tok","expiredTime":%d},"extra":null,"transactionId":"t","pricingStrategy":"FREE"}`, time.Now().Add(time.Hour).UnixMilli())
			return
		}
		mu.Lock()
		i := calls
		calls++
		mu.Unlock()
		if i >= len(script) {
			i = len(script) - 1
		}
		script[i](w)
	}))
	t.Cleanup(srv.Close)
	return srv, &calls
}

func busy(status int, retryAfter string) func(w http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		w.Header().Set("Retry-After", retryAfter)
		w.WriteHeader(status)
		io.WriteString(w, `{"code":"SERVICE_BUSY","message":"Rate limit is exceeded, please retry after the suggested time in HTTP Header.","data":null,"extra":null,"transactionId":"t","pricingStrategy":"FREE"}`)
	}
}

func noResult(w http.ResponseWriter) {
	io.WriteString(w, `{"code":"OCR_NO_RESULT","message":"OCR check failed,unable to find any ktp field in the uploaded picture","data":null,"extra":null,"transactionId":"t","pricingStrategy":"PAY"}`)
}

func advanceScenario(t *testing.T, c *contract.Contract, name string) *scenario.Scenario {
	f, err := scenario.Load(root(t), c, "advance")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range f.Scenarios {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("no scenario %s", name)
	return nil
}

// Rate limits are retried after the vendor's delay, a bounded number of times, and each retry is a
// call the budget counts.
func TestLiveRetryAfter(t *testing.T) {
	c := load(t)
	for _, tc := range []struct {
		reason   string
		script   []func(http.ResponseWriter)
		retries  int
		budget   int
		calls    int
		waits    []time.Duration
		wantErr  string
		wantCode string
	}{
		{"SERVICE_BUSY in HTTP 200 then an answer", []func(http.ResponseWriter){busy(200, "10s"), noResult}, 2, 10, 2, []time.Duration{10 * time.Second}, "", "OCR_NO_RESULT"},
		{"HTTP 429 twice then an answer", []func(http.ResponseWriter){busy(429, "2"), busy(429, "1"), noResult}, 2, 10, 3, []time.Duration{2 * time.Second, time.Second}, "", "OCR_NO_RESULT"},
		{"retries are bounded: the last busy answer stands", []func(http.ResponseWriter){busy(429, "1")}, 1, 10, 2, []time.Duration{time.Second}, "", "SERVICE_BUSY"},
		{"the budget stops a retry", []func(http.ResponseWriter){busy(429, "1"), noResult}, 2, 1, 1, []time.Duration{time.Second}, "budget of 1 billable calls spent", ""},
	} {
		t.Run(tc.reason, func(t *testing.T) {
			srv, calls := liveServer(t, tc.script...)
			var waits []time.Duration
			env := &run.Engine{Contract: c, Mode: run.Live, BaseURL: srv.URL,
				Credentials: map[string]string{"ADVANCE_ACCESS_KEY": "a", "ADVANCE_SECRET_KEY": "s"},
				Budget:      &run.Budget{Max: tc.budget},
				Retry: run.Retry{Max: tc.retries, MaxWait: 30 * time.Second, Sleep: func(_ context.Context, d time.Duration) error {
					waits = append(waits, d)
					return nil
				}}}
			res := env.Run(context.Background(), advanceScenario(t, c, "ocr-no-result"))
			if *calls != tc.calls {
				t.Errorf("%d OCR calls, want %d", *calls, tc.calls)
			}
			if fmt.Sprint(waits) != fmt.Sprint(tc.waits) {
				t.Errorf("waited %v, want %v", waits, tc.waits)
			}
			if tc.wantErr != "" {
				var be *run.BudgetError
				if !errors.As(res.Err, &be) || !strings.Contains(res.Err.Error(), tc.wantErr) {
					t.Errorf("err = %v, want a budget error", res.Err)
				}
				return
			}
			if res.Got.Code != tc.wantCode {
				t.Errorf("code %s, want %s (%s)", res.Got.Code, tc.wantCode, res.Message())
			}
		})
	}
}

// The budget counts every call whose operation may be billed, before the call, and is never exceeded;
// free operations (the token) do not count.
func TestBudget(t *testing.T) {
	c := load(t)
	srv, calls := liveServer(t, noResult)
	env := &run.Engine{Contract: c, Mode: run.Live, BaseURL: srv.URL, Budget: &run.Budget{Max: 2},
		Credentials: map[string]string{"ADVANCE_ACCESS_KEY": "a", "ADVANCE_SECRET_KEY": "s"}}
	s := advanceScenario(t, c, "ocr-no-result")
	for i := 0; i < 4; i++ {
		env.Run(context.Background(), s)
	}
	if *calls != 2 || env.Budget.Used() != 2 {
		t.Errorf("%d billable calls made, %d counted, want 2 and 2", *calls, env.Budget.Used())
	}
	tok := advanceScenario(t, c, "token-success")
	if res := env.Run(context.Background(), tok); res.Err != nil {
		t.Errorf("a free operation was refused by a spent budget: %v", res.Err)
	}
}

// A live run in which every call was refused, rate-limited or a server error proved nothing.
func TestTallyProvedNothing(t *testing.T) {
	c := load(t)
	s := advanceScenario(t, c, "ocr-no-result")
	for _, tc := range []struct {
		reason  string
		script  func(http.ResponseWriter)
		nothing bool
	}{
		{"every call refused", func(w http.ResponseWriter) {
			io.WriteString(w, `{"code":"IAM_FAILED","message":"Access Key not found","data":null,"extra":null,"transactionId":"t","pricingStrategy":"FREE"}`)
		}, true},
		{"every call a server error", func(w http.ResponseWriter) { w.WriteHeader(502); io.WriteString(w, "bad gateway") }, true},
		{"a real answer, even a drifted one, proves something", noResult, false},
	} {
		t.Run(tc.reason, func(t *testing.T) {
			srv, _ := liveServer(t, tc.script)
			env := &run.Engine{Contract: c, Mode: run.Live, BaseURL: srv.URL}
			tally := &run.Tally{}
			for i := 0; i < 2; i++ {
				tally.Add(env.Run(context.Background(), s))
			}
			tally.Add(&run.Result{Scenario: s, Err: &run.BudgetError{Max: 2, Operation: "advance ocrKtpCheck"}})
			err := tally.Verdict("advance")
			if (err != nil) != tc.nothing {
				t.Errorf("verdict %v, want proved-nothing=%v", err, tc.nothing)
			}
			if err != nil && !strings.Contains(err.Error(), "advance: the live run proved nothing") {
				t.Errorf("verdict %q does not say so", err)
			}
		})
	}
}

// A live run in which the budget stopped every scenario (budget 0, or spent) ran nothing: it fails, and
// says the budget it needs; a budget-stopped scenario never counts as proved.
func TestTallyBudgetStoppedEverything(t *testing.T) {
	tally := &run.Tally{}
	if err := tally.Verdict("advance"); err == nil {
		t.Error("a vendor run of no scenario at all passed")
	}
	s := &scenario.Scenario{Name: "x"}
	for i := 0; i < 4; i++ {
		tally.Add(&run.Result{Scenario: s, Err: &run.BudgetError{Max: 0, Operation: "advance ocrKtpCheck"}})
	}
	err := tally.Verdict("advance")
	if err == nil || !strings.Contains(err.Error(), "advance: the live run proved nothing: no scenario ran, 4 scenarios stopped by the budget of 0 billable calls (KONTRAK_MAX_BILLABLE=4 at least runs them all)") {
		t.Errorf("verdict %v", err)
	}
}

// A run the budget cut says how many scenarios it skipped and the budget that runs them all: NeedOf's
// figure, the one kontrak budget gives; it passes when what ran proved something, but never in silence.
func TestTallyBudgetCutSaysSo(t *testing.T) {
	c := load(t)
	f, err := scenario.Load(root(t), c, "advance")
	if err != nil {
		t.Fatal(err)
	}
	need := run.NeedOf(c, f, 2)
	srv, _ := liveServer(t, noResult)
	e := &run.Engine{Contract: c, Mode: run.Live, BaseURL: srv.URL, Budget: &run.Budget{Max: 1},
		Credentials: map[string]string{"ADVANCE_ACCESS_KEY": "a", "ADVANCE_SECRET_KEY": "s"}}
	tally := &run.Tally{Need: need.Calls}
	s := advanceScenario(t, c, "ocr-no-result")
	for i := 0; i < 3; i++ {
		tally.Add(e.Run(context.Background(), s))
	}
	if err := tally.Verdict("advance"); err != nil {
		t.Errorf("a run whose first scenario proved something: %v", err)
	}
	want := fmt.Sprintf("advance: the budget of 1 billable calls skipped 2 of 3 scenarios: KONTRAK_MAX_BILLABLE=%d runs them all (kontrak budget --vendor advance)", need.Calls)
	if got := tally.Summary("advance"); got != want {
		t.Errorf("summary\n got %q\nwant %q", got, want)
	}
	if got := (&run.Tally{}).Summary("advance"); got != "" {
		t.Errorf("a run the budget did not cut: summary %q", got)
	}
}

// A recording is promoted only when every scenario ran and passed; otherwise the cassettes stay as they
// were, byte for byte.
func TestStaging(t *testing.T) {
	c := load(t)
	f, _ := scenario.Load(root(t), c, "ekycpro")
	for _, tc := range []struct {
		reason  string
		ran     int
		failed  bool
		promote bool
	}{
		{"a complete, passing run is promoted", -1, false, true},
		{"an interrupted run (fewer scenarios ran) is discarded", 2, false, false},
		{"a run with a failure is discarded", -1, true, false},
		{"a run the budget stopped is discarded, and says the budget it needs", -3, false, false},
	} {
		t.Run(tc.reason, func(t *testing.T) {
			dir := t.TempDir()
			old := filepath.Join(dir, "ekycpro", "success.yaml")
			os.MkdirAll(filepath.Dir(old), 0o755)
			os.WriteFile(old, []byte("# the previous cassette\n"), 0o644)
			st, err := run.NewStaging(dir, "ekycpro", f)
			if err != nil {
				t.Fatal(err)
			}
			os.MkdirAll(filepath.Join(st.Dir, "ekycpro"), 0o755)
			os.WriteFile(filepath.Join(st.Dir, "ekycpro", "success.yaml"), []byte("# the new recording\n"), 0o644)
			tally := &run.Tally{}
			n := tc.ran
			live := 0
			for _, s := range f.Scenarios {
				if !s.Live.ReplayOnly {
					live++
				}
			}
			budgeted := 0
			if n == -3 { // all but 3 ran; the budget of 5 stopped those 3
				n, budgeted = live-3, 3
			}
			if n < 0 {
				n = live
			}
			for i := 0; i < budgeted; i++ {
				tally.Add(&run.Result{Scenario: f.Scenarios[0], Err: &run.BudgetError{Max: 5, Operation: "ekycpro idOcrGeneral"}})
			}
			for i := 0; i < n; i++ {
				r := &run.Result{Scenario: f.Scenarios[0]}
				if tc.failed && i == 0 {
					r.Failures = []string{"drift"}
				}
				tally.Add(r)
			}
			msg, err := st.Finish(tally)
			if (err != nil) == tc.promote {
				t.Fatalf("Finish: %v; a discarded recording must be an error, a promoted one not", err)
			}
			if budgeted > 0 && (err == nil || !strings.Contains(err.Error(), "3 stopped by the budget of billable calls: record with KONTRAK_MAX_BILLABLE=8 at least")) {
				t.Errorf("Finish: %v, want the budget it needs", err)
			}
			got, _ := os.ReadFile(old)
			if tc.promote != (string(got) == "# the new recording\n") {
				t.Errorf("cassette now %q after %q", got, msg)
			}
			if _, err := os.Stat(st.Dir); !os.IsNotExist(err) {
				t.Errorf("staging directory left behind")
			}
		})
	}
}

// Every cassette that no live recording made is exactly what `make cassettes` derives from the specs and
// scenarios today: a spec or scenario edited without re-deriving fails here, like a stale golden file.
func TestDerivedCassettesAreFresh(t *testing.T) {
	c := load(t)
	r := root(t)
	dir := t.TempDir()
	for _, v := range c.Vendors() {
		f, err := scenario.Load(r, c, v.ID)
		if err != nil {
			t.Fatal(err)
		}
		rules := redact.RulesFor(c)
		env := &run.Engine{Contract: c, Cassettes: dir, Mode: run.Derive, Redact: &rules}
		for _, s := range f.Scenarios {
			committed := s.CassetteFile(filepath.Join(r, "cassettes"))
			want, err := os.ReadFile(committed)
			if err != nil {
				t.Errorf("%s: %v (run make cassettes)", s.Name, err)
				continue
			}
			if strings.Contains(string(want), "provenance=recorded-live") {
				continue // live recordings are evidence, not derivations
			}
			if res := env.Run(context.Background(), s); res.Failed() {
				t.Errorf("deriving %s/%s: %s", v.ID, s.Name, res.Message())
				continue
			}
			got, err := os.ReadFile(s.CassetteFile(dir))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != string(want) {
				t.Errorf("%s is stale: `make cassettes` would change it", committed)
			}
		}
	}
}

// A notice (an undocumented field) is counted but passes; in strict mode it fails the scenario.
func TestStrictNotices(t *testing.T) {
	c := load(t)
	dir := t.TempDir()
	copyDir(t, filepath.Join(root(t), "cassettes", "ekycpro"), filepath.Join(dir, "ekycpro"))
	p := filepath.Join(dir, "ekycpro", "fail-is-charged.yaml")
	b, _ := os.ReadFile(p)
	edited := strings.Replace(string(b), `"status":"FAIL"`, `"status":"FAIL","requestId":"r-1"`, 1)
	if edited == string(b) {
		t.Fatal("no answer to edit")
	}
	os.WriteFile(p, []byte(edited), 0o644)
	f, _ := scenario.Load(root(t), c, "ekycpro")
	var s *scenario.Scenario
	for _, x := range f.Scenarios {
		if x.Name == "fail-is-charged" {
			s = x
		}
	}
	for _, strict := range []bool{false, true} {
		env := &run.Engine{Contract: c, Cassettes: dir, Mode: run.Replay, Strict: strict}
		res := env.Run(context.Background(), s)
		if res.Failed() != strict {
			t.Errorf("strict=%v: failed=%v, want %v (%s)", strict, res.Failed(), strict, res.Message())
		}
		if strict && !strings.Contains(res.Message(), "field-undocumented at /requestId") {
			t.Errorf("strict failure does not name the field: %s", res.Message())
		}
		if !strict && res.Notices() != 1 {
			t.Errorf("notices %d, want 1", res.Notices())
		}
	}
}

// Strict mode does not fail on the notices a scenario expects because a contradiction of the document
// records them (ekycpro's own success example: its NIK disagrees with its body), and still fails on any
// other notice of the same answer.
func TestStrictAcceptsRecordedNotices(t *testing.T) {
	c := load(t)
	f, err := scenario.Load(root(t), c, "ekycpro")
	if err != nil {
		t.Fatal(err)
	}
	var s *scenario.Scenario
	for _, x := range f.Scenarios {
		if x.Name == "success" {
			s = x
		}
	}
	if s == nil || s.Expect == nil || len(s.Expect.Notices) == 0 {
		t.Fatal("ekycpro's success scenario expects no recorded notices: the fixture changed")
	}
	env := &run.Engine{Contract: c, Cassettes: filepath.Join(root(t), "cassettes"), Mode: run.Replay, Strict: true}
	res := env.Run(context.Background(), s)
	if res.Failed() || res.Notices() != len(s.Expect.Notices) {
		t.Errorf("strict replay of the document's own example: failed=%v, notices %d, want it to pass with %d (%s)",
			res.Failed(), res.Notices(), len(s.Expect.Notices), res.Message())
	}
	accepted := s.Expect.Notices
	s.Expect.Notices = accepted[:1] // the other one is no longer expected: strict mode fails on it
	defer func() { s.Expect.Notices = accepted }()
	res = env.Run(context.Background(), s)
	if !res.Failed() || !strings.Contains(res.Message(), accepted[1]) {
		t.Errorf("strict replay with %s no longer expected: failed=%v (%s)", accepted[1], res.Failed(), res.Message())
	}
}

// A complete, passing recording whose redacted cassettes still scan dirty (a proxy added an undocumented
// personal field and a cookie, and the redactor missed them) is not promoted, and the error says where,
// never what.
func TestStagingRefusesDirtyRecording(t *testing.T) {
	c := load(t)
	f, _ := scenario.Load(root(t), c, "ekycpro")
	dir := t.TempDir()
	old := filepath.Join(dir, "ekycpro", "success.yaml")
	os.MkdirAll(filepath.Dir(old), 0o755)
	os.WriteFile(old, []byte("# the previous cassette\n"), 0o644)
	st, err := run.NewStaging(dir, "ekycpro", f)
	if err != nil {
		t.Fatal(err)
	}
	st.Check = run.ScanStaged(c)
	const street, cookie = "JL. MERPATI KANARI 77", "sess-canary-4d2b7e"
	dirty := "# kontrak: provenance=recorded-live\n# kontrak: recorded=2024-01-01\n---\nversion: 2\ninteractions:\n" +
		"    - id: 0\n      request:\n        url: https://api.ekycpro.com/v1/ocr\n        method: POST\n" +
		"      response:\n        body: '{\"full_address\":\"" + street + "\"}'\n        headers:\n            Content-Type:\n                - application/json\n" +
		"            Set-Cookie:\n                - sid=" + cookie + "; Path=/\n        status: 200 OK\n        code: 200\n"
	os.MkdirAll(filepath.Join(st.Dir, "ekycpro"), 0o755)
	os.WriteFile(filepath.Join(st.Dir, "ekycpro", "success.yaml"), []byte(dirty), 0o644)
	tally := &run.Tally{}
	for _, s := range f.Scenarios {
		if !s.Live.ReplayOnly {
			tally.Add(&run.Result{Scenario: s})
		}
	}
	msg, err := st.Finish(tally)
	if err == nil {
		t.Fatalf("a dirty recording was promoted: %s", msg)
	}
	for _, want := range []string{"success.yaml#0", "address at /full_address in the answer", "credential at header Set-Cookie in the answer"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if strings.Contains(err.Error(), street) || strings.Contains(err.Error(), cookie) {
		t.Errorf("error prints a leaked value: %v", err)
	}
	if got, _ := os.ReadFile(old); string(got) != "# the previous cassette\n" {
		t.Errorf("the previous cassette was replaced: %q", got)
	}
}

// A connection that breaks or times out mid-answer in live mode proves nothing about the vendor: the
// scenario is inconclusive (never drift, never a failure), a run of nothing else proved nothing, and a
// recording with one is not promoted.
func TestLiveTransportFailureIsInconclusive(t *testing.T) {
	c := load(t)
	f, err := scenario.Load(root(t), c, "ekycpro")
	if err != nil {
		t.Fatal(err)
	}
	var s *scenario.Scenario
	for _, x := range f.Scenarios {
		if !x.Live.ReplayOnly && x.Kind != "auth" {
			s = x
			break
		}
	}
	for _, tc := range []struct {
		reason string
		handle func(w http.ResponseWriter)
	}{
		{"the body is cut short of its Content-Length", func(w http.ResponseWriter) {
			w.Header().Set("Content-Length", "100")
			w.WriteHeader(200)
			w.Write([]byte(`{"status":"OK","mes`))
		}},
		{"the connection is closed before any answer", func(w http.ResponseWriter) {
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.Close()
		}},
	} {
		t.Run(tc.reason, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { tc.handle(w) }))
			defer srv.Close()
			e := &run.Engine{Contract: c, Cassettes: t.TempDir(), Mode: run.Live, BaseURL: srv.URL, Retry: run.Retry{Max: 0},
				Credentials: map[string]string{}}
			for _, name := range c.Vendor("ekycpro").CredentialVars() {
				e.Credentials[name] = "kontrak-test-credential"
			}
			res := e.Run(context.Background(), s)
			if res.Inconclusive == "" || res.Failed() || res.Err != nil {
				t.Fatalf("result: inconclusive %q, failed %v, err %v, failures %v; want inconclusive only", res.Inconclusive, res.Failed(), res.Err, res.Failures)
			}
			tally := &run.Tally{}
			tally.Add(res)
			if err := tally.Verdict("ekycpro"); err == nil || !strings.Contains(err.Error(), "did not complete") {
				t.Errorf("a run of nothing but a transport failure: %v, want one that proved nothing and says why", err)
			}
		})
	}
}

// A Retry-After longer than the run may wait is not waited for, nor retried early: the scenario is
// inconclusive, rate-limited, with the delay the vendor asked for — not a deadline exceeded, not drift.
// A scenario that expects the rate limit gets it and passes.
func TestLiveRetryAfterBeyondMaxWait(t *testing.T) {
	c := load(t)
	for _, tc := range []struct {
		reason, scenario, value string
		inconclusive            bool
	}{
		{"seconds", "ocr-no-result", "120", true},
		{"an HTTP date", "ocr-no-result", time.Now().Add(time.Hour).UTC().Format(http.TimeFormat), true},
		{"a scenario that expects the limit passes", "ocr-service-busy-429", "120", false},
	} {
		t.Run(tc.reason, func(t *testing.T) {
			srv, calls := liveServer(t, busy(429, tc.value), noResult)
			var waits []time.Duration
			e := &run.Engine{Contract: c, Mode: run.Live, BaseURL: srv.URL,
				Credentials: map[string]string{"ADVANCE_ACCESS_KEY": "a", "ADVANCE_SECRET_KEY": "s"}, Budget: &run.Budget{Max: 10},
				Retry: run.Retry{Max: 2, MaxWait: 30 * time.Second, Sleep: func(_ context.Context, d time.Duration) error {
					waits = append(waits, d)
					return nil
				}}}
			s := scenarioNamed(t, c, "advance", tc.scenario, func(*scenario.Scenario) bool { return false })
			res := e.Run(context.Background(), s)
			if *calls != 1 || len(waits) != 0 {
				t.Errorf("%d calls, waits %v: want one call and no wait", *calls, waits)
			}
			if !tc.inconclusive {
				if res.Failed() || res.Inconclusive != "" {
					t.Errorf("%s expects the limit: failed %v, inconclusive %q: %s", s.Name, res.Failed(), res.Inconclusive, res.Message())
				}
				return
			}
			if res.Failed() || !strings.Contains(res.Inconclusive, "rate-limited") || !strings.Contains(res.Inconclusive, "Retry-After: "+tc.value) ||
				!strings.Contains(res.Inconclusive, "KONTRAK_MAX_WAIT") || strings.Contains(res.Inconclusive, "deadline") {
				t.Errorf("failed %v, inconclusive %q: want rate-limited with its Retry-After", res.Failed(), res.Inconclusive)
			}
		})
	}
}

// scenarioNamed is the vendor's scenario of that name, else the first that suits.
func scenarioNamed(t *testing.T, c *contract.Contract, vendor, name string, suits func(*scenario.Scenario) bool) *scenario.Scenario {
	t.Helper()
	f, err := scenario.Load(root(t), c, vendor)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range f.Scenarios {
		if s.Name == name {
			return s
		}
	}
	for _, s := range f.Scenarios {
		if suits(s) {
			return s
		}
	}
	t.Fatalf("%s: no scenario %s", vendor, name)
	return nil
}

// An answer over client.MaxAnswerBytes is never read whole in a live run or a recording: the scenario is
// inconclusive and says the limit; a recording with it is not written.
func TestLiveAnswerCapped(t *testing.T) {
	c := load(t)
	for _, mode := range []run.Mode{run.Live, run.Record} {
		t.Run(string(mode), func(t *testing.T) {
			var written atomic.Int64
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				chunk := []byte(strings.Repeat(" ", 64<<10))
				for written.Load() < 4*client.MaxAnswerBytes {
					n, err := w.Write(chunk)
					written.Add(int64(n))
					if err != nil {
						return
					}
				}
			}))
			dir := t.TempDir()
			e := &run.Engine{Contract: c, Cassettes: dir, Mode: mode, BaseURL: srv.URL, Today: "2026-01-01",
				Credentials: map[string]string{"EKYCPRO_API_KEY": "k"}}
			s := scenarioNamed(t, c, "ekycpro", "success", func(*scenario.Scenario) bool { return false })
			res := e.Run(context.Background(), s)
			srv.CloseClientConnections()
			srv.Close()
			if res.Failed() || !strings.Contains(res.Inconclusive, "over the 16 MiB kontrak reads of an answer") {
				t.Errorf("failed %v (%s), inconclusive %q: want inconclusive at the cap", res.Failed(), res.Message(), res.Inconclusive)
			}
			if got := written.Load(); got >= 4*client.MaxAnswerBytes {
				t.Errorf("the server wrote all %d bytes: the answer was read whole", got)
			}
			if files, _ := filepath.Glob(filepath.Join(dir, "ekycpro", "*.yaml")); len(files) != 0 {
				t.Errorf("a cut answer was recorded: %v", files)
			}
		})
	}
}

// A redirect to another host, or round a loop, fails the scenario and says so: never a budget message,
// never a credential sent elsewhere.
func TestLiveRedirects(t *testing.T) {
	c := load(t)
	var other atomic.Int32
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { other.Add(1) }))
	defer elsewhere.Close()
	for _, tc := range []struct {
		reason, to, want string
	}{
		{"another host", elsewhere.URL, "to another host"},
		{"a loop", "", "a redirect loop"},
	} {
		t.Run(tc.reason, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, tc.to+r.URL.Path, http.StatusTemporaryRedirect)
			}))
			defer srv.Close()
			e := &run.Engine{Contract: c, Mode: run.Live, BaseURL: srv.URL, Budget: &run.Budget{Max: 12},
				Credentials: map[string]string{"EKYCPRO_API_KEY": "k"}}
			res := e.Run(context.Background(), scenarioNamed(t, c, "ekycpro", "success", func(*scenario.Scenario) bool { return false }))
			msg := res.Message()
			if !res.Failed() || !strings.Contains(msg, tc.want) || strings.Contains(msg, "KONTRAK_MAX_BILLABLE") || res.Inconclusive != "" {
				t.Errorf("failed %v, inconclusive %q: %s; want a failure that says %q", res.Failed(), res.Inconclusive, msg, tc.want)
			}
		})
	}
	if other.Load() != 0 {
		t.Errorf("the other host got %d requests", other.Load())
	}
}

// The staging directories killed runs left are removed at the next recording, and only those: one whose
// run (on this host) no longer runs, one whose run cannot be asked and that is older than StaleStaging. A
// running run's directory stays, however old; so does a young one whose run cannot be asked.
func TestStaleStagingCleaned(t *testing.T) {
	c := load(t)
	f, _ := scenario.Load(root(t), c, "ekycpro")
	dir := t.TempDir()
	host, _ := os.Hostname()
	// A process that ran and ended: its pid names no running process.
	dead := exec.Command(os.Args[0], "-test.run=^$")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-2 * run.StaleStaging)
	mk := func(name, owner string, mtime time.Time) string {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Join(p, "ekycpro"), 0o755)
		os.WriteFile(filepath.Join(p, "ekycpro", "success.yaml"), []byte("# staged\n"), 0o644)
		if owner != "" {
			os.WriteFile(filepath.Join(p, "kontrak-owner"), []byte(owner), 0o644)
		}
		os.Chtimes(p, mtime, mtime)
		return p
	}
	killed := mk(".recording-ekycpro-killed", fmt.Sprintf("%d %s\n", dead.Process.Pid, host), time.Now())
	orphan := mk(".recording-verihubs-orphan", "", old)
	running := mk(".recording-advance-running", fmt.Sprintf("%d %s\n", os.Getpid(), host), old)
	young := mk(".recording-kredibel-young", "", time.Now())
	elsewhere := mk(".recording-kredibel-elsewhere", "1 another-host.invalid\n", time.Now())
	st, err := run.NewStaging(dir, "ekycpro", f)
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(st.Dir)
	for _, p := range []string{killed, orphan} {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s left behind", filepath.Base(p))
		}
	}
	for _, p := range []string{running, young, elsewhere, st.Dir} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s removed: %v", filepath.Base(p), err)
		}
	}
	joined := strings.Join(st.Cleaned, "\n")
	if len(st.Cleaned) != 2 || !strings.Contains(joined, fmt.Sprintf("its run (pid %d) no longer runs", dead.Process.Pid)) || !strings.Contains(joined, "older than 24h0m0s") {
		t.Errorf("Cleaned says:\n%s\nwant the two, each with why", joined)
	}
}

// A recording from a local host (kontrak serve on loopback) is labelled so, and never replaces a cassette
// recorded live from the vendor without KONTRAK_REPLACE_LIVE=1; it replaces a derived one, or one that is
// itself local.
func TestLocalRecordingNeverReplacesLive(t *testing.T) {
	c := load(t)
	f, _ := scenario.Load(root(t), c, "ekycpro")
	live := 0
	for _, s := range f.Scenarios {
		if !s.Live.ReplayOnly {
			live++
		}
	}
	for _, tc := range []struct {
		reason      string
		old         cassette.Provenance
		replaceLive bool
		promote     bool
	}{
		{"a live recording from the vendor stays", cassette.Provenance{Kind: cassette.ProvenanceRecorded, Recorded: "2026-01-01"}, false, false},
		{"unless KONTRAK_REPLACE_LIVE=1", cassette.Provenance{Kind: cassette.ProvenanceRecorded, Recorded: "2026-01-01", Host: contract.HostDocumented}, true, true},
		{"a derived cassette is replaced", cassette.Provenance{Kind: cassette.ProvenanceDerived, Source: "https://example.invalid"}, false, true},
		{"a local recording is replaced", cassette.Provenance{Kind: cassette.ProvenanceRecorded, Recorded: "2026-01-01", Host: contract.HostLocal}, false, true},
	} {
		t.Run(tc.reason, func(t *testing.T) {
			dir := t.TempDir()
			oldFile := filepath.Join(dir, "ekycpro", "success.yaml")
			os.MkdirAll(filepath.Dir(oldFile), 0o755)
			oldBytes := append(tc.old.Header(), "---\n"...)
			os.WriteFile(oldFile, oldBytes, 0o644)
			st, err := run.NewStaging(dir, "ekycpro", f)
			if err != nil {
				t.Fatal(err)
			}
			st.Host, st.ReplaceLive = contract.HostLocal, tc.replaceLive
			os.MkdirAll(filepath.Join(st.Dir, "ekycpro"), 0o755)
			os.WriteFile(filepath.Join(st.Dir, "ekycpro", "success.yaml"), []byte("# kontrak: provenance=recorded-live\n# kontrak: host=local\n"), 0o644)
			tally := &run.Tally{}
			for i := 0; i < live; i++ {
				tally.Add(&run.Result{Scenario: f.Scenarios[0]})
			}
			msg, err := st.Finish(tally)
			got, _ := os.ReadFile(oldFile)
			if tc.promote {
				if err != nil || !strings.Contains(msg, "from a local host: their provenance says host=local") {
					t.Errorf("Finish: %q, %v; want promoted and labelled", msg, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), "would replace 1 cassettes recorded live from the vendor") || !strings.Contains(err.Error(), "KONTRAK_REPLACE_LIVE=1") {
				t.Errorf("Finish: %v; want a refusal naming the flag", err)
			}
			if string(got) != string(oldBytes) {
				t.Errorf("the live cassette was replaced: %q", got)
			}
		})
	}
}

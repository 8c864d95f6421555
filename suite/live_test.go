// The end-to-end tests run the vendors' scenarios the way a user runs them live, against `kontrak serve`'s
// sandbox on loopback: nothing leaves the machine, and live mode, recording and redaction are proven end to
// end. They run the engine in process, as the suite does, so that make test builds the suites once.
package suite_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	kontrak "github.com/kontrak/kontrak"
	"github.com/kontrak/kontrak/cassette"
	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/redact"
	"github.com/kontrak/kontrak/run"
	"github.com/kontrak/kontrak/sandbox"
	"github.com/kontrak/kontrak/scenario"
)

// Canary credentials: they must never reach a cassette.
var canary = map[string]string{
	"VERIHUBS_APP_ID":    "canary-app-id-7f3a",
	"VERIHUBS_API_KEY":   "canary-api-key-91c2",
	"ADVANCE_ACCESS_KEY": "canary-access-key-5d1e",
	"ADVANCE_SECRET_KEY": "canary-secret-key-0b8f",
	"EKYCPRO_API_KEY":    "canary-ekycpro-key-44aa",
	"KREDIBEL_API_KEY":   "canary-kredibel-key-e3d9",
}

func setup(t *testing.T) (*contract.Contract, string) {
	t.Helper()
	if testing.Short() {
		t.Skip("runs the suites in subprocesses")
	}
	c, err := contract.Load(kontrak.Files)
	if err != nil {
		t.Fatal(err)
	}
	root, err := scenario.Root()
	if err != nil {
		t.Fatal(err)
	}
	return c, root
}

// serve starts the sandbox on loopback over the given cassettes; wrap may intercept requests.
func serve(t *testing.T, c *contract.Contract, root, cassettes string, wrap func(http.Handler) http.Handler) *httptest.Server {
	t.Helper()
	sb, err := sandbox.New(c, sandbox.Config{Cassettes: cassettes, Root: root, Credentials: canary, Logf: func(string, ...any) {}})
	if err != nil {
		t.Fatal(err)
	}
	var h http.Handler = sb
	if wrap != nil {
		h = wrap(h)
	}
	srv := httptest.NewServer(h) // 127.0.0.1
	t.Cleanup(srv.Close)
	return srv
}

// liveEnv is the environment of a live run against srv, as a lookup: the in-process runs read it the way
// the suite reads os.Getenv.
func liveEnv(c *contract.Contract, srv *httptest.Server, mode string, extra ...string) func(string) string {
	env := map[string]string{"KONTRAK_MODE": mode, "KONTRAK_MAX_BILLABLE": "1000", "KONTRAK_MAX_WAIT": "10ms", "KONTRAK_TIMEOUT": "20s"}
	for _, v := range c.Vendors() {
		env[v.Env.BaseURL] = srv.URL
	}
	for k, v := range canary {
		env[k] = v
	}
	for _, kv := range extra {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	return func(name string) string { return env[name] }
}

// outcome is what a vendor's run gave: failures by scenario (vendor/name), and the scenarios that passed.
type outcome struct {
	failed map[string]string
	passed int
	passes map[string]bool // vendor/name
}

// runVendor runs a vendor's scenarios in process the way its suite does — the engine from the environment,
// live configuration, replay-only scenarios skipped live, the tally — and, in record mode, stages the
// recording and finishes it. stop, when it returns true before a scenario, ends the run there without
// finishing: an interruption.
func runVendor(t *testing.T, c *contract.Contract, root, vendor string, getenv func(string) string, stop func() bool) outcome {
	t.Helper()
	v := c.Vendor(vendor)
	f, err := scenario.Load(root, c, vendor)
	if err != nil {
		t.Fatal(err)
	}
	e, err := run.FromEnvironment(c, root, getenv, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	live := e.Mode == run.Live || e.Mode == run.Record
	if live {
		if missing := run.MissingEnv(v, getenv); len(missing) > 0 {
			t.Fatalf("%s: missing %v", vendor, missing)
		}
		if err := e.ConfigureLive(v, getenv); err != nil {
			t.Fatal(err)
		}
	}
	var stage *run.Staging
	if e.Mode == run.Record {
		if stage, err = run.NewStaging(e.Cassettes, vendor, f); err != nil {
			t.Fatal(err)
		}
		e.Cassettes = stage.Dir
	}
	out := outcome{failed: map[string]string{}, passes: map[string]bool{}}
	var tally run.Tally
	for _, s := range f.Scenarios {
		if s.Live.ReplayOnly && (live || getenv("KONTRAK_SKIP_REPLAY_ONLY") == "1") {
			continue
		}
		if stop != nil && stop() {
			return out
		}
		res := e.Run(context.Background(), s)
		if live {
			tally.Add(res)
		}
		if res.Failed() {
			out.failed[vendor+"/"+s.Name] = res.Message()
		} else {
			out.passed++
			out.passes[vendor+"/"+s.Name] = true
		}
	}
	if stage != nil {
		msg, err := stage.Finish(&tally)
		if err != nil {
			t.Errorf("%s: %v", vendor, err)
		}
		t.Log(msg)
	}
	if live {
		if err := tally.Verdict(vendor); err != nil {
			t.Error(err)
		}
	}
	return out
}

func runAll(t *testing.T, c *contract.Contract, root string, getenv func(string) string) outcome {
	all := outcome{failed: map[string]string{}, passes: map[string]bool{}}
	for _, v := range c.Vendors() {
		o := runVendor(t, c, root, v.ID, getenv, nil)
		for k, m := range o.failed {
			all.failed[k] = m
		}
		for k := range o.passes {
			all.passes[k] = true
		}
		all.passed += o.passed
	}
	return all
}

// liveScenarios are the scenarios a live run must run, counted from the data: every scenario of every
// vendor's suites/<vendor>/scenarios.yaml, but those whose live note marks them replay-only — they cannot
// be provoked against a real vendor (a server error, an OCR result that cannot be steered, the vendor's
// own billing decision), and the suite skips them live with that note. Both are keyed vendor/name;
// replayOnly maps each to its note, which must say why.
func liveScenarios(t *testing.T, c *contract.Contract, root string) (live map[string]*scenario.Scenario, replayOnly map[string]string) {
	t.Helper()
	live, replayOnly = map[string]*scenario.Scenario{}, map[string]string{}
	for _, v := range c.Vendors() {
		f, err := scenario.Load(root, c, v.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range f.Scenarios {
			key := v.ID + "/" + s.Name
			if !s.Live.ReplayOnly {
				live[key] = s
				continue
			}
			replayOnly[key] = s.Live.Note
			if strings.TrimSpace(s.Live.Note) == "" {
				t.Errorf("%s is replay-only without a note: its live note must say why it cannot run live", key)
			}
		}
	}
	if len(live) == 0 {
		t.Fatal("no scenario can run live: a live run would prove nothing")
	}
	return live, replayOnly
}

// Live mode against the local sandbox passes for all four vendors: real HTTP, real clients, the
// token flow, the budget and the sandbox's own validation, configured from the environment as the
// suites configure it. Each vendor runs with the budget kontrak budget computes for it (run.NeedOf), and
// no less suffices for a run of every scenario: the budget the workflow and make record set is enough.
func TestLiveAgainstServe(t *testing.T) {
	c, root := setup(t)
	srv := serve(t, c, root, filepath.Join(root, "cassettes"), nil)
	live, replayOnly := liveScenarios(t, c, root)
	need := map[string]int{}
	for _, v := range c.Vendors() {
		f, err := scenario.Load(root, c, v.ID)
		if err != nil {
			t.Fatal(err)
		}
		need[v.ID] = run.NeedOf(c, f, 2).Calls
	}
	o := outcome{failed: map[string]string{}, passes: map[string]bool{}}
	for _, v := range c.Vendors() {
		vo := runVendor(t, c, root, v.ID, liveEnv(c, srv, "live", "KONTRAK_RETRIES=2", "KONTRAK_MAX_BILLABLE="+strconv.Itoa(need[v.ID])), nil)
		maps.Copy(o.failed, vo.failed)
		maps.Copy(o.passes, vo.passes)
	}
	for name, msg := range o.failed {
		t.Errorf("%s failed live:\n%s", name, msg)
	}
	for name := range live {
		if !o.passes[name] && o.failed[name] == "" {
			t.Errorf("%s can run live (its scenarios.yaml does not mark it replay-only) and did not run", name)
		}
	}
	for name := range o.passes {
		if _, ok := live[name]; !ok {
			t.Errorf("%s ran live, and its scenarios.yaml marks it replay-only: %s", name, replayOnly[name])
		}
	}
	t.Logf("%d of %d scenarios passed live against kontrak serve; %d are replay-only by their scenarios.yaml",
		len(o.passes), len(live)+len(replayOnly), len(replayOnly))
}

// A drifted answer from the server fails live mode with a clear message: the scenario, the pointer,
// want and got.
func TestLiveAgainstDriftedServe(t *testing.T) {
	c, root := setup(t)
	dir := t.TempDir()
	copyTree(t, filepath.Join(root, "cassettes"), dir)
	p := filepath.Join(dir, "ekycpro", "success.yaml")
	b, _ := os.ReadFile(p)
	drifted := strings.Replace(string(b), `"dob":"01-01-1961"`, `"dob":"1961-01-01"`, 1)
	if drifted == string(b) {
		t.Fatal("the success cassette holds no dob to drift")
	}
	os.WriteFile(p, []byte(drifted), 0o644)
	srv := serve(t, c, root, dir, nil)
	o := runVendor(t, c, root, "ekycpro", liveEnv(c, srv, "live"), nil)
	var msgs []string
	for name, msg := range o.failed {
		msgs = append(msgs, name+": "+msg)
	}
	joined := strings.Join(msgs, "\n")
	if len(o.failed) == 0 {
		t.Fatalf("a drifted server passed live mode")
	}
	for _, want := range []string{"ekycpro idOcrGeneral scenario success", "format-violation at /message/dob", "want dd-mm-yyyy", "got a value shaped 9999-99-99 (withheld: personal data)"} {
		if !strings.Contains(joined, want) {
			t.Errorf("failure lacks %q:\n%s", want, joined)
		}
	}
}

// Recording against the sandbox, with canary credentials and canary personal data in its answers,
// leaves none of them in any cassette, and the scan finds nothing; the recordings replay.
func TestCanaryRecording(t *testing.T) {
	c, root := setup(t)
	served := t.TempDir()
	copyTree(t, filepath.Join(root, "cassettes"), served)
	// Canary personal data in the answers the sandbox gives.
	canaryPII := map[string]string{`"name":"HELLO NAME"`: `"name":"CANARYNAMA ASLIWATI"`, `"id":"3171024302821001"`: `"id":"3171999912120001"`,
		`"address":"BTN UNHALU BLOK C NO. 28"`: `"address":"JL. CANARY RAYA NO. 77"`}
	for _, f := range []string{"success.yaml", "success-bmp.yaml"} {
		p := filepath.Join(served, "ekycpro", f)
		b, _ := os.ReadFile(p)
		s := string(b)
		for old, new := range canaryPII {
			if !strings.Contains(s, old) {
				t.Fatalf("%s lacks %s", f, old)
			}
			s = strings.ReplaceAll(s, old, new)
		}
		os.WriteFile(p, []byte(s), 0o644)
	}
	srv := serve(t, c, root, served, nil)
	recorded := t.TempDir()
	o := runAll(t, c, root, liveEnv(c, srv, "record", "KONTRAK_CASSETTES="+recorded))
	for name, msg := range o.failed {
		t.Errorf("%s failed while recording:\n%s", name, msg)
	}
	files := yamlFiles(t, recorded)
	live, _ := liveScenarios(t, c, root)
	for name, s := range live {
		if !slices.Contains(files, s.CassetteFile(recorded)) {
			t.Errorf("%s can run live and recorded no cassette %s", name, s.CassetteFile(recorded))
		}
	}
	if len(files) != len(live) {
		t.Errorf("%d cassettes recorded, want one a scenario that can run live: %d", len(files), len(live))
	}
	secrets := []string{"CANARYNAMA", "ASLIWATI", "3171999912120001", "CANARY RAYA"}
	for _, v := range canary {
		secrets = append(secrets, v)
	}
	rules := redact.ScanRulesFor(c)
	for _, f := range files {
		b, _ := os.ReadFile(f)
		for _, s := range secrets {
			if bytes.Contains(b, []byte(s)) {
				t.Errorf("%s holds the canary %q", f, s)
			}
		}
		if !bytes.Contains(b, []byte("provenance=recorded-live")) || !bytes.Contains(b, []byte("recorded="+time.Now().UTC().Format("2006-01-02"))) {
			t.Errorf("%s does not say it was recorded live today", f)
		}
		// kontrak scan's check, in process.
		cs, _, err := cassette.Load(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range redact.Scan(cs, rules) {
			t.Errorf("scan: %v", l)
		}
	}
	// The redacted recordings still replay and conform.
	o = runVendor(t, c, root, "ekycpro", mapEnv("KONTRAK_MODE=replay", "KONTRAK_CASSETTES="+recorded, "KONTRAK_SKIP_REPLAY_ONLY=1"), nil)
	if len(o.failed) > 0 || o.passed == 0 {
		t.Errorf("the recording does not replay: %v", o.failed)
	}
}

// A recording made through a base URL with a path prefix (Kredibel's documented shape: serve mounted
// under /kontrak/vision, which answers nothing outside it) keeps the prefix on the wire, says it came
// from a local host, and replays: every vendor's live scenarios pass in replay, through the documented
// servers, from those cassettes alone.
func TestRecordThroughPrefixReplays(t *testing.T) {
	c, root := setup(t)
	const prefix = "/kontrak/vision"
	var outside atomic.Int32
	srv := serve(t, c, root, filepath.Join(root, "cassettes"), func(h http.Handler) http.Handler {
		mounted := http.StripPrefix(prefix, h)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !strings.HasPrefix(r.URL.Path, prefix+"/") {
				outside.Add(1)
				http.NotFound(w, r)
				return
			}
			mounted.ServeHTTP(w, r)
		})
	})
	var extra []string
	for _, v := range c.Vendors() {
		extra = append(extra, v.Env.BaseURL+"="+srv.URL+prefix)
	}
	recorded := t.TempDir()
	o := runAll(t, c, root, liveEnv(c, srv, "record", append(extra, "KONTRAK_CASSETTES="+recorded)...))
	for name, msg := range o.failed {
		t.Errorf("%s failed while recording through %s:\n%s", name, prefix, msg)
	}
	if n := outside.Load(); n != 0 {
		t.Errorf("%d requests left out the base URL's prefix", n)
	}
	live, _ := liveScenarios(t, c, root)
	files := yamlFiles(t, recorded)
	if len(files) != len(live) {
		t.Fatalf("%d cassettes recorded, want %d", len(files), len(live))
	}
	for _, f := range files {
		b, _ := os.ReadFile(f)
		if !bytes.Contains(b, []byte(prefix+"/")) {
			t.Errorf("%s: no request went through %s", f, prefix)
		}
		_, prov, err := cassette.Load(f)
		if err != nil {
			t.Fatal(err)
		}
		if prov.Host != contract.HostLocal || prov.Evidence() {
			t.Errorf("%s: provenance host %q, want %s (a recording from loopback is no evidence of the vendor)", f, prov.Host, contract.HostLocal)
		}
	}
	// make conformance: replay, no base URL, the documented servers.
	o = runAll(t, c, root, mapEnv("KONTRAK_MODE=replay", "KONTRAK_CASSETTES="+recorded, "KONTRAK_SKIP_REPLAY_ONLY=1"))
	for name, msg := range o.failed {
		t.Errorf("%s: recorded through %s, does not replay:\n%s", name, prefix, msg)
	}
	if len(o.passes) != len(live) {
		t.Errorf("%d scenarios passed in replay, want every live one: %d", len(o.passes), len(live))
	}
}

func mapEnv(kv ...string) func(string) string {
	env := map[string]string{}
	for _, x := range kv {
		k, v, _ := strings.Cut(x, "=")
		env[k] = v
	}
	return func(name string) string { return env[name] }
}

// An interrupted recording leaves the previous cassettes byte for byte intact: the run is abandoned
// mid-call, its staging never finished — no cleanup at all, the worst interruption.
func TestInterruptedRecording(t *testing.T) {
	c, root := setup(t)
	dir := t.TempDir()
	copyTree(t, filepath.Join(root, "cassettes"), dir)
	before := digest(t, dir)
	var calls atomic.Int32
	hung := make(chan struct{})
	release := make(chan struct{})
	srv := serve(t, c, root, filepath.Join(root, "cassettes"), func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if calls.Add(1) == 4 { // mid-run: the fourth call never answers
				close(hung)
				select {
				case <-release:
				case <-r.Context().Done():
				}
				return
			}
			h.ServeHTTP(w, r)
		})
	})
	defer close(release)
	done := make(chan struct{})
	go func() {
		defer close(done)
		// The run stops before the scenario after the hung call: it never reaches Finish.
		runVendor(t, c, root, "verihubs", liveEnv(c, srv, "record", "KONTRAK_CASSETTES="+dir, "KONTRAK_TIMEOUT=2s"), func() bool {
			select {
			case <-hung:
				return true
			default:
				return false
			}
		})
	}()
	select {
	case <-hung:
	case <-time.After(2 * time.Minute):
		t.Fatalf("the recording never reached its fourth call")
	}
	<-done
	if after := digest(t, dir); after != before {
		t.Errorf("an interrupted recording changed the cassettes")
	}
	staged, _ := filepath.Glob(filepath.Join(dir, ".recording-verihubs-*", "verihubs", "*.yaml"))
	if len(staged) == 0 {
		t.Errorf("the interrupted recording staged nothing: it did not record before the hung call")
	}
}

func digest(t *testing.T, dir string) string {
	h := sha256.New()
	for _, f := range yamlFiles(t, dir) {
		b, _ := os.ReadFile(f)
		rel, _ := filepath.Rel(dir, f)
		fmt.Fprintf(h, "%s %x\n", rel, sha256.Sum256(b))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// yamlFiles lists the cassettes under dir, hidden staging directories aside.
func yamlFiles(t *testing.T, dir string) []string {
	var out []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && strings.HasPrefix(d.Name(), ".") && p != dir {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(p, ".yaml") {
			out = append(out, p)
		}
		return nil
	})
	sort.Strings(out)
	return out
}

func copyTree(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		target := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		in, err := os.Open(p)
		if err != nil {
			return err
		}
		defer in.Close()
		outf, err := os.Create(target)
		if err != nil {
			return err
		}
		defer outf.Close()
		_, err = io.Copy(outf, in)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func tail(s string) string {
	if len(s) > 3000 {
		return "…" + s[len(s)-3000:]
	}
	return s
}

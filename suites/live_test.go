// Package suites_test runs the vendor suites the way a user runs them live, against `kontrak serve`'s
// sandbox on loopback: nothing leaves the machine, and live mode, recording and redaction are proven
// end to end.
package suites_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	kontrak "github.com/kontrak/kontrak"
	"github.com/kontrak/kontrak/contract"
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
	h, err := sandbox.New(c, sandbox.Config{Cassettes: cassettes, Root: root, Credentials: canary, Logf: func(string, ...any) {}})
	if err != nil {
		t.Fatal(err)
	}
	if wrap != nil {
		h = wrap(h)
	}
	srv := httptest.NewServer(h) // 127.0.0.1
	t.Cleanup(srv.Close)
	return srv
}

// liveEnv is the environment of a live run against srv.
func liveEnv(c *contract.Contract, srv *httptest.Server, mode string, extra ...string) []string {
	env := append(os.Environ(), "KONTRAK_MODE="+mode, "KONTRAK_MAX_BILLABLE=1000", "KONTRAK_MAX_WAIT=10ms", "KONTRAK_TIMEOUT=20s")
	for _, v := range c.Vendors() {
		env = append(env, v.Env.BaseURL+"="+srv.URL)
	}
	for k, v := range canary {
		env = append(env, k+"="+v)
	}
	return append(env, extra...)
}

// runSuites runs `go test` on the suites and returns the specs' outcomes from Ginkgo's JSON report.
func runSuites(t *testing.T, root string, env []string, pkgs ...string) (failed map[string]string, passed, skipped int, out string) {
	t.Helper()
	report := filepath.Join(t.TempDir(), "report.json")
	failed = map[string]string{}
	for _, pkg := range pkgs {
		args := []string{"test", "-count=1", pkg, "-args", "-ginkgo.json-report=" + report, "-ginkgo.no-color"}
		for _, e := range env {
			if f, ok := strings.CutPrefix(e, "KONTRAK_LABEL_FILTER="); ok {
				args = append(args, "-ginkgo.label-filter="+f) // replay-only cassettes are never recorded
			}
		}
		cmd := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), args...)
		cmd.Dir, cmd.Env = root, env
		b, _ := cmd.CombinedOutput()
		out += string(b)
		data, err := os.ReadFile(report)
		if err != nil {
			t.Fatalf("%s: no report (%v):\n%s", pkg, err, b)
		}
		var reports []types.Report
		if err := json.Unmarshal(data, &reports); err != nil {
			t.Fatal(err)
		}
		for _, rep := range reports {
			for _, sr := range rep.SpecReports {
				switch {
				case sr.State.Is(types.SpecStateFailureStates):
					failed[rep.SuiteDescription+": "+sr.LeafNodeText] = sr.Failure.Message
				case sr.State == types.SpecStateSkipped:
					skipped++
				case sr.LeafNodeType == types.NodeTypeIt:
					passed++
				}
			}
		}
		os.Remove(report)
	}
	return failed, passed, skipped, out
}

var allSuites = []string{"./suites/verihubs", "./suites/advance", "./suites/ekycpro", "./suites/kredibel"}

// Live mode against the local sandbox passes for all four vendors: real HTTP, real clients, the
// token flow, the budget and the sandbox's own validation.
func TestLiveAgainstServe(t *testing.T) {
	c, root := setup(t)
	srv := serve(t, c, root, filepath.Join(root, "cassettes"), nil)
	failed, passed, skipped, out := runSuites(t, root, liveEnv(c, srv, "live"), allSuites...)
	for name, msg := range failed {
		t.Errorf("%s failed live:\n%s", name, msg)
	}
	if passed < 60 {
		t.Errorf("only %d specs passed live (%d skipped): the live suites did not run\n%s", passed, skipped, tail(out))
	}
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
	failed, _, _, out := runSuites(t, root, liveEnv(c, srv, "live"), "./suites/ekycpro")
	var msgs []string
	for name, msg := range failed {
		msgs = append(msgs, name+": "+msg)
	}
	joined := strings.Join(msgs, "\n")
	if len(failed) == 0 {
		t.Fatalf("a drifted server passed live mode\n%s", tail(out))
	}
	for _, want := range []string{"ekycpro idOcrGeneral scenario success", "format-violation at /message/dob", "want dd-mm-yyyy", `got "9999-99-99"`} {
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
	env := liveEnv(c, srv, "record", "KONTRAK_CASSETTES="+recorded)
	failed, _, _, out := runSuites(t, root, env, allSuites...)
	for name, msg := range failed {
		t.Errorf("%s failed while recording:\n%s", name, msg)
	}
	files := yamlFiles(t, recorded)
	if len(files) < 60 {
		t.Fatalf("only %d cassettes recorded\n%s", len(files), tail(out))
	}
	secrets := []string{"CANARYNAMA", "ASLIWATI", "3171999912120001", "CANARY RAYA"}
	for _, v := range canary {
		secrets = append(secrets, v)
	}
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
	}
	scan := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "run", "./cmd/kontrak", "scan", recorded)
	scan.Dir = root
	if b, err := scan.CombinedOutput(); err != nil {
		t.Errorf("kontrak scan on the recording: %v\n%s", err, b)
	}
	// The redacted recordings still replay and conform.
	failed, passed, _, out := runSuites(t, root, append(os.Environ(), "KONTRAK_MODE=replay", "KONTRAK_CASSETTES="+recorded,
		"KONTRAK_LABEL_FILTER=!replay-only"), "./suites/ekycpro")
	if len(failed) > 0 || passed == 0 {
		t.Errorf("the recording does not replay: %v\n%s", failed, tail(out))
	}
}

// An interrupted recording leaves the previous cassettes byte for byte intact.
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
	cmd := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "test", "-count=1", "-c", "-o", filepath.Join(t.TempDir(), "verihubs.test"), "./suites/verihubs")
	cmd.Dir = root
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building the suite: %v\n%s", err, b)
	}
	bin := cmd.Args[len(cmd.Args)-2]
	run := exec.Command(bin, "-ginkgo.no-color")
	run.Dir = filepath.Join(root, "suites", "verihubs")
	run.Env = liveEnv(c, srv, "record", "KONTRAK_CASSETTES="+dir)
	var out bytes.Buffer
	run.Stdout, run.Stderr = &out, &out
	if err := run.Start(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-hung:
	case <-time.After(2 * time.Minute):
		run.Process.Kill()
		t.Fatalf("the recording never reached its fourth call\n%s", tail(out.String()))
	}
	time.Sleep(200 * time.Millisecond) // the earlier scenarios' cassettes are written by now
	run.Process.Kill()                 // no cleanup at all: the worst interruption
	run.Wait()
	if after := digest(t, dir); after != before {
		t.Errorf("an interrupted recording changed the cassettes")
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

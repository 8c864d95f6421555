package suite_test

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/onsi/ginkgo/v2/types"

	kontrak "github.com/kontrak/kontrak"
	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/scenario"
)

var goBin = filepath.Join(runtime.GOROOT(), "bin", "go")

func root(t testing.TB) string {
	t.Helper()
	r, err := scenario.Root()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

var (
	binOnce sync.Once
	binPath string
	binErr  error
	binDir  string
)

// suitesBinary is the conformance binary (./suites), built once for every test of this package that runs
// it in a subprocess, with -trimpath as make conformance builds it.
func suitesBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the suites in a subprocess")
	}
	binOnce.Do(func() {
		var err error
		if binDir, err = os.MkdirTemp("", "kontrak-suites-"); err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(binDir, "suites.test")
		cmd := exec.Command(goBin, "test", "-c", "-trimpath", "-o", binPath, "./suites")
		cmd.Dir = root(t)
		if b, err := cmd.CombinedOutput(); err != nil {
			binErr = fmt.Errorf("building ./suites: %v\n%s", err, b)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// runSuites runs the conformance binary as make conformance runs it, with env added to the environment and
// Ginkgo flags args, and returns Ginkgo's JSON report, the JUnit report's text and the output.
func runSuites(t *testing.T, env []string, args ...string) ([]types.Report, string, string, error) {
	t.Helper()
	bin := suitesBinary(t)
	dir := t.TempDir()
	report, junit := filepath.Join(dir, "report.json"), filepath.Join(dir, "junit.xml")
	cmd := exec.Command(bin, append([]string{"-ginkgo.json-report=" + report, "-ginkgo.no-color"}, args...)...)
	cmd.Dir = filepath.Join(root(t), "suites")
	cmd.Env = append(append(os.Environ(), "KONTRAK_JUNIT="+junit), env...)
	out, runErr := cmd.CombinedOutput()
	data, err := os.ReadFile(report)
	if err != nil {
		t.Fatalf("no report (%v):\n%s", err, out)
	}
	var reports []types.Report
	if err := json.Unmarshal(data, &reports); err != nil {
		t.Fatal(err)
	}
	j, err := os.ReadFile(junit)
	if err != nil {
		t.Fatal(err)
	}
	return reports, string(j), string(out), runErr
}

// drift copies cassettes/advance into a temporary directory and applies the edits to the OCR answers.
func drift(t *testing.T, edits []edit) string {
	t.Helper()
	dir := t.TempDir()
	copyTree(t, filepath.Join(root(t), "cassettes", "advance"), filepath.Join(dir, "advance"))
	for _, e := range edits {
		p := filepath.Join(dir, "advance", e.cassette)
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		s := string(b)
		i := strings.LastIndex(s, e.old) // the OCR answer comes after the token's
		if i < 0 {
			t.Fatalf("%s holds no %s", e.cassette, e.old)
		}
		s = s[:i] + e.new + s[i+len(e.old):]
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

type edit struct {
	cassette, old, new string
	spec, pointer      string
}

var edits = []edit{
	{"image-invalid-size.yaml", `"pricingStrategy":"FREE"`, `"pricingStrategy":"PAY"`, "image-invalid-size", "billing-flag-mismatch at /pricingStrategy"},
	{"ocr-success.yaml", `"idNumber":"33******02",`, ``, "ocr-success", "field-missing at /data/idNumber"},
	{"ocr-no-result.yaml", `"code":"OCR_NO_RESULT"`, `"code":"OCR_FAILED"`, "ocr-no-result", "error-code-undocumented at /code"},
}

// A cassette edited to drift — a field removed, a code changed, a billing flag flipped — makes exactly
// the spec of its scenario fail, with the JSON Pointer in its message. The suite runs as CI runs it: the
// conformance binary, in a process of its own, on a copy of the cassettes, one vendor selected by label.
func TestEditedCassetteFailsItsSpecOnly(t *testing.T) {
	dir := drift(t, edits)
	reports, _, out, err := runSuites(t, []string{"KONTRAK_CASSETTES=" + dir, "KONTRAK_MODE=replay"}, "-ginkgo.label-filter=vendor:advance")
	if err == nil {
		t.Fatalf("the suite passed on drifted cassettes:\n%s", out)
	}
	failed := map[string]string{}
	passed := 0
	for _, rep := range reports {
		for _, sr := range rep.SpecReports {
			if sr.LeafNodeType != types.NodeTypeIt || sr.State == types.SpecStateSkipped {
				continue
			}
			if sr.State.Is(types.SpecStateFailureStates) {
				failed[sr.LeafNodeText] = sr.Failure.Message
			} else {
				passed++
			}
			if !strings.Contains(strings.Join(sr.Labels(), ","), "vendor:advance") {
				t.Errorf("the label filter ran %s", sr.FullText())
			}
		}
	}
	var gotNames []string
	for text := range failed {
		gotNames = append(gotNames, text)
	}
	sort.Strings(gotNames)
	if len(failed) != len(edits) {
		t.Errorf("%d specs failed, want exactly %d: %v", len(failed), len(edits), gotNames)
	}
	for _, e := range edits {
		found := false
		for text, msg := range failed {
			if strings.Contains(text, "] "+e.spec+":") {
				found = true
				for _, want := range []string{e.pointer, "advance ocrKtpCheck scenario " + e.spec, filepath.Join(dir, "advance", e.cassette) + " interaction 1"} {
					if !strings.Contains(msg, want) {
						t.Errorf("%s: failure %q lacks %q", e.spec, msg, want)
					}
				}
			}
		}
		if !found {
			t.Errorf("the spec of %s did not fail; failed: %v", e.spec, gotNames)
		}
	}
	if passed == 0 {
		t.Errorf("no spec passed: the edits should fail their own specs only")
	}
}

// A failing scenario's Ginkgo location is its line in suites/<vendor>/scenarios.yaml, relative to the
// repository root — in the JSON report (spec and failure node) and in the JUnit report, which names no
// absolute build path.
func TestFailureLocationIsTheScenarioLine(t *testing.T) {
	r := root(t)
	c, err := contract.Load(kontrak.Files)
	if err != nil {
		t.Fatal(err)
	}
	f, err := scenario.Load(r, c, "advance")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{} // scenario name -> suites/advance/scenarios.yaml:LINE
	for _, s := range f.Scenarios {
		if s.Name == "ocr-no-result" {
			file, line := s.Location(r)
			want[s.Name] = fmt.Sprintf("%s:%d", file, line)
		}
	}
	if want["ocr-no-result"] == "" {
		t.Fatal("no scenario ocr-no-result")
	}
	dir := drift(t, edits[2:])
	reports, junit, out, err := runSuites(t, []string{"KONTRAK_CASSETTES=" + dir}, "-ginkgo.label-filter=vendor:advance")
	if err == nil {
		t.Fatalf("the suite passed on a drifted cassette:\n%s", out)
	}
	seen := false
	for _, rep := range reports {
		for _, sr := range rep.SpecReports {
			if !sr.State.Is(types.SpecStateFailureStates) {
				continue
			}
			seen = true
			if !strings.Contains(sr.LeafNodeText, "] ocr-no-result:") {
				t.Errorf("unexpected failure %s", sr.LeafNodeText)
				continue
			}
			for what, got := range map[string]types.CodeLocation{"spec": sr.LeafNodeLocation, "failure node": sr.Failure.FailureNodeLocation} {
				if got.String() != want["ocr-no-result"] {
					t.Errorf("%s location %s, want %s", what, got, want["ocr-no-result"])
				}
			}
			if !strings.HasPrefix(sr.Failure.Message, want["ocr-no-result"]+": ") {
				t.Errorf("the failure message does not start with the scenario's location: %q", sr.Failure.Message)
			}
		}
	}
	if !seen {
		t.Fatalf("no spec failed\n%s", out)
	}
	if !strings.Contains(out, want["ocr-no-result"]) {
		t.Errorf("the output never names %s:\n%s", want["ocr-no-result"], out)
	}
	if i := strings.Index(junit, r); i >= 0 {
		t.Errorf("the JUnit report names the absolute build path %s: …%s…", r, junit[max(0, i-200):min(len(junit), i+200)])
	}
	if !strings.Contains(junit, "In [It] at: "+want["ocr-no-result"]) {
		t.Errorf("the JUnit report does not put the failure at %s:\n%s", want["ocr-no-result"], junit)
	}
}

// The command line and the sandbox link neither Ginkgo nor Gomega: suite/ is their only non-test importer.
func TestNoGinkgoOutsideSuite(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	for _, pkg := range []string{"./cmd/kontrak", "./sandbox", "./run", "./scenario", "./report", "./livedoc", "./contract", "./recorder"} {
		deps := goListDeps(t, pkg)
		if len(deps) < 10 {
			t.Fatalf("go list named only %d packages for %s", len(deps), pkg)
		}
		for _, p := range deps {
			if !strings.HasPrefix(p, "github.com/onsi/ginkgo") && !strings.HasPrefix(p, "github.com/onsi/gomega") {
				continue
			}
			t.Errorf("%s links %s", pkg, p)
		}
	}
	// And the check sees Ginkgo where it is: it would pass vacuously if go list stopped naming it.
	if deps := strings.Join(goListDeps(t, "./suite"), " "); !strings.Contains(deps, "github.com/onsi/ginkgo/v2 ") || !strings.Contains(deps, "github.com/onsi/gomega ") {
		t.Errorf("go list -deps ./suite names neither ginkgo nor gomega: %s", deps)
	}
}

func goListDeps(t *testing.T, pkg string) []string {
	t.Helper()
	cmd := exec.Command(goBin, "list", "-deps", pkg)
	cmd.Dir = root(t)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps %s: %v\n%s", pkg, err, out)
	}
	return strings.Fields(string(out))
}

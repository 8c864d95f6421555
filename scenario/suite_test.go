package scenario_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"

	"github.com/onsi/ginkgo/v2/types"
)

// A cassette edited to drift — a field removed, a code changed, a billing flag flipped — makes exactly
// the spec of its scenario fail, with the JSON Pointer in its message. The suite runs as CI runs it: the
// real Ginkgo suite of a vendor, in a process of its own, on a copy of the cassettes.
func TestEditedCassetteFailsItsSpecOnly(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a suite in a subprocess")
	}
	r := root(t)
	dir := t.TempDir()
	copyDir(t, filepath.Join(r, "cassettes", "advance"), filepath.Join(dir, "advance"))
	edits := []struct {
		cassette, old, new string
		spec, pointer      string
	}{
		{"image-invalid-size.yaml", `"pricingStrategy":"FREE"`, `"pricingStrategy":"PAY"`, "image-invalid-size", "billing-flag-mismatch at /pricingStrategy"},
		{"ocr-success.yaml", `"idNumber":"33******02",`, ``, "ocr-success", "field-missing at /data/idNumber"},
		{"ocr-no-result.yaml", `"code":"OCR_NO_RESULT"`, `"code":"OCR_FAILED"`, "ocr-no-result", "error-code-undocumented at /code"},
	}
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
	report := filepath.Join(t.TempDir(), "report.json")
	goBin := filepath.Join(runtime.GOROOT(), "bin", "go")
	cmd := exec.Command(goBin, "test", "-count=1", "./suites/advance", "-args", "-ginkgo.json-report="+report, "-ginkgo.no-color")
	cmd.Dir = r
	cmd.Env = append(os.Environ(), "KONTRAK_CASSETTES="+dir, "KONTRAK_MODE=replay")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("the suite passed on drifted cassettes:\n%s", out)
	}
	data, err := os.ReadFile(report)
	if err != nil {
		t.Fatalf("no report (%v):\n%s", err, out)
	}
	var reports []types.Report
	if err := json.Unmarshal(data, &reports); err != nil {
		t.Fatal(err)
	}
	failed := map[string]string{}
	passed := 0
	for _, rep := range reports {
		for _, sr := range rep.SpecReports {
			if sr.LeafNodeType != types.NodeTypeIt {
				continue
			}
			if sr.State.Is(types.SpecStateFailureStates) {
				failed[sr.LeafNodeText] = sr.Failure.Message
			} else {
				passed++
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

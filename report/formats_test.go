package report

import (
	"bytes"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// flowFixture is a live run with a failure of two problems, a skip of each reason (replay-only, budget,
// credentials), a waived finding, a spent budget and an expired waiver failing the run, written by a
// build in /build/kontrak: every format names paths relative to it.
func flowFixture(t *testing.T) *Summary {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "flow-run.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s, err := Read(f)
	if err != nil {
		t.Fatal(err)
	}
	s.Relative("/build/kontrak")
	return s
}

// TestFormatsGolden: every registered format over the fixture, byte for byte (-update rewrites them).
func TestFormatsGolden(t *testing.T) {
	ext := map[string]string{"text": "txt", "json": "summary.json", "markdown": "md", "junit": "xml", "github": "github"}
	for _, name := range Formats(SummaryReport) {
		t.Run(name, func(t *testing.T) {
			f, _ := Lookup(SummaryReport, name)
			var buf bytes.Buffer
			if err := f.Format(&buf, flowFixture(t)); err != nil {
				t.Fatal(err)
			}
			e, ok := ext[name]
			if !ok {
				t.Fatalf("format %s has no golden file: add it to this table", name)
			}
			golden := filepath.Join("testdata", "flow."+e)
			if *update {
				if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (go test ./report -update writes it)", err)
			}
			if !bytes.Equal(buf.Bytes(), want) {
				t.Errorf("%s differs from %s (go test ./report -update):\n got:\n%s\nwant:\n%s", name, golden, buf.Bytes(), want)
			}
			if bytes.Contains(buf.Bytes(), []byte("/build/kontrak")) {
				t.Errorf("%s names the build directory: paths must be relative to the repository", name)
			}
		})
	}
}

// TestFlowSummary: what the golden files show, asserted on the Summary itself.
func TestFlowSummary(t *testing.T) {
	s := flowFixture(t)
	adv := vendorRow(t, s, "advance")
	if adv.Budget == nil || *adv.Budget != (Budget{Used: 3, Max: 3}) || adv.Billed != 2 {
		t.Errorf("advance budget %+v billed %d: want 3 of 3 used and 2 billed, told apart", adv.Budget, adv.Billed)
	}
	kinds := map[string]string{}
	for _, sk := range vendorRow(t, s, "advance").Skips {
		kinds[sk.Scenario] = sk.Kind
	}
	for _, sk := range vendorRow(t, s, "kredibel").Skips {
		kinds[sk.Spec] = sk.Kind
	}
	want := map[string]string{"ocr-glossary-error": SkipReplayOnly, "ocr-success-free": SkipBudget, "runs live": SkipCredentials}
	for k, v := range want {
		if kinds[k] != v {
			t.Errorf("skip %s: kind %q, want %q", k, kinds[k], v)
		}
	}
	if len(adv.Waived) != 1 || adv.Waived[0].At != "suites/advance/scenarios.yaml:12" || !strings.HasPrefix(adv.Waived[0].Waiver, "waivers.yaml:2: ") {
		t.Errorf("waived %+v: want the scenario's line and the waiver's, relative", adv.Waived)
	}
	if adv.Failed != 1 || adv.Passed != 1 || len(adv.Failures) != 2 || adv.Failures[0].At != "suites/advance/scenarios.yaml:40" ||
		adv.Failures[0].Cassette != "cassettes/advance/image-invalid-size.yaml" {
		t.Errorf("advance failures %+v", adv.Failures)
	}
	if !s.Failing() || len(s.Failures) != 1 || !strings.Contains(s.Failures[0].Message, "waivers.yaml:10") {
		t.Errorf("the expired waiver does not fail the run: %+v", s.Failures)
	}
}

// TestJUnitWellFormed: the junit format is XML whose counts add up, and each failed case points at its
// scenario's line.
func TestJUnitWellFormed(t *testing.T) {
	f, _ := Lookup(SummaryReport, "junit")
	var buf bytes.Buffer
	if err := f.Format(&buf, flowFixture(t)); err != nil {
		t.Fatal(err)
	}
	var got junitSuites
	if err := xml.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatalf("not XML: %v", err)
	}
	tests, failures := 0, 0
	for _, s := range got.Suites {
		tests += len(s.Cases)
		for _, c := range s.Cases {
			if c.Failure != nil {
				failures++
				if s.Name == "advance" && (c.File != "suites/advance/scenarios.yaml" || c.Line != "40") {
					t.Errorf("failed case %q at %s:%s, want suites/advance/scenarios.yaml:40", c.Name, c.File, c.Line)
				}
			}
		}
	}
	if got.Tests != tests || got.Failures != failures || failures != 2 {
		t.Errorf("testsuites tests=%d failures=%d; counted %d cases, %d failures (want 2: the scenario and the expired waiver)", got.Tests, got.Failures, tests, failures)
	}
}

func TestGitHubEscapes(t *testing.T) {
	var b strings.Builder
	ghCommand(&b, "error", "a,b.yaml:7", "t:1", "50% done\nnext")
	if got, want := b.String(), "::error file=a%2Cb.yaml,line=7,title=t%3A1::50%25 done%0Anext\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestMarkdownEscapes(t *testing.T) {
	if got, want := mdText("a|b *c* <d>"), `a\|b \*c\* &lt;d&gt;`; got != want {
		t.Errorf("mdText = %q, want %q", got, want)
	}
	if got, want := mdCode("x`y"), "``x`y``"; got != want {
		t.Errorf("mdCode = %q, want %q", got, want)
	}
}

package report

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

func readFixture(t *testing.T) *Summary {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "run.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s, err := Read(f)
	if err != nil {
		t.Fatalf("Read(testdata/run.json): %v", err)
	}
	return s
}

func vendorRow(t *testing.T, s *Summary, id string) *Vendor {
	t.Helper()
	for _, v := range s.Vendors {
		if v.Vendor == id {
			return v
		}
	}
	t.Fatalf("no row for vendor %s", id)
	return nil
}

// TestRead: the counts of every row, and where each detail of the fixture lands.
func TestRead(t *testing.T) {
	s := readFixture(t)
	var ids []string
	for _, v := range s.Vendors {
		ids = append(ids, v.Vendor)
	}
	if got := strings.Join(ids, ","); got != "advance,kredibel,verihubs" {
		t.Fatalf("vendors %s, want advance,kredibel,verihubs (sorted; a spec without a vendor label counts for none)", got)
	}
	adv := vendorRow(t, s, "advance")
	want := Vendor{Vendor: "advance", Scenarios: 3, Passed: 1, Failed: 1, Skipped: 1, Drift: 1, Breaking: 1, Notices: 1, Billed: 2, Other: 1, Mode: "live"}
	got := *adv
	got.Skips, got.Failures, got.Cases = nil, nil, nil
	if !reflect.DeepEqual(got, want) {
		t.Errorf("advance row:\n got %+v\nwant %+v", got, want)
	}
	if len(adv.Skips) != 1 || adv.Skips[0].Scenario != "server-error" || !strings.Contains(adv.Skips[0].Reason, "cannot be provoked live") {
		t.Errorf("advance skips %+v, want the replay-only scenario server-error with its reason", adv.Skips)
	}
	if len(adv.Failures) != 3 {
		t.Fatalf("advance failures: %d, want 3 (two lines of image-invalid-size, one coverage spec): %+v", len(adv.Failures), adv.Failures)
	}
	one := 1
	wantF := Failure{Vendor: "advance", Operation: "ocrKtpCheck", Scenario: "image-invalid-size",
		Spec: "ocrKtpCheck [PARAMETER_ERROR] image-invalid-size: too big", Cassette: "cassettes/advance/image-invalid-size.yaml",
		Interaction: &one, Rule: "billing-flag-mismatch", Pointer: "/pricingStrategy", Want: "FREE", Got: "PAY",
		Source: "https://doc.advance.ai/enhanced_ocr.html (documented)"}
	wantF.Message = adv.Failures[0].Message
	wantF.Spec = "ocrKtpCheck [PARAMETER_ERROR] image-invalid-size: too big"
	if !reflect.DeepEqual(adv.Failures[0], wantF) {
		t.Errorf("first failure:\n got %+v\nwant %+v", adv.Failures[0], wantF)
	}
	if f := adv.Failures[2]; f.Scenario != "" || !strings.HasPrefix(f.Message, "advance: has a scenario for every code") {
		t.Errorf("coverage failure %+v: want no scenario and the spec's first line", f)
	}
	kred := vendorRow(t, s, "kredibel")
	if kred.Scenarios != 0 || kred.Skipped != 1 || len(kred.Skips) != 1 || kred.Skips[0].Scenario != "" {
		t.Errorf("kredibel %+v: want one skipped spec that is not a scenario", kred)
	}
	if len(s.Failures) != 1 || s.Failures[0].Spec != "verihubs" || !strings.Contains(s.Failures[0].Message, "proved nothing") {
		t.Errorf("suite-level failures %+v: want verihubs' AfterSuite", s.Failures)
	}
	if tot := s.Total(); tot.Scenarios != 4 || tot.Notices != 3 || tot.Billed != 2 {
		t.Errorf("total %+v: want 4 scenarios, 3 notices, 2 billed", tot)
	}
	if !s.Failing() {
		t.Error("Failing() = false for a run with a failed scenario")
	}
}

func TestFailingOnlyOnFailures(t *testing.T) {
	s := &Summary{Vendors: []*Vendor{{Vendor: "x", Scenarios: 2, Passed: 1, Skipped: 1, Notices: 3}}}
	if s.Failing() {
		t.Error("a run with notices and a skip, no failure, is failing")
	}
	s.Failures = []Failure{{Message: "suite failed"}}
	if !s.Failing() {
		t.Error("a suite-level failure does not fail the run")
	}
}

func TestParseFailure(t *testing.T) {
	two := 2
	for _, tc := range []struct {
		reason, line string
		want         Failure
	}{
		{"a status comparison of an older run has the empty pointer, written \"\"",
			`v op scenario s, cassette c.yaml interaction 2: HTTP status at "": want 200, got 400`,
			Failure{Vendor: "v", Operation: "op", Scenario: "s", Cassette: "c.yaml", Interaction: &two, Rule: "HTTP status", Want: "200", Got: "400"}},
		{"the root pointer as messages print it now, /",
			`v op scenario s, cassette c.yaml interaction 2: HTTP status at /: want 200, got 400`,
			Failure{Vendor: "v", Operation: "op", Scenario: "s", Cassette: "c.yaml", Interaction: &two, Rule: "HTTP status", Want: "200", Got: "400"}},
		{"an error of the run names no interaction and no pointer",
			"v op scenario s, cassette c.yaml: request: no image field",
			Failure{Vendor: "v", Operation: "op", Scenario: "s", Cassette: "c.yaml"}},
		{"a line in no known shape is kept whole",
			"something else went wrong",
			Failure{}},
	} {
		got := parseFailure(tc.line)
		tc.want.Message = tc.line
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s:\n got %+v\nwant %+v", tc.reason, got, tc.want)
		}
	}
}

func TestReadRejects(t *testing.T) {
	for _, in := range []string{"", "{}", `[{"SpecReports": 3}]`,
		`[{"SpecReports":[{"LeafNodeType":"It","ContainerHierarchyLabels":[["vendor:x"]],"ReportEntries":[{"Name":"kontrak","Value":{"AsJSON":"nope"}}]}]}]`} {
		if _, err := Read(strings.NewReader(in)); err == nil {
			t.Errorf("Read(%q): no error", in)
		}
	}
}

func TestLookupUnknown(t *testing.T) {
	_, err := Lookup(SummaryReport, "xml")
	if err == nil {
		t.Fatal("Lookup(summary, xml): no error")
	}
	if want := `unknown format "xml": known formats are github, json, junit, markdown, text`; err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
	// The error of a kind lists that kind's formats, not another's.
	_, err = Lookup(TrafficReport, "junit")
	if want := `unknown format "junit": known formats are json, markdown, text`; err == nil || err.Error() != want {
		t.Errorf("Lookup(traffic, junit): %v, want %q", err, want)
	}
	for _, n := range Formats(SummaryReport) {
		if _, err := Lookup(SummaryReport, n); err != nil {
			t.Errorf("Lookup(summary, %s), a format Formats lists: %v", n, err)
		}
	}
	for _, n := range Formats(TrafficReport) {
		if _, err := Lookup(TrafficReport, n); err != nil {
			t.Errorf("Lookup(traffic, %s), a format Formats lists: %v", n, err)
		}
	}
}

// TestRegisterTwicePanics: a (kind, format) is registered once; the same format name of another kind is
// another entry.
func TestRegisterTwicePanics(t *testing.T) {
	defer func() {
		if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "format text of the summary report registered twice") {
			t.Errorf("registering summary/text twice: recovered %v", r)
		}
	}()
	Register(SummaryReport, "text", formatText)
}

// TestJSONRoundTrip: what the json format writes, Decode reads back into the same Summary.
func TestJSONRoundTrip(t *testing.T) {
	s := readFixture(t)
	f, err := Lookup(SummaryReport, "json")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Format(&buf, s); err != nil {
		t.Fatal(err)
	}
	back, err := Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, s) {
		t.Errorf("round trip differs:\n got %+v\nwant %+v", back, s)
	}
}

// TestTextGolden: the text format of the fixture, byte for byte (go test ./report -update rewrites it).
func TestTextGolden(t *testing.T) {
	s := readFixture(t)
	f, err := Lookup(SummaryReport, "text")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Format(&buf, s); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "run.txt")
	if *update {
		if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (go test ./report -run TextGolden -update writes it)", err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("text format differs from %s (go test ./report -update):\n got:\n%s\nwant:\n%s", golden, buf.Bytes(), want)
	}
}

package report

import (
	"bytes"
	"strings"
	"testing"
)

// The verdict of a run tells drift from a run that proved nothing, in the summary and the traffic report.
func TestRunVerdict(t *testing.T) {
	for _, tc := range []struct {
		reason string
		s      Summary
		want   string
	}{
		{"scenarios passed", Summary{Vendors: []*Vendor{{Vendor: "a", Passed: 3}}}, VerdictConform},
		{"a scenario failed", Summary{Vendors: []*Vendor{{Vendor: "a", Passed: 3, Failed: 1}}}, VerdictDrift},
		{"a coverage spec failed", Summary{Vendors: []*Vendor{{Vendor: "a", Passed: 3, Other: 1, Failures: []Failure{{Message: "a: coverage: code X has no scenario"}}}}}, VerdictDrift},
		{"every scenario skipped", Summary{Vendors: []*Vendor{{Vendor: "a", Skipped: 4}}}, VerdictInconclusive},
		{"nothing at all", Summary{}, VerdictInconclusive},
		{"the live run proved nothing", Summary{Vendors: []*Vendor{{Vendor: "a", Skipped: 4}},
			Failures: []Failure{{Spec: "AfterSuite", Message: "advance: the live run proved nothing: every one of its 3 calls was refused"}}}, VerdictInconclusive},
		{"one vendor drifted, another proved nothing", Summary{Vendors: []*Vendor{{Vendor: "a", Failed: 1}},
			Failures: []Failure{{Message: "b: the live run proved nothing: no scenario ran"}}}, VerdictDrift},
		{"an expired waiver fails a run that passed", Summary{Vendors: []*Vendor{{Vendor: "a", Passed: 1}},
			Failures: []Failure{{Spec: "waivers", Message: "waivers.yaml:3: expired on 2020-01-01"}}}, VerdictDrift},
	} {
		if got := tc.s.RunVerdict(); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.reason, got, tc.want)
		}
	}
	for _, tc := range []struct {
		t    Traffic
		want string
	}{
		{Traffic{Interactions: 3, Judged: 3, Conforming: 3}, VerdictConform},
		{Traffic{Interactions: 3, Judged: 3, Conforming: 2, Drifted: 1}, VerdictDrift},
		{Traffic{Interactions: 3, Unrouted: 3}, VerdictInconclusive},
		{Traffic{Interactions: 2, Judged: 2, Inconclusive: 2}, VerdictInconclusive},
	} {
		if got := tc.t.RunVerdict(); got != tc.want {
			t.Errorf("%+v: %s, want %s", tc.t, got, tc.want)
		}
	}
}

// Every format names the contract a report was judged by, when it is known.
func TestFormatsNameTheContract(t *testing.T) {
	c := &Contract{Source: "directory", Dir: "/forks/kontrak", Digest: "sha256:" + strings.Repeat("ab", 32)}
	for _, name := range Formats(SummaryReport) {
		s := flowFixture(t)
		s.Contract = c
		f, _ := Lookup(SummaryReport, name)
		var b bytes.Buffer
		if err := f.Format(&b, s); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(b.String(), "/forks/kontrak") {
			t.Errorf("summary %s does not name the contract's directory", name)
		}
	}
	for _, name := range Formats(TrafficReport) {
		tr := &Traffic{Interactions: 1, Judged: 1, Conforming: 1, Contract: c}
		f, _ := Lookup(TrafficReport, name)
		var b bytes.Buffer
		if err := f.Format(&b, tr); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(b.String(), "/forks/kontrak") || !strings.Contains(b.String(), "sha256:abababababab") {
			t.Errorf("traffic %s does not name the contract:\n%s", name, b.String())
		}
	}
}

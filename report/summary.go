package report

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// EntryName is the name of the Ginkgo report entry every scenario spec adds, its Entry as JSON.
const EntryName = "kontrak"

// Entry is what a scenario spec reports about itself: the wire format between the suites and Read. Its
// JSON field names are stable; a suite that knows its failures' details puts them in Failures, else Read
// takes them from the spec's failure message.
type Entry struct {
	Vendor    string    `json:"vendor"`
	Scenario  string    `json:"scenario"`
	Operation string    `json:"operation"`
	Kind      string    `json:"kind"`
	Mode      string    `json:"mode"`
	Cassette  string    `json:"cassette,omitempty"`
	Status    int       `json:"status"`
	Code      string    `json:"code,omitempty"`
	Billed    bool      `json:"billed"`
	Breaking  int       `json:"breaking"`
	Notices   int       `json:"notices"`
	Failed    bool      `json:"failed"`
	Failures  []Failure `json:"failures,omitempty"`
	// At is where the scenario is written, "suites/<vendor>/scenarios.yaml:LINE".
	At string `json:"at,omitempty"`
	// Skip says why a skipped scenario was skipped: SkipReplayOnly, SkipBudget or SkipInconclusive.
	Skip string `json:"skip,omitempty"`
	// Waived are the findings a waiver accepted: reported, not failed.
	Waived []Failure `json:"waived,omitempty"`
	// BudgetUsed and BudgetMax are the live run's billable-call budget after the scenario (live, record).
	BudgetUsed int `json:"budgetUsed,omitempty"`
	BudgetMax  int `json:"budgetMax,omitempty"`
}

// Why a spec was skipped (Skip.Kind).
const (
	SkipReplayOnly  = "replay-only" // a scenario that cannot be provoked live
	SkipBudget      = "budget"      // the live run's budget of billable calls was spent
	SkipCredentials = "credentials" // live mode without the vendor's credentials
	// SkipInconclusive: the exchange did not complete (a broken connection, a timeout): a transport
	// failure proves nothing either way, and is never counted as the vendor's drift.
	SkipInconclusive = "inconclusive"
)

// Summary is a whole run: one row a vendor, sorted by vendor id, and the failures of the run itself (a
// suite whose live run proved nothing, a recording that could not be promoted).
type Summary struct {
	// Unit is what a row counts: "scenarios" (a suite run, the default) or "interactions" (kontrak check).
	Unit string `json:"unit,omitempty"`
	// Verdict is the run's (RunVerdict), set when a format renders the summary.
	Verdict string `json:"verdict,omitempty"`
	// Contract is the contract the run was judged by, when the summary knows it (kontrak check's).
	Contract *Contract `json:"contract,omitempty"`
	Vendors  []*Vendor `json:"vendors"`
	// Failures of the run that belong to no spec of a vendor row (suite-level: BeforeSuite, AfterSuite).
	Failures []Failure `json:"failures,omitempty"`
}

// Vendor is one row of the summary and the details behind it.
type Vendor struct {
	Vendor    string `json:"vendor"`
	Scenarios int    `json:"scenarios"`
	Passed    int    `json:"passed"`
	Failed    int    `json:"failed"`  // scenarios that failed
	Skipped   int    `json:"skipped"` // scenarios and other specs skipped
	Drift     int    `json:"drift"`   // scenarios with at least one breaking finding
	Breaking  int    `json:"breaking"`
	Notices   int    `json:"notices"`
	Billed    int    `json:"billed"`      // calls that would have been billed had the run been live
	Other     int    `json:"otherFailed"` // failed specs that are not scenarios (coverage, configuration)
	// Mode is the run's mode (replay, live, record, derive), as its scenarios reported it.
	Mode string `json:"mode,omitempty"`
	// Budget is the live run's budget of billable calls: how many it took of how many (nil offline).
	Budget *Budget `json:"budget,omitempty"`
	Skips  []Skip  `json:"skips,omitempty"`
	// Waived are the findings waivers accepted, in report order: shown, never failing the run.
	Waived []Failure `json:"waived,omitempty"`
	// NotJudged counts, by "stage: why", the parts the input did not carry, so not judged (kontrak check
	// of a lone body, an access log without bodies); Inconclusive the answers that did not come whole.
	NotJudged    map[string]int `json:"notJudged,omitempty"`
	Inconclusive int            `json:"inconclusive,omitempty"`
	// Cases are the vendor's specs one by one, in report order (the JUnit format lists them).
	Cases []Case `json:"cases,omitempty"`
	// Failures are the failed scenarios' and other specs' details, one a problem, in report order.
	Failures []Failure `json:"failures,omitempty"`
}

// Budget is how much of a live run's budget of billable calls was used. Used counts calls that could be
// billed, before they were made; the vendor's billing is Vendor.Billed.
type Budget struct {
	Used int `json:"used"`
	Max  int `json:"max"`
}

// Skip is a skipped spec and the reason it gave.
type Skip struct {
	Scenario string `json:"scenario,omitempty"` // empty for a spec that is not a scenario
	Spec     string `json:"spec"`
	Kind     string `json:"kind,omitempty"` // SkipReplayOnly, SkipBudget, SkipCredentials; "" when unknown
	Reason   string `json:"reason"`
	At       string `json:"at,omitempty"`
}

// Case is one spec of a vendor's run.
type Case struct {
	Spec      string `json:"spec"`
	Scenario  string `json:"scenario,omitempty"`
	Operation string `json:"operation,omitempty"`
	At        string `json:"at,omitempty"`
	State     string `json:"state"` // passed, failed, skipped
}

// Failure is one problem of a failed spec. Message is always set (the line the suite wrote); the other
// fields are set when the line names them.
type Failure struct {
	Vendor      string `json:"vendor,omitempty"`
	Operation   string `json:"operation,omitempty"`
	Scenario    string `json:"scenario,omitempty"`
	Spec        string `json:"spec,omitempty"` // the spec's text, or the suite for a suite-level failure
	Cassette    string `json:"cassette,omitempty"`
	Interaction *int   `json:"interaction,omitempty"` // the cassette's interaction, when one is named
	Rule        string `json:"rule,omitempty"`        // a finding id, or what was compared (HTTP status, code, billing)
	Pointer     string `json:"pointer,omitempty"`
	Want        string `json:"want,omitempty"`
	Got         string `json:"got,omitempty"`
	Source      string `json:"source,omitempty"`
	Message     string `json:"message"`
	// At is where the failing scenario is written ("suites/<vendor>/scenarios.yaml:LINE"), when known.
	At string `json:"at,omitempty"`
	// Waiver names the waiver that accepted this finding (Vendor.Waived only).
	Waiver string `json:"waiver,omitempty"`
}

// Total adds up the vendor rows (Vendor "total"; no details).
func (s *Summary) Total() Vendor {
	t := Vendor{Vendor: "total"}
	for _, v := range s.Vendors {
		t.Scenarios += v.Scenarios
		t.Passed += v.Passed
		t.Failed += v.Failed
		t.Skipped += v.Skipped
		t.Drift += v.Drift
		t.Breaking += v.Breaking
		t.Notices += v.Notices
		t.Billed += v.Billed
		t.Other += v.Other
	}
	return t
}

// Failing reports whether the run failed: a failed scenario, a failed other spec or a suite-level failure.
func (s *Summary) Failing() bool {
	if len(s.Failures) > 0 {
		return true
	}
	for _, v := range s.Vendors {
		if v.Failed > 0 || v.Other > 0 || len(v.Failures) > 0 {
			return true
		}
	}
	return false
}

// The line a scenario's failure is written as (scenario.Result.Message):
//
//	<vendor> <operation> scenario <name>, cassette <file>[ interaction <n>]: <what> at <pointer>: want <w>, got <g>[ (<source>)]
var (
	failureWhere = regexp.MustCompile(`^(\S+) (\S+) scenario (\S+), cassette (.*?)(?: interaction (\d+))?: (.*)$`)
	failureWhat  = regexp.MustCompile(`^(.+?) at (\S*|"")(?:: want (.*), got (.*?))?(?: \(([^()]*(?:\([^()]*\))?[^()]*)\))?$`)
)

// parseFailure reads one failure line into a Failure; a line in no known shape is kept as its Message.
func parseFailure(line string) Failure {
	f := Failure{Message: line}
	m := failureWhere.FindStringSubmatch(line)
	if m == nil {
		return f
	}
	f.Vendor, f.Operation, f.Scenario, f.Cassette = m[1], m[2], m[3], m[4]
	if m[5] != "" {
		n, _ := strconv.Atoi(m[5])
		f.Interaction = &n
	}
	w := failureWhat.FindStringSubmatch(m[6])
	if w == nil {
		return f
	}
	f.Rule, f.Pointer, f.Want, f.Got, f.Source = w[1], w[2], w[3], w[4], w[5]
	if f.Pointer == "/" || f.Pointer == `""` { // the root, as messages print it (and as older runs did)
		f.Pointer = ""
	}
	return f
}

// failures splits a spec's failure message into one Failure a line.
func failures(spec, msg string) []Failure {
	var out []Failure
	for _, line := range strings.Split(strings.TrimSpace(msg), "\n") {
		if line = strings.TrimSpace(line); line == "" {
			continue
		}
		f := parseFailure(line)
		f.Spec = spec
		out = append(out, f)
	}
	if len(out) == 0 {
		out = append(out, Failure{Spec: spec, Message: fmt.Sprintf("%s failed without a message", spec)})
	}
	return out
}

// unit is what a row of s counts, for the formats' headings.
func (s *Summary) unit() string {
	if s.Unit == "" {
		return "scenarios"
	}
	return s.Unit
}

package report

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/kontrak/kontrak/contract"
)

// TestSpillBuffer: past spillAt the buffer moves to a temporary file, gives back every byte in order, and
// Close removes the file.
func TestSpillBuffer(t *testing.T) {
	defer func(n int) { spillAt = n }(spillAt)
	spillAt = 100
	var s spillBuffer
	var want bytes.Buffer
	for i := range 50 {
		line := strings.Repeat(string(rune('a'+i%26)), i) + "\n"
		want.WriteString(line)
		if _, err := s.WriteString(line); err != nil {
			t.Fatal(err)
		}
	}
	if s.file == nil {
		t.Fatalf("%d bytes held in memory, past the spill size of %d", want.Len(), spillAt)
	}
	name := s.file.Name()
	var got bytes.Buffer
	if err := s.CopyTo(&got); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want.Bytes()) {
		t.Errorf("the spilled bytes differ from the written ones")
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(name); !os.IsNotExist(err) {
		t.Errorf("%s is still there after Close: %v", name, err)
	}
	var small spillBuffer
	small.WriteString("short")
	if small.file != nil {
		t.Errorf("5 bytes spilled to a file")
	}
	if err := small.Close(); err != nil {
		t.Errorf("closing a buffer that never spilled: %v", err)
	}
}

func verdictsFixture() []Verdict {
	zero, one, two := 0, 1, 2
	breaking := contract.Finding{ID: "type-mismatch", Severity: contract.Breaking, Pointer: "/message", Expected: "string", Actual: "integer", Source: "spec"}
	notice := contract.Finding{ID: "message-changed", Severity: contract.Notice, Pointer: "/message", Expected: `"a"`, Actual: "a text", Source: "spec"}
	waived := contract.Finding{ID: "error-code-undocumented", Severity: contract.Breaking, Pointer: "/status", Expected: "a code", Actual: `"A|B"`, Source: "spec",
		Waived: &contract.Waiver{Vendor: "ekycpro", Operation: "idOcrGeneral", Finding: "error-code-undocumented", Pointer: "/status", Reason: "r", Ticket: "T-1", At: "w.yaml:2"}}
	route := contract.Finding{ID: contract.RouteUndocumented, Severity: contract.Breaking, Expected: "a documented route", Actual: "GET /nope", Source: "specs/"}
	return []Verdict{
		{Cassette: "a.yaml", Interaction: &zero, Vendor: "ekycpro", Operation: "idOcrGeneral", Verdict: "conform", Findings: []contract.Finding{notice}},
		{Cassette: "a.yaml", Interaction: &one, Verdict: "drift", Findings: []contract.Finding{route}},
		{Cassette: "a.yaml", Interaction: &two, Vendor: "ekycpro", Operation: "idOcrGeneral", Verdict: "drift", Findings: []contract.Finding{breaking, waived}},
	}
}

// TestListingSpilled: a listing that spills to a file writes the same bytes as one held in memory, in
// text and json.
func TestListingSpilled(t *testing.T) {
	list := func(format string) string {
		l, err := NewListing(format, false)
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		for range 20 {
			for _, v := range verdictsFixture() {
				if err := l.Add(v); err != nil {
					t.Fatal(err)
				}
			}
		}
		var b bytes.Buffer
		if err := l.Flush(&b, nil); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	for _, format := range []string{"text", "json"} {
		inMemory := list(format)
		func() {
			defer func(n int) { spillAt = n }(spillAt)
			spillAt = 256
			if spilled := list(format); spilled != inMemory {
				t.Errorf("%s: the spilled listing differs from the one in memory", format)
			}
		}()
		if format == "json" {
			var doc struct {
				Kind, Verdict string
				Verdicts      []Verdict
			}
			if err := json.Unmarshal([]byte(inMemory), &doc); err != nil || len(doc.Verdicts) != 60 || doc.Kind != VerdictsKind || doc.Verdict != VerdictDrift {
				t.Errorf("the json listing is not an object of kind %s, verdict drift and 60 verdicts: %+v, %v", VerdictsKind, doc, err)
			}
		}
	}
	l, _ := NewListing("json", false)
	var b bytes.Buffer
	var empty struct {
		Verdict  string
		Verdicts []Verdict
	}
	if err := l.Flush(&b, nil); err != nil || json.Unmarshal(b.Bytes(), &empty) != nil || empty.Verdicts == nil || len(empty.Verdicts) != 0 || empty.Verdict != VerdictInconclusive {
		t.Errorf("an empty json listing: %q, %v; want no verdicts and the verdict inconclusive (it proved nothing)", b.String(), err)
	}
	if _, err := NewListing("yaml", false); err == nil || !strings.Contains(err.Error(), "known formats are github, json, junit, markdown, text") {
		t.Errorf("NewListing(yaml): %v", err)
	}
}

// TestListingText: one line a finding, with its place; a finding of no route names no vendor.
func TestListingText(t *testing.T) {
	l, _ := NewListing("text", false)
	for _, v := range verdictsFixture() {
		l.Add(v)
	}
	var b bytes.Buffer
	l.Flush(&b, nil)
	want := `a.yaml#0 notice ekycpro idOcrGeneral message-changed /message: want "a", got a text (spec)
a.yaml#1 breaking (no vendor) (no operation) route-undocumented "": want a documented route, got GET /nope (specs/)
a.yaml#2 breaking ekycpro idOcrGeneral type-mismatch /message: want string, got integer (spec)
a.yaml#2 waived ekycpro idOcrGeneral error-code-undocumented /status: want a code, got "A|B" (spec)
`
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

// TestCheckSummary: one row a vendor, sorted, the route of no operation under "(no vendor)"; an answer
// fails on a breaking finding not waived; waived findings are listed, notices counted; a waiver's problem
// fails the run itself.
func TestCheckSummary(t *testing.T) {
	stale := contract.Problem{Waiver: &contract.Waiver{Vendor: "ekycpro", Operation: "idOcrGeneral", Finding: "field-missing", Pointer: "/x", At: "w.yaml:9"}, Kind: "stale"}
	s := CheckSummary(verdictsFixture(), []contract.Problem{stale})
	if len(s.Vendors) != 2 || s.Vendors[0].Vendor != "(no vendor)" || s.Vendors[1].Vendor != "ekycpro" {
		t.Fatalf("rows %+v, want (no vendor) then ekycpro", s.Vendors)
	}
	ek := s.Vendors[1]
	if ek.Scenarios != 2 || ek.Passed != 1 || ek.Failed != 1 || ek.Drift != 1 || ek.Breaking != 1 || ek.Notices != 1 || len(ek.Waived) != 1 || ek.Mode != "check" {
		t.Errorf("ekycpro row %+v", ek)
	}
	if len(ek.Cases) != 2 || ek.Cases[1] != (Case{Spec: "a.yaml#2", Operation: "idOcrGeneral", At: "a.yaml", State: "failed"}) {
		t.Errorf("ekycpro cases %+v", ek.Cases)
	}
	f := ek.Failures[0]
	if f.Rule != "type-mismatch" || f.Spec != "a.yaml#2" || *f.Interaction != 2 || f.Message != "ekycpro idOcrGeneral a.yaml#2: type-mismatch at /message: want string, got integer (spec)" {
		t.Errorf("failure %+v", f)
	}
	if w := ek.Waived[0]; w.Rule != "error-code-undocumented" || !strings.HasPrefix(w.Waiver, "w.yaml:2: ") {
		t.Errorf("waived %+v", w)
	}
	if len(s.Failures) != 1 || s.Failures[0].Spec != "waivers" || s.Failures[0].At != "w.yaml:9" || !strings.Contains(s.Failures[0].Message, "is stale") {
		t.Errorf("the stale waiver does not fail the run: %+v", s.Failures)
	}
	if !s.Failing() {
		t.Errorf("a summary with a failed answer is not failing")
	}
}

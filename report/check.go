package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/internal/wire"
)

// Verdict is one answer `kontrak check` judged, and its --format json object: where it was read (a
// cassette or log and the interaction's index in it; neither for a lone body), its operation ("" for an
// interaction of no documented route), and its findings, waived ones marked.
type Verdict struct {
	Cassette    string             `json:"cassette,omitempty"`
	Interaction *int               `json:"interaction,omitempty"`
	Vendor      string             `json:"vendor,omitempty"`
	Operation   string             `json:"operation,omitempty"`
	Verdict     string             `json:"verdict"` // "drift" with a breaking finding, "inconclusive", else "conform"
	Findings    []contract.Finding `json:"findings"`
	// NotJudged says what the input did not carry ("stage: why"); Inconclusive why the answer proves
	// nothing (contract.Verdict).
	NotJudged    []string `json:"notJudged,omitempty"`
	Inconclusive string   `json:"inconclusive,omitempty"`
	// Contract is the contract a lone body was judged by (its json object names it; a listing names it
	// once, beside the verdicts).
	Contract *Contract `json:"contract,omitempty"`
}

// place is where the verdict's answer was read, as listings name it: "cassette#3", or "" for a body.
func (v Verdict) place() string {
	if v.Cassette == "" || v.Interaction == nil {
		return ""
	}
	return fmt.Sprintf("%s#%d", v.Cassette, *v.Interaction)
}

// textLine is one finding on one line: where (a place and a space, or ""), severity, vendor, operation,
// id, pointer, want vs got, source. A finding of no operation names "(no vendor) (no operation)".
func textLine(where, vendor, operation string, f contract.Finding) string {
	p := f.Pointer
	if p == "" {
		p = `""`
	}
	if vendor == "" || operation == "" {
		vendor, operation = "(no vendor)", "(no operation)"
	}
	sev := string(f.Severity)
	if f.Waived != nil {
		sev = "waived" // reported, and failing nothing
	}
	return fmt.Sprintf("%s%s %s %s %s %s: want %s, got %s (%s)", where, sev, vendor, operation, f.ID, p,
		f.Expected, f.Actual, f.Source)
}

// notJudgedNote says in one clause what an answer's input did not carry: "encoding, headers (the input
// carries no response headers)"; the stages that share a reason are named together.
func notJudgedNote(notJudged []string) string {
	if len(notJudged) == 0 {
		return ""
	}
	var whys []string
	stages := map[string][]string{}
	for _, nj := range notJudged {
		stage, why, _ := strings.Cut(nj, ": ")
		why, _, _ = strings.Cut(why, ": ") // the reason, without what follows from it
		if _, ok := stages[why]; !ok {
			whys = append(whys, why)
		}
		stages[why] = append(stages[why], stage)
	}
	var parts []string
	for _, why := range whys {
		parts = append(parts, strings.Join(stages[why], ", ")+" ("+why+")")
	}
	return strings.Join(parts, "; ")
}

// Listing writes `kontrak check`'s verdicts, added one answer at a time, in any format of a Summary:
//
//   - text: one line a finding (textLine), in the order added, then a line naming the contract;
//   - json: an object of kind "kontrak-verdicts" holding the run's verdict (RunVerdict), the contract, and
//     one Verdict object an answer in "verdicts" (or, for a lone body, the Verdict object itself, without
//     vendor and operation, which are the command line's, naming the contract);
//   - markdown, junit, github: the Summary of the verdicts (CheckSummary), one case an answer, held in
//     memory without bodies or findings' values beyond their messages.
//
// Nothing is written until Flush, so that an input found unreadable after others were judged leaves
// nothing half-said. Text and json are held in a spill buffer: in memory up to a few MiB, then in a
// temporary file, so that the listing of a long log stays bounded in memory. Close removes the file.
type Listing struct {
	// Contract is the contract the verdicts were judged by, named by every format (nil: not named).
	Contract *Contract

	format string
	body   bool
	// counts of the verdicts added, by word (VerdictConform, VerdictDrift, VerdictInconclusive)
	counts  map[string]int
	spill   spillBuffer
	n       int       // verdicts written to spill
	summary []Verdict // the verdicts of a Summary format
	render  Formatter[*Summary]
}

// NewListing starts a listing in a format of SummaryReport; body says it lists one answer given alone
// (kontrak check --vendor --operation --status), whose json is an object rather than an array.
func NewListing(format string, body bool) (*Listing, error) {
	l := &Listing{format: format, body: body, counts: map[string]int{}}
	if format == "text" || format == "json" {
		return l, nil
	}
	f, err := Lookup(SummaryReport, format)
	if err != nil {
		return nil, err
	}
	l.render = f
	return l, nil
}

// Add lists one answer's verdict.
func (l *Listing) Add(v Verdict) error {
	l.counts[v.Verdict]++
	switch l.format {
	case "text":
		where := v.place()
		if where != "" {
			where += " "
		}
		for _, f := range v.Findings {
			if _, err := l.spill.WriteString(textLine(where, v.Vendor, v.Operation, f) + "\n"); err != nil {
				return err
			}
		}
		// a lone body says what became of it in one line even with no finding, and what it did not carry;
		// a log says so only where it is news
		switch {
		case v.Inconclusive != "":
			l.spill.WriteString(fmt.Sprintf("%sinconclusive %s %s: %s\n", where, v.Vendor, v.Operation, v.Inconclusive))
		case l.body && len(v.Findings) == 0:
			line := fmt.Sprintf("conform %s %s: no finding", v.Vendor, v.Operation)
			if len(v.NotJudged) > 0 {
				line += "; not judged: " + notJudgedNote(v.NotJudged)
			}
			l.spill.WriteString(line + "\n")
		case l.body && len(v.NotJudged) > 0:
			l.spill.WriteString(fmt.Sprintf("not-judged %s %s: %s\n", v.Vendor, v.Operation, notJudgedNote(v.NotJudged)))
		}
	case "json":
		if l.body {
			v.Vendor, v.Operation, v.Contract = "", "", l.Contract
		} else if l.n > 0 {
			l.spill.WriteString(",")
		}
		var b bytes.Buffer
		if err := writeJSON(&b, v); err != nil {
			return err
		}
		if !l.body {
			b.Truncate(len(bytes.TrimRight(b.Bytes(), "\n")))
		}
		if _, err := l.spill.Write(b.Bytes()); err != nil {
			return err
		}
	default:
		l.summary = append(l.summary, v)
	}
	l.n++
	return nil
}

// Flush writes the listing on w; problems are the waivers' (expired, stale), which the Summary formats
// show as failures of the run (text and json leave them to the caller's stderr).
func (l *Listing) Flush(w io.Writer, problems []contract.Problem) error {
	if l.render != nil {
		s := CheckSummary(l.summary, problems)
		s.Contract = l.Contract
		return l.render(w, s)
	}
	if l.format == "json" && !l.body {
		head, err := json.Marshal(struct {
			Kind     string    `json:"kind"`
			Verdict  string    `json:"verdict"`
			Contract *Contract `json:"contract,omitempty"`
		}{VerdictsKind, l.RunVerdict(len(problems)), l.Contract})
		if err != nil {
			return err
		}
		// {"kind":…,"verdict":…,"contract":…,"verdicts":[ the held objects ]}
		if _, err := io.WriteString(w, string(head[:len(head)-1])+",\n\"verdicts\": ["); err != nil {
			return err
		}
		if err := l.spill.CopyTo(w); err != nil {
			return err
		}
		_, err = io.WriteString(w, "]}\n")
		return err
	}
	if l.format == "text" && l.Contract != nil {
		l.spill.WriteString("contract " + l.Contract.String() + "\n")
	}
	return l.spill.CopyTo(w)
}

// VerdictsKind marks check's json listing of verdicts (the "kind" field).
const VerdictsKind = "kontrak-verdicts"

// RunVerdict is the verdict of the listed answers as a whole: drift when one drifted or a waiver failed
// (problems counts the waivers' problems), inconclusive when none was judged whole (none listed, or every
// one inconclusive), else conform.
func (l *Listing) RunVerdict(problems int) string {
	switch {
	case l.counts[VerdictDrift] > 0 || problems > 0:
		return VerdictDrift
	case l.counts[VerdictConform] == 0:
		return VerdictInconclusive
	}
	return VerdictConform
}

// Close releases the listing's temporary file, if it spilled to one.
func (l *Listing) Close() error { return l.spill.Close() }

// CheckSummary is a check's verdicts as a Summary: one row a vendor ("(no vendor)" for interactions of no
// documented route), mode "check", each answer one case, failed when a breaking finding is not waived;
// waived findings are listed as waived, notices counted; the waivers' problems fail the run itself.
func CheckSummary(verdicts []Verdict, problems []contract.Problem) *Summary {
	s := &Summary{Unit: "interactions"}
	rows := map[string]*Vendor{}
	for _, v := range verdicts {
		vendor := v.Vendor
		if vendor == "" {
			vendor = "(no vendor)" // an interaction of no documented route (route-undocumented)
		}
		row := rows[vendor]
		if row == nil {
			row = &Vendor{Vendor: vendor, Mode: "check"}
			rows[vendor] = row
			s.Vendors = append(s.Vendors, row)
		}
		name := v.Operation
		if p := v.place(); p != "" {
			name = p
		}
		row.Scenarios++
		for _, why := range v.NotJudged {
			if row.NotJudged == nil {
				row.NotJudged = map[string]int{}
			}
			row.NotJudged[why]++
		}
		if v.Inconclusive != "" {
			row.Inconclusive++
		}
		c := Case{Spec: name, Operation: v.Operation, At: v.Cassette, State: "passed"}
		breaking := 0
		for _, f := range v.Findings {
			rf := Failure{Vendor: v.Vendor, Operation: v.Operation, Spec: name, Cassette: v.Cassette, Interaction: v.Interaction,
				Rule: f.ID, Pointer: f.Pointer, Want: f.Expected, Got: f.Actual, Source: f.Source, At: v.Cassette,
				Message: fmt.Sprintf("%s %s %s: %s at %s: want %s, got %s (%s)", v.Vendor, v.Operation, name, f.ID, wire.Display(f.Pointer), f.Expected, f.Actual, f.Source)}
			switch {
			case f.Waived != nil:
				rf.Waiver = f.Waived.String()
				row.Waived = append(row.Waived, rf)
			case f.Severity == contract.Breaking:
				breaking++
				row.Failures = append(row.Failures, rf)
			default:
				row.Notices++
			}
		}
		row.Breaking += breaking
		if breaking > 0 {
			row.Failed++
			row.Drift++
			c.State = "failed"
		} else {
			row.Passed++
		}
		row.Cases = append(row.Cases, c)
	}
	slices.SortFunc(s.Vendors, func(a, b *Vendor) int { return strings.Compare(a.Vendor, b.Vendor) })
	for _, p := range problems {
		s.Failures = append(s.Failures, Failure{Spec: "waivers", At: p.Waiver.At, Message: p.Error()})
	}
	return s
}

// writeJSON is check's JSON: indented, HTML left as it is.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

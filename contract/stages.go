package contract

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kontrak/kontrak/internal/wire"
)

// Judging an answer is a pipeline of stages, each a handler in a file of its own (rule_<stage>.go) that gives
// the rules whose row names it (rules.yaml). A stage reads what the stages before it found (the decoded body,
// the response whose schema judges it) from the checker, and may stop the pipeline: a body that does not
// decode by its Content-Encoding is not the body a client reads, and nothing else is judged of it.
const (
	stageRoute    = "route"    // Contract.Judge: the exchange's method and path
	stageStatus   = "status"   // rule_status.go: the HTTP status
	stageEncoding = "encoding" // rule_body.go: the Content-Encoding
	stageBody     = "body"     // rule_body.go: JSON, its media type, what a lenient decoder lets through
	stageSchema   = "schema"   // rule_schema.go: the JSON Schema of the status
	stageCodes    = "codes"    // rule_codes.go: the code and billing tables
	stageKTP      = "ktp"      // rule_ktp.go: the KTP's meaning
	stageHeaders  = "headers"  // rule_headers.go: the documented response headers
	stageCallback = "callback" // callback.go: an inbound callback's credential
	stageFault    = "fault"    // check.go: a fault of kontrak's own, never a pass
)

// stages run in this order on every answer.
var stages = []struct {
	name string
	run  func(*checker)
}{
	{stageStatus, (*checker).statusStage},
	{stageEncoding, (*checker).encodingStage},
	{stageBody, (*checker).bodyStage},
	{stageSchema, (*checker).schemaStage},
	{stageCodes, (*checker).codesStage},
	{stageKTP, (*checker).ktpStage},
	{stageHeaders, (*checker).headersStage},
}

// checker is one answer being judged, and what the stages found so far.
type checker struct {
	op     *Operation
	status int
	header http.Header
	raw    []byte // the body as it came

	resp    *Response       // the documented response of the status (nil: undocumented)
	body    []byte          // the body after its Content-Encoding
	stopped bool            // a stage found that nothing more can be judged
	sj      wire.StrictJSON // the body decoded, when it is JSON
	jerr    error           // why it is not JSON
	isJSON  bool
	judged  *Response // the response whose schema judges the body: resp, or a fallback for an undocumented status

	noHeader, noBody bool             // what the input does not carry (Exchange.NoHeader, NoBody)
	synthetic        bool             // the answer's personal values are kontrak's own (Exchange.Synthetic)
	clock            func() time.Time // the day of the check (CheckOptions.Now; nil: time.Now)
	notJudged        []string         // "stage: why" of what was not judged for lack of it

	findings []Finding
}

// now is the time of the check.
func (c *checker) now() time.Time {
	if c.clock != nil {
		return c.clock()
	}
	return time.Now()
}

// skip records that a stage was not judged, and why.
func (c *checker) skip(stage, why string) { c.notJudged = append(c.notJudged, stage+": "+why) }

const (
	noHeaders = "the input carries no response headers"
	noBody    = "the input carries no response body"
)

// add records a finding of rule id; its message is the rule's message of variant, formatted with args. Its
// severity follows the evidence (Policy): a breaking rule's finding at a fact the documents do not state is a
// notice.
func (c *checker) add(id, variant, pointer, expected, actual string, ev evidence, args ...any) {
	fire(id)
	sev, inferred := severityOf(id), false
	if sev == Breaking && ev.inferred {
		sev, inferred = Notice, true
	}
	c.findings = append(c.findings, Finding{
		ID: id, Severity: sev, Inferred: inferred, Pointer: pointer, Expected: expected, Actual: actual,
		Message: c.op.Name() + ": error at " + strconv.Quote(wire.Display(pointer)) + ": " + message(id, variant, args...), Source: ev.source,
	})
}

// evidence is where a rule's fact comes from, as a finding cites it ("page (basis); schema file"), and
// whether the documents only let us infer it.
type evidence struct {
	source   string
	inferred bool
}

// from is the evidence of facts from these sources: inferred when any of them is.
func from(srcs ...Source) evidence {
	var e evidence
	for _, s := range srcs {
		e = e.also(s)
	}
	return e
}

// also adds a source to the evidence.
func (e evidence) also(s Source) evidence {
	if t := s.String(); t != "" {
		e.source = joinSource(e.source, t)
	}
	e.inferred = e.inferred || s.Basis == BasisInferred
	return e
}

// cite adds a file (a schema) to what the finding cites.
func (e evidence) cite(file string) evidence {
	e.source = joinSource(e.source, file)
	return e
}

// at is the evidence of a schema finding of rule id at pointer of resp's body, the value there being value:
// inferred too where the schema marks that place, or a place above it, with x-kontrak-basis "inferred"; and
// where it marks a field the document says "maybe empty", for its absence and its null (a value of another
// type or form is still drift).
func (e evidence) at(resp *Response, id, pointer string, value any) evidence {
	if resp == nil || resp.schema == nil {
		return e
	}
	switch resp.schema.basisAt(pointer) {
	case BasisInferred:
		e.inferred = true
	case BasisMaybeEmpty:
		e.inferred = e.inferred || id == FieldMissing || id == TypeMismatch && value == nil
	}
	return e
}

// done sorts the findings by rule, then pointer; in strict mode every one is breaking.
func (c *checker) done(opts CheckOptions) []Finding {
	out := c.findings
	slices.SortStableFunc(out, func(a, b Finding) int {
		if ri, rj := ruleIndex(a.ID), ruleIndex(b.ID); ri != rj {
			return cmp.Compare(ri, rj)
		}
		return strings.Compare(a.Pointer, b.Pointer)
	})
	if opts.Strict {
		for i := range out {
			out[i].Severity = Breaking
		}
	}
	return out
}

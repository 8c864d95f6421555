package contract

import (
	"fmt"
	"net/http"
	"time"
)

// CheckOptions tune a check.
type CheckOptions struct {
	// Strict counts notices as breaking: their severity is reported as breaking.
	Strict bool
	// Synthetic says the answer's personal values are kontrak's own (Exchange.Synthetic).
	Synthetic bool
	// Now is the clock a date of birth is judged by (nil: time.Now).
	Now func() time.Time
}

// Interaction is one HTTP exchange, as far as the contract judges it: the answer of an operation.
type Interaction struct {
	Vendor    string
	Operation string
	Status    int
	Header    http.Header
	Body      []byte
}

// Check judges one interaction. The error is for input that cannot be judged at all (an unknown vendor or
// operation); everything the vendor answered, however broken, is a finding.
func (c *Contract) Check(in Interaction, opts CheckOptions) (fs []Finding, err error) {
	defer recoverInto(&err, "check of %s %s HTTP %d (%d bytes)", in.Vendor, in.Operation, in.Status, len(in.Body))
	op, err := c.Operation(in.Vendor, in.Operation)
	if err != nil {
		return nil, err
	}
	x := Exchange{Method: op.Method, Path: op.Path, Status: in.Status, Header: in.Header, Body: in.Body}
	return c.Judge(x, JudgeOptions{Operation: op, Strict: opts.Strict}).Findings, nil
}

// Check judges one answer of the operation. Findings come in a stable order: by rule, then pointer. It
// never panics: a fault of kontrak itself is one check-failed finding naming the input, never a pass.
func (o *Operation) Check(status int, header http.Header, body []byte, opts CheckOptions) []Finding {
	fs, _ := o.judge(status, header, body, opts, false)
	return fs
}

// Judge is Check and Classify of one answer at the cost of one decode of its body: what a monitor of
// traffic asks of every answer. The classification is Classify's of the body as read (after its
// Content-Encoding); Judge never panics either.
func (o *Operation) Judge(status int, header http.Header, body []byte, opts CheckOptions) ([]Finding, Classification) {
	return o.judge(status, header, body, opts, true)
}

func (o *Operation) judge(status int, header http.Header, raw []byte, opts CheckOptions, classify bool) (out []Finding, cl Classification) {
	out, cl, _ = o.judgeParts(Exchange{Status: status, Header: header, Body: raw}, opts)
	if !classify {
		cl = Classification{}
	}
	return out, cl
}

// judgeParts judges what the exchange carries, and lists what it does not (Exchange.NoHeader, NoBody).
func (o *Operation) judgeParts(x Exchange, opts CheckOptions) (out []Finding, cl Classification, notJudged []string) {
	status, header, raw := x.Status, x.Header, x.Body
	defer func() {
		if r := recover(); r != nil {
			cl = Classification{Status: status} // a fault of kontrak: nothing known, never a guess
			fire(CheckFailed)
			out = []Finding{{ID: CheckFailed, Severity: severityOf(CheckFailed), Expected: "a verdict",
				Actual: fmt.Sprintf("a fault of kontrak: %v", r), Source: o.Source.String(),
				Message: o.Name() + ": " + message(CheckFailed, "", status, len(raw), r)}}
		}
	}()
	ck := checker{op: o, status: status, header: header, raw: raw, noHeader: x.NoHeader, noBody: x.NoBody, synthetic: x.Synthetic || opts.Synthetic, clock: opts.Now}
	for _, st := range stages {
		if ck.stopped {
			break
		}
		st.run(&ck)
	}
	if ck.stopped {
		cl = o.Classify(status, raw)
	} else {
		cl = o.classify(status, ck.sj.Doc, ck.isJSON)
	}
	return ck.done(opts), cl, ck.notJudged
}

// HasBreaking reports whether any finding is breaking and not waived.
func HasBreaking(fs []Finding) bool {
	for _, f := range fs {
		if f.Severity == Breaking && f.Waived == nil {
			return true
		}
	}
	return false
}

// recoverInto turns a panic of a public entry point into an error naming its input: a library that a
// service calls on a garbage answer must answer, never crash the caller.
func recoverInto(err *error, format string, args ...any) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("%s: kontrak could not judge it (%v); please report it", fmt.Sprintf(format, args...), r)
	}
}

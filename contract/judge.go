package contract

import (
	"slices"
	"time"

	"github.com/kontrak/kontrak/internal/wire"
)

// JudgeOptions tune Judge.
type JudgeOptions struct {
	// Strict counts notices as breaking: their severity is reported as breaking, but for the ids in Accept.
	Strict bool
	// Accept are the notice ids strict mode still takes as notices: those a scenario expects because a
	// contradiction of the vendor's document records them (scenario expect.notices).
	Accept []string
	// Waivers mark the findings a waiver in force accepts (nil: none); the run covered the operation.
	Waivers *Waivers
	// Operation, when set, is the operation the exchange answers, so it is not routed by method and path:
	// a body checked alone, an answer its caller has already routed.
	Operation *Operation
	// Now is the clock a date of birth is judged by (nil: time.Now).
	Now func() time.Time
	// Callback, when set, judges the exchange as an inbound callback of the vendor: its credential, then
	// its body as the documented answer it carries (Callback.Check). The exchange's status is not read.
	Callback *Callback
}

// Verdict is what the contract says of one exchange.
type Verdict struct {
	// Operation is the operation the exchange answers; nil when its method and path match no documented
	// operation of any vendor (the findings then hold one route-undocumented).
	Operation *Operation
	// Findings carry their vendor and operation, in a stable order (by rule, then pointer), waived ones
	// marked.
	Findings []Finding
	// Classification is what the answer means: its code and whether it is billed. Zero when unrouted.
	Classification Classification
	// NotJudged lists what the input does not carry and so was not judged, one "stage: why" a stage, in
	// the order of the stages (a body checked alone: its headers; an access-log line: its body).
	NotJudged []string
	// Inconclusive, when set, says why the exchange proves nothing (Exchange.Incomplete: an aborted
	// request, a body cut by the network): it has no finding, and it is never drift.
	Inconclusive string
}

// Routed reports whether the exchange answers a documented operation.
func (v Verdict) Routed() bool { return v.Operation != nil }

// Breaking reports whether a finding breaks a client and is not waived.
func (v Verdict) Breaking() bool { return HasBreaking(v.Findings) }

// State is the verdict in one word: "drift" (a breaking finding not waived), "notice" (findings, none of
// them breaking unless waived) or "conform".
func (v Verdict) State() string {
	switch {
	case v.Inconclusive != "":
		return "inconclusive"
	case v.Breaking():
		return "drift"
	case len(v.Findings) > 0:
		return "notice"
	}
	return "conform"
}

// Judge is the one place an exchange is judged: it routes it (an exchange of no documented operation is
// one route-undocumented finding), checks its answer against the operation's contract and classifies it
// (Operation.Judge, one decode of the body), applies strict mode and the waivers, and marks every finding
// with its vendor and operation. It never panics: a fault of kontrak is one check-failed finding.
func (c *Contract) Judge(x Exchange, opts JudgeOptions) Verdict {
	var v Verdict
	switch {
	case opts.Callback != nil:
		v.Operation = opts.Callback.judge
		v.Findings = opts.Callback.Check(x.Header, x.Body, CheckOptions{})
		v.Classification = v.Operation.Classify(opts.Callback.status(), x.Body)
	default:
		op := opts.Operation
		if op == nil {
			var ok bool
			if op, ok = c.Lookup(x.Method, x.Path); !ok {
				return Verdict{Findings: []Finding{routeUndocumented(x)}}
			}
		}
		v.Operation = op
		if why := incomplete(x); why != "" {
			v.Inconclusive = why
			return v
		}
		v.Findings, v.Classification, v.NotJudged = op.judgeParts(x, CheckOptions{Now: opts.Now})
	}
	op := v.Operation
	for i := range v.Findings {
		// What a finding quotes of the input is shaped where it may be personal data (Finding.Shaped),
		// before a waiver is matched or anything prints it.
		v.Findings[i] = v.Findings[i].Shaped(c.Privacy(op).Words)
		f := &v.Findings[i]
		f.Vendor, f.Operation = op.Vendor.ID, op.ID
		if opts.Strict && f.Severity == Notice && !slices.Contains(opts.Accept, f.ID) {
			f.Severity = Breaking
		}
	}
	v.Findings = opts.Waivers.Apply(op.Vendor.ID, op.ID, v.Findings)
	return v
}

// incomplete says why an exchange has no whole answer to judge, "" when it has one.
func incomplete(x Exchange) string {
	switch {
	case x.Incomplete == Truncated:
		return Truncated + ": the body was cut before its end (a broken connection, a timeout)"
	case x.Incomplete != "" || x.Status == 0:
		return Aborted + ": the request got no answer (no HTTP status)"
	case x.Status < 100 || x.Status > 999:
		// No client reads such an answer (a status line has three digits): the input is not what a client
		// got, and its number is never printed (it may be a NIK written where the status goes).
		return Aborted + ": the answer's status is no HTTP status (not three digits)"
	}
	return ""
}

// routeUndocumented is the finding of an exchange whose method and path match no operation of any spec.
func routeUndocumented(x Exchange) Finding {
	fire(RouteUndocumented)
	got := ShownMethod(x.Method) + " " + ShownPath(x.Path) // both came from the input: never printed as they are
	return Finding{ID: RouteUndocumented, Severity: severityOf(RouteUndocumented),
		Expected: "the method and path of a documented operation", Actual: got,
		Message: message(RouteUndocumented, "", got), Source: "specs/"}
}

// String is a finding's one-line form: "id at /pointer: want …, got … (source)". Callers put the place
// (vendor, operation, cassette and interaction) in front.
func (f Finding) String() string {
	return f.ID + " at " + wire.Display(f.Pointer) + ": want " + f.Expected + ", got " + f.Actual + " (" + f.Source + ")"
}

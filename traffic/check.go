package traffic

import (
	"fmt"
	"io"
	"runtime"
	"time"

	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/internal/ordered"
	"github.com/kontrak/kontrak/report"
)

// Input is one source of traffic: a name for messages and reports, its shape, and how to open it.
type Input struct {
	Name   string
	Format Format
	Open   func() (io.ReadCloser, error)
}

// Options tune a traffic check.
type Options struct {
	// Judge is passed to every contract.Judge (Strict; Waivers: a waived finding is counted in the report as
	// waived and does not make its interaction drift, and the caller asks Waivers.Problems at the end, as for
	// any run).
	Judge contract.JudgeOptions
	// StrictRoutes makes an interaction whose route matches no vendor operation an error; otherwise it
	// is counted (Traffic.Unrouted) and skipped.
	StrictRoutes bool
	// Workers judge interactions in parallel; 0 means GOMAXPROCS.
	Workers int
	// Limits bound one interaction.
	Limits Limits
	// Each, when set, gets every interaction's verdict in input order (for a per-interaction listing), an
	// interaction of no vendor operation too (Operation nil, its one finding route-undocumented). It runs
	// on one goroutine.
	Each func(v Verdict) error
}

// Verdict is one judged interaction.
type Verdict struct {
	Input string
	Index int
	ID    int // the interaction's own id (a cassette's id; the index for other inputs)
	// Operation is nil for an interaction of no vendor operation.
	Operation *contract.Operation
	Findings  []contract.Finding
	Billing   contract.Classification
	// NotJudged and Inconclusive are the contract's (contract.Verdict): what the input did not carry, and
	// why an answer that did not come whole proves nothing.
	NotJudged    []string
	Inconclusive string
}

// UnroutedError is an interaction of no vendor operation under Options.StrictRoutes.
type UnroutedError struct {
	Input        string
	Index        int
	Method, Path string
}

func (e *UnroutedError) Error() string {
	return fmt.Sprintf("%s: interaction %d: %s %s matches no documented operation", e.Input, e.Index, contract.ShownMethod(e.Method), contract.ShownPath(e.Path))
}

// Check reads every input, one interaction at a time, judges each on Workers goroutines and returns the
// drift report. Memory is bounded by the interactions in flight (at most 4 MiB a worker, 16 MiB in all:
// internal/ordered), not by the inputs.
// An unreadable input is an error naming it and the interaction; so is an unrouted interaction under
// StrictRoutes. Check never panics: a panic inside judging becomes an error naming the interaction.
func Check(c *contract.Contract, inputs []Input, opts Options) (*report.Traffic, error) {
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	aggs := make([]*aggregate, workers)
	for w := range aggs {
		aggs[w] = newAggregate()
	}
	var read int64
	produce := func(emit func(job) error) error {
		for _, in := range inputs {
			err := readInput(in, opts.Limits, func(rec record) error {
				if err := emit(job{read, in.Name, rec}); err != nil {
					return err
				}
				read++
				return nil
			})
			if err != nil {
				return err
			}
		}
		return nil
	}
	work := func(w int, j job) (*Verdict, error) {
		ex, err := j.rec.decodeSafe()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", j.input, err)
		}
		v, err := judge(c, j.input, j.rec.index, ex, opts.Judge)
		if err == nil && v.Operation == nil && opts.StrictRoutes {
			err = &UnroutedError{j.input, j.rec.index, ex.Method, ex.Path}
		}
		if err != nil {
			return nil, err
		}
		aggs[w].add(j.seq, j.input, j.rec.index, ex, v)
		return v, nil
	}
	// Each sees verdicts in input order; the first error by input order wins (ordered.Run).
	done := func(v *Verdict) error {
		if v != nil && opts.Each != nil {
			return opts.Each(*v)
		}
		return nil
	}
	if err := ordered.Run(workers, produce, work, done); err != nil {
		return nil, err
	}
	t := &report.Traffic{Kind: report.TrafficKind}
	for _, in := range inputs {
		t.Inputs = append(t.Inputs, in.Name)
	}
	for _, a := range aggs {
		a.into(t)
	}
	t.Sort()
	return t, nil
}

// job is one interaction of Check's in flight.
type job struct {
	seq   int64
	input string
	rec   record
}

// Size is the bytes the interaction holds (ordered.Sized).
func (j job) Size() int { return j.rec.size }

func readInput(in Input, lim Limits, fn func(record) error) error {
	rc, err := in.Open()
	if err != nil {
		return fmt.Errorf("%s: %v", in.Name, err)
	}
	defer rc.Close()
	err = split(rc, in.Name, in.Format, lim, fn)
	if err != nil && !ordered.Halted(err) {
		return fmt.Errorf("%s: %w", in.Name, err)
	}
	return err
}

// judge asks the contract about one interaction (contract.Judge). A panic of the judge becomes an error
// naming the input and the interaction.
func judge(c *contract.Contract, input string, index int, ex *contract.Exchange, opts contract.JudgeOptions) (v *Verdict, err error) {
	defer func() {
		if p := recover(); p != nil {
			v, err = nil, fmt.Errorf("%s: interaction %d: the check failed (internal error: %v)", input, index, p)
		}
	}()
	jv := c.Judge(*ex, opts)
	return &Verdict{Input: input, Index: index, ID: ex.ID, Operation: jv.Operation, Findings: jv.Findings, Billing: jv.Classification,
		NotJudged: jv.NotJudged, Inconclusive: jv.Inconclusive}, nil
}

// aggregate is one worker's share of the report, merged at the end.
type aggregate struct {
	t     report.Traffic
	ops   map[*contract.Operation]*report.TrafficOperation
	drift map[driftKey]*report.TrafficDrift
}

type driftKey struct {
	op          *contract.Operation
	id, pointer string
}

func newAggregate() *aggregate {
	return &aggregate{ops: map[*contract.Operation]*report.TrafficOperation{}, drift: map[driftKey]*report.TrafficDrift{}}
}

func (a *aggregate) add(seq int64, input string, index int, ex *contract.Exchange, v *Verdict) {
	a.t.Interactions++
	if v.Operation == nil {
		a.t.Unrouted++
		return
	}
	a.t.Judged++
	for _, why := range v.NotJudged {
		if a.t.Unjudged == nil {
			a.t.Unjudged = map[string]int{}
		}
		a.t.Unjudged[why]++
	}
	op := a.ops[v.Operation]
	if op == nil {
		op = &report.TrafficOperation{Vendor: v.Operation.Vendor.ID, Operation: v.Operation.ID}
		a.ops[v.Operation] = op
	}
	op.Calls++
	billed := v.Billing.Known && v.Billing.Billable
	switch {
	case !v.Billing.Known:
		op.BillingUnknown++
	case billed:
		op.Billed++
	}
	breaking, notice := false, false
	var seen report.Seen
	if len(v.Findings) > 0 { // the place is written only where a finding will keep it
		seen = seenAt(seq, input, index, ex.Time)
	}
	for _, f := range v.Findings {
		switch {
		case f.Waived != nil:
			a.t.Waived++
		case f.Severity == contract.Breaking:
			breaking = true
		default:
			notice = true
		}
		k := driftKey{v.Operation, f.ID, f.Pointer}
		d := a.drift[k]
		if d == nil {
			d = &report.TrafficDrift{Vendor: op.Vendor, Operation: op.Operation, ID: f.ID, Severity: string(f.Severity),
				Pointer: f.Pointer, Expected: f.Expected, Got: f.Actual, Source: f.Source, First: seen, Last: seen}
			a.drift[k] = d
		}
		d.Count++
		if f.Waived != nil {
			d.Waived++
			d.Waiver = f.Waived.String()
		}
		if billed {
			d.Billed++
		}
		if seen.Seq < d.First.Seq {
			d.First, d.Expected, d.Got, d.Source = seen, f.Expected, f.Actual, f.Source
		}
		if seen.Seq > d.Last.Seq {
			d.Last = seen
		}
	}
	switch {
	case v.Inconclusive != "":
		a.t.Inconclusive++ // proved nothing: neither conform nor drift
	case breaking:
		a.t.Drifted++
		op.Drifted++
	default:
		a.t.Conforming++
	}
	if notice {
		a.t.Noticed++
	}
}

// seenAt is the report's place of an interaction.
func seenAt(seq int64, input string, index int, at time.Time) report.Seen {
	s := report.Seen{Input: input, Index: index, Seq: seq}
	if !at.IsZero() {
		s.Time = at.UTC().Format(time.RFC3339Nano)
	}
	return s
}

func (a *aggregate) into(t *report.Traffic) {
	o := a.t
	for _, op := range a.ops {
		o.Operations = append(o.Operations, *op)
	}
	for _, d := range a.drift {
		o.Drift = append(o.Drift, *d)
	}
	o.Inputs = nil
	t.MergeShare(&o)
}

package main

import (
	"fmt"
	"io"
	"sort"

	"github.com/kontrak/kontrak/report"
	"github.com/kontrak/kontrak/selftest"
)

// selftestOutput is selftest's report: the selftest.Result, the contract it mutated, and the verdict
// (drift: a mutant survived or a harmless variant was flagged).
type selftestOutput struct {
	Verdict  string           `json:"verdict"`
	Contract *report.Contract `json:"contract"`
	*selftest.Result
}

func selftestText(w io.Writer, o *selftestOutput) error {
	r := o.Result
	for _, m := range r.Mutants {
		switch {
		case m.Bad() && m.Harmless:
			fmt.Fprintf(w, "flagged %s: %v\n", m.Key(), m.Findings)
		case m.Bad():
			fmt.Fprintf(w, "survived %s\n", m.Key())
		}
	}
	names := make([]string, 0, len(r.Scores))
	for n := range r.Scores {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "%s: %s\n", n, r.Scores[n])
	}
	_, err := fmt.Fprintf(w, "contract %s\n", o.Contract)
	return err
}

func runSelftest(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("selftest")
	vendor := fs.String("vendor", "", "one vendor id (default: all)")
	_, render, err := parseReporting(fs, selftestReport, args, noArgs)
	if err != nil {
		return err
	}
	c, named, err := loadNamedContract()
	if err != nil {
		return err
	}
	r, err := selftest.Run(c, *vendor)
	if err != nil {
		return usagef("%v", err)
	}
	bad := 0
	for _, m := range r.Mutants {
		if m.Bad() {
			bad++
		}
	}
	out := &selftestOutput{Verdict: report.VerdictConform, Contract: named, Result: r}
	if bad > 0 {
		out.Verdict = report.VerdictDrift
	}
	if err := render(stdout, out); err != nil {
		return err
	}
	if bad > 0 {
		return errDrift
	}
	return nil
}

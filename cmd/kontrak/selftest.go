package main

import (
	"flag"
	"fmt"
	"io"
	"sort"

	"github.com/kontrak/kontrak/report"
	"github.com/kontrak/kontrak/selftest"
)

func init() {
	commands["selftest"] = command{
		synopsis: "[--vendor V] [--format text|json] [--specs DIR]",
		example:  "kontrak selftest --vendor advance",
		summary:  "mutate every documented example and report each mutant the contract misses, each harmless variant it flags, and a score per operation; exit 1 on either",
		run:      runSelftest,
	}
	report.Register(selftestReport, "text", selftestText)
	report.Register(selftestReport, "json", func(w io.Writer, o *selftestOutput) error { return writeJSON(w, o) })
}

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
	fs := flag.NewFlagSet("selftest", flag.ContinueOnError)
	vendor := fs.String("vendor", "", "one vendor id (default: all)")
	format := addFormatFlag(fs, "selftest")
	addSpecsFlag(fs)
	rest, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("selftest takes no arguments, got %q", rest[0])
	}
	render, err := lookupFormat(selftestReport, "selftest", *format)
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

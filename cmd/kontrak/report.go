package main

import (
	"fmt"
	"io"
	"os"

	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/report"
)

func runReport(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("report")
	format := addFormatFlag(fs, "report")
	merge := fs.Bool("merge", false, "merge traffic drift reports (kontrak check --report --format json) of shards of a log into one")
	root := fs.String("root", ".", "the repository: paths under it are reported relative to it")
	files, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if *merge {
		return mergeTraffic(files, *format, stdout, stderr)
	}
	f, err := lookupFormat(report.SummaryReport, "report", *format)
	if err != nil {
		return err
	}
	if len(files) != 1 {
		return usagef("give one Ginkgo JSON report (reports/report.json)")
	}
	in, err := os.Open(files[0])
	if err != nil {
		return usagef("cannot read %s: %v", files[0], unwrapPathError(err))
	}
	defer in.Close()
	s, err := report.Read(in)
	if err != nil {
		return usagef("%s: %v", files[0], err)
	}
	s.Relative(*root)
	if err := f.Format(stdout, s); err != nil {
		return err
	}
	return summaryExit(s, stderr)
}

// summaryExit ends a command on a summary's verdict: drift (exit 1), a run that proved nothing (exit 3,
// said in one line), or conform.
func summaryExit(s *report.Summary, stderr io.Writer) error {
	switch s.RunVerdict() {
	case report.VerdictDrift:
		return errDrift
	case report.VerdictInconclusive:
		fmt.Fprintln(stderr, "kontrak report: the run proved nothing: no scenario ran to a verdict (see the report)")
		return errNothing
	}
	if s.Failing() {
		return errDrift
	}
	return nil
}

// shapeShards shapes what a merged report prints of its shards as a check shapes it: a shard is a file a
// person may have edited or made, so its vendors, operations, finding ids, pointers and values are printed
// by the rules of any input (Finding.Shaped, ShownName), never as they came (the red team's NIK and name
// in a shard's pointer).
func shapeShards(t *report.Traffic) {
	for i := range t.Operations {
		op := &t.Operations[i]
		op.Vendor, op.Operation = contract.ShownName(op.Vendor), contract.ShownName(op.Operation)
	}
	for i := range t.Drift {
		d := &t.Drift[i]
		f := contract.Finding{ID: d.ID, Pointer: d.Pointer, Expected: d.Expected, Actual: d.Got}.Shaped(nil)
		d.Pointer, d.Expected, d.Got = f.Pointer, f.Expected, f.Actual
		d.Vendor, d.Operation, d.ID = contract.ShownName(d.Vendor), contract.ShownName(d.Operation), contract.ShownName(d.ID)
	}
}

// mergeTraffic prints the report of the whole of the traffic reports (json) of shards of one log
// (report.ReadTrafficReports). Exit 1 when any shard drifted.
func mergeTraffic(files []string, format string, stdout, stderr io.Writer) error {
	if len(files) == 0 {
		return usagef("--merge: give the traffic reports to merge (kontrak check --report --format json output)")
	}
	all, err := report.ReadTrafficReports(files)
	if err != nil {
		return usageError{err.Error()}
	}
	shapeShards(all)
	f, err := lookupFormat(report.TrafficReport, "report", format)
	if err != nil {
		return err
	}
	if err := f.Format(stdout, all); err != nil {
		return err
	}
	switch all.RunVerdict() {
	case report.VerdictDrift:
		return errDrift
	case report.VerdictInconclusive:
		fmt.Fprintf(stderr, "kontrak report: no interaction of a vendor operation was judged in the %d shards: the check proved nothing\n", len(files))
		return errNothing
	}
	return nil
}

package main

import (
	"flag"
	"io"
	"os"
	"strings"

	"github.com/kontrak/kontrak/report"
)

func init() {
	commands["report"] = command{
		synopsis: "[--format F] [--root DIR] REPORT.json",
		example:  "kontrak report --format markdown reports/report.json",
		summary:  "summarise a suite run's Ginkgo JSON report (reports/report.json): per vendor, scenarios, drift, notices, billed calls; --format " + strings.Join(report.Formats(report.SummaryReport), "|"),
		run:      runReport,
	}
}

func runReport(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	format := fs.String("format", "text", "the output format: "+strings.Join(report.Formats(report.SummaryReport), ", ")+
		"; with --merge, "+strings.Join(report.Formats(report.TrafficReport), ", "))
	merge := fs.Bool("merge", false, "merge traffic drift reports (kontrak check --report --format json) of shards of a log into one")
	root := fs.String("root", ".", "the repository: paths under it are reported relative to it")
	files, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if *merge {
		return mergeTraffic(files, *format, stdout)
	}
	f, err := report.Lookup(report.SummaryReport, *format)
	if err != nil {
		return usagef("--format: %v", err)
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
	if s.Failing() {
		return errDrift
	}
	return nil
}

// mergeTraffic prints the report of the whole of the traffic reports (json) of shards of one log
// (report.ReadTrafficReports). Exit 1 when any shard drifted.
func mergeTraffic(files []string, format string, stdout io.Writer) error {
	if len(files) == 0 {
		return usagef("--merge: give the traffic reports to merge (kontrak check --report --format json output)")
	}
	all, err := report.ReadTrafficReports(files)
	if err != nil {
		return usageError{err.Error()}
	}
	f, err := report.Lookup(report.TrafficReport, format)
	if err != nil {
		return usagef("--format: %v", err)
	}
	if err := f.Format(stdout, all); err != nil {
		return err
	}
	if all.Failing() {
		return errDrift
	}
	return nil
}

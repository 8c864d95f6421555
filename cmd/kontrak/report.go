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
		summary:  "summarise a suite run's Ginkgo JSON report (reports/report.json): per vendor, scenarios, drift, notices, billed calls; --format " + strings.Join(report.Names(), "|"),
		run:      runReport,
	}
}

func runReport(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	format := fs.String("format", "text", "the output format: "+strings.Join(report.Names(), ", "))
	merge := fs.Bool("merge", false, "merge traffic drift reports (kontrak check --report --format json) of shards of a log into one")
	root := fs.String("root", ".", "the repository: paths under it are reported relative to it")
	files, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if *merge {
		return mergeTraffic(files, *format, stdout)
	}
	f, err := report.Lookup(*format)
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

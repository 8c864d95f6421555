package main

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/kontrak/kontrak/report"
	"github.com/kontrak/kontrak/scorecard"
	"github.com/kontrak/kontrak/specdiff"
)

// The kinds of report the commands render beyond report's own (summary, traffic): one registry holds
// them all, so that --format means the same everywhere and the matrix below is the registry's.
var (
	diffReport     = report.NewKind[*specdiff.Report]("diff")
	selftestReport = report.NewKind[*selftestOutput]("selftest")
	scanReport     = report.NewKind[*scanOutput]("scan")
	versionReport  = report.NewKind[*versionOutput]("version")
	budgetReport   = report.NewKind[*budgetOutput]("budget")
)

func init() {
	registerTextJSON(selftestReport, selftestText)
	registerTextJSON(scanReport, scanText)
	registerTextJSON(versionReport, versionText)
	registerTextJSON(budgetReport, budgetText)
	for _, f := range specdiff.Formats {
		report.Register(diffReport, f, func(w io.Writer, r *specdiff.Report) error { return specdiff.Write(w, f, r) })
	}
}

// registerTextJSON gives a kind of report its text format and the json one: the value, indented, HTML
// not escaped (writeJSON).
func registerTextJSON[R any](k report.Kind[R], text report.Formatter[R]) {
	report.Register(k, "text", text)
	report.Register(k, "json", func(w io.Writer, v R) error { return writeJSON(w, v) })
}

// parseReporting is the start of a command that renders one kind of report: it gives fs --format (of
// kind k) and --specs, parses args, holds them to rule, then finds the format asked for — in that order,
// so that a wrong argument is said before a wrong format.
func parseReporting[R any](fs *flag.FlagSet, k report.Kind[R], args []string, rule argRule) ([]string, report.Formatter[R], error) {
	format := addFormatFlag(fs, fs.Name())
	addSpecsFlag(fs)
	rest, err := parseArgs(fs, args, rule)
	if err != nil {
		return nil, nil, err
	}
	render, err := lookupFormat(k, fs.Name(), *format)
	return rest, render, err
}

// formatUse is one row of the matrix: a command, when it renders a kind of report, and that kind.
type formatUse struct {
	command, when, kind string
}

// formatMatrix is which formats each command takes: the kinds of report it renders, and when. kontrak help,
// each command's --format help and the README's table (between <!-- kontrak:formats --> markers, held
// fresh by TestReadmeGenerated) are written from it.
var formatMatrix = []formatUse{
	{"check", "an answer (--vendor --operation --status), or cassettes: one verdict an answer", report.SummaryReport.Name()},
	{"check", "--report, and any HAR or NDJSON input: the drift report", report.TrafficReport.Name()},
	{"report", "a suite run's report", report.SummaryReport.Name()},
	{"report", "--merge: traffic drift reports of shards", report.TrafficReport.Name()},
	{"diff", "two versions of a spec", diffReport.Name()},
	{"selftest", "the mutants and scores", selftestReport.Name()},
	{"scan", "the leaks found", scanReport.Name()},
	{"version", "the versions and the contract", versionReport.Name()},
	{"budget", "the billable calls a recording needs", budgetReport.Name()},
	{"scorecard", "the scores of each vendor's readings", scorecard.Report.Name()},
}

// formatsOf lists the formats a command takes in each of its uses, for its --format help.
func formatsOf(command string) string {
	var parts []string
	for _, u := range formatMatrix {
		if u.command == command {
			parts = append(parts, strings.Join(report.FormatsOf(u.kind), ", ")+" ("+u.when+")")
		}
	}
	return strings.Join(parts, "; ")
}

// addFormatFlag gives a command --format, its help written from the matrix.
func addFormatFlag(fs *flag.FlagSet, command string) *string {
	return fs.String("format", "text", "the output format: "+formatsOf(command))
}

// lookupFormat finds a format of kind k for a command, or says which it takes.
func lookupFormat[R any](k report.Kind[R], command, format string) (report.Formatter[R], error) {
	f, err := report.Lookup(k, format)
	if err != nil {
		return nil, usagef("--format: %v (kontrak %s takes %s)", err, command, formatsOf(command))
	}
	return f, nil
}

// formatHelp writes the matrix for kontrak help.
func formatHelp(w io.Writer) {
	fmt.Fprintln(w, "\n--format, by command (every command that reports takes it; json says the run's \"verdict\"):")
	for _, u := range formatMatrix {
		fmt.Fprintf(w, "  %-8s %-28s %s\n", u.command, strings.Join(report.FormatsOf(u.kind), ", "), u.when)
	}
}

// formatTable is the README's table of the matrix (Markdown).
func formatTable() string {
	var b strings.Builder
	b.WriteString("| command | `--format` | when |\n|---|---|---|\n")
	for _, u := range formatMatrix {
		fs := report.FormatsOf(u.kind)
		for i, f := range fs {
			fs[i] = "`" + f + "`"
		}
		fmt.Fprintf(&b, "| `kontrak %s` | %s | %s |\n", u.command, strings.Join(fs, ", "), u.when)
	}
	return b.String()
}

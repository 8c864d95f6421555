package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/onsi/ginkgo/v2/types"

	engine "github.com/kontrak/kontrak/run"
)

func init() {
	commands["report"] = command{
		summary: "summarise a suite run's Ginkgo JSON report (reports/report.json): per vendor, scenarios, drift, notices, billed calls",
		run:     runReport,
	}
}

// vendorSummary is one row of the summary table.
type vendorSummary struct {
	Vendor    string `json:"vendor"`
	Scenarios int    `json:"scenarios"`
	Passed    int    `json:"passed"`
	Failed    int    `json:"failed"`
	Skipped   int    `json:"skipped"`
	Drift     int    `json:"drift"`    // scenarios with at least one breaking finding
	Breaking  int    `json:"breaking"` // breaking findings
	Notices   int    `json:"notices"`
	Billed    int    `json:"billed"` // calls that would have been billed had the run been live
	Other     int    `json:"otherFailed"`
}

func runReport(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	format := fs.String("format", "text", "text or json")
	files, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(files) != 1 {
		return usagef("give one Ginkgo JSON report (reports/report.json)")
	}
	data, err := os.ReadFile(files[0])
	if err != nil {
		return usagef("cannot read %s: %v", files[0], unwrapPathError(err))
	}
	var reports []types.Report
	if err := json.Unmarshal(data, &reports); err != nil {
		return usagef("%s: not a Ginkgo JSON report: %v", files[0], err)
	}
	rows, failures := summarise(reports)
	if *format == "json" {
		return writeJSON(stdout, rows)
	}
	w := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "vendor\tscenarios\tpassed\tfailed\tskipped\tbreaking drift\tnotices\tbilled if live\t")
	var total vendorSummary
	for _, r := range rows {
		fmt.Fprintf(w, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t\n", r.Vendor, r.Scenarios, r.Passed, r.Failed, r.Skipped, r.Drift, r.Notices, r.Billed)
		total.Scenarios += r.Scenarios
		total.Passed += r.Passed
		total.Failed += r.Failed
		total.Skipped += r.Skipped
		total.Drift += r.Drift
		total.Notices += r.Notices
		total.Billed += r.Billed
	}
	fmt.Fprintf(w, "total\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t\n", total.Scenarios, total.Passed, total.Failed, total.Skipped, total.Drift, total.Notices, total.Billed)
	w.Flush()
	failed := 0
	for _, f := range failures {
		if strings.HasPrefix(f, "SKIP ") {
			fmt.Fprintln(stdout, f)
			continue
		}
		failed++
		fmt.Fprintln(stdout, "FAIL "+f)
	}
	if total.Failed > 0 || failed > 0 {
		return errDrift
	}
	return nil
}

// summarise reads the scenario entries of every spec, by vendor (label vendor:<id>).
func summarise(reports []types.Report) ([]vendorSummary, []string) {
	by := map[string]*vendorSummary{}
	var failures, skips []string
	for _, rep := range reports {
		for _, sr := range rep.SpecReports {
			if sr.LeafNodeType != types.NodeTypeIt {
				// A suite-level failure (a live run that proved nothing, a recording that could not be
				// promoted) fails the run like any spec.
				if sr.State.Is(types.SpecStateFailureStates) {
					failures = append(failures, fmt.Sprintf("%s: %s", rep.SuiteDescription, firstLine(sr.Failure.Message)))
				}
				continue
			}
			vendor := ""
			for _, l := range sr.Labels() {
				if v, ok := strings.CutPrefix(l, "vendor:"); ok {
					vendor = v
				}
			}
			if vendor == "" {
				continue
			}
			row := by[vendor]
			if row == nil {
				row = &vendorSummary{Vendor: vendor}
				by[vendor] = row
			}
			var e *engine.Entry
			for _, re := range sr.ReportEntries {
				if re.Name == engine.ReportEntry {
					var x engine.Entry
					if json.Unmarshal([]byte(re.Value.AsJSON), &x) == nil {
						e = &x
					}
				}
			}
			failed := sr.State.Is(types.SpecStateFailureStates)
			if e == nil {
				// Not a scenario: a coverage or configuration spec. Its failure still fails the run.
				if failed {
					row.Other++
					failures = append(failures, fmt.Sprintf("%s: %s: %s", vendor, sr.LeafNodeText, firstLine(sr.Failure.Message)))
				}
				if sr.State == types.SpecStateSkipped {
					row.Skipped++
					if msg := firstLine(sr.Failure.Message); msg != "" {
						skips = append(skips, msg)
					}
				}
				continue
			}
			row.Scenarios++
			switch {
			case sr.State == types.SpecStateSkipped:
				row.Skipped++
			case failed:
				row.Failed++
			default:
				row.Passed++
			}
			if e.Breaking > 0 {
				row.Drift++
			}
			row.Breaking += e.Breaking
			row.Notices += e.Notices
			if e.Billed {
				row.Billed++
			}
		}
	}
	rows := make([]vendorSummary, 0, len(by))
	for _, r := range by {
		rows = append(rows, *r)
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].Vendor < rows[j].Vendor })
	for _, sk := range skips {
		failures = append(failures, "SKIP "+sk)
	}
	return rows, failures
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}

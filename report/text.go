package report

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"text/tabwriter"
)

// formatText is the table `make conformance` prints, then one FAIL line a problem and one SKIP line a
// skipped spec that is not a scenario (a vendor without credentials, live), after one WAIVED line a
// waived finding and one BILLING line a live vendor (its budget used, and what the vendor billed). Scenario skips (replay-only
// live, a budget) are counted in the table, not listed: a live run has many.
func formatText(out io.Writer, s *Summary) error {
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "vendor\t"+s.unit()+"\tpassed\tfailed\tskipped\tbreaking drift\tnotices\tbilled if live\t")
	row := func(r Vendor) {
		fmt.Fprintf(w, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t\n", r.Vendor, r.Scenarios, r.Passed, r.Failed, r.Skipped, r.Drift, r.Notices, r.Billed)
	}
	for _, v := range s.Vendors {
		row(*v)
	}
	row(s.Total())
	if err := w.Flush(); err != nil {
		return err
	}
	var lines []string
	for _, v := range s.Vendors {
		for _, f := range v.Failures {
			lines = append(lines, "FAIL "+f.Message)
		}
	}
	for _, f := range s.Failures {
		lines = append(lines, "FAIL "+f.Spec+": "+f.Message)
	}
	for _, v := range s.Vendors {
		for _, f := range v.Waived {
			lines = append(lines, "WAIVED "+f.Message+" — "+f.Waiver)
		}
	}
	for _, v := range s.Vendors {
		lines = append(lines, notJudgedLines(v)...)
	}
	for _, v := range s.Vendors {
		if v.Budget != nil {
			lines = append(lines, fmt.Sprintf("BILLING %s: budget used %d of %d billable calls; the vendor billed %d", v.Vendor, v.Budget.Used, v.Budget.Max, v.Billed))
		}
	}
	for _, v := range s.Vendors {
		for _, sk := range v.Skips {
			if sk.Scenario == "" && sk.Reason != "" {
				lines = append(lines, "SKIP "+sk.Reason)
			}
		}
	}
	if s.Contract != nil {
		lines = append(lines, "CONTRACT "+s.Contract.String())
	}
	for _, l := range lines {
		if _, err := fmt.Fprintln(out, l); err != nil {
			return err
		}
	}
	return nil
}

// notJudgedLines say what a vendor's answers did not carry, and which did not come whole: "NOT JUDGED
// ekycpro: headers: the input carries no response headers (1 answer)".
func notJudgedLines(v *Vendor) []string {
	var out []string
	for _, why := range slices.Sorted(maps.Keys(v.NotJudged)) {
		out = append(out, fmt.Sprintf("NOT JUDGED %s: %s (%s)", v.Vendor, why, plural(v.NotJudged[why], "answer")))
	}
	if v.Inconclusive > 0 {
		out = append(out, fmt.Sprintf("INCONCLUSIVE %s: %s without a whole answer (aborted, or cut by the network): proved nothing", v.Vendor, plural(v.Inconclusive, "exchange")))
	}
	return out
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/kontrak/kontrak/report"
	krun "github.com/kontrak/kontrak/run"
	"github.com/kontrak/kontrak/scenario"
)

func init() {
	commands["budget"] = command{
		synopsis: "[--vendor V] [--format text|json]",
		example:  "kontrak budget --vendor verihubs",
		summary:  "the billable calls a full live run or recording of each vendor needs (KONTRAK_MAX_BILLABLE), from its scenarios and billing tables, retries (KONTRAK_RETRIES) included; with --vendor, text is the number alone",
		run:      runBudget,
	}
	report.Register(budgetReport, "text", budgetText)
	report.Register(budgetReport, "json", func(w io.Writer, b *budgetOutput) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(b)
	})
}

var budgetReport = report.NewKind[*budgetOutput]("budget")

type budgetOutput struct {
	// One is set when --vendor named a vendor: text prints its number alone, for a script.
	One   bool        `json:"-"`
	Needs []krun.Need `json:"needs"`
}

func budgetText(w io.Writer, b *budgetOutput) error {
	if b.One {
		_, err := fmt.Fprintln(w, b.Needs[0].Calls)
		return err
	}
	for _, n := range b.Needs {
		fmt.Fprintf(w, "%-10s KONTRAK_MAX_BILLABLE=%d  (%d scenarios live, %d may be billed, %d expect a retry ×%d)\n",
			n.Vendor, n.Calls, n.Scenarios, n.Billable, n.Retried, n.Retries)
	}
	return nil
}

func runBudget(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("budget", flag.ContinueOnError)
	vendor := fs.String("vendor", "", "one vendor (default: every vendor)")
	format := addFormatFlag(fs, "budget")
	addSpecsFlag(fs)
	rest, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("budget takes no arguments, got %q", rest[0])
	}
	render, err := lookupFormat(budgetReport, "budget", *format)
	if err != nil {
		return err
	}
	c, err := loadContract()
	if err != nil {
		return err
	}
	retries, err := krun.RetriesFrom(os.Getenv)
	if err != nil {
		return usagef("%v", err)
	}
	vendors := c.VendorIDs()
	if *vendor != "" {
		if c.Vendor(*vendor) == nil {
			return usagef("--vendor: unknown vendor %q (known: %s)", *vendor, strings.Join(vendors, ", "))
		}
		vendors = []string{*vendor}
	}
	root, err := scenario.Root()
	if err != nil {
		return err
	}
	out := &budgetOutput{One: *vendor != ""}
	for _, id := range vendors {
		f, err := scenario.Load(root, c, id)
		if err != nil {
			return err
		}
		out.Needs = append(out.Needs, krun.NeedOf(c, f, retries))
	}
	return render(stdout, out)
}

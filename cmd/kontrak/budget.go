package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	krun "github.com/kontrak/kontrak/run"
	"github.com/kontrak/kontrak/scenario"
)

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
	fs := newFlags("budget")
	vendor := fs.String("vendor", "", "one vendor (default: every vendor)")
	_, render, err := parseReporting(fs, budgetReport, args, noArgs)
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

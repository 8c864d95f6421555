package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/report"
)

// verdictJSON is the verdict of one checked answer (its --format json object), as report lists it.
type verdictJSON = report.Verdict

// verdict is an answer's verdict in a word: "drift" (a breaking finding not waived), "inconclusive" (no
// whole answer: it proves nothing), else "conform".
func verdict(fs []contract.Finding, inconclusive string) string {
	switch {
	case inconclusive != "":
		return "inconclusive"
	case contract.HasBreaking(fs):
		return "drift"
	}
	return "conform"
}

func runCheck(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("check")
	vendor := fs.String("vendor", "", "vendor id (body mode)")
	operation := fs.String("operation", "", "operationId (body mode)")
	status := fs.String("status", "", "HTTP status of the answer (body mode)")
	strict := fs.Bool("strict", false, "count notices as breaking")
	format := addFormatFlag(fs, "check")
	addSpecsFlag(fs)
	waiversFile := fs.String("waivers", "", "a waivers.yaml: the known drift it names is shown as waived and fails nothing")
	tf := trafficFlags(fs)
	files, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if _, err := lookupFormat(report.SummaryReport, "check", *format); err != nil {
		return err
	}
	opts := contract.CheckOptions{Strict: *strict}
	bodyMode := *vendor != "" || *operation != "" || *status != ""
	if len(files) == 0 {
		return usagef("no input: give a response body FILE (or - for stdin) with --vendor, --operation and --status, or CASSETTE.yaml files")
	}
	c, named, err := loadNamedContract()
	if err != nil {
		return err
	}
	ws, err := contract.LoadWaivers(*waiversFile)
	if err != nil {
		return usagef("--waivers: %v", err)
	}
	if err := ws.Check(c); err != nil {
		return usagef("--waivers: %v", err)
	}
	if !bodyMode {
		return checkTraffic(c, named, files, opts, ws, tf, *format, stdin, stdout, stderr)
	}
	verdicts, err := checkBody(c, *vendor, *operation, *status, files, opts, ws, stdin)
	if err != nil {
		return err
	}
	problems := ws.Problems()
	if err := printVerdicts(stdout, *format, bodyMode, named, verdicts, problems); err != nil {
		return err
	}
	return verdictsExit(verdicts, problems, stderr)
}

// verdictsExit prints the waivers' problems, one line each, and says how the run ends: drift when an
// answer drifted or a waiver failed; proved nothing when no answer came whole.
func verdictsExit(verdicts []verdictJSON, problems []contract.Problem, stderr io.Writer) error {
	for _, p := range problems {
		fmt.Fprintln(stderr, "kontrak check: "+p.Error())
	}
	conform := 0
	for _, v := range verdicts {
		switch v.Verdict {
		case report.VerdictDrift:
			return errDrift
		case report.VerdictConform:
			conform++
		}
	}
	if len(problems) > 0 {
		return errDrift
	}
	if conform == 0 {
		fmt.Fprintln(stderr, "kontrak check: no answer came whole: the check proved nothing")
		return errNothing
	}
	return nil
}

// printVerdicts writes the verdicts in a format (report.Listing): text and json are check's own (one line
// a finding; one object an answer), the others render the verdicts as a report.Summary, one row a vendor.
func printVerdicts(w io.Writer, format string, bodyMode bool, named *report.Contract, verdicts []verdictJSON, problems []contract.Problem) error {
	l, err := report.NewListing(format, bodyMode)
	if err != nil {
		return err
	}
	l.Contract = named
	defer l.Close()
	for _, v := range verdicts {
		if err := l.Add(v); err != nil {
			return err
		}
	}
	return l.Flush(w, problems)
}

func checkBody(c *contract.Contract, vendor, operation, status string, files []string, opts contract.CheckOptions, ws *contract.Waivers, stdin io.Reader) ([]verdictJSON, error) {
	switch {
	case vendor == "":
		return nil, usagef("--vendor is required with --operation and --status")
	case operation == "":
		return nil, usagef("--operation is required with --vendor and --status")
	case status == "":
		return nil, usagef("--status is required with --vendor and --operation")
	case len(files) != 1:
		return nil, usagef("body mode takes exactly one FILE (or -), got %d", len(files))
	}
	st, err := strconv.Atoi(status)
	if err != nil || st < 100 || st > 599 {
		return nil, usagef("--status must be an HTTP status (100-599), not %q", status)
	}
	op, err := c.Operation(vendor, operation)
	if err != nil {
		return nil, usageError{err.Error()}
	}
	var body []byte
	if files[0] == "-" {
		body, err = io.ReadAll(stdin)
	} else {
		body, err = os.ReadFile(files[0])
	}
	if err != nil {
		return nil, usagef("cannot read %s: %v", files[0], unwrapPathError(err))
	}
	// A body given alone carries no headers: they are not judged (and said so), never taken as absent.
	v := c.Judge(contract.Exchange{Status: st, Body: body, NoHeader: true}, contract.JudgeOptions{Operation: op, Strict: opts.Strict, Waivers: ws})
	return []verdictJSON{{Vendor: op.Vendor.ID, Operation: op.ID, Verdict: verdict(v.Findings, v.Inconclusive), Findings: nonNil(v.Findings),
		NotJudged: v.NotJudged, Inconclusive: v.Inconclusive}}, nil
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

func nonNil(fs []contract.Finding) []contract.Finding {
	if fs == nil {
		return []contract.Finding{}
	}
	return fs
}

func unwrapPathError(err error) string {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err.Error()
	}
	return strings.TrimSpace(err.Error())
}

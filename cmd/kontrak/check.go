package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	kontrak "github.com/kontrak/kontrak"
	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/internal/wire"
	"github.com/kontrak/kontrak/report"
)

func init() {
	commands["check"] = command{
		synopsis: "[--vendor V --operation OP --status N] [--strict] [--waivers FILE] [--format F] [--input F] [--report] FILE...|-",
		example:  "kontrak check cassettes/advance/ocr-no-result.yaml",
		summary:  "check a response body (--vendor --operation --status FILE|-), or traffic: go-vcr cassettes, HAR files, NDJSON logs (FILE...|-)",
		run:      runCheck,
	}
}

// verdictJSON is the --format json object of one checked answer.
type verdictJSON struct {
	Cassette    string             `json:"cassette,omitempty"`
	Interaction *int               `json:"interaction,omitempty"`
	Vendor      string             `json:"vendor,omitempty"`
	Operation   string             `json:"operation,omitempty"`
	Verdict     string             `json:"verdict"`
	Findings    []contract.Finding `json:"findings"`
}

func verdict(fs []contract.Finding) string {
	if contract.HasBreaking(fs) {
		return "drift"
	}
	return "conform"
}

func loadContract() (*contract.Contract, error) {
	c, err := contract.Load(kontrak.Files)
	if err != nil {
		return nil, fmt.Errorf("loading the contracts: %w", err)
	}
	return c, nil
}

func runCheck(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	vendor := fs.String("vendor", "", "vendor id (body mode)")
	operation := fs.String("operation", "", "operationId (body mode)")
	status := fs.String("status", "", "HTTP status of the answer (body mode)")
	strict := fs.Bool("strict", false, "count notices as breaking")
	format := fs.String("format", "text", "the output format: "+strings.Join(report.Names(), ", ")+
		"; the drift report (--report, and every HAR or NDJSON input) takes "+strings.Join(report.TrafficFormats(), ", "))
	waiversFile := fs.String("waivers", "", "a waivers.yaml: the known drift it names is shown as waived and fails nothing")
	tf := trafficFlags(fs)
	files, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if _, err := report.Lookup(*format); err != nil {
		return usagef("--format: %v", err)
	}
	opts := contract.CheckOptions{Strict: *strict}
	bodyMode := *vendor != "" || *operation != "" || *status != ""
	if len(files) == 0 {
		return usagef("no input: give a response body FILE (or - for stdin) with --vendor, --operation and --status, or CASSETTE.yaml files")
	}
	c, err := loadContract()
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
		return checkTraffic(c, files, opts, ws, tf, *format, stdin, stdout, stderr)
	}
	verdicts, err := checkBody(c, *vendor, *operation, *status, files, opts, ws, stdin)
	if err != nil {
		return err
	}
	problems := ws.Problems()
	if err := printVerdicts(stdout, *format, bodyMode, verdicts, problems, c); err != nil {
		return err
	}
	return verdictsExit(verdicts, problems, stderr)
}

// verdictsExit prints the waivers' problems, one line each, and says how the run ends: drift when an
// answer drifted or a waiver failed.
func verdictsExit(verdicts []verdictJSON, problems []contract.Problem, stderr io.Writer) error {
	for _, p := range problems {
		fmt.Fprintln(stderr, "kontrak check: "+p.Error())
	}
	for _, v := range verdicts {
		if v.Verdict == "drift" {
			return errDrift
		}
	}
	if len(problems) > 0 {
		return errDrift
	}
	return nil
}

// printVerdicts writes the verdicts in a format: text and json are check's own (one line a finding; one
// object an answer), the others render the verdicts as a report.Summary, one row a vendor.
func printVerdicts(w io.Writer, format string, bodyMode bool, verdicts []verdictJSON, problems []contract.Problem, c *contract.Contract) error {
	switch format {
	case "text":
		for _, v := range verdicts {
			op, _ := c.Operation(v.Vendor, v.Operation)
			where := ""
			if v.Cassette != "" {
				where = fmt.Sprintf("%s#%d ", v.Cassette, *v.Interaction)
			}
			for _, f := range v.Findings {
				fmt.Fprintln(w, textLine(where, op, f))
			}
		}
		return nil
	case "json":
		if bodyMode {
			v := verdicts[0]
			v.Vendor, v.Operation = "", ""
			return writeJSON(w, v)
		}
		if verdicts == nil {
			verdicts = []verdictJSON{}
		}
		return writeJSON(w, verdicts)
	}
	f, err := report.Lookup(format)
	if err != nil {
		return err
	}
	return f.Format(w, checkSummary(verdicts, problems))
}

// checkSummary is a check's verdicts as a report: each answer checked is one case of its vendor, failed
// when a breaking finding is not waived.
func checkSummary(verdicts []verdictJSON, problems []contract.Problem) *report.Summary {
	s := &report.Summary{}
	rows := map[string]*report.Vendor{}
	for _, v := range verdicts {
		vendor := v.Vendor
		if vendor == "" {
			vendor = "(no vendor)" // an interaction of no documented route (route-undocumented)
		}
		row := rows[vendor]
		if row == nil {
			row = &report.Vendor{Vendor: vendor, Mode: "check"}
			rows[vendor] = row
			s.Vendors = append(s.Vendors, row)
		}
		name := v.Operation
		if v.Cassette != "" {
			name = fmt.Sprintf("%s#%d", v.Cassette, *v.Interaction)
		}
		row.Scenarios++
		c := report.Case{Spec: name, Operation: v.Operation, At: v.Cassette, State: "passed"}
		breaking := 0
		for _, f := range v.Findings {
			rf := report.Failure{Vendor: v.Vendor, Operation: v.Operation, Spec: name, Cassette: v.Cassette, Interaction: v.Interaction,
				Rule: f.ID, Pointer: f.Pointer, Want: f.Expected, Got: f.Actual, Source: f.Source, At: v.Cassette,
				Message: fmt.Sprintf("%s %s %s: %s at %s: want %s, got %s (%s)", v.Vendor, v.Operation, name, f.ID, wire.Display(f.Pointer), f.Expected, f.Actual, f.Source)}
			switch {
			case f.Waived != nil:
				rf.Waiver = f.Waived.String()
				row.Waived = append(row.Waived, rf)
			case f.Severity == contract.Breaking:
				breaking++
				row.Failures = append(row.Failures, rf)
			default:
				row.Notices++
			}
		}
		row.Breaking += breaking
		if breaking > 0 {
			row.Failed++
			row.Drift++
			c.State = "failed"
		} else {
			row.Passed++
		}
		row.Cases = append(row.Cases, c)
	}
	slices.SortFunc(s.Vendors, func(a, b *report.Vendor) int { return strings.Compare(a.Vendor, b.Vendor) })
	for _, p := range problems {
		s.Failures = append(s.Failures, report.Failure{Spec: "waivers", At: p.Waiver.At, Message: p.Error()})
	}
	return s
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
	findings := c.Judge(contract.Exchange{Status: st, Body: body}, contract.JudgeOptions{Operation: op, Strict: opts.Strict, Waivers: ws}).Findings
	return []verdictJSON{{Vendor: op.Vendor.ID, Operation: op.ID, Verdict: verdict(findings), Findings: nonNil(findings)}}, nil
}

// textLine is one finding on one line: where, vendor, operation, pointer, want vs got, source.
func textLine(where string, op *contract.Operation, f contract.Finding) string {
	p := f.Pointer
	if p == "" {
		p = `""`
	}
	vendor, id := "(no vendor)", "(no operation)"
	if op != nil {
		vendor, id = op.Vendor.ID, op.ID
	}
	return fmt.Sprintf("%s%s %s %s %s %s: want %s, got %s (%s)", where, f.Severity, vendor, id, f.ID, p,
		f.Expected, f.Actual, f.Source)
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

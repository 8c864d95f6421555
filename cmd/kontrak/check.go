package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	kontrak "github.com/kontrak/kontrak"
	"github.com/kontrak/kontrak/contract"
)

func init() {
	commands["check"] = command{
		summary: "check a response body (--vendor --operation --status FILE|-), or traffic: go-vcr cassettes, HAR files, NDJSON logs (FILE...|-)",
		run:     runCheck,
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
	format := fs.String("format", "text", "text or json; for the drift report (--report) also markdown")
	tf := trafficFlags(fs)
	files, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if *format != "text" && *format != "json" && !(*format == "markdown" && *tf.report) {
		return usagef("--format must be text or json (markdown with --report), not %q", *format)
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
	if bodyMode {
		return checkBody(c, *vendor, *operation, *status, files, opts, *format, stdin, stdout)
	}
	return checkTraffic(c, files, opts, tf, *format, stdin, stdout)
}

func checkBody(c *contract.Contract, vendor, operation, status string, files []string, opts contract.CheckOptions, format string, stdin io.Reader, stdout io.Writer) error {
	switch {
	case vendor == "":
		return usagef("--vendor is required with --operation and --status")
	case operation == "":
		return usagef("--operation is required with --vendor and --status")
	case status == "":
		return usagef("--status is required with --vendor and --operation")
	case len(files) != 1:
		return usagef("body mode takes exactly one FILE (or -), got %d", len(files))
	}
	st, err := strconv.Atoi(status)
	if err != nil || st < 100 || st > 599 {
		return usagef("--status must be an HTTP status (100-599), not %q", status)
	}
	op, err := c.Operation(vendor, operation)
	if err != nil {
		return usageError{err.Error()}
	}
	var body []byte
	if files[0] == "-" {
		body, err = io.ReadAll(stdin)
	} else {
		body, err = os.ReadFile(files[0])
	}
	if err != nil {
		return usagef("cannot read %s: %v", files[0], unwrapPathError(err))
	}
	findings := op.Check(st, nil, body, opts)
	if format == "json" {
		if err := writeJSON(stdout, verdictJSON{Verdict: verdict(findings), Findings: nonNil(findings)}); err != nil {
			return err
		}
	} else {
		for _, f := range findings {
			fmt.Fprintln(stdout, textLine("", op, f))
		}
	}
	if contract.HasBreaking(findings) {
		return errDrift
	}
	return nil
}

// textLine is one finding on one line: where, vendor, operation, pointer, want vs got, source.
func textLine(where string, op *contract.Operation, f contract.Finding) string {
	p := f.Pointer
	if p == "" {
		p = `""`
	}
	return fmt.Sprintf("%s%s %s %s %s %s: want %s, got %s (%s)", where, f.Severity, op.Vendor.ID, op.ID, f.ID, p,
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

package main

import (
	"fmt"
	"io"

	"github.com/kontrak/kontrak/internal/ordered"
	"github.com/kontrak/kontrak/redact"
	"github.com/kontrak/kontrak/traffic"
)

// runRedact redacts each file in place, by the rules the specs give (redact.RulesFor): a cassette, a HAR
// file or an NDJSON log, as its name or first bytes say (traffic.Detect). Every input is read and parsed
// before any is written, so an unreadable one (exit 2) leaves all of them as they were. A changed file is
// replaced in one rename and named on stdout; an unchanged one is not written.
func runRedact(args []string, _ io.Reader, stdout, _ io.Writer) error {
	files, err := parseInterspersed(newFlags("redact"), args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return usagef("no input: give the cassettes, HAR files or NDJSON logs to redact in place")
	}
	defer ordered.Pace()()
	// The check before anything is written streams each file (redact.CheckFile, redact.CheckTraffic); the
	// redaction itself holds one interaction at a time, writing the file whole again.
	formats := make([]traffic.Format, len(files))
	for n, f := range files {
		formats[n] = inputFormat(f)
		switch formats[n] {
		case traffic.HAR, traffic.NDJSON:
			err = redact.CheckTraffic(f, formats[n])
		default:
			err = redact.CheckFile(f)
		}
		if err != nil {
			return usageError{err.Error()}
		}
	}
	c, err := loadContract()
	if err != nil {
		return err
	}
	rules := redact.RulesFor(c)
	for n, f := range files {
		var changed bool
		switch formats[n] {
		case traffic.HAR, traffic.NDJSON:
			changed, err = redact.RedactTraffic(f, formats[n], rules)
		default:
			changed, err = redact.RedactFile(f, rules)
		}
		if err != nil {
			return err
		}
		if changed {
			fmt.Fprintf(stdout, "redacted %s\n", f)
		}
	}
	return nil
}

package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/kontrak/kontrak/redact"
)

func init() {
	commands["redact"] = command{
		synopsis: "CASSETTE.yaml...",
		example:  "kontrak redact cassettes/verihubs/recorded.yaml",
		summary:  "redact go-vcr cassettes in place: credentials, images and personal data out (CASSETTE...)",
		run:      runRedact,
	}
}

// runRedact redacts each cassette in place, by the rules the specs give (client.RedactRules). Every input
// is read and parsed before any is written, so an unreadable one (exit 2) leaves all of them as they were.
// A changed file is replaced in one rename and named on stdout; an unchanged one is not written.
func runRedact(args []string, _ io.Reader, stdout, _ io.Writer) error {
	fs := flag.NewFlagSet("redact", flag.ContinueOnError)
	files, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return usagef("no input: give the CASSETTE.yaml files to redact in place")
	}
	// The check before anything is written streams each file (redact.CheckFile); RedactFile itself
	// holds one cassette at a time, since it rewrites the file whole.
	for _, f := range files {
		if err := redact.CheckFile(f); err != nil {
			return usageError{err.Error()}
		}
	}
	c, err := loadContract()
	if err != nil {
		return err
	}
	rules := redact.RulesFor(c)
	for _, f := range files {
		changed, err := redact.RedactFile(f, rules)
		if err != nil {
			return err
		}
		if changed {
			fmt.Fprintf(stdout, "redacted %s\n", f)
		}
	}
	return nil
}

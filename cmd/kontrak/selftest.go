package main

import (
	"flag"
	"fmt"
	"io"
	"sort"

	"github.com/kontrak/kontrak/selftest"
)

func init() {
	commands["selftest"] = command{
		synopsis: "[--vendor V] [--format F]",
		example:  "kontrak selftest --vendor advance",
		summary:  "mutate every documented example and report each mutant the contract misses, each harmless variant it flags, and a score per operation; exit 1 on either",
		run:      runSelftest,
	}
}

func runSelftest(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("selftest", flag.ContinueOnError)
	vendor := fs.String("vendor", "", "one vendor id (default: all)")
	format := fs.String("format", "text", "the output format: text or json")
	rest, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("selftest takes no arguments, got %q", rest[0])
	}
	if *format != "text" && *format != "json" {
		return usagef("--format: unknown format %q (known: text, json)", *format)
	}
	c, err := loadContract()
	if err != nil {
		return err
	}
	r, err := selftest.Run(c, *vendor)
	if err != nil {
		return usagef("%v", err)
	}
	bad := 0
	for _, m := range r.Mutants {
		if m.Bad() {
			bad++
		}
	}
	if *format == "json" {
		if err := writeJSON(stdout, r); err != nil {
			return err
		}
	} else {
		for _, m := range r.Mutants {
			switch {
			case m.Bad() && m.Harmless:
				fmt.Fprintf(stdout, "flagged %s: %v\n", m.Key(), m.Findings)
			case m.Bad():
				fmt.Fprintf(stdout, "survived %s\n", m.Key())
			}
		}
		names := make([]string, 0, len(r.Scores))
		for n := range r.Scores {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			fmt.Fprintf(stdout, "%s: %s\n", n, r.Scores[n])
		}
	}
	if bad > 0 {
		return errDrift
	}
	return nil
}

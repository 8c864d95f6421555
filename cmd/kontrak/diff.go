package main

import (
	"flag"
	"io"
	"path/filepath"

	"github.com/kontrak/kontrak/scenario"
	"github.com/kontrak/kontrak/specdiff"
)

func runDiff(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("diff")
	cassettes := fs.Bool("cassettes", false, "re-judge the committed cassettes of the vendor (cassettes/<vendor>/) under both versions and list those whose verdict changes")
	rest, render, err := parseReporting(fs, diffReport, args, twoSpecs)
	if err != nil {
		return err
	}
	// The schemas a spec refers to are read from the contract's files (--specs, a fork's own).
	base, _, err := contractSource()
	if err != nil {
		return err
	}
	old, err := specdiff.Open(rest[0], base)
	if err != nil {
		return usagef("%v", err)
	}
	new, err := specdiff.Open(rest[1], base)
	if err != nil {
		return usagef("%v", err)
	}
	r, err := specdiff.Diff(old, new)
	if err != nil {
		return usagef("%v", err)
	}
	if *cassettes {
		root, err := scenario.Root()
		if err != nil {
			return err
		}
		files, err := filepath.Glob(filepath.Join(root, "cassettes", r.Vendor, "*.yaml"))
		if err != nil {
			return err
		}
		for i, f := range files {
			files[i] = displayPath(f)
		}
		if r.Rejudged, err = specdiff.Rejudge(old, new, files); err != nil {
			return usagef("%v", err)
		}
	}
	if err := render(stdout, r); err != nil {
		return err
	}
	if r.Breaking() {
		return errDrift
	}
	return nil
}

// twoSpecs is diff's rule: OLD and NEW.
func twoSpecs(_ *flag.FlagSet, rest []string) error {
	if len(rest) != 2 {
		return usagef("want two specs, OLD and NEW (a file, or git:REV:path), got %d arguments", len(rest))
	}
	return nil
}

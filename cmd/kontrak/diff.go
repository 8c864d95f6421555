package main

import (
	"flag"
	"io"
	"path/filepath"
	"slices"
	"strings"

	kontrak "github.com/kontrak/kontrak"
	"github.com/kontrak/kontrak/scenario"
	"github.com/kontrak/kontrak/specdiff"
)

func init() {
	commands["diff"] = command{
		synopsis: "OLD NEW",
		example:  "kontrak diff git:main:specs/advance.yaml specs/advance.yaml",
		summary:  "compare two versions of a vendor spec (FILE or git:REV:path): operations, statuses, schemas, x-kontrak tables; exit 1 when a change breaks a client",
		run:      runDiff,
	}
}

func runDiff(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("diff", flag.ContinueOnError)
	format := fs.String("format", "text", "the output format: "+strings.Join(specdiff.Formats, ", "))
	cassettes := fs.Bool("cassettes", false, "re-judge the committed cassettes of the vendor (cassettes/<vendor>/) under both versions and list those whose verdict changes")
	rest, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 2 {
		return usagef("want two specs, OLD and NEW (a file, or git:REV:path), got %d arguments", len(rest))
	}
	if !slices.Contains(specdiff.Formats, *format) {
		return usagef("--format: unknown format %q (known: %s)", *format, strings.Join(specdiff.Formats, ", "))
	}
	old, err := specdiff.Open(rest[0], kontrak.Files)
	if err != nil {
		return usagef("%v", err)
	}
	new, err := specdiff.Open(rest[1], kontrak.Files)
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
	if err := specdiff.Write(stdout, *format, r); err != nil {
		return err
	}
	if r.Breaking() {
		return errDrift
	}
	return nil
}

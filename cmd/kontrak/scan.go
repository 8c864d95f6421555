package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/kontrak/kontrak/redact"
	"github.com/kontrak/kontrak/traffic"
)

func init() {
	commands["scan"] = command{
		synopsis: "PATH...",
		example:  "kontrak scan cassettes",
		summary:  "scan cassettes, HAR files and NDJSON logs for what redaction would not keep (PATH...: files or directories)",
		run:      runScan,
	}
}

// leakJSON is one leak in --format json: where, never what.
type leakJSON struct {
	File        string `json:"file"`
	Interaction int    `json:"interaction"`
	Kind        string `json:"kind"`
	Where       string `json:"where"`
}

// scanJSON is scan's --format json output.
type scanJSON struct {
	Files   int        `json:"files"`
	Skipped []string   `json:"skipped"`
	Leaks   []leakJSON `json:"leaks"`
}

// runScan prints one line per leak ("FILE#INTERACTION: KIND at WHERE", never the value; interaction -1 is
// the file itself) and exits 1 when there is one; else it prints a one-line summary. With --format json it
// prints one JSON object instead (files, skipped, leaks). Every input is read to its end before anything
// is printed: an unreadable one is exit 2 with nothing half-said. Cassettes (*.yaml, *.yml), HAR files
// (*.har) and NDJSON logs (*.ndjson, *.jsonl) are read; a file named otherwise is read as its first bytes
// say (traffic.Detect).
func runScan(args []string, _ io.Reader, stdout, stderr io.Writer) error {
	flags := flag.NewFlagSet("scan", flag.ContinueOnError)
	format := flags.String("format", "text", "the output format: text or json")
	paths, err := parseInterspersed(flags, args)
	if err != nil {
		return err
	}
	if *format != "text" && *format != "json" {
		return usagef("--format: %q is not one of text, json", *format)
	}
	if len(paths) == 0 {
		return usagef("no input: give cassette, HAR or NDJSON files, or directories, to scan")
	}
	files, skipped, err := cassetteFiles(paths)
	if err != nil {
		return err
	}
	if *format == "text" {
		for _, f := range skipped {
			fmt.Fprintf(stdout, "skipped %s: not a cassette (*.yaml, *.yml), a HAR file (*.har) or an NDJSON log (*.ndjson, *.jsonl)\n", f)
		}
	}
	if len(files) == 0 {
		return usagef("no cassette, HAR file or NDJSON log in %s", strings.Join(paths, ", "))
	}
	c, err := loadContract()
	if err != nil {
		return err
	}
	rules := redact.ScanRulesFor(c)
	// Each input is streamed (memory bounded by its largest interaction); only the leaks are kept, and
	// printed once every file has read to its end.
	var found [][]redact.Leak
	noun, nouns := "cassette", "cassettes"
	for _, f := range files {
		var ls []redact.Leak
		switch format := inputFormat(f); format {
		case traffic.HAR, traffic.NDJSON:
			noun, nouns = "file", "files"
			ls, err = redact.ScanTraffic(f, format, rules)
		default:
			ls, err = redact.ScanFile(f, rules)
		}
		if err != nil {
			return usageError{err.Error()}
		}
		found = append(found, ls)
	}
	leaks, leaky := 0, 0
	out := scanJSON{Files: len(files), Skipped: append([]string{}, skipped...), Leaks: []leakJSON{}}
	for _, ls := range found {
		for _, l := range ls {
			if *format == "text" {
				fmt.Fprintln(stdout, l)
			}
			out.Leaks = append(out.Leaks, leakJSON{File: l.File, Interaction: l.Interaction, Kind: l.Kind, Where: l.Where})
		}
		leaks += len(ls)
		if len(ls) > 0 {
			leaky++
		}
	}
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return err
		}
	}
	if leaks > 0 {
		fmt.Fprintf(stderr, "kontrak scan: %d %s in %d of %d %s\n", leaks, plural(leaks, "leak", "leaks"), leaky, len(files), plural(len(files), noun, nouns))
		return errDrift
	}
	if *format == "text" {
		fmt.Fprintf(stdout, "scanned %d %s, no leaks\n", len(files), plural(len(files), noun, nouns))
	}
	return nil
}

// inputFormat is the shape of an input file: by its name, else by its first bytes (traffic.Detect).
func inputFormat(file string) traffic.Format {
	head := make([]byte, 4096)
	f, err := os.Open(file)
	if err != nil {
		return traffic.Cassette // the reader says what is wrong with it
	}
	defer f.Close()
	n, _ := io.ReadFull(f, head)
	return traffic.Detect(file, head[:n])
}

// cassetteFiles expands the paths: a file is itself, a directory every *.yaml, *.yml, *.har, *.ndjson and
// *.jsonl beneath it, in
// lexical order, hidden directories (.git) left out. skipped are the other files of those directories (not
// hidden ones), so that the scan can say what it did not read.
func cassetteFiles(paths []string) (files, skipped []string, err error) {
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			return nil, nil, usagef("cannot read %s: %s", p, unwrapPathError(err))
		}
		if !fi.IsDir() {
			files = append(files, p)
			continue
		}
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return usagef("cannot read %s: %s", path, unwrapPathError(err))
			}
			if d.IsDir() && path != p && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			switch {
			case d.IsDir():
			case strings.HasSuffix(d.Name(), ".yaml"), strings.HasSuffix(d.Name(), ".yml"), strings.HasSuffix(d.Name(), ".har"),
				strings.HasSuffix(d.Name(), ".ndjson"), strings.HasSuffix(d.Name(), ".jsonl"):
				files = append(files, path)
			case !strings.HasPrefix(d.Name(), "."):
				skipped = append(skipped, path)
			}
			return nil
		})
		if err != nil {
			return nil, nil, err
		}
	}
	return files, skipped, nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

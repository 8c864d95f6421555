package main

import (
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/kontrak/kontrak/redact"
)

func init() {
	commands["scan"] = command{
		synopsis: "PATH...",
		example:  "kontrak scan cassettes",
		summary:  "scan cassettes for leaks: credentials, NIKs, names, addresses, images (PATH...: files or directories)",
		run:      runScan,
	}
}

// runScan prints one line per leak ("FILE#INTERACTION: KIND at WHERE", never the value) and exits 1 when
// there is one; else it prints a one-line summary. Every cassette is read to its end before anything is
// printed: an unreadable one is exit 2 with nothing half-said.
func runScan(args []string, _ io.Reader, stdout, stderr io.Writer) error {
	flags := flag.NewFlagSet("scan", flag.ContinueOnError)
	paths, err := parseInterspersed(flags, args)
	if err != nil {
		return err
	}
	if len(paths) == 0 {
		return usagef("no input: give cassette files or directories to scan")
	}
	files, skipped, err := cassetteFiles(paths)
	if err != nil {
		return err
	}
	for _, f := range skipped {
		fmt.Fprintf(stdout, "skipped %s: not a cassette (*.yaml, *.yml)\n", f)
	}
	if len(files) == 0 {
		return usagef("no cassette (*.yaml, *.yml) in %s", strings.Join(paths, ", "))
	}
	c, err := loadContract()
	if err != nil {
		return err
	}
	rules := redact.ScanRulesFor(c)
	// Each cassette is streamed (redact.ScanFile: memory bounded by its largest interaction); only the
	// leaks are kept, and printed once every file has read to its end.
	var found [][]redact.Leak
	for _, f := range files {
		ls, err := redact.ScanFile(f, rules)
		if err != nil {
			return usageError{err.Error()}
		}
		found = append(found, ls)
	}
	leaks, leaky := 0, 0
	for _, ls := range found {
		for _, l := range ls {
			fmt.Fprintln(stdout, l)
		}
		leaks += len(ls)
		if len(ls) > 0 {
			leaky++
		}
	}
	if leaks > 0 {
		fmt.Fprintf(stderr, "kontrak scan: %d %s in %d of %d %s\n", leaks, plural(leaks, "leak", "leaks"), leaky, len(files), plural(len(files), "cassette", "cassettes"))
		return errDrift
	}
	fmt.Fprintf(stdout, "scanned %d %s, no leaks\n", len(files), plural(len(files), "cassette", "cassettes"))
	return nil
}

// cassetteFiles expands the paths: a file is itself, a directory every *.yaml and *.yml beneath it, in
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
			case strings.HasSuffix(d.Name(), ".yaml"), strings.HasSuffix(d.Name(), ".yml"):
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

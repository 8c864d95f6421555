package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/kontrak/kontrak/internal/ordered"
	"github.com/kontrak/kontrak/redact"
	"github.com/kontrak/kontrak/report"
	"github.com/kontrak/kontrak/traffic"
)

// scanOutput is what a scan found (its json object): the verdict ("clean", or "leak": exit 1), the
// contract whose rules it scanned by, the cassettes read and those skipped, and each leak — a place and a
// kind, never the value.
type scanOutput struct {
	Kind     string           `json:"kind"` // "kontrak-scan"
	Verdict  string           `json:"verdict"`
	Contract *report.Contract `json:"contract"`
	Scanned  []string         `json:"scanned"`
	Skipped  []string         `json:"skipped"`
	Leaks    []scanLeak       `json:"leaks"`

	logs bool // a HAR file or an NDJSON log was scanned: the inputs are "files", else "cassettes"
}

func (o *scanOutput) noun(n int) string {
	if o.logs {
		return plural(n, "file", "files")
	}
	return plural(n, "cassette", "cassettes")
}

type scanLeak struct {
	File        string `json:"file"`
	Interaction int    `json:"interaction"`
	Kind        string `json:"kind"`
	Where       string `json:"where"`
}

// scanText is one line a skipped file and a leak ("FILE#INTERACTION: KIND at WHERE", never the value),
// then, with no leak, the scan in one line. (The json names the contract whose rules it scanned by; the
// text stays the lines scripts and tests already read.)
func scanText(w io.Writer, o *scanOutput) error {
	for _, f := range o.Skipped {
		fmt.Fprintf(w, "skipped %s: %s\n", f, notInput)
	}
	for _, l := range o.Leaks {
		fmt.Fprintln(w, redact.Leak{File: l.File, Interaction: l.Interaction, Kind: l.Kind, Where: l.Where})
	}
	if len(o.Leaks) == 0 {
		fmt.Fprintf(w, "scanned %d %s, no leaks\n", len(o.Scanned), o.noun(len(o.Scanned)))
	}
	return nil
}

// runScan scans every cassette and prints what it found in a format; it exits 1 when there is a leak
// (and says how many on stderr). Every cassette is read to its end before anything is printed: an
// unreadable one is exit 2 with nothing half-said. "-" is one cassette read from stdin.
func runScan(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	paths, render, err := parseReporting(newFlags("scan"), scanReport, args, nil)
	if err != nil {
		return err
	}
	if len(paths) == 0 {
		return usagef("no input: give cassette files or directories to scan, or - for stdin")
	}
	defer ordered.Pace()()
	var files, skipped []string
	fromStdin := false
	var others []string
	for _, p := range paths {
		if p == "-" {
			if fromStdin {
				return usagef("stdin (-) given twice")
			}
			fromStdin = true
			continue
		}
		others = append(others, p)
	}
	if len(others) > 0 {
		if files, skipped, err = cassetteFiles(others); err != nil {
			return err
		}
		if len(files) == 0 && !fromStdin {
			for _, f := range skipped {
				fmt.Fprintf(stdout, "skipped %s: %s\n", f, notInput)
			}
			return usagef("no cassette, HAR file or NDJSON log in %s", strings.Join(paths, ", "))
		}
	}
	c, named, err := loadNamedContract()
	if err != nil {
		return err
	}
	rules := redact.ScanRulesFor(c)
	// Each cassette is streamed (redact.ScanFile, ScanReader: memory bounded by its largest interaction);
	// only the leaks are kept, and printed once every input has read to its end.
	out := &scanOutput{Kind: "kontrak-scan", Verdict: "clean", Contract: named, Scanned: []string{}, Skipped: nonNilStrings(skipped), Leaks: []scanLeak{}}
	leaky := 0
	add := func(name string, ls []redact.Leak) {
		out.Scanned = append(out.Scanned, name)
		for _, l := range ls {
			out.Leaks = append(out.Leaks, scanLeak{l.File, l.Interaction, l.Kind, l.Where})
		}
		if len(ls) > 0 {
			leaky++
		}
	}
	if fromStdin {
		ls, err := scanStdin(stdin, rules, out)
		if err != nil {
			return usageError{err.Error()}
		}
		add("stdin", ls)
	}
	for _, f := range files {
		var ls []redact.Leak
		switch format := inputFormat(f); format {
		case traffic.HAR, traffic.NDJSON:
			out.logs = true
			ls, err = redact.ScanTraffic(f, format, rules)
		default:
			ls, err = redact.ScanFile(f, rules)
		}
		if err != nil {
			return usageError{err.Error()}
		}
		add(f, ls)
	}
	if len(out.Leaks) > 0 {
		out.Verdict = "leak"
	}
	if err := render(stdout, out); err != nil {
		return err
	}
	if n := len(out.Leaks); n > 0 {
		fmt.Fprintf(stderr, "kontrak scan: %d %s in %d of %d %s\n", n, plural(n, "leak", "leaks"), leaky, len(out.Scanned), out.noun(len(out.Scanned)))
		return errDrift
	}
	return nil
}

// notInput says why a file of a directory was not scanned.
const notInput = "not a cassette (*.yaml, *.yml), a HAR file (*.har) or an NDJSON log (*.ndjson, *.jsonl)"

// scanStdin scans one input from stdin, told by its first bytes as a file is (traffic.Detect): a cassette
// is streamed; a HAR file or an NDJSON log is spooled to a temporary file (removed after), since their
// readers take a file.
func scanStdin(stdin io.Reader, rules redact.ScanRules, out *scanOutput) ([]redact.Leak, error) {
	br := bufio.NewReaderSize(stdin, 4096)
	head, _ := br.Peek(4096)
	format := traffic.Detect("", head)
	if format != traffic.HAR && format != traffic.NDJSON {
		return redact.ScanReader("stdin", br, rules)
	}
	out.logs = true
	tmp, err := os.CreateTemp("", "kontrak-scan-*")
	if err != nil {
		return nil, fmt.Errorf("stdin: %w", err)
	}
	defer os.Remove(tmp.Name())
	_, err = io.Copy(tmp, br)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("stdin: %w", err)
	}
	ls, err := redact.ScanTraffic(tmp.Name(), format, rules)
	for i := range ls {
		ls[i].File = "stdin"
	}
	if err != nil {
		return nil, errors.New(strings.ReplaceAll(err.Error(), tmp.Name(), "stdin"))
	}
	return ls, nil
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

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// cassetteFiles expands the paths: a file is itself, a directory every *.yaml, *.yml, *.har, *.ndjson and
// *.jsonl beneath it, in lexical order, hidden directories (.git) left out. skipped are the other files of those directories (not
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

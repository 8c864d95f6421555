package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/report"
	"github.com/kontrak/kontrak/traffic"
)

type trafficOpts struct {
	input        *string
	report       *bool
	strictRoutes *bool
	workers      *int
}

func trafficFlags(fs *flag.FlagSet) trafficOpts {
	return trafficOpts{
		input:        fs.String("input", "auto", "the shape of the traffic inputs: cassette, har, ndjson, or auto (by name, else by content)"),
		report:       fs.Bool("report", false, "print the drift report (findings aggregated by vendor, operation, id and pointer) instead of one verdict an interaction; implied for HAR and NDJSON inputs"),
		strictRoutes: fs.Bool("strict-routes", false, "an interaction whose route matches no vendor operation is an error (exit 2), not counted and skipped"),
		workers:      fs.Int("workers", 0, "interactions judged in parallel (0: every core)"),
	}
}

// checkTraffic streams every input through the traffic engine. Cassettes alone, without --report, keep
// the per-interaction listing of verdicts; anything else prints the drift report. The listing in text or
// json is streamed (spilled to a temporary file past a few MiB); in the other report formats (markdown,
// junit, github) it is a report.Summary with one case an interaction, held in memory without bodies.
// Waivers are applied to every interaction; their problems are printed at the end as in body mode.
func checkTraffic(c *contract.Contract, files []string, opts contract.CheckOptions, ws *contract.Waivers, tf trafficOpts, format string, stdin io.Reader, stdout, stderr io.Writer) error {
	form, err := traffic.ParseFormat(*tf.input)
	if err != nil {
		return usagef("--input: %v", err)
	}
	stdinUsed := false
	var inputs []traffic.Input
	listing := !*tf.report
	for _, f := range files {
		in := traffic.Input{Name: f, Format: form}
		if f == "-" {
			if stdinUsed {
				return usagef("stdin (-) given twice")
			}
			stdinUsed = true
			in.Name = "stdin"
			in.Open = func() (io.ReadCloser, error) { return io.NopCloser(stdin), nil }
		} else {
			name := f
			in.Open = func() (io.ReadCloser, error) {
				rc, err := os.Open(name)
				if err != nil {
					var pe *fs.PathError
					if errors.As(err, &pe) {
						err = pe.Err
					}
					return nil, fmt.Errorf("cannot read %s: %v", kindOf(form, name), err)
				}
				return rc, nil
			}
		}
		if k := form; k == traffic.HAR || k == traffic.NDJSON || (k == traffic.Auto && (isLogName(f) || f == "-")) {
			listing = false
		}
		inputs = append(inputs, in)
	}
	if !listing && !slices.Contains(report.TrafficFormats(), format) {
		return usagef("--format %s is not a format of the drift report (HAR and NDJSON inputs, --report): use one of %s", format, strings.Join(report.TrafficFormats(), ", "))
	}
	if *tf.workers < 0 {
		return usagef("--workers must be 0 (every core) or more, not %d", *tf.workers)
	}
	topts := traffic.Options{Judge: contract.JudgeOptions{Strict: opts.Strict, Waivers: ws}, StrictRoutes: *tf.strictRoutes, Workers: *tf.workers}
	var summarised []verdictJSON // the listing in a format of report.Summary
	// The listing is spilled, not printed, until every input has been read: an unreadable input is exit 2
	// with nothing half-said, and memory stays bounded however long the listing.
	var spill *spillBuffer
	if listing {
		spill = &spillBuffer{}
		defer spill.Close()
		first := true
		if format == "json" {
			spill.WriteString("[")
		}
		topts.Each = func(v traffic.Verdict) error {
			if format != "text" && format != "json" {
				id := v.ID
				summarised = append(summarised, verdictJSON{Cassette: v.Input, Interaction: &id, Vendor: vendorOf(v.Operation),
					Operation: opOf(v.Operation), Verdict: verdict(v.Findings), Findings: nonNil(v.Findings)})
				return nil
			}
			if format == "json" {
				id := v.ID
				var b bytes.Buffer
				if err := writeJSON(&b, verdictJSON{Cassette: v.Input, Interaction: &id, Vendor: vendorOf(v.Operation),
					Operation: opOf(v.Operation), Verdict: verdict(v.Findings), Findings: nonNil(v.Findings)}); err != nil {
					return err
				}
				if !first {
					spill.WriteString(",")
				}
				first = false
				_, err := spill.Write(bytes.TrimRight(b.Bytes(), "\n"))
				return err
			}
			for _, f := range v.Findings {
				if _, err := spill.WriteString(textLine(fmt.Sprintf("%s#%d ", v.Input, v.ID), v.Operation, f) + "\n"); err != nil {
					return err
				}
			}
			return nil
		}
	}
	unrouted := false
	if listing {
		// A cassette's interaction of no documented route is one route-undocumented finding in the
		// listing, and fails the check; the others are still judged.
		each := topts.Each
		topts.Each = func(v traffic.Verdict) error {
			unrouted = unrouted || v.Operation == nil
			return each(v)
		}
	}
	if os.Getenv("GOGC") == "" {
		// The live heap of a traffic check is a few MB (the interactions in flight): the collector's
		// default pace spends a fifth of the time on it. A quarter of that pace keeps the heap far
		// under the 200 MB bound (BenchmarkTraffic reports it). GOGC, when set, is the user's to choose.
		defer debug.SetGCPercent(debug.SetGCPercent(400))
	}
	t, err := traffic.Check(c, inputs, topts)
	if err != nil {
		return usageError{err.Error()}
	}
	problems := ws.Problems()
	switch {
	case listing && format != "text" && format != "json":
		if err := printVerdicts(stdout, format, false, summarised, problems, c); err != nil {
			return err
		}
	case listing:
		if format == "json" {
			spill.WriteString("]\n")
		}
		if err := spill.CopyTo(stdout); err != nil {
			return err
		}
	default:
		if err := report.FormatTraffic(stdout, format, t); err != nil {
			return err
		}
	}
	for _, p := range problems {
		fmt.Fprintln(stderr, "kontrak check: "+p.Error())
	}
	if t.Failing() || len(problems) > 0 || unrouted {
		return errDrift
	}
	if t.Judged == 0 {
		// Fail closed: an empty log, or one of other APIs only, proved nothing about any vendor.
		fmt.Fprintf(stderr, "kontrak check: no interaction of a vendor operation was judged (%d read, %d matched no vendor operation, %d not judged): the check proved nothing\n",
			t.Interactions, t.Unrouted, t.NotJudged)
		return errDrift
	}
	return nil
}

func vendorOf(op *contract.Operation) string {
	if op == nil {
		return ""
	}
	return op.Vendor.ID
}

func opOf(op *contract.Operation) string {
	if op == nil {
		return ""
	}
	return op.ID
}

func isLogName(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".har", ".ndjson", ".jsonl", ".json", ".log":
		return true
	}
	return false
}

func kindOf(f traffic.Format, name string) string {
	if f == traffic.Auto {
		f = traffic.Detect(name, nil)
		if isLogName(name) && f == traffic.Cassette {
			return "log"
		}
	}
	switch f {
	case traffic.HAR:
		return "HAR file"
	case traffic.NDJSON:
		return "NDJSON log"
	}
	return "cassette"
}

// spillBuffer holds output in memory up to a few MiB, then in a temporary file.
type spillBuffer struct {
	mem  bytes.Buffer
	file *os.File
}

const spillAt = 4 << 20

func (s *spillBuffer) Write(p []byte) (int, error) {
	if s.file == nil && s.mem.Len()+len(p) > spillAt {
		f, err := os.CreateTemp("", "kontrak-check-*")
		if err != nil {
			return 0, err
		}
		s.file = f
		if _, err := f.Write(s.mem.Bytes()); err != nil {
			return 0, err
		}
		s.mem = bytes.Buffer{}
	}
	if s.file != nil {
		return s.file.Write(p)
	}
	return s.mem.Write(p)
}

func (s *spillBuffer) WriteString(str string) (int, error) { return s.Write([]byte(str)) }

func (s *spillBuffer) CopyTo(w io.Writer) error {
	if s.file == nil {
		_, err := w.Write(s.mem.Bytes())
		return err
	}
	if _, err := s.file.Seek(0, io.SeekStart); err != nil {
		return err
	}
	_, err := io.Copy(w, s.file)
	return err
}

func (s *spillBuffer) Close() {
	if s.file != nil {
		s.file.Close()
		os.Remove(s.file.Name())
	}
}

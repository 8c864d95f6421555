package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/internal/ordered"
	"github.com/kontrak/kontrak/internal/wire"
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
// the per-interaction listing of verdicts (report.Listing, in any format of a Summary); anything else
// prints the drift report (report.TrafficReport). Waivers are applied to every interaction; their
// problems are printed at the end as in body mode.
func checkTraffic(c *contract.Contract, named *report.Contract, files []string, opts contract.CheckOptions, ws *contract.Waivers, tf trafficOpts, format string, stdin io.Reader, stdout, stderr io.Writer) error {
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
			// stdin is told by its first bytes as a file is by its name, then its bytes: the same bytes
			// give the same listing or report from a file or from stdin.
			br := bufio.NewReaderSize(stdin, detectBytes)
			if form == traffic.Auto {
				head, _ := br.Peek(detectBytes)
				in.Format = traffic.Detect("", head)
			}
			in.Open = func() (io.ReadCloser, error) { return io.NopCloser(br), nil }
		} else {
			name := f
			in.Open = func() (io.ReadCloser, error) {
				rc, err := os.Open(name)
				if err != nil {
					return nil, fmt.Errorf("cannot read %s: %v", kindOf(form, name), wire.FileReason(err))
				}
				return rc, nil
			}
		}
		if k := in.Format; k == traffic.HAR || k == traffic.NDJSON || (k == traffic.Auto && isLogFile(f)) {
			listing = false
		}
		inputs = append(inputs, in)
	}
	var render report.Formatter[*report.Traffic]
	if !listing {
		if render, err = report.Lookup(report.TrafficReport, format); err != nil {
			return usagef("--format %s is not a format of the drift report (HAR and NDJSON inputs, --report): use one of %s", format, strings.Join(report.Formats(report.TrafficReport), ", "))
		}
	}
	if *tf.workers < 0 {
		return usagef("--workers must be 0 (every core) or more, not %d", *tf.workers)
	}
	topts := traffic.Options{Judge: contract.JudgeOptions{Strict: opts.Strict, Waivers: ws}, StrictRoutes: *tf.strictRoutes, Workers: *tf.workers}
	// The listing is held, not printed, until every input has been read: an unreadable input is exit 2
	// with nothing half-said, and memory stays bounded however long the listing (report.Listing).
	var list *report.Listing
	if listing {
		if list, err = report.NewListing(format, false); err != nil {
			return usagef("--format: %v", err)
		}
		list.Contract = named
		defer list.Close()
		topts.Each = func(v traffic.Verdict) error {
			id := v.ID
			return list.Add(verdictJSON{Cassette: v.Input, Interaction: &id, Vendor: vendorOf(v.Operation),
				Operation: opOf(v.Operation), Verdict: verdict(v.Findings, v.Inconclusive), Findings: nonNil(v.Findings),
				NotJudged: v.NotJudged, Inconclusive: v.Inconclusive})
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
	defer ordered.Pace()()
	t, err := traffic.Check(c, inputs, topts)
	if err != nil {
		return usageError{err.Error()}
	}
	problems := ws.Problems()
	t.Contract = named
	if listing {
		err = list.Flush(stdout, problems)
	} else {
		err = render.Format(stdout, t)
	}
	if err != nil {
		return err
	}
	for _, p := range problems {
		fmt.Fprintln(stderr, "kontrak check: "+p.Error())
	}
	if t.Failing() || len(problems) > 0 || unrouted {
		return errDrift
	}
	if t.RunVerdict() == report.VerdictInconclusive {
		// Fail closed: an empty log, one of other APIs only, or answers that never came whole proved
		// nothing about any vendor: exit 3, told apart from drift.
		fmt.Fprintf(stderr, "kontrak check: no interaction of a vendor operation was judged whole (%d read, %d matched no vendor operation, %d not judged, %d inconclusive): the check proved nothing\n",
			t.Interactions, t.Unrouted, t.NotJudged, t.Inconclusive)
		return errNothing
	}
	return nil
}

// detectBytes is how much of stdin is read ahead to tell its shape (traffic.Detect): a HAR's or an NDJSON
// line's first key, or a cassette's first line.
const detectBytes = 4096

// isLogFile tells, for an input the command line gives no shape to, whether it is a log (HAR, NDJSON)
// rather than a cassette: by its name, else by its first bytes — as stdin is told.
func isLogFile(name string) bool {
	if isLogName(name) {
		return true
	}
	f, err := os.Open(name)
	if err != nil {
		return false // the check says why, when it opens it
	}
	defer f.Close()
	head := make([]byte, detectBytes)
	n, _ := io.ReadFull(f, head)
	return traffic.Detect(name, head[:n]) != traffic.Cassette
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

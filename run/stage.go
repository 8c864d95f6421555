package run

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/kontrak/kontrak/scenario"
)

// Staging holds a recording until the whole run has passed. A live recording is only as good as the whole
// run: a run that fails, or is interrupted, leaves every existing cassette untouched, byte for byte.
type Staging struct {
	// Dir is the staging cassette directory (the run writes Dir/<vendor>/<scenario>.yaml).
	Dir string
	// Check, when set, judges the staged cassettes before promotion (the leak scan of the redacted
	// recording); an error keeps every cassette out of cassettes/ and fails the run, saying where.
	Check func(files []string) error

	final  string // cassettes/
	vendor string
	want   int // scenarios the run must complete: those not replay-only
}

// NewStaging makes a staging directory beside cassettes/ (same file system: promotion is a rename).
func NewStaging(cassettes, vendor string, f *scenario.File) (*Staging, error) {
	if err := os.MkdirAll(cassettes, 0o755); err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp(cassettes, ".recording-"+vendor+"-")
	if err != nil {
		return nil, fmt.Errorf("staging the recording of %s: %w", vendor, err)
	}
	want := 0
	for _, s := range f.Scenarios {
		if !s.Live.ReplayOnly {
			want++
		}
	}
	return &Staging{Dir: dir, final: cassettes, vendor: vendor, want: want}, nil
}

// Finish promotes the staged cassettes when every scenario ran and passed, and always removes the staging
// directory. The message says what happened, in one line. A discarded recording is an error too, that says
// why: the scenarios that failed, or did not run (and the budget they would need).
func (s *Staging) Finish(t *Tally) (string, error) {
	defer os.RemoveAll(s.Dir)
	ran, failed, broken := t.Ran(), t.Failed(), t.Broken()
	if failed > 0 || ran < s.want || broken > 0 {
		msg := fmt.Sprintf("%s: recording discarded (%d of %d scenarios ran, %d failed, %d did not complete): cassettes/%s untouched",
			s.vendor, ran, s.want, failed, broken, s.vendor)
		why := fmt.Sprintf("%d of %d scenarios ran, %d failed", ran, s.want, failed)
		if broken > 0 {
			why += fmt.Sprintf(", %d did not complete (a broken connection, a timeout: record again)", broken)
		}
		if n := t.Budgeted(); n > 0 {
			why += fmt.Sprintf("; %d stopped by the budget of billable calls: record with KONTRAK_MAX_BILLABLE=%d at least", n, t.NeededBudget())
		}
		return msg, fmt.Errorf("%s: the recording is discarded, cassettes/%s untouched: %s", s.vendor, s.vendor, why)
	}
	files, err := filepath.Glob(filepath.Join(s.Dir, s.vendor, "*.yaml"))
	if err != nil {
		return "", err
	}
	sort.Strings(files)
	if s.Check != nil {
		if err := s.Check(files); err != nil {
			return fmt.Sprintf("%s: recording discarded: cassettes/%s untouched", s.vendor, s.vendor),
				fmt.Errorf("%s: the redacted recording is not promoted: %w", s.vendor, err)
		}
	}
	dest := filepath.Join(s.final, s.vendor)
	if err := os.MkdirAll(dest, 0o755); err != nil {
		return "", err
	}
	var errs []error
	for _, f := range files {
		if err := os.Rename(f, filepath.Join(dest, filepath.Base(f))); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return "", fmt.Errorf("%s: promoting the recording: %w", s.vendor, err)
	}
	return fmt.Sprintf("%s: recorded %d cassettes into %s", s.vendor, len(files), dest), nil
}

package run

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/kontrak/kontrak/cassette"
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

	// Host is the kind of host the recording is made from (contract.Vendor.HostKind of the base URL);
	// ReplaceLive lets one from a local or another host replace cassettes recorded live from the vendor.
	Host        string
	ReplaceLive bool
	// Cleaned says, one line each, which staging directories of earlier runs NewStaging removed, and why.
	Cleaned []string

	final  string // cassettes/
	vendor string
	want   int // scenarios the run must complete: those not replay-only
}

// StagingPrefix starts the name of every staging directory in cassettes/ (hidden: replay never reads it).
const StagingPrefix = ".recording-"

// stagingOwner is the file in a staging directory that names the run holding it: its pid and host.
const stagingOwner = "kontrak-owner"

// StaleStaging is the age past which a staging directory whose run cannot be asked (another host, no owner
// file: a run killed before it wrote one, or a kontrak before owners) is taken as left by a killed run. No
// recording runs for a day: the suites' timeout is an hour.
const StaleStaging = 24 * time.Hour

// NewStaging makes a staging directory beside cassettes/ (same file system: promotion is a rename), with
// an owner file naming this process. It first removes the staging directories that killed runs left
// (Cleaned says which): those whose owner, on this host, no longer runs, and those older than StaleStaging
// whose owner cannot be asked. A directory whose owner runs is left alone, however old.
func NewStaging(cassettes, vendor string, f *scenario.File) (*Staging, error) {
	if err := os.MkdirAll(cassettes, 0o755); err != nil {
		return nil, err
	}
	cleaned := cleanStale(cassettes, time.Now())
	dir, err := os.MkdirTemp(cassettes, StagingPrefix+vendor+"-")
	if err != nil {
		return nil, fmt.Errorf("staging the recording of %s: %w", vendor, err)
	}
	host, _ := os.Hostname()
	if err := os.WriteFile(filepath.Join(dir, stagingOwner), fmt.Appendf(nil, "%d %s\n", os.Getpid(), host), 0o644); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("staging the recording of %s: %w", vendor, err)
	}
	want := 0
	for _, s := range f.Scenarios {
		if !s.Live.ReplayOnly {
			want++
		}
	}
	return &Staging{Dir: dir, final: cassettes, vendor: vendor, want: want, Cleaned: cleaned}, nil
}

// cleanStale removes the staging directories of cassettes/ that killed runs left, and says which and why.
func cleanStale(cassettes string, now time.Time) []string {
	entries, err := os.ReadDir(cassettes)
	if err != nil {
		return nil
	}
	host, _ := os.Hostname()
	var out []string
	for _, d := range entries {
		if !d.IsDir() || !strings.HasPrefix(d.Name(), StagingPrefix) {
			continue
		}
		dir := filepath.Join(cassettes, d.Name())
		why := ""
		var pid int
		var owner string
		if b, err := os.ReadFile(filepath.Join(dir, stagingOwner)); err == nil {
			if _, err := fmt.Sscanf(string(b), "%d %s", &pid, &owner); err != nil {
				pid, owner = 0, ""
			}
		}
		switch {
		case pid > 0 && owner == host:
			if !running(pid) {
				why = fmt.Sprintf("its run (pid %d) no longer runs", pid)
			}
		default:
			if info, err := d.Info(); err == nil && now.Sub(info.ModTime()) > StaleStaging {
				why = fmt.Sprintf("older than %v, its run unknown", StaleStaging)
			}
		}
		if why == "" {
			continue
		}
		if err := os.RemoveAll(dir); err != nil {
			out = append(out, fmt.Sprintf("%s: a stale staging directory (%s) not removed: %v", dir, why, err))
			continue
		}
		out = append(out, fmt.Sprintf("removed %s, a staging directory a killed run left: %s", dir, why))
	}
	return out
}

// running reports whether process pid runs: signal 0 checks without sending (EPERM: it runs, as another
// user). Where signals cannot ask (Windows), it answers true and the age decides.
func running(pid int) bool {
	if runtime.GOOS == "windows" {
		return true
	}
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	err = p.Signal(syscall.Signal(0))
	return err == nil || errors.Is(err, syscall.EPERM)
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
			why += fmt.Sprintf("; %d stopped by the budget of billable calls: record with KONTRAK_MAX_BILLABLE=%s", n, t.neededText())
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
	if replaced := s.replacesEvidence(files, dest); len(replaced) > 0 {
		return fmt.Sprintf("%s: recording discarded: cassettes/%s untouched", s.vendor, s.vendor),
			fmt.Errorf("%s: the recording, from a %s host (its provenance says host=%s), would replace %d cassettes recorded live from the vendor (%s): not promoted, cassettes/%s untouched; set %s=1 to replace them",
				s.vendor, s.Host, s.Host, len(replaced), strings.Join(replaced, ", "), s.vendor, EnvReplaceLive)
	}
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
	msg := fmt.Sprintf("%s: recorded %d cassettes into %s", s.vendor, len(files), dest)
	if !(cassette.Provenance{Kind: cassette.ProvenanceRecorded, Host: s.Host}).Evidence() {
		msg += fmt.Sprintf(", from a %s host: their provenance says host=%s, and they are no evidence of the vendor", s.Host, s.Host)
	}
	return msg, nil
}

// replacesEvidence lists the cassettes of dest a recording that is no evidence of the vendor (host=local,
// host=undocumented) would replace and that are (recorded live from the vendor): none when ReplaceLive.
func (s *Staging) replacesEvidence(files []string, dest string) []string {
	if s.ReplaceLive || (cassette.Provenance{Kind: cassette.ProvenanceRecorded, Host: s.Host}).Evidence() {
		return nil
	}
	var out []string
	for _, f := range files {
		old := filepath.Join(dest, filepath.Base(f))
		b, err := os.ReadFile(old)
		if err != nil {
			continue
		}
		if cassette.ParseProvenance(b).Evidence() {
			out = append(out, filepath.ToSlash(filepath.Join(filepath.Base(s.final), s.vendor, filepath.Base(f))))
		}
	}
	return out
}

package report

import "strings"

// The verdict of a run, in every report's JSON ("verdict") and in kontrak's exit status; an answer's own
// verdict (Verdict.Verdict) uses the same words.
const (
	VerdictConform = "conform" // exit 0: judged, no breaking finding that a waiver does not accept
	VerdictDrift   = "drift"   // exit 1: breaking drift, or a waiver that expired or matched nothing
	// VerdictInconclusive: exit 3, the run proved nothing — nothing of a vendor operation was judged (an
	// empty log, other APIs only, answers that never came whole), or a live run whose calls were all
	// refused, rate-limited or server errors. Told apart from drift so that a script can say which.
	VerdictInconclusive = "inconclusive"
)

// ProvedNothing is the phrase of a run's failure that says the run proved nothing (run/ writes "the live
// run proved nothing: …"); a summary whose only failures say it is inconclusive, not drift.
const ProvedNothing = "proved nothing"

// Contract names the contract a report was judged by: the one built into kontrak ("embedded"), or a
// directory holding specs/ and schemas/, with the digest of the files it was read from (sha256 over the
// sorted paths and contents of specs/*.yaml and schemas/**), so that two reports can be told to come from
// the same contract, and a fork's from the original's.
type Contract struct {
	Source string `json:"source"`        // "embedded" or "directory"
	Dir    string `json:"dir,omitempty"` // the directory, for "directory"
	Digest string `json:"digest"`        // "sha256:" and 64 hex digits
}

// String is how text reports name the contract: "embedded sha256:0123456789ab" or
// "/path/to/fork sha256:0123456789ab" (the digest's first 12 digits; JSON has all of it).
func (c *Contract) String() string {
	if c == nil {
		return "unknown"
	}
	d := c.Digest
	if len(d) > len("sha256:")+12 {
		d = d[:len("sha256:")+12]
	}
	if c.Source == "directory" {
		return c.Dir + " " + d
	}
	return c.Source + " " + d
}

// RunVerdict is the run's verdict: drift when it fails for drift (a failed scenario, a failure of another
// kind), inconclusive when it proved nothing (no scenario passed or failed, or every failure of the run
// says it proved nothing and none drifted), else conform.
func (s *Summary) RunVerdict() string {
	ran, nothing := 0, 0
	for _, v := range s.Vendors {
		ran += v.Passed + v.Failed
		if v.Failed > 0 {
			return VerdictDrift
		}
		for _, f := range v.Failures { // a coverage or configuration spec's, or the run's own
			if !strings.Contains(f.Message, ProvedNothing) {
				return VerdictDrift
			}
			nothing++
		}
	}
	for _, f := range s.Failures {
		if !strings.Contains(f.Message, ProvedNothing) {
			return VerdictDrift
		}
		nothing++
	}
	if nothing > 0 || ran == 0 {
		return VerdictInconclusive
	}
	return VerdictConform
}

// RunVerdict is the traffic's verdict: drift when an interaction drifted, inconclusive when no interaction
// of a vendor operation was judged whole, else conform. (Waivers' problems, which are the caller's, make a
// conforming run fail as drift: kontrak check says so.)
func (t *Traffic) RunVerdict() string {
	switch {
	case t.Drifted > 0:
		return VerdictDrift
	case t.Judged-t.Inconclusive <= 0:
		return VerdictInconclusive
	}
	return VerdictConform
}

// ready is what every format of a summary relies on: its verdict set.
func (s *Summary) ready() { s.Verdict = s.RunVerdict() }

// verdictWords is a verdict as the markdown and github formats title it.
func verdictWords(verdict string, failing bool) string {
	switch {
	case verdict == VerdictInconclusive:
		return "proved nothing"
	case failing || verdict == VerdictDrift:
		return "drift"
	}
	return "conforms"
}

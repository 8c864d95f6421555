package report

import (
	"cmp"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"

	"github.com/kontrak/kontrak/internal/wire"
)

// TrafficKind marks a JSON document as a traffic drift report (the "kind" field), so that
// `kontrak report --merge` can refuse anything else with one line.
const TrafficKind = "kontrak-traffic"

// Traffic is the drift report of a body of real traffic (cassettes, HAR files, NDJSON logs, a monitored
// client): not a wall of findings but findings aggregated by vendor, operation, finding id and pointer,
// each with its count, where it was first and last seen, an example interaction — a place, never a value —
// and what the drifted calls were billed. Reports of shards of one log merge into the report of the whole
// (Merge), which is how a log that outgrows one machine is checked.
type Traffic struct {
	Kind string `json:"kind"`
	// Verdict is the report's (RunVerdict: conform, drift or inconclusive), set when a format renders it.
	Verdict string `json:"verdict"`
	// Contract is the contract the traffic was judged by (nil: not said; merged shards judged by different
	// contracts name none).
	Contract *Contract `json:"contract,omitempty"`
	Inputs   []string  `json:"inputs"`
	// Interactions read, in all; Judged = Interactions - Unrouted - NotJudged.
	Interactions int `json:"interactions"`
	Judged       int `json:"judged"`
	Conforming   int `json:"conforming"` // judged with no breaking finding (notices allowed)
	Drifted      int `json:"drifted"`    // judged with at least one breaking finding
	Noticed      int `json:"noticed"`    // judged with at least one notice
	// Waived counts findings a waiver in force accepted (kontrak check --waivers): reported, failing nothing.
	Waived int `json:"waived"`
	// Unrouted counts interactions whose method and path match no vendor operation (other APIs in a
	// mixed log); they are skipped, not judged.
	Unrouted int `json:"unrouted"`
	// NotJudged counts interactions that could not be judged (a body over the size cap of a monitor).
	NotJudged int `json:"notJudged"`
	// Inconclusive counts judged interactions without a whole answer (an aborted request, a body cut by
	// the network): they prove nothing either way.
	Inconclusive int `json:"inconclusive,omitempty"`
	// Unjudged counts, by "stage: why", the parts judged interactions did not carry (an access log's
	// bodies, a log's headers): not judged, never taken as absent.
	Unjudged   map[string]int     `json:"unjudged,omitempty"`
	Operations []TrafficOperation `json:"operations"`
	Drift      []TrafficDrift     `json:"drift"`
}

// TrafficOperation is one vendor operation's calls and their cost.
type TrafficOperation struct {
	Vendor    string `json:"vendor"`
	Operation string `json:"operation"`
	Calls     int    `json:"calls"`
	Drifted   int    `json:"drifted"`
	// Billed counts calls the vendor charges, by its billing flag or its tables; BillingUnknown the calls
	// neither says anything of.
	Billed         int `json:"billed"`
	BillingUnknown int `json:"billingUnknown"`
}

// TrafficDrift is one kind of drift: a finding id at a pointer of a vendor operation.
type TrafficDrift struct {
	Vendor    string `json:"vendor"`
	Operation string `json:"operation"`
	ID        string `json:"id"`
	Severity  string `json:"severity"`
	Pointer   string `json:"pointer"`
	// Expected is what the contract documents; Got is what arrived, as the finding says it: a code, a
	// status, a media type, a type (the contract never puts personal data there, only its shape). Both are
	// the first occurrence's.
	Expected string `json:"expected"`
	Got      string `json:"got,omitempty"`
	Source   string `json:"source,omitempty"`
	Count    int    `json:"count"`
	// Billed counts the interactions with this finding that were billed.
	Billed int `json:"billed"`
	// Waived counts the findings a waiver accepted (all of Count, unless the waiver expired mid-run);
	// Waiver names it (contract.Waiver.String: where, why, ticket, until when).
	Waived int    `json:"waived,omitempty"`
	Waiver string `json:"waiver,omitempty"`
	First  Seen   `json:"first"`
	Last   Seen   `json:"last"`
}

// Seen is a place in the traffic: the input, the interaction's index in it (0-based), and its time when
// the input records one (RFC 3339). Seq orders places within one report (input order, then index); it is
// not written.
type Seen struct {
	Input string `json:"input"`
	Index int    `json:"index"`
	Time  string `json:"time,omitempty"`
	Seq   int64  `json:"-"`
}

// before orders two places: by time when both have one, else by sequence.
func (a Seen) before(b Seen) bool {
	if a.Time != "" && b.Time != "" && a.Time != b.Time {
		return a.Time < b.Time
	}
	return a.Seq < b.Seq
}

// Failing reports whether any judged interaction drifted.
func (t *Traffic) Failing() bool { return t.Drifted > 0 }

// Merge adds another report (of another shard, or another worker) into t. Places of o are ordered after
// t's when neither has a time.
func (t *Traffic) Merge(o *Traffic) {
	var offset int64
	for _, d := range t.Drift {
		offset = max(offset, d.Last.Seq+1)
	}
	t.merge(o, offset)
}

// MergeShare adds the share of one check that another worker judged: the places of t and o are in one
// sequence (Seen.Seq), which decides first and last seen.
func (t *Traffic) MergeShare(o *Traffic) { t.merge(o, 0) }

func (t *Traffic) merge(o *Traffic, offset int64) {
	t.Kind = TrafficKind
	switch {
	case t.Contract == nil && len(t.Inputs) == 0 && t.Interactions == 0:
		t.Contract = o.Contract // the first share
	case t.Contract != nil && (o.Contract == nil || o.Contract.Digest != t.Contract.Digest):
		t.Contract = nil // shards of different contracts: no one contract judged the whole
	}
	t.Inputs = append(t.Inputs, o.Inputs...)
	t.Interactions += o.Interactions
	t.Judged += o.Judged
	t.Conforming += o.Conforming
	t.Drifted += o.Drifted
	t.Noticed += o.Noticed
	t.Waived += o.Waived
	t.Unrouted += o.Unrouted
	t.NotJudged += o.NotJudged
	t.Inconclusive += o.Inconclusive
	for why, n := range o.Unjudged {
		if t.Unjudged == nil {
			t.Unjudged = map[string]int{}
		}
		t.Unjudged[why] += n
	}
	ops := map[[2]string]int{}
	for i, op := range t.Operations {
		ops[[2]string{op.Vendor, op.Operation}] = i
	}
	for _, op := range o.Operations {
		k := [2]string{op.Vendor, op.Operation}
		i, ok := ops[k]
		if !ok {
			t.Operations = append(t.Operations, op)
			ops[k] = len(t.Operations) - 1
			continue
		}
		m := &t.Operations[i]
		m.Calls += op.Calls
		m.Drifted += op.Drifted
		m.Billed += op.Billed
		m.BillingUnknown += op.BillingUnknown
	}
	drift := map[[4]string]int{}
	for i, d := range t.Drift {
		drift[d.key()] = i
	}
	for _, d := range o.Drift {
		d.First.Seq += offset
		d.Last.Seq += offset
		i, ok := drift[d.key()]
		if !ok {
			t.Drift = append(t.Drift, d)
			drift[d.key()] = len(t.Drift) - 1
			continue
		}
		m := &t.Drift[i]
		m.Count += d.Count
		m.Billed += d.Billed
		m.Waived += d.Waived
		if m.Waiver == "" {
			m.Waiver = d.Waiver
		}
		if d.First.before(m.First) {
			// What was expected is the first occurrence's: a drift key may come with several (one code's
			// statuses, another's), and a report must not depend on which worker saw which first.
			m.First, m.Expected, m.Got, m.Source = d.First, d.Expected, d.Got, d.Source
		}
		if m.Last.before(d.Last) {
			m.Last = d.Last
		}
	}
	t.Sort()
}

func (d TrafficDrift) key() [4]string { return [4]string{d.Vendor, d.Operation, d.ID, d.Pointer} }

// Sort orders operations by vendor and operation, drift by severity (breaking first, then waived, then
// notices), count (most first),
// then vendor, operation, id and pointer: a stable report, the worst first.
func (t *Traffic) Sort() {
	slices.SortFunc(t.Operations, func(a, b TrafficOperation) int {
		return cmp.Or(cmp.Compare(a.Vendor, b.Vendor), cmp.Compare(a.Operation, b.Operation))
	})
	rank := func(d TrafficDrift) int {
		switch {
		case d.Waived > 0 && d.Waived == d.Count:
			return 1
		case d.Severity == "breaking":
			return 0
		}
		return 2
	}
	slices.SortFunc(t.Drift, func(a, b TrafficDrift) int {
		return cmp.Or(cmp.Compare(rank(a), rank(b)), cmp.Compare(b.Count, a.Count),
			cmp.Compare(a.Vendor, b.Vendor), cmp.Compare(a.Operation, b.Operation), cmp.Compare(a.ID, b.ID),
			cmp.Compare(a.Pointer, b.Pointer))
	})
}

// Billed is the total of billed calls.
func (t *Traffic) Billed() int {
	n := 0
	for _, op := range t.Operations {
		n += op.Billed
	}
	return n
}

// DecodeTraffic reads a report written by the json traffic format; anything else is a one-line error.
func DecodeTraffic(r io.Reader) (*Traffic, error) {
	var t Traffic
	if err := readJSON(r, &t, wire.UnmarshalJSONKnown, "kontrak traffic report"); err != nil {
		return nil, err
	}
	if t.Kind != TrafficKind {
		return nil, fmt.Errorf("not a kontrak traffic report: kind %s, want %q", wire.ShapeQuoted(strconv.Quote(t.Kind)), TrafficKind)
	}
	// Places keep their order across the decode: by the index within the report's own inputs.
	for i := range t.Drift {
		t.Drift[i].First.Seq = int64(i) * 2
		t.Drift[i].Last.Seq = int64(i)*2 + 1
	}
	return &t, nil
}

// ReadTrafficReports reads the traffic reports (the json traffic format) at paths — of shards of one log,
// checked apart — and merges them into the report of the whole (Merge): counts added, first seen the
// earliest, last seen the latest. An unreadable file, or one that is not a traffic report, is a one-line
// error naming it.
func ReadTrafficReports(paths []string) (*Traffic, error) {
	all := &Traffic{Kind: TrafficKind}
	for _, p := range paths {
		in, err := os.Open(p)
		if err != nil {
			return nil, fmt.Errorf("cannot read %s: %v", p, wire.FileReason(err))
		}
		t, err := DecodeTraffic(in)
		in.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %v", p, err)
		}
		all.Merge(t)
	}
	return all, nil
}

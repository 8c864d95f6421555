package contract

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/kontrak/kontrak/internal/wire"
	"go.yaml.in/yaml/v4"
)

// A waiver is a known drift accepted for a while, as data: which finding of which operation, at which
// JSON Pointer, why, where it is tracked and until when. A waived finding keeps its place in every report,
// marked with its waiver, and no longer fails the run (HasBreaking skips it). A waiver fails the run
// itself when it has expired, or when it is stale: a run that covered its operation saw no finding it
// matched (the drift is fixed, or the waiver is misspelt). Like a stale baseline, it must then be removed.
//
// The file, waivers.yaml:
//
//	waivers:
//	  - vendor: advance
//	    operation: ocrKtpCheck
//	    finding: billing-flag-mismatch
//	    pointer: /pricingStrategy       # exact; "" is the whole body
//	    reason: ADVANCE bills an image error; asked them in the ticket
//	    ticket: SUP-1234                # or link: https://…  (one of them is required)
//	    expires: 2026-09-30             # the last day the waiver holds
//
// Every caller (kontrak check, the suites, the reports, the monitor) does the same three things:
// LoadWaivers once, Apply to each interaction's findings, Problems at the end of the run. Apply is safe
// for concurrent use.

// Waiver is one entry of waivers.yaml.
type Waiver struct {
	Vendor    string `json:"vendor" yaml:"vendor"`
	Operation string `json:"operation" yaml:"operation"`
	Finding   string `json:"finding" yaml:"finding"`
	Pointer   string `json:"pointer" yaml:"-"` // decoded by ParseWaivers: absent and "" differ
	Reason    string `json:"reason" yaml:"reason"`
	Link      string `json:"link,omitempty" yaml:"link,omitempty"`
	Ticket    string `json:"ticket,omitempty" yaml:"ticket,omitempty"`
	Expires   string `json:"expires" yaml:"-"` // YYYY-MM-DD, the last day it holds (decoded by ParseWaivers)
	// Where the waiver is written: "waivers.yaml:12".
	At string `json:"at,omitempty" yaml:"-"`

	expires time.Time // the first instant it no longer holds: the day after Expires, UTC
}

// String names the waiver in one line: where, what, why, and its ticket or link.
func (w *Waiver) String() string {
	ref := w.Ticket
	if ref == "" {
		ref = w.Link
	}
	return fmt.Sprintf("%s: waiver of %s %s %s at %s until %s (%s; %s)", w.At, w.Vendor, w.Operation, w.Finding,
		orEmptyPointer(w.Pointer), w.Expires, w.Reason, ref)
}

// Expired reports whether the waiver no longer holds at now.
func (w *Waiver) Expired(now time.Time) bool { return !now.Before(w.expires) }

func (w *Waiver) matches(vendor, operation string, f Finding) bool {
	return w.Vendor == vendor && w.Operation == operation && w.Finding == f.ID && w.Pointer == f.Pointer
}

// Waivers is a loaded waivers file and what a run did with it.
type Waivers struct {
	File string
	List []*Waiver
	// Now is the clock expiry is judged by (nil: time.Now).
	Now func() time.Time

	mu      sync.Mutex
	used    map[*Waiver]int
	covered map[string]bool // "vendor operation" a run judged at least once
}

// LoadWaivers reads a waivers file. An empty path gives no waivers (nil, nil): every method of a nil
// *Waivers is a no-op, so callers need not test for it.
func LoadWaivers(path string) (*Waivers, error) {
	if path == "" {
		return nil, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, wire.FileReason(err))
	}
	return ParseWaivers(path, data)
}

var unknownKey = regexp.MustCompile(`line (\d+): field (\S+) not found in type`)

// ParseWaivers reads a waivers file's bytes; name names it in errors. Unknown keys, a missing field, a
// date that is not YYYY-MM-DD and a waiver written twice are errors naming the file, line and field.
func ParseWaivers(name string, data []byte) (w *Waivers, err error) {
	defer recoverInto(&err, "%s", name)
	// Decoded twice: strictly into the fields (unknown keys refused, with their line), and as nodes for
	// each waiver's line. Expires is a node: YAML would read an unquoted date as a timestamp.
	var doc struct {
		Waivers []struct {
			Waiver  `yaml:",inline"`
			Pointer *string   `yaml:"pointer"`
			Expires yaml.Node `yaml:"expires"`
		} `yaml:"waivers"`
	}
	var lines struct {
		Waivers []yaml.Node `yaml:"waivers"`
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&doc); err != nil && !errors.Is(err, io.EOF) { // an empty file waives nothing
		msg := strings.Join(strings.Fields(err.Error()), " ")
		if m := unknownKey.FindStringSubmatch(msg); m != nil {
			return nil, fmt.Errorf("%s:%s: unknown key %q (the file has waivers:, each with vendor, operation, finding, pointer, reason, link or ticket, expires)", name, m[1], ShownName(m[2]))
		}
		return nil, fmt.Errorf("%s: %s", name, wire.ShapeQuoted(msg))
	}
	if err := yaml.Unmarshal(data, &lines); err != nil {
		return nil, fmt.Errorf("%s: %s", name, wire.ShapeQuoted(strings.Join(strings.Fields(err.Error()), " ")))
	}
	ws := &Waivers{File: name}
	seen := map[string]string{}
	for i := range doc.Waivers {
		d := &doc.Waivers[i]
		at := name
		if i < len(lines.Waivers) {
			at = fmt.Sprintf("%s:%d", name, lines.Waivers[i].Line)
		}
		w := d.Waiver
		w.Expires = d.Expires.Value
		hasPointer := d.Pointer != nil
		if hasPointer {
			w.Pointer = *d.Pointer
		}
		w.At = at
		for _, req := range []struct{ field, value string }{{"vendor", w.Vendor}, {"operation", w.Operation},
			{"finding", w.Finding}, {"reason", w.Reason}, {"expires", w.Expires}} {
			if strings.TrimSpace(req.value) == "" {
				return nil, fmt.Errorf("%s: waiver %d: %s is required", at, i+1, req.field)
			}
		}
		if !hasPointer {
			return nil, fmt.Errorf(`%s: waiver %d: pointer is required (a JSON Pointer; "" is the whole body)`, at, i+1)
		}
		if w.Pointer != "" && !strings.HasPrefix(w.Pointer, "/") {
			return nil, fmt.Errorf("%s: waiver %d: pointer %q is not a JSON Pointer (RFC 6901: empty or starting with /)", at, i+1, w.Pointer)
		}
		if w.Link == "" && w.Ticket == "" {
			return nil, fmt.Errorf("%s: waiver %d: link or ticket is required: say where the drift is tracked", at, i+1)
		}
		if ruleIndex(w.Finding) == len(rules) {
			return nil, fmt.Errorf("%s: waiver %d: finding %q is not a finding id (see kontrak's rules: %s, …)", at, i+1, w.Finding, rules[0].ID)
		}
		day, err := time.Parse("2006-01-02", w.Expires)
		if err != nil {
			return nil, fmt.Errorf("%s: waiver %d: expires %q is not a date YYYY-MM-DD", at, i+1, w.Expires)
		}
		w.expires = day.AddDate(0, 0, 1)
		key := strings.Join([]string{w.Vendor, w.Operation, w.Finding, w.Pointer}, "\x00")
		if prev, dup := seen[key]; dup {
			return nil, fmt.Errorf("%s: waiver %d: the same finding is waived at %s", at, i+1, prev)
		}
		seen[key] = at
		ws.List = append(ws.List, &w)
	}
	return ws, nil
}

// Check verifies every waiver names a vendor and an operation the contract knows: a misspelt one would
// otherwise only show as stale, in a run that happens to cover it.
func (ws *Waivers) Check(c *Contract) error {
	if ws == nil {
		return nil
	}
	for _, w := range ws.List {
		if _, err := c.Operation(w.Vendor, w.Operation); err != nil {
			return fmt.Errorf("%s: %v", w.At, err)
		}
	}
	return nil
}

func (ws *Waivers) now() time.Time {
	if ws.Now != nil {
		return ws.Now()
	}
	return time.Now()
}

// Apply marks the findings of one answer of vendor's operation that a waiver in force matches (Waived
// set), and records that the run covered the operation. It returns fs, changed in place; an expired
// waiver waives nothing.
func (ws *Waivers) Apply(vendor, operation string, fs []Finding) []Finding {
	if ws == nil {
		return fs
	}
	now := ws.now()
	ws.mu.Lock()
	defer ws.mu.Unlock()
	if ws.covered == nil {
		ws.covered, ws.used = map[string]bool{}, map[*Waiver]int{}
	}
	ws.covered[vendor+" "+operation] = true
	for i := range fs {
		for _, w := range ws.List {
			if w.matches(vendor, operation, fs[i]) {
				ws.used[w]++
				if !w.Expired(now) {
					fs[i].Waived = w
				}
				break
			}
		}
	}
	return fs
}

// Problem is a waiver that fails the run.
type Problem struct {
	Waiver *Waiver
	Kind   string // "expired" or "stale"
}

func (p Problem) Error() string {
	if p.Kind == "expired" {
		return fmt.Sprintf("%s has expired: fix the drift or renew the waiver", p.Waiver)
	}
	return fmt.Sprintf("%s is stale: the run covered %s %s and no finding matched it; remove it", p.Waiver, p.Waiver.Vendor, p.Waiver.Operation)
}

// Problems lists the waivers that fail the run, in file order: every expired one, and every one that
// matched nothing although the run covered its operation. vendors, when given, limits the list to those
// vendors' waivers (a vendor suite judges only its own).
func (ws *Waivers) Problems(vendors ...string) []Problem {
	if ws == nil {
		return nil
	}
	now := ws.now()
	ws.mu.Lock()
	defer ws.mu.Unlock()
	var out []Problem
	for _, w := range ws.List {
		if len(vendors) > 0 && !slices.Contains(vendors, w.Vendor) {
			continue
		}
		switch {
		case w.Expired(now):
			out = append(out, Problem{w, "expired"})
		case ws.covered[w.Vendor+" "+w.Operation] && ws.used[w] == 0:
			out = append(out, Problem{w, "stale"})
		}
	}
	return out
}

func orEmptyPointer(p string) string {
	if p == "" {
		return `""`
	}
	return p
}

package redact

import (
	"fmt"
	"strconv"
	"strings"
	"sync"

	vcr "gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"

	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/specimen"

	"github.com/kontrak/kontrak/internal/wire"
)

// ScanRules say what the leak scan looks for: the names and pointers of RedactRules, and the values
// that are public because a vendor's own documents print them.
type ScanRules struct {
	RedactRules
	// Public reports whether value is one of the vendor documents' own example values for the operation
	// of a request (METHOD and URL path): printed in public, so not a leak. Nil: none is.
	Public func(method, path, value string) bool
}

// Leak is one place a cassette holds what it must not. It says where, never what.
type Leak struct {
	File        string
	Interaction int    // the interaction's id (a HAR entry's or a log line's index); -1 for the file as a whole
	Kind        string // credential, token, nik, name, address, date, place, text, image, undocumented, key, url, free-text, unread, …
	Where       string // "header X-Api-Key in the request", "/data/nik in the answer", "multipart part ocrImage in the request"
}

// String is the line kontrak scan prints: "FILE#INTERACTION: KIND at WHERE", or "FILE: KIND at WHERE" for
// the file as a whole.
func (l Leak) String() string {
	if l.Interaction < 0 { // the file as a whole, outside its interactions
		return fmt.Sprintf("%s: %s at %s", l.File, l.Kind, l.Where)
	}
	return fmt.Sprintf("%s#%d: %s at %s", l.File, l.Interaction, l.Kind, l.Where)
}

// Scan lists the leaks of a cassette, in order: by interaction, then request before answer, in the order
// of the walk (leaf.go); one per kind and place. It asks of every value of every interaction what Redactor
// asks, and reports every value redaction would not keep as it is: a value the contract does not document
// as safe and needed, a personal value that is not synthetic, a credential, an image, a name that is not
// identifier-like, a body it cannot read (see the Leak kinds). A cassette Redactor has seen with the same
// rules therefore has none, except that a value Public accepts (a vendor document's own example, printed in
// public) is no leak wherever it stands, an image excepted. The cassette is not changed.
func Scan(c *vcr.Cassette, r ScanRules) (out []Leak) {
	if c == nil {
		return nil
	}
	defer scanRecovered(c.File, &out)
	rs := newRuleSet(r.RedactRules)
	for k, i := range c.Interactions {
		if i == nil {
			continue
		}
		ls, _ := scanInteraction(rs, r, c.File, i, k)
		out = append(out, ls...)
	}
	return out
}

// scanInteraction is Scan of one interaction of file, by the rule set rs built from r. Its leaks name the
// interaction by its id, or by its index in the file when the id is no number of the layout (a NIK put
// there: layoutNumber).
func scanInteraction(rs *ruleSet, r ScanRules, file string, i *vcr.Interaction, index int) ([]Leak, *knownValues) {
	id := i.ID
	if _, hs := layoutNumber("id", strconv.Itoa(id)); hs != nil {
		id = index
	}
	var out []Leak
	method, path, err := requestRoute(i)
	if err != nil {
		// Nothing can be known of its operation, but the rest is still worth a look.
		method, path = i.Request.Method, ""
	}
	public := func(v string) bool { return r.Public != nil && r.Public(method, path, v) }
	v := rs.view(method, path, public)
	// One walk learns the values another place may echo (knownValues) and keeps the leaves on a tape;
	// the judging then reads the tape instead of decoding every body again. The leaves of a walk that
	// writes nothing are the same whatever it answers, but for a JSON member name the judging would
	// replace (the values under it take their kind from the container above: jsonVisit): at the first
	// such name the interaction is walked again, judging as it goes.
	t := tapes.Get().(*leafTape)
	defer t.release()
	k := &knownValues{}
	rewriteInteraction(i, func(l leaf) (string, bool) {
		v.knownLeaf(k, l)
		t.keep(l)
		return "", false
	}, false)
	v.known = k
	seen := map[[2]string]bool{}
	judge := func(l leaf) (string, bool) {
		nv, hits := v.leafPolicy(l)
		for _, h := range hits {
			if h.kind == "" {
				continue
			}
			// A part of a leaf (a URL's query parameter, its host) is named by itself.
			where := v.where(l)
			if h.where != "" {
				where = h.where + " in the " + l.side.String()
			}
			// The same place can come twice: a header's values, a repeated query parameter, a JSON
			// object that repeats a member.
			key := [2]string{h.kind, where}
			if seen[key] {
				continue
			}
			seen[key] = true
			out = append(out, Leak{File: file, Interaction: id, Kind: h.kind, Where: where})
		}
		if l.place == inJSONName {
			return nv, false // nothing written; the walk learns whether the name would be replaced
		}
		return "", false
	}
	rewalk := rewalkAlways
	for _, l := range t.leaves {
		if rewalk {
			break
		}
		if nv, _ := judge(l); l.place == inJSONName && nv != "" && nv != l.value {
			rewalk = true
		}
	}
	if rewalk {
		out, seen = nil, map[[2]string]bool{}
		rewriteInteraction(i, judge, false)
	}
	return out, v.known
}

// rewalkAlways makes every scan walk an interaction a second time, judging as it goes, as it does at a
// replaced member name: the tests hold the tape to that walk (FuzzPlantedFlagged, TestTapeIsTheWalk).
var rewalkAlways bool

// leafTape keeps the leaves of one walk, their pointers copied into one arena (a walker's buffers are
// valid only while its function sees the leaf): the scan's second look at an interaction reads it
// instead of walking again. Tapes are reused through a pool; a tape that grew past a large interaction is
// dropped rather than kept.
type leafTape struct {
	leaves []leaf
	arena  []byte
}

var tapes = sync.Pool{New: func() any { return &leafTape{} }}

func (t *leafTape) keep(l leaf) {
	l.ptr, l.schema = t.copy(l.ptr), t.copy(l.schema)
	t.leaves = append(t.leaves, l)
}

// copy appends b to the arena: the slices already handed out keep the array they were cut from.
func (t *leafTape) copy(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	start := len(t.arena)
	t.arena = append(t.arena, b...)
	return t.arena[start:len(t.arena):len(t.arena)]
}

func (t *leafTape) release() {
	if cap(t.leaves) > 1<<14 || cap(t.arena) > 1<<20 {
		return
	}
	clear(t.leaves) // no string of the interaction is held past it
	t.leaves, t.arena = t.leaves[:0], t.arena[:0]
	tapes.Put(t)
}

// reportKind is the kind of leak a personal-data kind is reported as, or "" for none: its own, but a place
// with its date ("placedate") is a place leak, specimen accepting any date.
func reportKind(kind string) string {
	switch kind {
	case specimen.KindNIK, specimen.KindName, specimen.KindAddress, specimen.KindDate, specimen.KindPlace, specimen.KindText,
		kindPhone, kindEmail, kindTaxID:
		return kind
	case "placedate":
		return specimen.KindPlace
	}
	return ""
}

// ScanFiles scans cassette files, in order, each streamed by ScanFile. Its error names the first file that
// does not read. A recording is promoted only when this finds nothing (see scenario.Staging.Check).
func ScanFiles(files []string, r ScanRules) (out []Leak, err error) {
	defer wire.Recovered("scanning cassettes", &err)
	for _, f := range files {
		ls, err := ScanFile(f, r)
		if err != nil {
			return nil, err
		}
		out = append(out, ls...)
	}
	return out, nil
}

// where is a leaf's place as a leak prints it (leaf.where), a name or pointer token that redaction would
// replace (safeName: one that holds a word of a personal value the exchange holds, "kanarindah_score"
// when "RAHAYU KANARINDAH" is the holder's name, an upper-case word the documents do not use, a token, or
// text in base64 or base32) given by its shape: never printed (FuzzPlantedFlagged found a part name in
// base64 printed).
func (v *view) where(l leaf) string {
	w := l.where()
	tokens := []string{l.name, l.part}
	if l.place == inJSON || l.place == inJSONName {
		tokens = append(tokens, strings.Split(string(l.ptr), "/")...)
	}
	for _, t := range tokens {
		if t != "" && contract.SafeName(t) && !v.safeName(t) {
			w = strings.ReplaceAll(w, t, "(a name shaped "+wire.Shape(t)+")")
		}
	}
	return w
}

package redact

import (
	"fmt"
	"hash/maphash"
	"regexp"
	"strings"

	"github.com/kontrak/kontrak/cassette"
	"github.com/kontrak/kontrak/contract"
)

// A cassette's own text is a place too: the comment block that opens it (its provenance), and whatever
// go-vcr's reader skips (a comment between interactions, a key go-vcr does not know, another layout). The
// comment block keeps the provenance lines kontrak writes, each value by its grammar: the kind of
// provenance (one of three), the scenario (a safe name), the source page (a URL, whose host the documents
// name), the recording date, the kind of host a recording was made from (one of contract.HostKind's
// four), and the note (kontrak's own words: a digest marker when it holds an upper-case word the documents
// do not use, else looked into by the content rules and for the values the cassette holds at personal
// places). Any other line of the block is dropped. The rest of
// the file is kept only as go-vcr's own writer writes its interactions: a cassette that holds more (a
// comment, an unknown key) or another layout is written again, whole, and the note says so (LayoutNote).

const provenancePrefix = "# kontrak: "

var dateRE = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`)

// head redacts a cassette's comment block; known are the values the cassette holds at personal places
// and the credentials it carries. It returns the block to keep and what it took out, each hit naming
// its line ("comment line 2").
func (v *view) head(block []byte) ([]byte, []hit) {
	if len(block) == 0 {
		return block, nil
	}
	var out strings.Builder
	var hits []hit
	lines := strings.SplitAfter(string(block), "\n")
	for n, line := range lines {
		if line == "" {
			continue
		}
		where := fmt.Sprintf("comment line %d", n+1)
		text := strings.TrimRight(line, "\r\n")
		kv, ok := strings.CutPrefix(text, provenancePrefix)
		if !ok {
			if !v.keeps(text) {
				hits = append(hits, hit{kind: LeakComment, where: where})
				continue
			}
			out.WriteString(line)
			continue
		}
		key, val, _ := strings.Cut(kv, "=")
		nv, kind := v.provenanceValue(key, val)
		switch {
		case kind == "" || v.keeps(val):
			out.WriteString(line)
		case nv == "":
			hits = append(hits, hit{kind: kind, where: where})
		default:
			hits = append(hits, hit{kind: kind, where: where})
			out.WriteString(provenancePrefix + key + "=" + nv + "\n")
		}
	}
	return []byte(out.String()), hits
}

// LeakComment is a line of a cassette's comment block that is not kontrak's provenance, or a text the file
// holds outside what go-vcr reads of it: dropped by redaction.
const LeakComment = "comment"

// LeakLayout is a cassette whose text holds more than its interactions as go-vcr writes them (a comment
// between interactions, a key go-vcr does not read, another layout): redaction writes it again, whole.
const LeakLayout = "layout"

// provenanceValue is the value a provenance line keeps ("" drops the line) and the kind of leak, "" for
// none.
func (v *view) provenanceValue(key, val string) (string, string) {
	switch key {
	case "provenance":
		switch val {
		case cassette.ProvenanceExample, cassette.ProvenanceDerived, cassette.ProvenanceRecorded:
			return val, ""
		}
		return "", LeakComment
	case "scenario":
		if v.safeName(val) { // as a name elsewhere: no token, no encoded text, no upper-case words of no document
			return val, ""
		}
		return standInName(val), LeakKey
	case "recorded":
		if dateRE.MatchString(val) {
			return val, ""
		}
		return "", LeakComment
	case "source":
		if !urlLike(val) {
			return "", LeakComment
		}
		out, hs := v.url(val, false)
		if len(hs) == 0 {
			return val, ""
		}
		return out, hs[0].kind
	case "host":
		switch val {
		case contract.HostDocumented, contract.HostLocal, contract.HostUndocumented, contract.HostUnstated:
			return val, ""
		}
		return "", LeakComment
	case "note":
		// A note is free text people write: an upper-case word the documents do not use (a name, as a KTP
		// writes it) makes the whole note a digest marker, as free text that is not the documents' is.
		if v.capsWords(val) && !isDigest(val) {
			return digest(val), LeakFreeText
		}
		out, hs := v.content(val, true)
		if len(hs) == 0 {
			return val, ""
		}
		return out, hs[0].kind
	}
	return "", LeakComment
}

// layoutCheck hashes what a cassette's file holds after its comment block and what go-vcr's writer makes
// of the interactions read from it, so that a file holding anything else is told without holding either.
// The hash is maphash with a seed drawn for the process: the two sides are only compared with each other,
// never stored, and no file can be made to collide with a seed it cannot know; it reads ten times faster
// than sha256, which was the largest single cost of a scan after the walk (issue 24).
type layoutCheck struct {
	file, canon *maphash.Hash
}

func newLayoutCheck() *layoutCheck {
	seed := maphash.MakeSeed()
	l := &layoutCheck{file: &maphash.Hash{}, canon: &maphash.Hash{}}
	l.file.SetSeed(seed)
	l.canon.SetSeed(seed)
	l.canon.WriteString(cassette.Header)
	return l
}

// item adds an interaction as MarshalItem writes it.
func (l *layoutCheck) item(b []byte) { l.canon.Write(b) }

// canonical reports whether the file is exactly what go-vcr's writer writes of its interactions.
func (l *layoutCheck) canonical() bool { return l.file.Sum64() == l.canon.Sum64() }

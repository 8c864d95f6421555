package wire

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/go-json-experiment/json/jsontext"
)

// StrictJSON is a body decoded byte-exactly (DecodeJSONStrict): the document, and what encoding/json
// accepts without a word but a client may read otherwise.
type StrictJSON struct {
	// Doc is the document, numbers as json.Number, as DecodeJSON gives it (the last of duplicate keys wins).
	Doc any
	// Duplicates are the pointers of keys written more than once in one object, once each, in order.
	Duplicates []string
	// OutOfRange are the pointers of numbers beyond float64's range (1e999, 1e-999): clients read them as
	// an error, an infinity or zero.
	OutOfRange []string
	// Fractional are the pointers of integral numbers written with a fraction or an exponent (1.0, 1e3):
	// what a schema's "integer" accepts by value, and a client's integer parser refuses.
	Fractional []string
}

// DecodeJSONStrict decodes exactly one JSON value, as encoding/json does (map[string]any, []any, string,
// bool, nil, json.Number), and refuses what encoding/json lets through: a byte order mark, invalid UTF-8
// and a lone surrogate escape (which encoding/json reads as U+FFFD silently). The error is a *JSONError
// with the byte offset. Duplicate keys, numbers beyond float64 and integral numbers in a fractional
// notation are no error: they are listed, for the caller to judge.
//
// It reads the body once, token by token, on a pooled jsontext.Decoder (the lexer, json.go): a Check pays
// one decode and no decoder. It allocates the document and one string copy of the body, from which every
// key, string and number of the document is cut (the document keeps it alive: it is never larger than
// the body); a string with escapes is unquoted into its own. A pointer is built, by the decoder's
// StackPointer, only for a value worth naming.
func DecodeJSONStrict(b []byte) (StrictJSON, error) {
	l := newLexer(b)
	defer l.release()
	p := strictReader{dec: &l.dec, s: string(b), kvs: l.kvs[:0], vals: l.vals[:0]}
	doc, err := p.value()
	l.keep(p.kvs, p.vals)
	if err != nil {
		return StrictJSON{}, refused(b, err)
	}
	if err := trailing(b, l.dec.InputOffset()); err != nil {
		return StrictJSON{}, refused(b, err)
	}
	p.out.Doc = doc
	return p.out, nil
}

// DecodeJSON decodes exactly one JSON value, numbers as json.Number (DecodeJSONStrict's document):
// trailing data, a byte order mark, invalid UTF-8 and a lone surrogate are errors (*JSONError).
func DecodeJSON(b []byte) (any, error) {
	sj, err := DecodeJSONStrict(b)
	if err != nil {
		return nil, err
	}
	return sj.Doc, nil
}

// strictReader builds the document from the lexer's tokens. The recursion is bounded by the lexer's
// depth limit (MaxJSONDepth).
type strictReader struct {
	dec *jsontext.Decoder
	// s is the body as one string: keys, strings and numbers are substrings of it.
	s   string
	out StrictJSON
	// kvs and vals hold the members and elements of the objects and arrays being read, a stack: the
	// lexer's, reused from body to body.
	kvs  []member
	vals []any
}

// span is the place in the body of the value the decoder has just read.
func (p *strictReader) span(raw []byte) (start, end int) {
	end = int(p.dec.InputOffset())
	return end - len(raw), end
}

// text is a string the decoder has just read, raw.
func (p *strictReader) text(raw []byte) (string, error) {
	start, end := p.span(raw)
	if bytes.IndexByte(raw, '\\') < 0 {
		return p.s[start+1 : end-1], nil
	}
	u, err := jsontext.AppendUnquote(nil, raw)
	return string(u), err
}

func (p *strictReader) value() (any, error) {
	switch k := p.dec.PeekKind(); k {
	case '{':
		return p.object()
	case '[':
		return p.array()
	case '"':
		raw, err := p.dec.ReadValue()
		if err != nil {
			return nil, err
		}
		return p.text(raw)
	case '0':
		raw, err := p.dec.ReadValue()
		if err != nil {
			return nil, err
		}
		start, end := p.span(raw)
		return p.number(p.s[start:end]), nil
	case 't', 'f', 'n':
		if _, err := p.dec.ReadToken(); err != nil {
			return nil, err
		}
		if k == 'n' {
			return nil, nil
		}
		return k == 't', nil
	}
	_, err := p.dec.ReadToken() // the fault PeekKind met
	return nil, err
}

// object reads an object's members into the reader's scratch, then builds its map at its size: a map
// grown member by member rehashes as it goes, which cost as much as the lexer. A duplicate is listed where
// reading member by member lists it: at its value's end, after the duplicates of the objects read before.
func (p *strictReader) object() (any, error) {
	if _, err := p.dec.ReadToken(); err != nil {
		return nil, err
	}
	mark := len(p.kvs)
	for p.dec.PeekKind() == '"' {
		raw, err := p.dec.ReadValue()
		if err != nil {
			return nil, err
		}
		k, err := p.text(raw)
		if err != nil {
			return nil, err
		}
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		p.kvs = append(p.kvs, member{k, v, len(p.out.Duplicates)})
	}
	if _, err := p.dec.ReadToken(); err != nil { // '}', or the fault
		return nil, err
	}
	ms := p.kvs[mark:]
	m := make(map[string]any, len(ms))
	var dups map[string]bool
	for _, kv := range ms {
		n := len(m)
		m[kv.k] = kv.v // the last of duplicate keys wins, as in encoding/json
		if len(m) == n && !dups[kv.k] {
			if dups == nil {
				dups = map[string]bool{}
			}
			dups[kv.k] = true
			// the object's pointer (the value just read), and the key
			ptr := string(p.dec.StackPointer()) + "/" + Escape(kv.k)
			at := kv.dups + len(dups) - 1
			p.out.Duplicates = append(p.out.Duplicates, "")
			copy(p.out.Duplicates[at+1:], p.out.Duplicates[at:])
			p.out.Duplicates[at] = ptr
		}
	}
	p.kvs = p.kvs[:mark]
	return m, nil
}

// member is a member of an object being read: dups is how many duplicates were listed when its value
// was read.
type member struct {
	k    string
	v    any
	dups int
}

func (p *strictReader) array() (any, error) {
	if _, err := p.dec.ReadToken(); err != nil {
		return nil, err
	}
	mark := len(p.vals)
	for {
		switch p.dec.PeekKind() {
		case ']':
			if _, err := p.dec.ReadToken(); err != nil {
				return nil, err
			}
			a := make([]any, len(p.vals)-mark)
			copy(a, p.vals[mark:])
			p.vals = p.vals[:mark]
			return a, nil
		case 0:
			_, err := p.dec.ReadToken() // the fault PeekKind met
			return nil, err
		}
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		p.vals = append(p.vals, v)
	}
}

// number judges a number literal where it stands: beyond float64, or integral in a fractional
// notation. A plain integer of fewer than 300 digits is neither, and costs nothing more than its
// json.Number.
func (p *strictReader) number(s string) json.Number {
	plain := strings.IndexAny(s, ".eE") < 0
	if plain && len(s) < 300 {
		return json.Number(s)
	}
	if _, err := strconv.ParseFloat(s, 64); err != nil || hugeExponent(s) {
		p.out.OutOfRange = append(p.out.OutOfRange, string(p.dec.StackPointer()))
	} else if !plain && integral(s) {
		p.out.Fractional = append(p.out.Fractional, string(p.dec.StackPointer()))
	}
	return json.Number(s)
}

// hugeExponent reports an exponent beyond any double's (|e| > 400): 1e-999999999 parses as 0 without an
// error, and then costs big.Rat (gojsonschema's integer check, ours) a number of a billion digits.
func hugeExponent(s string) bool {
	i := strings.IndexAny(s, "eE")
	if i < 0 {
		return false
	}
	e := strings.TrimLeft(s[i+1:], "+-")
	e = strings.TrimLeft(e, "0")
	return len(e) > 3 || (len(e) == 3 && e > "400")
}

// integral reports whether a JSON number literal (its exponent within ±400: hugeExponent is false) is an
// integer by value: the last nonzero digit of its mantissa stands at or left of the units. It answers as
// big.Rat's IsInt does, without building the rational.
func integral(s string) bool {
	s = strings.TrimPrefix(s, "-")
	mant, exp := s, 0
	if k := strings.IndexAny(s, "eE"); k >= 0 {
		mant = s[:k]
		e, err := strconv.Atoi(strings.TrimPrefix(s[k+1:], "+"))
		if err != nil {
			return false
		}
		exp = e
	}
	dot := strings.IndexByte(mant, '.')
	if dot < 0 {
		dot = len(mant)
	}
	for j := len(mant) - 1; j >= 0; j-- {
		if c := mant[j]; c == '.' || c == '0' {
			continue
		}
		// the last nonzero digit: its power of ten is dot-1-j left of the point, dot-j right of it
		place := dot - 1 - j
		if j > dot {
			place = dot - j
		}
		return exp+place >= 0
	}
	return true // zero
}

package wire

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxJSONDepth is the deepest nesting of objects and arrays DecodeJSONStrict reads: encoding/json's own
// bound. A body nested deeper is refused with an error, never a stack exhausted by recursion.
const MaxJSONDepth = 10000

// DecodeJSONStrict decodes exactly one JSON value, as DecodeJSON does, and refuses what DecodeJSON lets
// through: a byte order mark, invalid UTF-8 (encoding/json replaces it with U+FFFD silently). The error
// is a *JSONError with the byte offset. Duplicate keys, numbers beyond float64 and integral numbers in
// a fractional notation are no error: they are listed, for the caller to judge.
//
// It reads the body once, by hand, building the document as encoding/json does (map[string]any, []any,
// string, bool, nil, json.Number): a Check pays one decode, not a token stream with an interface value
// per token. It allocates only the document, its strings cut from one copy of the body (which the
// document keeps alive: it is never larger than the body); a pointer is built only for a value worth
// naming. A body it
// refuses is read again by encoding/json's Decoder (decodeJSONTokens), so that the error and its offset
// are encoding/json's; FuzzScan holds the two to the same answer on every input.
func DecodeJSONStrict(b []byte) (StrictJSON, error) {
	for _, m := range boms {
		if bytes.HasPrefix(b, m.mark) {
			return StrictJSON{}, &JSONError{0, m.name + " opens the body"}
		}
	}
	if !utf8.Valid(b) {
		return StrictJSON{}, &JSONError{int64(invalidUTF8(b)), "invalid UTF-8"}
	}
	var stack [32]step
	p := scanner{b: b, s: string(b), path: stack[:0]}
	doc := p.value()
	p.space()
	if p.bad || p.i != len(p.b) {
		if p.deep {
			return StrictJSON{}, &JSONError{int64(p.i), "nesting deeper than " + strconv.Itoa(MaxJSONDepth) + " levels"}
		}
		return decodeJSONTokens(b)
	}
	p.out.Doc = doc
	return p.out, nil
}

// scanner is one pass over a body whose UTF-8 is valid. On the first fault it sets bad and stops: the
// caller asks encoding/json for the words.
type scanner struct {
	b []byte
	// s is b as one string: every key, string and number of the document is a substring of it, so the
	// document costs one copy of the body instead of an allocation per string.
	s     string
	i     int
	depth int
	bad   bool
	deep  bool // bad because nested beyond MaxJSONDepth
	out   StrictJSON
	path  []step
}

func (p *scanner) space() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *scanner) value() any {
	p.space()
	if p.i >= len(p.b) {
		p.bad = true
		return nil
	}
	switch c := p.b[p.i]; {
	case c == '{':
		return p.object()
	case c == '[':
		return p.array()
	case c == '"':
		s, _ := p.text()
		return s
	case c == 't':
		return p.literal("true", true)
	case c == 'f':
		return p.literal("false", false)
	case c == 'n':
		return p.literal("null", nil)
	case c == '-' || c >= '0' && c <= '9':
		return p.number()
	}
	p.bad = true
	return nil
}

func (p *scanner) literal(word string, v any) any {
	if !bytes.HasPrefix(p.b[p.i:], []byte(word)) {
		p.bad = true
		return nil
	}
	p.i += len(word)
	return v
}

func (p *scanner) enter() bool {
	p.depth++
	if p.depth > MaxJSONDepth {
		p.bad, p.deep = true, true
		return false
	}
	return true
}

func (p *scanner) object() any {
	if !p.enter() {
		return nil
	}
	p.i++ // {
	m := map[string]any{}
	var dups map[string]bool
	p.space()
	if p.i < len(p.b) && p.b[p.i] == '}' {
		p.i++
		p.depth--
		return m
	}
	for {
		p.space()
		if p.i >= len(p.b) || p.b[p.i] != '"' {
			p.bad = true
			return nil
		}
		k, ok := p.text()
		if !ok {
			return nil
		}
		p.space()
		if p.i >= len(p.b) || p.b[p.i] != ':' {
			p.bad = true
			return nil
		}
		p.i++
		p.path = append(p.path, step{k, -1})
		v := p.value()
		if p.bad {
			return nil
		}
		n := len(m)
		m[k] = v // the last of duplicate keys wins, as in encoding/json
		if len(m) == n && !dups[k] {
			if dups == nil {
				dups = map[string]bool{}
			}
			dups[k] = true
			p.out.Duplicates = append(p.out.Duplicates, pointerOf(p.path))
		}
		p.path = p.path[:len(p.path)-1]
		p.space()
		if p.i < len(p.b) && p.b[p.i] == ',' {
			p.i++
			continue
		}
		if p.i < len(p.b) && p.b[p.i] == '}' {
			p.i++
			p.depth--
			return m
		}
		p.bad = true
		return nil
	}
}

func (p *scanner) array() any {
	if !p.enter() {
		return nil
	}
	p.i++ // [
	a := []any{}
	p.space()
	if p.i < len(p.b) && p.b[p.i] == ']' {
		p.i++
		p.depth--
		return a
	}
	for {
		p.path = append(p.path, step{index: len(a)})
		v := p.value()
		if p.bad {
			return nil
		}
		p.path = p.path[:len(p.path)-1]
		a = append(a, v)
		p.space()
		if p.i < len(p.b) && p.b[p.i] == ',' {
			p.i++
			continue
		}
		if p.i < len(p.b) && p.b[p.i] == ']' {
			p.i++
			p.depth--
			return a
		}
		p.bad = true
		return nil
	}
}

// text reads a string literal at p.i (its opening quote). A string without escapes is its bytes; one with
// escapes is unquoted by encoding/json itself, so that \u surrogates read exactly as there.
func (p *scanner) text() (string, bool) {
	start := p.i
	escaped := false
	for j := p.i + 1; j < len(p.b); {
		switch c := p.b[j]; {
		case c == '"':
			p.i = j + 1
			if !escaped {
				return p.s[start+1 : j], true
			}
			var s string
			if err := json.Unmarshal(p.b[start:p.i], &s); err != nil {
				p.bad = true
				return "", false
			}
			return s, true
		case c == '\\':
			escaped = true
			if j+1 >= len(p.b) {
				p.bad = true
				return "", false
			}
			switch p.b[j+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				j += 2
			case 'u':
				if j+6 > len(p.b) || !hex4(p.b[j+2:j+6]) {
					p.bad = true
					return "", false
				}
				j += 6
			default:
				p.bad = true
				return "", false
			}
		case c < 0x20:
			p.bad = true
			return "", false
		default:
			j++
		}
	}
	p.bad = true
	return "", false
}

func hex4(b []byte) bool {
	for _, c := range b {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// number reads a number literal by RFC 8259's grammar and judges it where it stands: beyond float64, or
// integral in a fractional notation. A plain integer of fewer than 300 digits is neither, and costs
// nothing more than its json.Number.
func (p *scanner) number() any {
	b, start, i := p.b, p.i, p.i
	digits := func() int {
		n := 0
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
			n++
		}
		return n
	}
	if b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case digits() == 0:
		p.bad = true
		return nil
	}
	plain := true
	if i < len(b) && b[i] == '.' {
		i++
		plain = false
		if digits() == 0 {
			p.bad = true
			return nil
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		plain = false
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if digits() == 0 {
			p.bad = true
			return nil
		}
	}
	p.i = i
	s := p.s[start:i]
	if plain && len(s) < 300 {
		return json.Number(s)
	}
	if _, err := strconv.ParseFloat(s, 64); err != nil || hugeExponent(s) {
		p.out.OutOfRange = append(p.out.OutOfRange, pointerOf(p.path))
	} else if !plain && integral(s) {
		p.out.Fractional = append(p.out.Fractional, pointerOf(p.path))
	}
	return json.Number(s)
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

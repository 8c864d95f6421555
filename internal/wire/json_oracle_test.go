package wire

// The oracle of the lexer's readers: encoding/json's Decoder, token by token (DecodeJSONStrict's reference
// implementation before the lexer), and the checks encoding/json does not make. FuzzJSON holds
// DecodeJSONStrict, CheckJSON, WalkJSON and JSONMembers to it on every input.

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math/big"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// oracleStrict is DecodeJSONStrict read token by token with encoding/json's Decoder.
func oracleStrict(b []byte) (StrictJSON, error) {
	for _, m := range boms {
		if bytes.HasPrefix(b, m.mark) {
			return StrictJSON{}, &JSONError{Offset: 0, Reason: m.name + " opens the body"}
		}
	}
	if !utf8.Valid(b) {
		return StrictJSON{}, &JSONError{Offset: int64(oracleInvalidUTF8(b)), Reason: "invalid UTF-8"}
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return StrictJSON{}, &JSONError{Offset: 0, Reason: "no JSON value"}
	}
	d := oracleDecoder{dec: json.NewDecoder(bytes.NewReader(b)), size: len(b)}
	d.dec.UseNumber()
	doc, err := d.value()
	if err != nil {
		return StrictJSON{}, err
	}
	end := d.dec.InputOffset()
	if _, err := d.dec.Token(); !errors.Is(err, io.EOF) {
		rest := b[end:]
		return StrictJSON{}, &JSONError{Offset: end + int64(len(rest)-len(bytes.TrimLeft(rest, " \t\r\n"))), Reason: "data after the JSON value"}
	}
	d.out.Doc = doc
	return d.out, nil
}

func oracleInvalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(b)
}

type oracleDecoder struct {
	dec  *json.Decoder
	size int
	out  StrictJSON
	path []oracleStep
}

type oracleStep struct {
	key   string
	index int // -1 for an object key
}

func (d *oracleDecoder) pointer() string {
	var b strings.Builder
	for _, s := range d.path {
		b.WriteByte('/')
		if s.index >= 0 {
			b.WriteString(strconv.Itoa(s.index))
		} else {
			b.WriteString(Escape(s.key))
		}
	}
	return b.String()
}

func (d *oracleDecoder) fail(err error) error {
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		return &JSONError{Offset: se.Offset, Reason: "not JSON"}
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return &JSONError{Offset: int64(d.size), Reason: "the JSON value is cut short"}
	}
	return &JSONError{Offset: d.dec.InputOffset(), Reason: "not JSON"}
}

func (d *oracleDecoder) value() (any, error) {
	tok, err := d.dec.Token()
	if err != nil {
		return nil, d.fail(err)
	}
	switch t := tok.(type) {
	case json.Delim:
		if t == '{' {
			return d.object()
		}
		if t == '[' {
			return d.array()
		}
		return nil, &JSONError{Offset: d.dec.InputOffset() - 1, Reason: "not JSON"}
	case json.Number:
		d.number(t)
	}
	return tok, nil
}

func (d *oracleDecoder) object() (any, error) {
	m := map[string]any{}
	var dups map[string]bool
	for d.dec.More() {
		tok, err := d.dec.Token()
		if err != nil {
			return nil, d.fail(err)
		}
		k, ok := tok.(string)
		if !ok {
			return nil, &JSONError{Offset: d.dec.InputOffset(), Reason: "not JSON"}
		}
		d.path = append(d.path, oracleStep{k, -1})
		v, err := d.value()
		if err != nil {
			return nil, err
		}
		if _, seen := m[k]; seen && !dups[k] {
			if dups == nil {
				dups = map[string]bool{}
			}
			dups[k] = true
			d.out.Duplicates = append(d.out.Duplicates, d.pointer())
		}
		d.path = d.path[:len(d.path)-1]
		m[k] = v
	}
	if _, err := d.dec.Token(); err != nil {
		return nil, d.fail(err)
	}
	return m, nil
}

func (d *oracleDecoder) array() (any, error) {
	a := []any{}
	for d.dec.More() {
		d.path = append(d.path, oracleStep{index: len(a)})
		v, err := d.value()
		if err != nil {
			return nil, err
		}
		d.path = d.path[:len(d.path)-1]
		a = append(a, v)
	}
	if _, err := d.dec.Token(); err != nil {
		return nil, d.fail(err)
	}
	return a, nil
}

func (d *oracleDecoder) number(n json.Number) {
	s := n.String()
	if _, err := strconv.ParseFloat(s, 64); err != nil || hugeExponent(s) {
		d.out.OutOfRange = append(d.out.OutOfRange, d.pointer())
		return
	}
	if strings.ContainsAny(s, ".eE") {
		if r, ok := new(big.Rat).SetString(s); ok && r.IsInt() {
			d.out.Fractional = append(d.out.Fractional, d.pointer())
		}
	}
}

// oracleLoneSurrogate reports whether a string literal of b (as encoding/json cuts it) holds an escape of
// a surrogate half that has no partner: what encoding/json reads as U+FFFD and the lexer refuses.
func oracleLoneSurrogate(b []byte) bool {
	inString := false
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case !inString:
			inString = c == '"'
		case c == '"':
			inString = false
		case c == '\\' && i+1 < len(b) && b[i+1] == 'u':
			r, ok := oracleHex4(b, i+2)
			if !ok {
				i++
				continue
			}
			if utf16.IsSurrogate(r) {
				if r >= 0xDC00 {
					return true // a low half first
				}
				r2, ok := rune(0), false
				if i+12 <= len(b) && b[i+6] == '\\' && b[i+7] == 'u' {
					r2, ok = oracleHex4(b, i+8)
				}
				if !ok || r2 < 0xDC00 || r2 > 0xDFFF {
					return true
				}
				i += 6
			}
			i += 5
		case c == '\\':
			i++
		}
	}
	return false
}

func oracleHex4(b []byte, at int) (rune, bool) {
	if at+4 > len(b) {
		return 0, false
	}
	n, err := strconv.ParseUint(string(b[at:at+4]), 16, 32)
	return rune(n), err == nil
}

// oracleEvent is one event of a walk, as WalkJSON's visitor sees it.
type oracleEvent struct {
	kind       string // open, close, scalar
	ptr, name  string
	member     bool
	str        bool
	value      string
	start, end int
}

// oracleWalk is WalkJSON read by encoding/json's Decoder, and the top-level members of an object with
// their raw values (JSONMembers) or the elements of an array (JSONElements). ok false: the Decoder
// refuses b as one value.
func oracleWalk(b []byte) (events []oracleEvent, members []JSONMember, elements [][]byte, ok bool) {
	type frame struct {
		object  bool
		wantKey bool
		key     string
		index   int
		ptr     string
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var stack []*frame
	done := false
	memberStart := -1
	child := func() (ptr, name string, member bool) {
		if len(stack) == 0 {
			return "", "", false
		}
		f := stack[len(stack)-1]
		if f.object {
			return Join(f.ptr, f.key), f.key, true
		}
		return JoinIndex(f.ptr, f.index), "", false
	}
	valueDone := func(end int) {
		if len(stack) == 0 {
			done = true
			return
		}
		f := stack[len(stack)-1]
		if len(stack) == 1 && f.object {
			members = append(members, JSONMember{Name: f.key, Value: b[memberStart:end]})
		}
		if len(stack) == 1 && !f.object {
			elements = append(elements, b[memberStart:end])
		}
		if f.object {
			f.wantKey = true
		} else {
			f.index++
		}
	}
	tokenStart := func(from int) int {
		for from < len(b) && bytes.IndexByte([]byte(" \t\r\n,:"), b[from]) >= 0 {
			from++
		}
		return from
	}
	for {
		before := int(dec.InputOffset())
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return events, members, elements, done
		}
		if err != nil || done {
			return nil, nil, nil, false
		}
		end := int(dec.InputOffset())
		start := tokenStart(before)
		if len(stack) > 0 && stack[len(stack)-1].object && stack[len(stack)-1].wantKey {
			f := stack[len(stack)-1]
			if d, isDelim := tok.(json.Delim); isDelim && d == '}' {
				stack = stack[:len(stack)-1]
				events = append(events, oracleEvent{kind: "close"})
				valueDone(end)
				continue
			}
			f.key, _ = tok.(string)
			f.wantKey = false
			continue
		}
		if len(stack) == 1 {
			memberStart = start
		}
		ptr, name, member := child()
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				events = append(events, oracleEvent{kind: "open", name: name, member: member})
				stack = append(stack, &frame{object: t == '{', wantKey: t == '{', ptr: ptr})
			case ']':
				stack = stack[:len(stack)-1]
				events = append(events, oracleEvent{kind: "close"})
				valueDone(end)
			}
			continue
		case string:
			events = append(events, oracleEvent{kind: "scalar", ptr: ptr, name: name, member: member, str: true, value: t, start: start, end: end})
		default: // json.Number, bool, nil
			events = append(events, oracleEvent{kind: "scalar", ptr: ptr, name: name, member: member, value: string(b[start:end]), start: start, end: end})
		}
		valueDone(end)
	}
}

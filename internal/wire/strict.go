package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"strconv"
	"strings"
	"unicode/utf8"
)

// JSONError says why a body is not one JSON value, and where: the byte offset of the fault.
type JSONError struct {
	Offset int64
	Reason string
}

func (e *JSONError) Error() string { return fmt.Sprintf("%s at byte %d", e.Reason, e.Offset) }

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

// The byte order marks a body may open with; RFC 8259 §8.1 forbids them in JSON text.
var boms = []struct {
	mark []byte
	name string
}{
	{[]byte{0xEF, 0xBB, 0xBF}, "a UTF-8 byte order mark (EF BB BF)"},
	{[]byte{0xFE, 0xFF}, "a UTF-16 byte order mark (FE FF)"},
	{[]byte{0xFF, 0xFE}, "a UTF-16 byte order mark (FF FE)"},
}

// decodeJSONTokens is DecodeJSONStrict read token by token with encoding/json's Decoder: the reference
// implementation. DecodeJSONStrict's single pass (strictscan.go) hands a body it refuses to it, so that
// the error and its offset are encoding/json's, and FuzzScan holds the two to the same answer.
func decodeJSONTokens(b []byte) (StrictJSON, error) {
	for _, m := range boms {
		if bytes.HasPrefix(b, m.mark) {
			return StrictJSON{}, &JSONError{0, m.name + " opens the body"}
		}
	}
	if !utf8.Valid(b) {
		return StrictJSON{}, &JSONError{int64(invalidUTF8(b)), "invalid UTF-8"}
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return StrictJSON{}, &JSONError{0, "no JSON value"}
	}
	d := strictDecoder{dec: json.NewDecoder(bytes.NewReader(b)), size: len(b)}
	d.dec.UseNumber()
	doc, err := d.value()
	if err != nil {
		return StrictJSON{}, err
	}
	end := d.dec.InputOffset()
	if _, err := d.dec.Token(); !errors.Is(err, io.EOF) {
		rest := b[end:]
		return StrictJSON{}, &JSONError{end + int64(len(rest)-len(bytes.TrimLeft(rest, " \t\r\n"))), "data after the JSON value"}
	}
	d.out.Doc = doc
	return d.out, nil
}

// invalidUTF8 is the offset of the first byte that is not valid UTF-8.
func invalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(b)
}

type strictDecoder struct {
	dec  *json.Decoder
	size int
	out  StrictJSON
	// path is where the decoder stands; a pointer is built from it only for a value worth naming.
	path []step
}

type step struct {
	key   string
	index int // -1 for an object key
}

func (d *strictDecoder) pointer() string { return pointerOf(d.path) }

// pointerOf is the JSON Pointer of a path; built only for a value worth naming.
func pointerOf(path []step) string {
	var b strings.Builder
	for _, s := range path {
		b.WriteByte('/')
		if s.index >= 0 {
			b.WriteString(strconv.Itoa(s.index))
		} else {
			b.WriteString(Escape(s.key))
		}
	}
	return b.String()
}

func (d *strictDecoder) fail(err error) error {
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		return &JSONError{se.Offset, "not JSON"}
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return &JSONError{int64(d.size), "the JSON value is cut short"}
	}
	return &JSONError{d.dec.InputOffset(), "not JSON"}
}

func (d *strictDecoder) value() (any, error) {
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
		return nil, &JSONError{d.dec.InputOffset() - 1, "not JSON"}
	case json.Number:
		d.number(t)
	}
	return tok, nil
}

func (d *strictDecoder) object() (any, error) {
	m := map[string]any{}
	var dups map[string]bool
	for d.dec.More() {
		tok, err := d.dec.Token()
		if err != nil {
			return nil, d.fail(err)
		}
		k, ok := tok.(string)
		if !ok {
			return nil, &JSONError{d.dec.InputOffset(), "not JSON"}
		}
		d.path = append(d.path, step{k, -1})
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

func (d *strictDecoder) array() (any, error) {
	a := []any{}
	for d.dec.More() {
		d.path = append(d.path, step{index: len(a)})
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

func (d *strictDecoder) number(n json.Number) {
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

package redact

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"
)

// A JSON body is read for redaction and scan by this walker, not by encoding/json's Decoder: the Decoder
// allocates a token, an interface and often an error value per scalar, which made a 10 MB answer cost a
// gigabyte. The walker reads the body in place, in two passes of the same code: the first only checks
// that the body is one JSON value no deeper than MaxDepth (so that nothing is reported of a body that is
// then read whole, as a leaf, or refused); the second hands each scalar, with its pointer and byte span,
// to the caller. A string without escapes is a substring of the body, not a copy; one with escapes is
// decoded by encoding/json, so that a value reads exactly as the Decoder read it.

// jsonVisit sees one scalar and its byte span in the body.
type jsonVisit func(l leaf, start, end int)

type jsonWalker struct {
	body  string
	side  side
	i     int
	depth int
	visit jsonVisit // nil: the checking pass
	ptr   []byte    // the pointer of the value being read
	// kinds caches the name rules' verdict by member name: a body repeats its names.
	kinds map[string]string
	deep  bool
}

// walkJSON reads body: valid is false when it is not exactly one JSON value (surrounding white space
// allowed), deep is true when it nests deeper than MaxDepth before any syntax error. visit is called for
// every scalar, in document order, only when the body is valid and not deep.
func walkJSON(s side, body string, visit jsonVisit) (valid, deep bool) {
	w := &jsonWalker{body: body, side: s}
	if !w.document() {
		return false, w.deep
	}
	w = &jsonWalker{body: body, side: s, visit: visit, kinds: map[string]string{}}
	w.document()
	return true, false
}

func (w *jsonWalker) document() bool {
	w.space()
	if !w.value("", "") {
		return false
	}
	w.space()
	return w.i == len(w.body)
}

func (w *jsonWalker) space() {
	for w.i < len(w.body) {
		switch w.body[w.i] {
		case ' ', '\t', '\r', '\n':
			w.i++
		default:
			return
		}
	}
}

// value reads one value whose member name (in an object) and inherited rule kind are given.
func (w *jsonWalker) value(name, ctx string) bool {
	if w.i >= len(w.body) {
		return false
	}
	start := w.i
	switch c := w.body[w.i]; {
	case c == '{' || c == '[':
		if w.depth >= MaxDepth {
			w.deep = true
			return false
		}
		w.depth++
		w.i++
		var ok bool
		if c == '{' {
			ok = w.object(ctx)
		} else {
			ok = w.array(ctx)
		}
		w.depth--
		return ok
	case c == '"':
		end, esc, ok := w.stringEnd()
		if !ok {
			return false
		}
		w.i = end
		if w.visit != nil {
			v := w.body[start+1 : end-1]
			if esc {
				if v, ok = unquote(w.body[start:end]); !ok {
					return false
				}
			}
			w.visit(leaf{side: w.side, place: inJSON, name: name, ptr: w.ptr, str: true, value: v, ctx: ctx}, start, end)
		}
		return true
	case c == 't':
		return w.literal("true", name, ctx)
	case c == 'f':
		return w.literal("false", name, ctx)
	case c == 'n':
		return w.literal("null", name, ctx)
	case c == '-' || c >= '0' && c <= '9':
		if !w.number() {
			return false
		}
		if w.visit != nil {
			w.visit(leaf{side: w.side, place: inJSON, name: name, ptr: w.ptr, value: w.body[start:w.i], ctx: ctx}, start, w.i)
		}
		return true
	}
	return false
}

func (w *jsonWalker) literal(lit, name, ctx string) bool {
	if !strings.HasPrefix(w.body[w.i:], lit) {
		return false
	}
	start := w.i
	w.i += len(lit)
	if w.visit != nil {
		w.visit(leaf{side: w.side, place: inJSON, name: name, ptr: w.ptr, value: lit, ctx: ctx}, start, w.i)
	}
	return true
}

// number reads a JSON number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (w *jsonWalker) number() bool {
	b, i := w.body, w.i
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		for i < len(b) && isASCIIDigit(b[i]) {
			i++
		}
	default:
		return false
	}
	if i < len(b) && b[i] == '.' {
		i++
		if i >= len(b) || !isASCIIDigit(b[i]) {
			return false
		}
		for i < len(b) && isASCIIDigit(b[i]) {
			i++
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i >= len(b) || !isASCIIDigit(b[i]) {
			return false
		}
		for i < len(b) && isASCIIDigit(b[i]) {
			i++
		}
	}
	w.i = i
	return true
}

// stringEnd finds the end (past the closing quote) of the string at w.i, and whether it has escapes.
func (w *jsonWalker) stringEnd() (end int, esc, ok bool) {
	b := w.body
	for i := w.i + 1; i < len(b); i++ {
		switch c := b[i]; {
		case c == '"':
			return i + 1, esc, true
		case c == '\\':
			esc = true
			i++
			if i >= len(b) {
				return 0, false, false
			}
			switch b[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if i+4 >= len(b) {
					return 0, false, false
				}
				for _, h := range []byte(b[i+1 : i+5]) {
					if !(isASCIIDigit(h) || h >= 'a' && h <= 'f' || h >= 'A' && h <= 'F') {
						return 0, false, false
					}
				}
				i += 4
			default:
				return 0, false, false
			}
		case c < 0x20:
			return 0, false, false
		case c >= utf8.RuneSelf:
			// Invalid UTF-8 is valid JSON (it decodes to U+FFFD): only an escape needs decoding.
			if r, _ := utf8.DecodeRuneInString(b[i:]); r == utf8.RuneError {
				esc = true
			}
		}
	}
	return 0, false, false
}

func (w *jsonWalker) object(ctx string) bool {
	mark := len(w.ptr)
	w.space()
	if w.i < len(w.body) && w.body[w.i] == '}' {
		w.i++
		return true
	}
	for {
		w.space()
		if w.i >= len(w.body) || w.body[w.i] != '"' {
			return false
		}
		start := w.i
		end, esc, ok := w.stringEnd()
		if !ok {
			return false
		}
		w.i = end
		w.space()
		if w.i >= len(w.body) || w.body[w.i] != ':' {
			return false
		}
		w.i++
		w.space()
		var key, childCtx string
		if w.visit != nil {
			key = w.body[start+1 : end-1]
			if esc {
				if key, ok = unquote(w.body[start:end]); !ok {
					return false
				}
			}
			childCtx = ctx
			if ctx != kindFreeText {
				k, seen := w.kinds[key]
				if !seen {
					k = kindOfName(w.side, key)
					w.kinds[key] = k
				}
				if k != "" {
					childCtx = k
				}
			}
			w.ptr = append(w.ptr[:mark], '/')
			w.ptr = appendEscaped(w.ptr, key)
		}
		if !w.value(key, childCtx) {
			return false
		}
		w.ptr = w.ptr[:mark]
		w.space()
		if w.i >= len(w.body) {
			return false
		}
		switch w.body[w.i] {
		case ',':
			w.i++
		case '}':
			w.i++
			return true
		default:
			return false
		}
	}
}

func (w *jsonWalker) array(ctx string) bool {
	mark := len(w.ptr)
	w.space()
	if w.i < len(w.body) && w.body[w.i] == ']' {
		w.i++
		return true
	}
	for n := 0; ; n++ {
		w.space()
		if w.visit != nil {
			w.ptr = append(w.ptr[:mark], '/')
			w.ptr = strconv.AppendInt(w.ptr, int64(n), 10)
		}
		if !w.value("", ctx) {
			return false
		}
		w.ptr = w.ptr[:mark]
		w.space()
		if w.i >= len(w.body) {
			return false
		}
		switch w.body[w.i] {
		case ',':
			w.i++
		case ']':
			w.i++
			return true
		default:
			return false
		}
	}
}

// appendEscaped appends a JSON Pointer reference token: "~" as "~0", "/" as "~1" (wire.Escape).
func appendEscaped(b []byte, token string) []byte {
	for i := 0; i < len(token); i++ {
		switch token[i] {
		case '~':
			b = append(b, '~', '0')
		case '/':
			b = append(b, '~', '1')
		default:
			b = append(b, token[i])
		}
	}
	return b
}

// unquote decodes a JSON string with escapes (or bytes that are not UTF-8) as encoding/json does.
func unquote(quoted string) (string, bool) {
	var s string
	if err := json.Unmarshal([]byte(quoted), &s); err != nil {
		return "", false
	}
	return s, true
}

// writeJSONString writes s as a JSON string, as json.Encoder does with SetEscapeHTML(false). Plain ASCII,
// the common case, is written as it is; anything else goes through the encoder.
func writeJSONString(b *strings.Builder, s string) {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c >= utf8.RuneSelf {
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			_ = enc.Encode(s) // a string always encodes
			b.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
			return
		}
	}
	b.WriteByte('"')
	b.WriteString(s)
	b.WriteByte('"')
}

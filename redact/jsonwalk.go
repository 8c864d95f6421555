package redact

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/kontrak/kontrak/internal/wire"
)

// A JSON body is read for redaction and scan by kontrak's one lexer (jsontext, through wire.NewJSONDecoder,
// under wire's depth limit and UTF-8 policy): wire.CheckJSON first says whether the body is one JSON value,
// so that nothing is reported of a body that is then read whole, as a leaf, or refused; then the walk hands
// each member name and each scalar, with its pointer, its schema pointer and its byte span, to the caller.
// wire.WalkJSON gives no member name's span, and a name is a place redaction writes ("keys are values
// too"): this walk is its own, on the same lexer. It knows no name rule: it gives each value the kind the
// name rules (pii_rules.yaml) give it, by its own member name or inherited from the nearest named container
// above it.

// jsonVisit sees one scalar (place inJSON) or member name (place inJSONName) and its byte span in the body,
// quotes included. For a member name it answers whether the name is replaced: the value under a replaced
// name takes its kind from the container above it, as it will when the stand-in name is read again (a
// stand-in name has no rule), so that redacting twice is redacting once.
type jsonVisit func(l leaf, start, end int) (replaced bool)

// walkJSON reads body: valid is false when it is not exactly one JSON value (surrounding white space
// allowed), deep is true when it nests deeper than MaxDepth before any other fault. visit is called for
// every member name and scalar, in document order (a name before its value), only when the body is valid
// and not deep. Time and memory are linear in the body, whatever its depth: the walk does not recurse.
func walkJSON(s side, body string, visit jsonVisit) (valid, deep bool) {
	b := []byte(body)
	if err := wire.CheckJSON(b); err != nil {
		je, _ := err.(*wire.JSONError)
		return false, je != nil && je.Deep
	}
	kinds := map[string]string{} // the name rules' verdict by member name: a body repeats its names
	kindOf := func(name string) string {
		k, seen := kinds[name]
		if !seen {
			k = kindOfName(s, name)
			kinds[name] = k
		}
		return k
	}
	type frame struct {
		mark, smark int // the pointer's and the schema pointer's length at the container
		object      bool
		n           int
		ctx         string
	}
	d := wire.NewJSONDecoder(bytes.NewReader(b))
	var (
		stack        []frame
		ptr, schema  []byte
		nameReplaced bool // the member name just read is replaced (jsonVisit)
	)
	unquote := func(raw []byte, end int) (string, bool) {
		start := end - len(raw)
		if bytes.IndexByte(raw, '\\') < 0 {
			return body[start+1 : end-1], true
		}
		u, err := jsontext.AppendUnquote(nil, raw)
		return string(u), err == nil
	}
	// ctxOf is the kind of a value named name (member) under the container on top of the stack: its own
	// name's, when the rules give it a personal or credential kind, else the container's.
	ctxOf := func(name string, member bool) string {
		parent := ""
		if len(stack) > 0 {
			parent = stack[len(stack)-1].ctx
		}
		if !member || nameReplaced {
			return parent
		}
		if k := kindOf(name); k != "" && (parent != kindFreeText || k != kindFreeText) {
			return k
		}
		return parent
	}
	for {
		k := d.PeekKind()
		if k == '}' || k == ']' {
			if _, err := d.ReadToken(); err != nil {
				return false, false
			}
			top := len(stack) - 1
			ptr, schema = ptr[:stack[top].mark], schema[:stack[top].smark]
			stack = stack[:top]
			if len(stack) == 0 {
				return true, false
			}
			continue
		}
		name, member := "", false
		nameReplaced = false
		if top := len(stack) - 1; top >= 0 {
			f := &stack[top]
			ptr = append(ptr[:f.mark], '/')
			schema = append(schema[:f.smark], '/')
			if f.object {
				raw, err := d.ReadValue()
				if err != nil {
					return false, false
				}
				end := int(d.InputOffset())
				var ok bool
				if name, ok = unquote(raw, end); !ok {
					return false, false
				}
				member = true
				ptr = appendEscaped(ptr, name)
				schema = appendEscaped(schema, name)
				nameReplaced = visit(leaf{side: s, place: inJSONName, name: name, ptr: ptr, schema: schema, str: true, value: name,
					ctx: ctxOf(name, true)}, end-len(raw), end)
				k = d.PeekKind()
			} else {
				ptr = strconv.AppendInt(ptr, int64(f.n), 10)
				schema = append(schema, '*')
				f.n++
			}
		}
		if k == '{' || k == '[' {
			ctx := ctxOf(name, member)
			if _, err := d.ReadToken(); err != nil {
				return false, false
			}
			stack = append(stack, frame{mark: len(ptr), smark: len(schema), object: k == '{', ctx: ctx})
			continue
		}
		raw, err := d.ReadValue()
		if err != nil {
			return false, false
		}
		end := int(d.InputOffset())
		l := leaf{side: s, place: inJSON, name: name, ptr: ptr, schema: schema, str: k == '"', ctx: ctxOf(name, member)}
		if l.str {
			var ok bool
			if l.value, ok = unquote(raw, end); !ok {
				return false, false
			}
		} else {
			l.value = body[end-len(raw) : end]
		}
		visit(l, end-len(raw), end)
		if len(stack) == 0 {
			return true, false
		}
	}
}

// appendEscaped appends a JSON Pointer reference token: "~" as "~0", "/" as "~1".
func appendEscaped(b []byte, token string) []byte {
	if !strings.ContainsAny(token, "~/") {
		return append(b, token...)
	}
	return append(b, wire.Escape(token)...)
}

// rewriteJSON replaces the names and scalars fn replaces, token by token: the rest of the body, member
// order and spacing included, stays byte for byte. valid is false when the body is not one JSON value;
// deep is true, and fn sees nothing, when it nests deeper than MaxDepth. The body is copied only from its
// first replacement on.
func rewriteJSON(s side, body string, fn rewriteFunc) (out string, changed, valid, deep bool) {
	var b strings.Builder
	last := 0
	valid, deep = walkJSON(s, body, func(l leaf, start, end int) bool {
		nv, ok := fn(l)
		if !ok {
			// A dry run (the scan) writes nothing, and still says which names it would replace by
			// the value it gives them: the kinds of what they hold depend on it (jsonVisit).
			return l.place == inJSONName && nv != "" && nv != l.value
		}
		if !changed {
			b.Grow(len(body) + len(body)/8) // stand-ins may be a little longer than what they replace
			changed = true
		}
		b.WriteString(body[last:start])
		if l.str {
			writeJSONString(&b, nv)
		} else {
			b.WriteString(nv) // a literal is only ever replaced by a literal
		}
		last = end
		return true
	})
	if !valid || !changed {
		return body, false, valid, deep
	}
	b.WriteString(body[last:])
	return b.String(), true, true, false
}

// writeJSONString writes s as a JSON string, as json.Encoder does with SetEscapeHTML(false): the bytes
// redaction has always written (U+2028 and U+2029 escaped, invalid UTF-8 as U+FFFD), which jsontext's
// quoting does not reproduce. Plain ASCII, the common case, is written as it is; anything else goes
// through the encoder.
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

// jsonString is s written as a JSON string (writeJSONString).
func jsonString(s string) string {
	var b strings.Builder
	writeJSONString(&b, s)
	return b.String()
}

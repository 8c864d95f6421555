package redact

import (
	"bytes"
	"encoding/json"
	"strings"
	"unicode/utf8"

	"github.com/kontrak/kontrak/internal/wire"
)

// A JSON body is read for redaction and scan by the lexer's walk (wire.WalkJSON): it checks that the body
// is one JSON value (under the one depth limit and UTF-8 policy) before it hands anything over, so that
// nothing is reported of a body that is then read whole, as a leaf, or refused; then it hands each scalar,
// with its pointer and byte span, to the caller. The walk knows no name rule: this file gives each value
// the kind the name rules (pii_rules.yaml) give it, by its own member name or inherited from the nearest
// named container above it, from what the walk tells of the containers it opens.

// jsonVisit sees one scalar and its byte span in the body.
type jsonVisit func(l leaf, start, end int)

// walkJSON reads body: valid is false when it is not exactly one JSON value (surrounding white space
// allowed), deep is true when it nests deeper than MaxDepth before any other fault. visit is called for
// every scalar, in document order, only when the body is valid and not deep.
func walkJSON(s side, body string, visit jsonVisit) (valid, deep bool) {
	// kinds caches the name rules' verdict by member name: a body repeats its names.
	kinds := map[string]string{}
	// ctxs holds the kind of each open container, the document's ("") at the bottom.
	ctxs := make([]string, 1, 8)
	ctxOf := func(name string, member bool) string {
		parent := ctxs[len(ctxs)-1]
		if !member || parent == kindFreeText { // free text is inherited whatever lies below
			return parent
		}
		k, seen := kinds[name]
		if !seen {
			k = kindOfName(s, name)
			kinds[name] = k
		}
		if k != "" {
			return k
		}
		return parent
	}
	err := wire.WalkJSON(body, wire.JSONVisitor{
		Open:  func(name string, member bool) { ctxs = append(ctxs, ctxOf(name, member)) },
		Close: func() { ctxs = ctxs[:len(ctxs)-1] },
		Scalar: func(sc *wire.JSONScalar) {
			visit(leaf{side: s, place: inJSON, name: sc.Name, ptr: sc.Pointer, str: sc.String, value: sc.Value, ctx: ctxOf(sc.Name, sc.Member)}, sc.Start, sc.End)
		},
	})
	if err != nil {
		je, _ := err.(*wire.JSONError)
		return false, je != nil && je.Deep
	}
	return true, false
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

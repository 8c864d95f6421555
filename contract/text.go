package contract

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/kontrak/kontrak/internal/wire"
)

// Reading a decoded body, and writing what it holds into a finding without echoing personal data.

// decodeJSON decodes one JSON value byte-exactly (wire.DecodeJSONStrict): trailing data, a byte order mark
// or invalid UTF-8 make it not JSON.
func decodeJSON(body []byte) (any, bool) {
	sj, err := wire.DecodeJSONStrict(body)
	if err != nil {
		return nil, false
	}
	return sj.Doc, true
}

// lookupString reads the string at a JSON Pointer; a number or boolean is given in its JSON form.
func lookupString(doc any, pointer string) (string, bool) {
	v, ok := lookupValue(doc, pointer)
	if !ok || v == nil {
		return "", false
	}
	switch t := v.(type) {
	case string:
		return t, true
	case json.Number, bool, float64:
		return fmt.Sprint(t), true
	}
	return "", false
}

// Lookup reads the value at a JSON Pointer of a JSON body.
func Lookup(body []byte, pointer string) (v any, found bool) {
	doc, ok := decodeJSON(body)
	if !ok {
		return nil, false
	}
	return wire.Get(doc, pointer)
}

// lookupValue reads the value at a JSON Pointer of a decoded document (wire.Get); the empty pointer names
// no field of the specs ("no code pointer"), so it finds nothing rather than the whole document.
func lookupValue(doc any, pointer string) (any, bool) {
	if pointer == "" {
		return nil, false
	}
	return wire.Get(doc, pointer)
}

func quoteValue(v any) string { return fmt.Sprintf("%q", cutValue(v)) }

// cutValue is a value's text cut to 80 bytes (at a character's start) and "…": what a finding quotes of
// it, in its message as in its got, so that Finding.Shaped finds the one text it shapes in both.
func cutValue(v any) string {
	s := fmt.Sprint(v)
	if len(s) <= 80 {
		return s
	}
	n := 80
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

func quoteList(l []string) string {
	q := make([]string, len(l))
	for i, s := range l {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, " or ")
}

// shapeOf describes a value without echoing it: a field that breaks a format may hold personal data (a
// date of birth), so digits become 9 and letters A or a ("1989-06-01" is shaped 9999-99-99), and the text
// says it is withheld.
func shapeOf(v any) string {
	s, ok := v.(string)
	if !ok {
		return kindOf(v)
	}
	return "a value shaped " + wire.Shape(s) + " (withheld: personal data)"
}

// textShape describes a vendor's message text without echoing it: a message may quote the request (a
// name read off the card), so only its length and shape are told.
func textShape(s string) string {
	return fmt.Sprintf("a text of %d characters shaped %s (withheld: may hold personal data)", utf8.RuneCountInString(s), wire.Shape(s))
}

// kindOf names a JSON value's type the way the JSON text would, never Go's.
func kindOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case json.Number, float64, int:
		return "a number"
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	}
	return "a value"
}

func joinSource(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, "; ")
}

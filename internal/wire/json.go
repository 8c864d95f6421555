package wire

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	jsonv1 "github.com/go-json-experiment/json/v1"
)

// kontrak reads JSON through one lexer: jsontext, the staging copy of Go's encoding/json/v2 (moving to
// the standard library changes an import path). Every body, HAR entry and NDJSON line is read by it, with
// the one depth limit and the one UTF-8 policy below; what a reader does with the tokens (a document, a
// redaction, the members of a log line) is the reader's business, never a grammar of its own.

// MaxJSONDepth is the deepest nesting of objects and arrays kontrak reads: jsontext's own bound (and
// encoding/json's). A text nested deeper is refused with an error whose Deep is set, never recursed;
// TestOneDepthLimit holds jsontext to this number.
const MaxJSONDepth = 10000

// The UTF-8 policy: a JSON text is UTF-8 (RFC 8259 §8.1), and a string escape stands for a character.
// Invalid UTF-8 is refused, not read as U+FFFD as encoding/json reads it; so is a lone surrogate escape
// ("\ud800" with no low half after it), which names no character and which encoding/json also reads as
// U+FFFD. A byte order mark is refused (§8.1 forbids it), with its own words. Duplicate names are no fault
// of the lexer's: DecodeJSONStrict lists them, and every other reader takes the last, as encoding/json does.
// The options are joined once: a pooled decoder takes them at every Reset.
var lexOptions = jsonv2.JoinOptions(jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(false))

// unmarshalOptions decode into a Go value as encoding/json's Unmarshal does (names matched without
// regard to case, a duplicate name merged into the value before it, null leaving a value as it is), under
// the policy above.
var unmarshalOptions = jsonv2.JoinOptions(jsonv1.DefaultOptionsV1(), jsontext.AllowInvalidUTF8(false))

// JSONError says why a body is not one JSON value, and where: the byte offset of the fault.
type JSONError struct {
	Offset int64
	Reason string
	// Deep: the text nests deeper than MaxJSONDepth (and is valid up to there).
	Deep bool
}

func (e *JSONError) Error() string { return e.Reason + " at byte " + strconv.FormatInt(e.Offset, 10) }

// The byte order marks a body may open with; RFC 8259 §8.1 forbids them in JSON text.
var boms = []struct {
	mark []byte
	name string
}{
	{[]byte{0xEF, 0xBB, 0xBF}, "a UTF-8 byte order mark (EF BB BF)"},
	{[]byte{0xFE, 0xFF}, "a UTF-16 byte order mark (FE FF)"},
	{[]byte{0xFF, 0xFE}, "a UTF-16 byte order mark (FF FE)"},
}

// precheck names, in a text the lexer refused, what has words of its own: a byte order mark, invalid
// UTF-8 (at its first byte, wherever it stands, even after a syntax error) and a text with no value at all.
func precheck(b []byte) *JSONError {
	for _, m := range boms {
		if bytes.HasPrefix(b, m.mark) {
			return &JSONError{Offset: 0, Reason: m.name + " opens the body"}
		}
	}
	if !utf8.Valid(b) {
		return &JSONError{Offset: int64(invalidUTF8(b)), Reason: "invalid UTF-8"}
	}
	if len(bytes.TrimSpace(b)) == 0 { // any white space, as the reader before the lexer said it
		return &JSONError{Offset: 0, Reason: "no JSON value"}
	}
	return nil
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

// trailing refuses anything but white space after the value that ends at end.
func trailing(b []byte, end int64) error {
	rest := b[end:]
	if t := bytes.TrimLeft(rest, " \t\r\n"); len(t) > 0 {
		return &JSONError{Offset: end + int64(len(rest)-len(t)), Reason: "data after the JSON value"}
	}
	return nil
}

// lexError words an error of the lexer reading a text of size bytes.
func lexError(err error, size int64) *JSONError {
	var je *JSONError
	if errors.As(err, &je) {
		return je
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return &JSONError{Offset: size, Reason: "the JSON value is cut short"}
	}
	var se *jsontext.SyntacticError
	if !errors.As(err, &se) { // an error of the reader under a stream
		return &JSONError{Offset: size, Reason: OneLine(err.Error())}
	}
	// jsontext's errors of depth and of a surrogate are not exported values: their words are matched,
	// and TestLexErrors fails the day they change.
	switch msg := se.Err.Error(); {
	case msg == "exceeded max depth":
		return &JSONError{Offset: se.ByteOffset, Reason: "nesting deeper than " + strconv.Itoa(MaxJSONDepth) + " levels", Deep: true}
	case msg == "invalid UTF-8": // in a stream; in a text in memory, precheck names the first bad byte
		return &JSONError{Offset: se.ByteOffset, Reason: "invalid UTF-8"}
	case strings.HasPrefix(msg, "invalid surrogate pair"):
		return &JSONError{Offset: se.ByteOffset, Reason: "a lone surrogate escape (no character) in a string"}
	}
	return &JSONError{Offset: se.ByteOffset, Reason: "not JSON"}
}

// refused is the error of a text a token reader refused with err: CheckJSON's, so that every reader
// words a fault alike (jsontext places some faults differently token by token than value by value).
func refused(b []byte, err error) error {
	if cerr := CheckJSON(b); cerr != nil {
		return cerr
	}
	return lexError(err, int64(len(b)))
}

// A lexer is a jsontext.Decoder reading a text in memory, pooled: a Check reuses one decoder (and its
// state stacks) instead of allocating it per body. The text is read in place (a bytes.Buffer is read
// without a copy) and never written.
type lexer struct {
	dec jsontext.Decoder
	in  bytes.Buffer
	// DecodeJSONStrict's scratch (strictReader), reused. It is not cleared (clearing pointers costs a
	// write barrier each while the collector runs): it may keep the values of a former document alive
	// until they are overwritten or the pool lets the lexer go, at most 4096 of each.
	kvs  []member
	vals []any
}

// keep takes DecodeJSONStrict's scratch back; a scratch grown past 4096 entries is let go.
func (l *lexer) keep(kvs []member, vals []any) {
	if cap(kvs) > 4096 {
		kvs = nil
	}
	if cap(vals) > 4096 {
		vals = nil
	}
	l.kvs, l.vals = kvs[:0], vals[:0]
}

var lexers = sync.Pool{New: func() any { return new(lexer) }}

func newLexer(b []byte) *lexer {
	l := lexers.Get().(*lexer)
	l.in = *bytes.NewBuffer(b)
	l.dec.Reset(&l.in, lexOptions)
	return l
}

// release returns the lexer to the pool. Its decoder still holds the text it read (a second Reset would
// cost as much as the first) until its next use, or until the pool lets it go.
func (l *lexer) release() {
	l.in = bytes.Buffer{}
	lexers.Put(l)
}

// CheckJSON reports whether b is exactly one JSON value (white space around it allowed) under the UTF-8
// policy and depth limit: nil, or a *JSONError. It is DecodeJSONStrict's verdict without the document,
// and the words of every refusal (refused).
func CheckJSON(b []byte) error {
	l := newLexer(b)
	defer l.release()
	_, err := l.dec.ReadValue()
	if err == nil {
		err = trailing(b, l.dec.InputOffset())
	}
	return words(b, err)
}

// words is the error of a text the lexer refused with err (nil: none): the precheck's words first, which
// the lexer, having validated the text as it read it, need not pay for on a text it reads.
func words(b []byte, err error) error {
	if err == nil {
		return nil
	}
	if pe := precheck(b); pe != nil {
		return pe
	}
	return lexError(err, int64(len(b)))
}

// ValidJSON is CheckJSON's verdict as a bool.
func ValidJSON(b []byte) bool { return CheckJSON(b) == nil }

// NewJSONDecoder is a decoder of a stream (a HAR file) under the policy: the lexer, for a reader that
// cuts a text too large to hold into values.
func NewJSONDecoder(r io.Reader) *jsontext.Decoder { return jsontext.NewDecoder(r, lexOptions) }

// JSONErrorOf words an error of a decoder from NewJSONDecoder as DecodeJSONStrict words its errors; a
// stream cut short is cut short at offset, the bytes read so far.
func JSONErrorOf(err error, offset int64) *JSONError { return lexError(err, offset) }

// UnmarshalJSON decodes one JSON value into v as encoding/json's Unmarshal does, under the UTF-8 policy
// and depth limit (github.com/go-json-experiment/json with encoding/json's semantics): for a HAR entry,
// a value whose shape a Go type says.
//
// Its error says where and what kind of value came, never the value (encoding/json's words print a number
// as written, and a number may be a NIK): see UnmarshalError.
func UnmarshalJSON(b []byte, v any) error {
	return unmarshalError(jsonv2.Unmarshal(b, v, unmarshalOptions), b, v)
}

// UnmarshalJSONKnown is UnmarshalJSON that refuses a member v's type does not name (encoding/json's
// DisallowUnknownFields): for a file kontrak wrote itself and reads back (a report), where an unknown
// member says the file is something else.
func UnmarshalJSONKnown(b []byte, v any) error {
	return unmarshalError(jsonv2.Unmarshal(b, v, unmarshalOptions, jsonv2.RejectUnknownMembers(true)), b, v)
}

// unmarshalError words an error of decoding b into v by its place and the kinds at fault:
// "json: a JSON number where an integer goes, at response.status", never the value (a number as written)
// nor a name the input chose (a map's key is "*"). A text that is not JSON is the lexer's *JSONError.
// Anything else is its one line with each quoted part shaped (ShapeQuoted).
func unmarshalError(err error, b []byte, v any) error {
	if err == nil {
		return nil
	}
	var te *jsonv1.UnmarshalTypeError
	if errors.As(err, &te) {
		kind, _, _ := strings.Cut(te.Value, " ") // "number 3174…": its kind alone
		msg := "json: a JSON " + kind + " where " + goKind(te.Type) + " goes"
		if te.Field != "" {
			msg += ", at " + fieldPath(reflect.TypeOf(v), te.Field)
		}
		return errors.New(msg)
	}
	var se *jsontext.SyntacticError
	var sx *jsonv1.SyntaxError
	if errors.As(err, &se) || errors.As(err, &sx) || errors.Is(err, io.ErrUnexpectedEOF) {
		if cerr := CheckJSON(b); cerr != nil {
			return cerr // the lexer's words for the text
		}
		return lexError(err, int64(len(b)))
	}
	return errors.New(ShapeQuoted(OneLine(err.Error())))
}

// fieldPath is a dotted path into a value of type t as encoding/json's errors write it, with the names
// only where t's own fields are (a struct's, matched without regard to case, as the decoder matched them):
// a map's key, which the input chose, is "*", and the path stops there (a key may hold a dot).
func fieldPath(t reflect.Type, path string) string {
	var out []string
	for seg := range strings.SplitSeq(path, ".") {
		for t != nil && t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		switch {
		case t == nil:
			return strings.Join(append(out, "*"), ".")
		case t.Kind() == reflect.Map:
			return strings.Join(append(out, "*"), ".")
		case t.Kind() == reflect.Slice || t.Kind() == reflect.Array:
			if strings.Trim(seg, "0123456789") != "" || len(seg) > 9 {
				return strings.Join(append(out, "*"), ".")
			}
			out, t = append(out, seg), t.Elem()
		case t.Kind() == reflect.Struct:
			f, ok := jsonField(t, seg)
			if !ok {
				return strings.Join(append(out, "*"), ".")
			}
			out, t = append(out, f.name), f.typ
		default:
			return strings.Join(append(out, "*"), ".")
		}
	}
	return strings.Join(out, ".")
}

type namedField struct {
	name string
	typ  reflect.Type
}

// jsonField is the field of struct t a member of that name decodes into (by its json tag, else its Go
// name, without regard to case), named as t names it.
func jsonField(t reflect.Type, name string) (namedField, bool) {
	for _, f := range TaggedFields(t, "json", func(n string) string { return n }) {
		if strings.EqualFold(f.Name, name) {
			return namedField{f.Name, f.Type}, true
		}
	}
	return namedField{}, false
}

// TaggedField is an exported field of a struct as a decoder keyed by a tag names it.
type TaggedField struct {
	Name string
	Type reflect.Type
}

// TaggedFields lists the exported fields of struct t in declaration order, each named by its tag's name
// (json, yaml) or, untagged, by untagged of its Go name; a tag of "-" is no field.
func TaggedFields(t reflect.Type, tag string, untagged func(string) string) []TaggedField {
	var out []TaggedField
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		n, _, _ := strings.Cut(f.Tag.Get(tag), ",")
		if n == "-" {
			continue
		}
		if n == "" {
			n = untagged(f.Name)
		}
		out = append(out, TaggedField{n, f.Type})
	}
	return out
}

// goKind names a Go type as a JSON reader would: what kind of JSON value goes there.
func goKind(t reflect.Type) string {
	if t == nil {
		return "no value"
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Struct, reflect.Map:
		return "an object"
	}
	return "a value of " + t.Kind().String()
}

// JSONString reads a JSON string literal (quotes included) that the lexer has read: ok is false for
// anything else.
func JSONString(raw []byte) (string, bool) {
	if len(raw) < 2 || raw[0] != '"' {
		return "", false
	}
	if bytes.IndexByte(raw, '\\') < 0 {
		return string(raw[1 : len(raw)-1]), true
	}
	s, err := jsontext.AppendUnquote(nil, raw)
	if err != nil {
		return "", false
	}
	return string(s), true
}

// JSONMember is one member of an object, in the order written: its name, and its value as written.
type JSONMember struct {
	Name  string
	Value []byte // a slice of the text read: valid JSON, white space trimmed
}

// JSONMembers cuts b, which must be exactly one JSON object, into its members without decoding their
// values: a log line is read once, and only the fields a reader uses are decoded. A name given twice is
// given twice. The error is a *JSONError; an array or a scalar is "not a JSON object".
//
// With a set of known names (their text, each mapped to itself), only the members of those names are
// given, named by the set's own string: a reader that looks up a few names costs no string a member
// (issue 18: the names were a tenth of what a log check allocated). The verdict is the same.
func JSONMembers(b []byte, known map[string]string) ([]JSONMember, error) {
	out := make([]JSONMember, 0, 8)
	err := cutContainer(b, '{', "not a JSON object", func(d *jsontext.Decoder) error {
		raw, err := d.ReadValue() // the name
		if err != nil {
			return err
		}
		var name string
		keep := true
		if known != nil && len(raw) >= 2 && bytes.IndexByte(raw, '\\') < 0 {
			name, keep = known[string(raw[1:len(raw)-1])] // looked up without a copy
		} else {
			var ok bool
			if name, ok = JSONString(raw); !ok {
				return errors.New("a member name is not a string")
			}
			if known != nil {
				_, keep = known[name]
			}
		}
		v, err := d.ReadValue()
		if err != nil {
			return err
		}
		if keep {
			end := d.InputOffset()
			out = append(out, JSONMember{Name: name, Value: b[end-int64(len(v)) : end : end]})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// JSONStrings is one member of an object of strings, as a log writes a header set: its name and its
// values (a string is one value, a null one empty value, an array its elements, a null element empty).
// OK is false for a member that is none of these (Array: it is an array, with an element that is
// neither a string nor a null); its Values are then nil.
type JSONStrings struct {
	Name      string
	Values    []string
	OK, Array bool
}

// JSONStringLists reads b, which must be exactly one JSON object, into its members in order, each as
// JSONStrings, in one pass of the lexer (no member's value is cut and read again). A name given twice is
// given twice. The error is a *JSONError; an array or a scalar is "not a JSON object".
func JSONStringLists(b []byte) ([]JSONStrings, error) {
	l := newLexer(b)
	defer l.release()
	d := &l.dec
	if d.PeekKind() != '{' {
		if err := CheckJSON(b); err != nil {
			return nil, err
		}
		return nil, &JSONError{Offset: int64(len(b) - len(bytes.TrimLeft(b, " \t\r\n"))), Reason: "not a JSON object"}
	}
	if _, err := d.ReadToken(); err != nil {
		return nil, refused(b, err)
	}
	out := make([]JSONStrings, 0, 4)
	for d.PeekKind() != '}' {
		name, err := d.ReadToken()
		if err != nil {
			return nil, refused(b, err)
		}
		m := JSONStrings{Name: name.String(), OK: true}
		switch d.PeekKind() {
		case '"', 'n':
			v, err := d.ReadToken()
			if err != nil {
				return nil, refused(b, err)
			}
			m.Values = []string{stringOrEmpty(v)}
		case '[':
			m.Array = true
			if _, err := d.ReadToken(); err != nil {
				return nil, refused(b, err)
			}
			for d.PeekKind() != ']' {
				if k := d.PeekKind(); k != '"' && k != 'n' {
					m.OK = false
					if err := d.SkipValue(); err != nil {
						return nil, refused(b, err)
					}
					continue
				}
				v, err := d.ReadToken()
				if err != nil {
					return nil, refused(b, err)
				}
				if m.OK {
					m.Values = append(m.Values, stringOrEmpty(v))
				}
			}
			if _, err := d.ReadToken(); err != nil {
				return nil, refused(b, err)
			}
		default:
			m.OK = false
			if err := d.SkipValue(); err != nil {
				return nil, refused(b, err)
			}
		}
		if !m.OK {
			m.Values = nil
		}
		out = append(out, m)
	}
	if _, err := d.ReadToken(); err != nil {
		return nil, refused(b, err)
	}
	if err := trailing(b, d.InputOffset()); err != nil {
		return nil, refused(b, err)
	}
	return out, nil
}

// stringOrEmpty is a string token's text, or "" for a null.
func stringOrEmpty(t jsontext.Token) string {
	if t.Kind() == 'n' {
		return ""
	}
	return t.String()
}

// JSONElements cuts b, which must be exactly one JSON array, into its elements without decoding them,
// as JSONMembers cuts an object. The error is a *JSONError; anything else is "not a JSON array".
func JSONElements(b []byte) ([][]byte, error) {
	out := make([][]byte, 0, 4)
	err := cutContainer(b, '[', "not a JSON array", func(d *jsontext.Decoder) error {
		v, err := d.ReadValue()
		if err != nil {
			return err
		}
		end := d.InputOffset()
		out = append(out, b[end-int64(len(v)):end:end])
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// cutContainer reads b, which must be exactly one JSON object ('{') or array ('['), calling each at every
// member or element until the container closes; anything else is the error not (after CheckJSON has said
// what is wrong with b, if anything).
func cutContainer(b []byte, open byte, not string, each func(d *jsontext.Decoder) error) error {
	l := newLexer(b)
	defer l.release()
	d := &l.dec
	if k := d.PeekKind(); k != jsontext.Kind(open) {
		if err := CheckJSON(b); err != nil {
			return err
		}
		return &JSONError{Offset: int64(len(b) - len(bytes.TrimLeft(b, " \t\r\n"))), Reason: not}
	}
	if _, err := d.ReadToken(); err != nil {
		return refused(b, err)
	}
	close := jsontext.Kind(open + 2) // '{'+2 is '}', '['+2 is ']'
	for d.PeekKind() != close {
		if err := each(d); err != nil {
			return refused(b, err)
		}
	}
	if _, err := d.ReadToken(); err != nil {
		return refused(b, err)
	}
	if err := trailing(b, d.InputOffset()); err != nil {
		return refused(b, err)
	}
	return nil
}

// JSONScalar is one string, number, true, false or null of a text WalkJSON reads.
type JSONScalar struct {
	// Pointer is its JSON Pointer: WalkJSON's buffer, valid only during the call (string(Pointer) keeps it).
	Pointer []byte
	// Name is its member name in the object that holds it; "" in an array or at the top (Member false).
	Name   string
	Member bool
	// String: a string, and Value is what it says (escapes undone); else Value is the literal as written.
	String bool
	Value  string
	// Start and End are its bytes in the text, quotes included.
	Start, End int
}

// JSONVisitor is what WalkJSON tells as it reads: Open as an object or array opens (with its member name,
// as a scalar's), Close as it closes, Scalar for each scalar, in the order written.
type JSONVisitor struct {
	Open   func(name string, member bool)
	Close  func()
	Scalar func(s *JSONScalar)
}

// WalkJSON reads text, which must be exactly one JSON value (CheckJSON), and then walks it, token by
// token: nothing is visited unless the whole text is valid, so that a reader never acts on half a text.
// The error is CheckJSON's. Names and strings without escapes are substrings of text, not copies, and a
// pointer is built as the walk goes: time and memory are linear in the text, whatever its depth.
func WalkJSON(text string, v JSONVisitor) error {
	b := []byte(text)
	if err := CheckJSON(b); err != nil {
		return err
	}
	l := newLexer(b)
	defer l.release()
	d := &l.dec
	type frame struct {
		mark   int // the pointer's length at the container
		object bool
		n      int // the next element's index
	}
	var (
		stack  []frame
		ptr    []byte
		sc     JSONScalar
		name   string
		member bool
	)
	str := func(raw []byte, end int) (string, error) {
		start := end - len(raw)
		if bytes.IndexByte(raw, '\\') < 0 {
			return text[start+1 : end-1], nil
		}
		s, err := jsontext.AppendUnquote(nil, raw)
		return string(s), err
	}
	for {
		k := d.PeekKind()
		if k == '}' || k == ']' {
			if _, err := d.ReadToken(); err != nil {
				return lexError(err, int64(len(b)))
			}
			top := len(stack) - 1
			ptr = ptr[:stack[top].mark]
			stack = stack[:top]
			if v.Close != nil {
				v.Close()
			}
			if len(stack) == 0 {
				return nil
			}
			continue
		}
		name, member = "", false
		if top := len(stack) - 1; top >= 0 {
			f := &stack[top]
			ptr = append(ptr[:f.mark], '/')
			if f.object {
				raw, err := d.ReadValue()
				if err != nil {
					return lexError(err, int64(len(b)))
				}
				if name, err = str(raw, int(d.InputOffset())); err != nil {
					return lexError(err, int64(len(b)))
				}
				member = true
				ptr = appendEscaped(ptr, name)
				k = d.PeekKind()
			} else {
				ptr = strconv.AppendInt(ptr, int64(f.n), 10)
				f.n++
			}
		}
		if k == '{' || k == '[' {
			if _, err := d.ReadToken(); err != nil {
				return lexError(err, int64(len(b)))
			}
			if v.Open != nil {
				v.Open(name, member)
			}
			stack = append(stack, frame{mark: len(ptr), object: k == '{'})
			continue
		}
		raw, err := d.ReadValue()
		if err != nil {
			return lexError(err, int64(len(b)))
		}
		end := int(d.InputOffset())
		sc = JSONScalar{Pointer: ptr, Name: name, Member: member, String: k == '"', Start: end - len(raw), End: end}
		if sc.String {
			if sc.Value, err = str(raw, end); err != nil {
				return lexError(err, int64(len(b)))
			}
		} else {
			sc.Value = text[sc.Start:end]
		}
		if v.Scalar != nil {
			v.Scalar(&sc)
		}
		if len(stack) == 0 {
			return nil
		}
	}
}

// appendEscaped appends a JSON Pointer reference token: "~" as "~0", "/" as "~1" (Escape).
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

package contract

import (
	"fmt"
	"io/fs"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/kontrak/kontrak/internal/wire"
	"github.com/xeipuuv/gojsonreference"
	"github.com/xeipuuv/gojsonschema"
)

// SchemaTypes lists a schema's JSON Schema types as it writes them, in its order ("string", or [string,
// integer]); nil when it names none.
func SchemaTypes(s map[string]any) []string {
	switch t := s["type"].(type) {
	case string:
		return []string{t}
	case []any:
		var out []string
		for _, x := range t {
			if str, ok := x.(string); ok {
				out = append(out, str)
			}
		}
		return out
	}
	return nil
}

// DateFormats are the date notations a schema may name in "format", with the Go layout that checks them.
// They are notations, not vendor facts: which field uses which is said by the schemas.
var DateFormats = map[string]string{
	"dd-mm-yyyy": "02-01-2006",
	"yyyy/mm/dd": "2006/01/02",
}

type dateFormat struct{ layout string }

func (d dateFormat) IsFormat(input any) bool {
	s, ok := input.(string)
	if !ok {
		return true // formats constrain strings only; the type rule reports the rest
	}
	_, err := time.Parse(d.layout, s)
	return err == nil
}

// uuidFormat is RFC 9562's UUID text: 8-4-4-4-12 hex digits, either case.
type uuidFormat struct{}

var uuidText = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

func (uuidFormat) IsFormat(input any) bool {
	s, ok := input.(string)
	return !ok || uuidText.MatchString(s)
}

var registerFormats sync.Once

// compiledSchema is one schema file, compiled.
type compiledSchema struct {
	file   string
	schema *gojsonschema.Schema
	// verdict is the verdict-only validator of the same schema (verdict.go); nil when the schema uses a
	// keyword it does not implement.
	verdict *vnode
	// marked are the places the schema marks with x-kontrak-basis (Field.Basis), as token lists ("*": any
	// array index), deepest last.
	marked []markedPlace
}

type markedPlace struct {
	tokens []string
	basis  string
}

// basisAt is the x-kontrak-basis of the nearest place at or above pointer that the schema marks; "" for a
// place the document states.
func (c *compiledSchema) basisAt(pointer string) string {
	if len(c.marked) == 0 {
		return ""
	}
	tokens, err := wire.Split(pointer)
	if err != nil {
		return ""
	}
	basis, depth := "", -1
	for _, m := range c.marked {
		if len(m.tokens) > len(tokens) || len(m.tokens) <= depth {
			continue
		}
		match := true
		for i, t := range m.tokens {
			if t != tokens[i] && t != "*" {
				match = false
				break
			}
		}
		if match {
			basis, depth = m.basis, len(m.tokens)
		}
	}
	return basis
}

// schemaSet compiles each schema file once, resolving relative $refs inside the same FS.
type schemaSet struct {
	fsys  fs.FS
	cache map[string]*compiledSchema
}

func newSchemaSet(fsys fs.FS) *schemaSet {
	registerFormats.Do(func() {
		for name, layout := range DateFormats {
			gojsonschema.FormatCheckers.Add(name, dateFormat{layout})
		}
		// gojsonschema's uuid refuses upper-case hex, which RFC 9562 §4 allows on input ("case-insensitive").
		gojsonschema.FormatCheckers.Add("uuid", uuidFormat{})
	})
	return &schemaSet{fsys: fsys, cache: map[string]*compiledSchema{}}
}

func (s *schemaSet) get(file string) (*compiledSchema, error) {
	if c, ok := s.cache[file]; ok {
		return c, nil
	}
	if _, err := fs.Stat(s.fsys, file); err != nil {
		return nil, fmt.Errorf("schema %s: %v", file, err)
	}
	loader := gojsonschema.NewSchemaLoader()
	loader.Draft = gojsonschema.Draft7
	loader.AutoDetect = false
	sch, err := loader.Compile(gojsonschema.NewReferenceLoaderFileSystem("file:///"+file, http.FS(s.fsys)))
	if err != nil {
		return nil, fmt.Errorf("schema %s: %s", file, oneLine(err.Error()))
	}
	c := &compiledSchema{file: file, schema: sch, verdict: compileVerdict(s.fsys, file)}
	fields, err := SchemaFields(s.fsys, file)
	if err != nil {
		return nil, err
	}
	for _, f := range fields {
		if f.Basis == "" {
			continue
		}
		tokens, _ := wire.Split(f.Pointer)
		c.marked = append(c.marked, markedPlace{tokens, f.Basis})
	}
	s.cache[file] = c
	return c, nil
}

// violation is one schema error, with its JSON Pointer.
type violation struct {
	kind    string // gojsonschema's error type
	pointer string
	field   string // the property, for required / additional properties
	desc    string
	details gojsonschema.ErrorDetails
	value   any
}

// decodedLoader hands gojsonschema a document kontrak has already decoded. gojsonschema's own
// NewGoLoader marshals its input back to JSON and decodes it again (to normalise Go values into the
// types it validates: map[string]any, []any, string, bool, nil and json.Number); decodeJSON already
// yields exactly those types, so that round trip was nearly half the cost of a Check, for nothing.
// The validator reads the document and never changes it.
type decodedLoader struct{ doc any }

func (l decodedLoader) JsonSource() any        { return l.doc }
func (l decodedLoader) LoadJSON() (any, error) { return l.doc, nil }
func (l decodedLoader) LoaderFactory() gojsonschema.JSONLoaderFactory {
	return &gojsonschema.DefaultJSONLoaderFactory{}
}
func (l decodedLoader) JsonReference() (gojsonreference.JsonReference, error) {
	return gojsonreference.NewJsonReference("#")
}

// validate judges doc, which must come from decodeJSON (json.Number for numbers).
func (c *compiledSchema) validate(doc any) ([]violation, error) {
	if c.verdict != nil && c.verdict.valid(doc) {
		return nil, nil // conforms: gojsonschema would say nothing (FuzzSchemaVerdict)
	}
	res, err := c.schema.Validate(decodedLoader{doc})
	if err != nil {
		return nil, err
	}
	var out []violation
	for _, e := range res.Errors() {
		v := violation{kind: e.Type(), pointer: contextPointer(e.Context()), desc: e.Description(), details: e.Details(), value: e.Value()}
		if p, ok := e.Details()["property"].(string); ok {
			v.field = p
		}
		out = append(out, v)
	}
	return out, nil
}

// conforms is validate's verdict alone, for a caller that needs no finding: the verdict validator answers
// it where it can (FuzzSchemaVerdict holds it to gojsonschema's), so a body that does not conform costs no
// gojsonschema run, whose error messages would be built and thrown away (issue 24: 6% of an NDJSON
// check's CPU, on error bodies asked whether they are success bodies).
func (c *compiledSchema) conforms(doc any) (bool, error) {
	if c.verdict != nil {
		return c.verdict.valid(doc), nil
	}
	res, err := c.schema.Validate(decodedLoader{doc})
	if err != nil {
		return false, err
	}
	return res.Valid(), nil
}

// contextPointer turns gojsonschema's "(root).a.b" context into an RFC 6901 pointer, escaping each token.
func contextPointer(ctx *gojsonschema.JsonContext) string {
	if ctx == nil {
		return ""
	}
	const sep = "\x00"
	parts := strings.Split(ctx.String(sep), sep)
	var b strings.Builder
	for _, p := range parts[1:] { // parts[0] is "(root)"
		b.WriteString("/")
		b.WriteString(wire.Escape(p))
	}
	return b.String()
}

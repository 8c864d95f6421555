package contract

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"math/big"
	"path"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/kontrak/kontrak/internal/wire"
	"github.com/xeipuuv/gojsonschema"
)

// A schema's verdict alone — does this body conform? — is what most answers need: a conforming body has no
// schema finding. gojsonschema answers it at the price of an error value, a context and a formatted message
// for every failed inner schema, even one an if or an anyOf discards: about a third of a Check
// (BenchmarkCheck, BenchmarkRatio). So each schema is also compiled here into a verdict-only validator for
// the keywords kontrak's schemas use, and gojsonschema is asked only when that validator says the body does
// not conform, to give the findings. The validator is conservative: a schema with a keyword it does not
// implement gets none (every body goes to gojsonschema), and FuzzSchemaVerdict holds it to gojsonschema's
// verdict on every schema and any body. Formats are gojsonschema's own checkers, so a format is judged the
// same way by both.

// vnode is one compiled subschema.
type vnode struct {
	ref *vnode // $ref: in draft-07 the reference replaces its siblings

	types      []string // "type": empty for any
	required   []string
	properties map[string]*vnode
	additional *vnode // additionalProperties as a schema
	closed     bool   // additionalProperties: false
	items      *vnode
	pattern    *regexp.Regexp
	minLength  int // -1: none
	maxLength  int // -1: none
	minimum    *big.Rat
	maximum    *big.Rat
	format     string
	allOf      []*vnode
	anyOf      []*vnode
	ifs        *vnode
	then, els  *vnode
}

// annotations are keywords that constrain nothing.
var annotations = map[string]bool{"$comment": true, "$schema": true, "$id": true, "title": true, "description": true,
	"examples": true, "default": true, "definitions": true, "$defs": true, "readOnly": true, "writeOnly": true}

// verdictCompiler compiles the schema files of an FS, each once, following $refs inside a file and to its
// siblings.
type verdictCompiler struct {
	fsys  fs.FS
	docs  map[string]any
	nodes map[string]*vnode // by file#pointer
}

// compileVerdict compiles file's schema; nil when it uses a keyword the verdict validator does not
// implement (then gojsonschema judges every body).
func compileVerdict(fsys fs.FS, file string) *vnode {
	vc := &verdictCompiler{fsys: fsys, docs: map[string]any{}, nodes: map[string]*vnode{}}
	n, err := vc.at(file, "")
	if err != nil {
		return nil
	}
	return n
}

func (vc *verdictCompiler) at(file, ptr string) (*vnode, error) {
	key := file + "#" + ptr
	if n, ok := vc.nodes[key]; ok {
		return n, nil
	}
	doc, ok := vc.docs[file]
	if !ok {
		b, err := fs.ReadFile(vc.fsys, file)
		if err != nil {
			return nil, err
		}
		sj, err := wire.DecodeJSONStrict(b)
		if err != nil {
			return nil, err
		}
		doc = sj.Doc
		vc.docs[file] = doc
	}
	s, ok := wire.Get(doc, ptr)
	if !ok {
		return nil, fmt.Errorf("%s#%s: no such schema", file, ptr)
	}
	n := &vnode{minLength: -1, maxLength: -1}
	vc.nodes[key] = n // before its children: a recursive $ref finds it
	if err := vc.compile(n, file, ptr, s); err != nil {
		return nil, err
	}
	return n, nil
}

var errUnsupported = fmt.Errorf("a keyword the verdict validator does not implement")

func (vc *verdictCompiler) compile(n *vnode, file, ptr string, s any) error {
	m, ok := s.(map[string]any)
	if !ok {
		return errUnsupported // a boolean schema, or not a schema
	}
	sub := func(key string, v any) (*vnode, error) {
		p := ptr + "/" + key
		if _, ok := v.(map[string]any); !ok {
			return nil, errUnsupported
		}
		return vc.at(file, p)
	}
	if r, ok := m["$ref"].(string); ok {
		f, frag, _ := strings.Cut(r, "#")
		target := file
		if f != "" {
			target = path.Join(path.Dir(file), f)
		}
		t, err := vc.at(target, frag)
		if err != nil {
			return err
		}
		n.ref = t
		return nil
	}
	for k, v := range m {
		var err error
		switch k {
		case "type":
			switch t := v.(type) {
			case string:
				n.types = []string{t}
			case []any:
				for _, x := range t {
					s, ok := x.(string)
					if !ok {
						return errUnsupported
					}
					n.types = append(n.types, s)
				}
			default:
				return errUnsupported
			}
		case "required":
			l, ok := v.([]any)
			if !ok {
				return errUnsupported
			}
			for _, x := range l {
				s, ok := x.(string)
				if !ok {
					return errUnsupported
				}
				n.required = append(n.required, s)
			}
		case "properties":
			props, ok := v.(map[string]any)
			if !ok {
				return errUnsupported
			}
			n.properties = map[string]*vnode{}
			for name := range props {
				if n.properties[name], err = sub("properties/"+wire.Escape(name), props[name]); err != nil {
					return err
				}
			}
		case "additionalProperties":
			switch t := v.(type) {
			case bool:
				n.closed = !t
			default:
				if n.additional, err = sub(k, t); err != nil {
					return err
				}
			}
		case "items", "if", "then", "else":
			child := map[string]**vnode{"items": &n.items, "if": &n.ifs, "then": &n.then, "else": &n.els}[k]
			if *child, err = sub(k, v); err != nil {
				return err
			}
		case "pattern":
			s, ok := v.(string)
			if !ok {
				return errUnsupported
			}
			if n.pattern, err = regexp.Compile(s); err != nil {
				return errUnsupported
			}
		case "minLength", "maxLength":
			num, ok := v.(json.Number)
			i, err := num.Int64()
			if !ok || err != nil || i < 0 {
				return errUnsupported
			}
			if k == "minLength" {
				n.minLength = int(i)
			} else {
				n.maxLength = int(i)
			}
		case "minimum", "maximum":
			num, ok := v.(json.Number)
			r, ok2 := new(big.Rat).SetString(num.String())
			if !ok || !ok2 {
				return errUnsupported
			}
			if k == "minimum" {
				n.minimum = r
			} else {
				n.maximum = r
			}
		case "format":
			s, ok := v.(string)
			if !ok {
				return errUnsupported
			}
			n.format = s
		case "allOf", "anyOf":
			l, ok := v.([]any)
			if !ok {
				return errUnsupported
			}
			for i, x := range l {
				c, err := sub(fmt.Sprintf("%s/%d", k, i), x)
				if err != nil {
					return err
				}
				if k == "allOf" {
					n.allOf = append(n.allOf, c)
				} else {
					n.anyOf = append(n.anyOf, c)
				}
			}
		default:
			if !annotations[k] && !strings.HasPrefix(k, "x-") {
				return errUnsupported // x-…: kontrak's own annotations (x-kontrak-basis), as for gojsonschema
			}
		}
	}
	return nil
}

// valid reports whether v conforms; v is a document as decodeJSON gives it (json.Number numbers).
func (n *vnode) valid(v any) bool {
	if n.ref != nil {
		return n.ref.valid(v)
	}
	if len(n.types) > 0 && !slices.ContainsFunc(n.types, func(t string) bool { return hasType(v, t) }) {
		return false
	}
	switch t := v.(type) {
	case map[string]any:
		for _, r := range n.required {
			if _, ok := t[r]; !ok {
				return false
			}
		}
		for k, x := range t {
			if p, ok := n.properties[k]; ok {
				if !p.valid(x) {
					return false
				}
				continue
			}
			if n.closed || n.additional != nil && !n.additional.valid(x) {
				return false
			}
		}
	case []any:
		if n.items != nil {
			for _, x := range t {
				if !n.items.valid(x) {
					return false
				}
			}
		}
	case string:
		if n.pattern != nil && !n.pattern.MatchString(t) {
			return false
		}
		if n.minLength >= 0 || n.maxLength >= 0 {
			l := utf8.RuneCountInString(t)
			if n.minLength >= 0 && l < n.minLength || n.maxLength >= 0 && l > n.maxLength {
				return false
			}
		}
		if n.format != "" && !gojsonschema.FormatCheckers.IsFormat(n.format, t) {
			return false
		}
	case json.Number:
		if n.minimum != nil || n.maximum != nil {
			r, ok := new(big.Rat).SetString(t.String())
			if !ok || n.minimum != nil && r.Cmp(n.minimum) < 0 || n.maximum != nil && r.Cmp(n.maximum) > 0 {
				return false
			}
		}
	}
	for _, c := range n.allOf {
		if !c.valid(v) {
			return false
		}
	}
	if len(n.anyOf) > 0 && !slices.ContainsFunc(n.anyOf, func(c *vnode) bool { return c.valid(v) }) {
		return false
	}
	if n.ifs != nil {
		if n.ifs.valid(v) {
			if n.then != nil && !n.then.valid(v) {
				return false
			}
		} else if n.els != nil && !n.els.valid(v) {
			return false
		}
	}
	return true
}

// hasType reports whether v is of JSON Schema type t, as gojsonschema reads it: an integer is a number
// whose value is integral (1.0 is one; how it is written is number-not-integer's business).
func hasType(v any, t string) bool {
	switch x := v.(type) {
	case nil:
		return t == "null"
	case bool:
		return t == "boolean"
	case string:
		return t == "string"
	case map[string]any:
		return t == "object"
	case []any:
		return t == "array"
	case json.Number:
		if t == "number" {
			return true
		}
		if t == "integer" {
			r, ok := new(big.Rat).SetString(x.String())
			return ok && r.IsInt()
		}
	}
	return false
}

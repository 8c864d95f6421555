package contract

import (
	"fmt"
	"io/fs"
	"maps"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/kontrak/kontrak/internal/wire"
)

// Field is one place of a response body as its schema describes it: what a reviewer checks and what
// a diff compares. A field the schema reaches through several branches (then and else of an if) is
// one Field, its types and formats the union of the branches'.
type Field struct {
	// Pointer is the JSON Pointer of the field; "/*" stands for every item of an array.
	Pointer string `json:"pointer"`
	// Types are the JSON types allowed, sorted; empty for any.
	Types []string `json:"types,omitempty"`
	// Formats are the formats named ("dd-mm-yyyy", "uuid"), sorted.
	Formats []string `json:"formats,omitempty"`
	// Required is "yes" (always), "when" (only in a conditional branch, then/else/anyOf/oneOf) or "no".
	Required string `json:"required"`
	// Set is the closed set of values (enum, const, or an anchored alternation pattern), sorted; nil
	// for an open field.
	Set         []string `json:"set,omitempty"`
	Description string   `json:"description,omitempty"`
	// Basis is the schema's x-kontrak-basis at this place or above it: "inferred" (our reading of the
	// document, not its word) or "maybe-empty" (a field the document says may be empty); "" where the
	// document states the field. A finding at such a place is a notice (Policy).
	Basis string `json:"basis,omitempty"`
}

// Fields flattens the schema of a documented response into its fields (see SchemaFields); nil, nil for a
// response with no schema. The result is computed once a schema file and shared: callers must not change it.
func (c *Contract) Fields(r *Response) ([]Field, error) {
	if r == nil || r.SchemaFile == "" {
		return nil, nil
	}
	c.fieldsMu.Lock()
	defer c.fieldsMu.Unlock()
	if fs, ok := c.fields[r.SchemaFile]; ok {
		return fs, nil
	}
	fs, err := SchemaFields(c.fsys, r.SchemaFile)
	if err != nil {
		return nil, err
	}
	if c.fields == nil {
		c.fields = map[string][]Field{}
	}
	c.fields[r.SchemaFile] = fs
	return fs, nil
}

// SchemaFields flattens the schema file of fsys (e.g. "schemas/ekycpro/idOcrGeneral.200.json") into its
// fields, sorted by pointer. $refs are followed inside the file (#/definitions/...) and to sibling
// files; an "if" is a condition, not a shape, and is not walked.
func SchemaFields(fsys fs.FS, file string) ([]Field, error) {
	w := &walker{fsys: fsys, docs: map[string]any{}, by: map[string]*fieldAcc{}}
	root, err := w.doc(file)
	if err != nil {
		return nil, err
	}
	if err := w.walk(file, root, "", false, 0, ""); err != nil {
		return nil, err
	}
	out := make([]Field, 0, len(w.by))
	for p, a := range w.by {
		f := Field{Pointer: p, Types: slices.Sorted(maps.Keys(a.types)), Formats: slices.Sorted(maps.Keys(a.formats)), Description: a.desc, Required: "no"}
		if len(a.bases) == 1 {
			f.Basis = slices.Sorted(maps.Keys(a.bases))[0] // one basis on every branch ("" if any branch marks nothing)
		}
		switch {
		case a.required:
			f.Required = "yes"
		case a.when:
			f.Required = "when"
		}
		if a.set != nil {
			f.Set = slices.Sorted(maps.Keys(a.set))
		}
		if a.anyType {
			f.Types = nil
		}
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Pointer < out[j].Pointer })
	return out, nil
}

type fieldAcc struct {
	types, formats, set map[string]bool
	anyType             bool
	required, when      bool
	desc                string
	// bases are the x-kontrak-basis of every branch that reaches the place, "" for a branch that marks
	// nothing: the place is marked only where every branch marks it.
	bases map[string]bool
}

type walker struct {
	fsys fs.FS
	docs map[string]any
	by   map[string]*fieldAcc
}

func (w *walker) doc(file string) (any, error) {
	if d, ok := w.docs[file]; ok {
		return d, nil
	}
	b, err := fs.ReadFile(w.fsys, file)
	if err != nil {
		return nil, fmt.Errorf("schema %s: %v", file, err)
	}
	var d any
	if err := wire.UnmarshalJSON(b, &d); err != nil {
		return nil, fmt.Errorf("schema %s: %v", file, err)
	}
	w.docs[file] = d
	return d, nil
}

func (w *walker) acc(ptr string) *fieldAcc {
	a := w.by[ptr]
	if a == nil {
		a = &fieldAcc{types: map[string]bool{}, formats: map[string]bool{}}
		w.by[ptr] = a
	}
	return a
}

// alternation is a pattern that lists its values: ^A$ or ^(A|B)$ with plain words.
var alternation = regexp.MustCompile(`^\^\(?([A-Za-z0-9_ .-]+(?:\|[A-Za-z0-9_ .-]+)*)\)?\$$`)

// walk records the schema s at ptr. cond says the place is reached only through a conditional branch.
// basis is the x-kontrak-basis that holds at s: its own, else the one it inherits from the place above (or
// the $ref) that led to it.
func (w *walker) walk(file string, s any, ptr string, cond bool, depth int, basis string) error {
	m, ok := s.(map[string]any)
	if !ok || depth > 32 {
		return nil
	}
	if b, ok := m["x-kontrak-basis"].(string); ok {
		basis = b
	}
	if ref, ok := m["$ref"].(string); ok {
		target, tfile, err := w.resolve(file, ref)
		if err != nil {
			return err
		}
		if err := w.walk(tfile, target, ptr, cond, depth+1, basis); err != nil {
			return err
		}
	}
	if ptr != "" || len(m) > 0 {
		a := w.acc(ptr)
		switch t := m["type"].(type) {
		case string:
			a.types[t] = true
		case []any:
			for _, x := range t {
				if s, ok := x.(string); ok {
					a.types[s] = true
				}
			}
		}
		if f, ok := m["format"].(string); ok {
			a.formats[f] = true
		}
		if d, ok := m["description"].(string); ok && a.desc == "" {
			a.desc = d
		}
		if a.bases == nil {
			a.bases = map[string]bool{}
		}
		a.bases[basis] = true
		addSet := func(vals ...string) {
			if a.set == nil {
				a.set = map[string]bool{}
			}
			for _, v := range vals {
				a.set[v] = true
			}
		}
		if e, ok := m["enum"].([]any); ok {
			for _, v := range e {
				addSet(fmt.Sprint(v))
			}
		}
		if c, ok := m["const"]; ok {
			addSet(fmt.Sprint(c))
		}
		if p, ok := m["pattern"].(string); ok {
			if sm := alternation.FindStringSubmatch(p); sm != nil {
				addSet(strings.Split(sm[1], "|")...)
			}
		}
	}
	req := map[string]bool{}
	if r, ok := m["required"].([]any); ok {
		for _, x := range r {
			if s, ok := x.(string); ok {
				req[s] = true
			}
		}
	}
	if props, ok := m["properties"].(map[string]any); ok {
		for name, ps := range props {
			child := ptr + "/" + wire.Escape(name)
			if err := w.walk(file, ps, child, cond, depth+1, basis); err != nil {
				return err
			}
		}
	}
	for name := range req {
		child := ptr + "/" + wire.Escape(name)
		a := w.acc(child)
		if cond {
			a.when = true
		} else {
			a.required = true
		}
	}
	if it, ok := m["items"]; ok {
		if err := w.walk(file, it, ptr+"/*", cond, depth+1, basis); err != nil {
			return err
		}
	}
	if all, ok := m["allOf"].([]any); ok {
		for _, s := range all {
			if err := w.walk(file, s, ptr, cond, depth+1, basis); err != nil {
				return err
			}
		}
	}
	for _, k := range []string{"anyOf", "oneOf"} {
		if l, ok := m[k].([]any); ok {
			for _, s := range l {
				if err := w.walk(file, s, ptr, true, depth+1, basis); err != nil {
					return err
				}
			}
		}
	}
	for _, k := range []string{"then", "else"} {
		if s, ok := m[k]; ok {
			if err := w.walk(file, s, ptr, true, depth+1, basis); err != nil {
				return err
			}
		}
	}
	return nil
}

// resolve follows a $ref: "#/definitions/x" in file, or "other.json[#/...]" beside it.
func (w *walker) resolve(file, ref string) (any, string, error) {
	target, frag, _ := strings.Cut(ref, "#")
	if target != "" {
		file = path.Join(path.Dir(file), target)
	}
	d, err := w.doc(file)
	if err != nil {
		return nil, "", err
	}
	if frag == "" {
		return d, file, nil
	}
	v, ok := wire.Get(d, frag)
	if !ok {
		return nil, "", fmt.Errorf("schema %s: $ref %q resolves to nothing", file, ref)
	}
	return v, file, nil
}

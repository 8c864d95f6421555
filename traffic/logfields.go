package traffic

import (
	"bytes"
	_ "embed"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"

	"go.yaml.in/yaml/v4"

	"github.com/kontrak/kontrak/internal/wire"
)

// LogFieldsFile is the table of NDJSON field names, embedded: the names each part of an interaction may
// be logged under, by exporter, with the page that documents them.
const LogFieldsFile = "traffic/logfields.yaml"

//go:embed logfields.yaml
var logFieldsYAML []byte

// FieldTable is the table of LogFieldsFile: the wrappers whose members are read as the line's own, the
// statuses that say the client got no answer, and for each part of an interaction the names a line may
// carry it under, in the order they are tried.
type FieldTable struct {
	Wrappers []FieldWrapper  `yaml:"wrappers"`
	Aborted  []AbortedStatus `yaml:"aborted"`
	Parts    []FieldPart     `yaml:"parts"`
}

// FieldWrapper is an object whose members are read as the line's own, where the line lacks a name.
type FieldWrapper struct {
	Name   string   `yaml:"name"`
	From   []string `yaml:"from"`
	Source string   `yaml:"source"`
}

// AbortedStatus is a logged status that says the client got no answer: the interaction is inconclusive.
type AbortedStatus struct {
	Status int      `yaml:"status"`
	From   []string `yaml:"from"`
	Source string   `yaml:"source"`
	Note   string   `yaml:"note"`
}

// FieldPart is one part of an interaction (its id is one of the readers': method, url, host, query,
// requestLine, status, header, body, bodyEncoding, reqHeader, reqBody, time), how its value is read, what
// a line without it means, and its names, group by group.
type FieldPart struct {
	Part   string       `yaml:"part"`
	Label  string       `yaml:"label"`
	Reads  string       `yaml:"reads"`
	Absent string       `yaml:"absent"`
	Groups []FieldGroup `yaml:"groups"`
}

// FieldGroup is names of one part as exporters write them, and the public page that documents them (or,
// for kontrak's own flat form, the README).
type FieldGroup struct {
	Names  []string `yaml:"names"`
	From   []string `yaml:"from"`
	Source string   `yaml:"source"`
}

// Names are the part's names in the order they are tried.
func (p FieldPart) Names() []string {
	var out []string
	for _, g := range p.Groups {
		out = append(out, g.Names...)
	}
	return out
}

// LogFields returns the table the NDJSON reader reads by (a copy: changing it changes nothing).
func LogFields() FieldTable {
	t := logFields
	t.Wrappers = slices.Clone(t.Wrappers)
	t.Aborted = slices.Clone(t.Aborted)
	t.Parts = slices.Clone(t.Parts)
	for i := range t.Parts {
		t.Parts[i].Groups = slices.Clone(t.Parts[i].Groups)
		for j := range t.Parts[i].Groups {
			g := &t.Parts[i].Groups[j]
			g.Names, g.From = slices.Clone(g.Names), slices.Clone(g.From)
		}
	}
	return t
}

// fieldNames is the table as the reader uses it: each part's names in order, the objects dotted names
// reach into, the wrappers and the aborted statuses.
type fieldNames struct {
	method, url, host, query, requestLine, status, header, body, bodyEncoding, reqHeader, reqBody, time []string

	nested   []string // the first segments of the dotted names, each once
	wrappers []string
	// known holds every name a lookup asks a line, a nested object or a wrapper for (whole names, their
	// segments, the wrappers), each mapped to itself: the lexer keeps only those members (wire.JSONMembers).
	known   map[string]string
	aborted map[int]bool
}

// The table, read once when the package loads. The file is part of the build: a broken table is a bug
// that every test of the package reports (TestLogFieldsTable says why), never a reader's runtime error.
var logFields, ndjsonFields = mustLoadFields(logFieldsYAML)

func mustLoadFields(data []byte) (FieldTable, fieldNames) {
	t, f, err := loadFields(data)
	if err != nil {
		panic(err)
	}
	return t, f
}

// loadFields reads the table strictly: an unknown key, an unknown or missing part, a name given twice in
// a part, a name nested more than one level, a group without exporters or source is an error naming the
// file and the place, on one line.
func loadFields(data []byte) (FieldTable, fieldNames, error) {
	var t FieldTable
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&t); err != nil {
		return FieldTable{}, fieldNames{}, fmt.Errorf("%s: %s", LogFieldsFile, wire.OneLine(err.Error()))
	}
	fail := func(format string, a ...any) (FieldTable, fieldNames, error) {
		return FieldTable{}, fieldNames{}, fmt.Errorf("%s: %s", LogFieldsFile, wire.OneLine(fmt.Sprintf(format, a...)))
	}
	var f fieldNames
	f.aborted = map[int]bool{}
	for i, w := range t.Wrappers {
		if w.Name == "" || strings.Contains(w.Name, ".") || !plainName(w.Name) {
			return fail("wrappers[%d]: a wrapper is one plain member name, got %q", i, w.Name)
		}
		if err := exporters(w.From, w.Source); err != nil {
			return fail("wrappers[%d] (%s): %v", i, w.Name, err)
		}
		if slices.Contains(f.wrappers, w.Name) {
			return fail("wrappers[%d]: %s is given twice", i, w.Name)
		}
		f.wrappers = append(f.wrappers, w.Name)
	}
	for i, a := range t.Aborted {
		if (a.Status < 100 || a.Status > 599) && a.Status != 0 {
			return fail("aborted[%d]: %d is not an HTTP status (0, or 100 to 599)", i, a.Status)
		}
		if err := exporters(a.From, a.Source); err != nil {
			return fail("aborted[%d] (%d): %v", i, a.Status, err)
		}
		if f.aborted[a.Status] {
			return fail("aborted[%d]: %d is given twice", i, a.Status)
		}
		f.aborted[a.Status] = true
	}
	parts := map[string]*[]string{"method": &f.method, "url": &f.url, "host": &f.host, "query": &f.query,
		"requestLine": &f.requestLine, "status": &f.status, "header": &f.header, "body": &f.body,
		"bodyEncoding": &f.bodyEncoding, "reqHeader": &f.reqHeader, "reqBody": &f.reqBody, "time": &f.time}
	seen := map[string]bool{}
	for i, p := range t.Parts {
		dst, known := parts[p.Part]
		switch {
		case !known:
			return fail("parts[%d]: unknown part %q (known: %s)", i, p.Part, strings.Join(slices.Sorted(maps.Keys(parts)), ", "))
		case seen[p.Part]:
			return fail("parts[%d]: part %s is given twice", i, p.Part)
		case p.Label == "" || p.Reads == "" || p.Absent == "":
			return fail("parts[%d] (%s): label, reads and absent say what the part is, how it is read and what a line without it means", i, p.Part)
		case len(p.Groups) == 0:
			return fail("parts[%d] (%s): no names", i, p.Part)
		}
		seen[p.Part] = true
		for j, g := range p.Groups {
			if len(g.Names) == 0 {
				return fail("parts[%d] (%s): groups[%d]: no names", i, p.Part, j)
			}
			if err := exporters(g.From, g.Source); err != nil {
				return fail("parts[%d] (%s): groups[%d]: %v", i, p.Part, j, err)
			}
			for _, n := range g.Names {
				if err := fieldName(n); err != nil {
					return fail("parts[%d] (%s): groups[%d]: %q: %v", i, p.Part, j, n, err)
				}
				if slices.Contains(*dst, n) {
					return fail("parts[%d] (%s): %s is given twice", i, p.Part, n)
				}
				*dst = append(*dst, n)
				if prefix, _, dotted := strings.Cut(n, "."); dotted && !slices.Contains(f.nested, prefix) {
					f.nested = append(f.nested, prefix)
				}
			}
		}
	}
	for _, k := range slices.Sorted(maps.Keys(parts)) {
		if !seen[k] {
			return fail("no part %s: every part the reader reads needs its names", k)
		}
	}
	f.known = map[string]string{}
	for _, p := range parts {
		for _, n := range *p {
			f.known[n] = n
			if prefix, rest, dotted := strings.Cut(n, "."); dotted {
				f.known[prefix], f.known[rest] = prefix, rest
			}
		}
	}
	for _, w := range f.wrappers {
		f.known[w] = w
	}
	return t, f, nil
}

// fieldName checks a name: plain, or one dot between two plain names (a field of a nested object).
func fieldName(n string) error {
	a, b, dotted := strings.Cut(n, ".")
	switch {
	case !plainName(a) || dotted && !plainName(b):
		return fmt.Errorf("not a field name (no space, no control character, no empty segment)")
	case strings.Contains(b, "."):
		return fmt.Errorf("nested more than one level")
	}
	return nil
}

func plainName(s string) bool {
	return s != "" && !strings.ContainsFunc(s, func(r rune) bool { return r <= ' ' || r == 0x7f })
}

// exporters checks that a group names who writes it and where that is documented: an absolute http(s) URL,
// or a file of this repository with an anchor (README.md#…) for kontrak's own names.
func exporters(from []string, source string) error {
	if len(from) == 0 || slices.Contains(from, "") {
		return fmt.Errorf("from names no exporter")
	}
	if u, err := url.Parse(source); err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" {
		return nil
	}
	if file, anchor, ok := strings.Cut(source, "#"); ok && anchor != "" && file != "" && !strings.Contains(source, "://") &&
		!strings.HasPrefix(file, "/") && !strings.Contains(file, "..") {
		return nil
	}
	return fmt.Errorf("source %q is neither an http(s) URL nor a repository file with an anchor", source)
}

// hint is the first names of a part, for an error that says which names were looked for.
func hint(names []string) string {
	if len(names) > 3 {
		return strings.Join(names[:3], ", ") + ", …"
	}
	return strings.Join(names, ", ")
}

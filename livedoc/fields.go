package livedoc

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
)

// inferredMark flags every row, example or source that is kontrak's reading rather than a vendor's words.
const inferredMark = "⚠ inferred"

// respFields is one response of an operation as a reviewer checks it: the fields of its schema and the
// examples shown in full.
type respFields struct {
	Status   string
	Schema   string // Markdown link to the schema file
	Basis    string // the response's source basis, marked when inferred
	Fields   *table
	Examples []exampleView
}

type exampleView struct {
	Name, Summary, Basis, JSON string
}

// ResponseFields is, per documented status with a body, the response-field table (pointer, type, format,
// required, closed set, documented or inferred) of its schema, read with contract.Fields, and its examples.
// A field is marked inferred when its response is, or when its schema's description says it is.
func (o *opView) ResponseFields() ([]*respFields, error) {
	var out []*respFields
	for _, r := range o.Op.Responses {
		if r.SchemaFile == "" {
			continue
		}
		file := filepath.ToSlash(r.SchemaFile)
		fs, err := o.Page.C.Fields(r)
		if err != nil {
			return nil, fmt.Errorf("livedoc: %s %s: %v", o.Op.Name(), r.Status, err)
		}
		rf := &respFields{Status: r.Status, Schema: mdLink(mdCode(file), "../"+file), Basis: basisOf(r.Source.Basis, "")}
		t := newTable("pointer", "type", "format", "required", "closed set", "basis")
		for _, f := range fs {
			set := "—"
			if f.Set != nil {
				set = mdCodes(f.Set)
			}
			typ := "any"
			if len(f.Types) > 0 {
				typ = strings.Join(f.Types, " or ")
			}
			ptr, req := mdCode(f.Pointer), f.Required
			if f.Pointer == "" {
				ptr, req = "(the body)", "—"
			}
			t.add(ptr, typ, docOrDash(mdCodes(f.Formats)), req, set, basisOf(r.Source.Basis, f.Description))
		}
		rf.Fields = t
		for _, e := range r.Examples {
			var b bytes.Buffer
			if err := json.Indent(&b, e.Value, "", "  "); err != nil {
				return nil, fmt.Errorf("livedoc: %s %s example %s: %v", o.Op.Name(), r.Status, e.Name, err)
			}
			rf.Examples = append(rf.Examples, exampleView{Name: e.Name, Summary: e.Summary, Basis: basisOf(e.Source.Basis, ""), JSON: b.String()})
		}
		out = append(out, rf)
	}
	return out, nil
}

// basisOf is "documented", or the inferred mark when the basis or the field's description says inferred.
func basisOf(basis, desc string) string {
	if basis == "inferred" || strings.HasPrefix(strings.ToLower(desc), "inferred") {
		return inferredMark
	}
	if basis == "" {
		return "documented"
	}
	return basis
}

// Contents is the table of contents of a vendor page: its sections and, under Operations, each operation.
func (p *page) Contents() []string {
	lines := []string{"- " + mdLink("Pages cited", "#pages-cited"), "- " + mdLink("Servers", "#servers"),
		"- " + mdLink("Credentials", "#credentials"), "- " + mdLink("Operations", "#operations")}
	for _, op := range p.V.Operations {
		lines = append(lines, "  - "+mdLink(mdCode(op.ID), "#"+mdAnchor(op.ID)))
	}
	lines = append(lines, "- "+mdLink("Contradictions", "#contradictions"), "- "+mdLink("Notes", "#notes"),
		"- "+mdLink("Coverage", "#coverage"), "- "+mdLink("Scenarios", "#scenarios"))
	return lines
}

package livedoc

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kontrak/kontrak/contract"
)

// TestDocsShowFieldsAndExamples: every response with a schema has its field table on its vendor's page, a
// row for every field contract.SchemaFields finds, every example shown in full, and every inferred example and
// response marked; every page opens with its table of contents, linking each operation.
func TestDocsShowFieldsAndExamples(t *testing.T) {
	c, root, files := docsFixture(t)
	for _, v := range c.Vendors() {
		doc := pageOf(t, files, v.ID+".md")
		toc := doc[strings.Index(doc, "## Contents"):strings.Index(doc, "## Pages cited")]
		for _, op := range v.Operations {
			if !strings.Contains(toc, "(#"+mdAnchor(op.ID)+")") {
				t.Errorf("%s: the contents do not link operation %s", v.ID, op.ID)
			}
			for _, r := range op.Responses {
				if r.SchemaFile == "" {
					continue
				}
				head := "#### Response " + r.Status + ": fields"
				i := strings.Index(doc, "### "+op.ID+"\n")
				if i < 0 || !strings.Contains(doc[i:], head) {
					t.Errorf("%s %s: no %q section", v.ID, op.ID, head)
					continue
				}
				sec := doc[i+strings.Index(doc[i:], head):]
				if j := strings.Index(sec[len(head):], "\n#### "); j >= 0 {
					sec = sec[:len(head)+j]
				}
				fs, err := contract.SchemaFields(os.DirFS(root), filepath.ToSlash(r.SchemaFile))
				if err != nil {
					t.Fatal(err)
				}
				for _, f := range fs {
					if f.Pointer != "" && !strings.Contains(sec, "| "+mdCode(f.Pointer)+" |") {
						t.Errorf("%s %s %s: no row for field %s", v.ID, op.ID, r.Status, f.Pointer)
					}
				}
				for _, e := range r.Examples {
					line := "Example " + mdCode(e.Name) + " (" + basisOf(e.Source.Basis, "") + ")"
					if !strings.Contains(sec, line) {
						t.Errorf("%s %s %s: example %s not shown as %q", v.ID, op.ID, r.Status, e.Name, line)
					}
					if e.Source.Basis == "inferred" && !strings.Contains(line, inferredMark) {
						t.Errorf("%s %s: inferred example %s unmarked", v.ID, op.ID, e.Name)
					}
				}
				if r.Source.Basis == "inferred" && !strings.Contains(sec, "the response's source: "+inferredMark) {
					t.Errorf("%s %s %s: inferred response unmarked", v.ID, op.ID, r.Status)
				}
			}
		}
	}
}

// TestDocsAcrossVendors: docs/vendors.md maps every canonical field of every operation, gives every date
// notation, lists every retryable code, and marks every code whose billing is inferred.
func TestDocsAcrossVendors(t *testing.T) {
	c, _, files := docsFixture(t)
	doc := pageOf(t, files, "vendors.md")
	for _, v := range c.Vendors() {
		for _, op := range v.Operations {
			if op.Canonical != nil {
				for name, fm := range op.Canonical.Fields {
					if !strings.Contains(doc, mdCode(fm.Pointer)) {
						t.Errorf("%s: canonical field %s at %s not in the map", op.Name(), name, fm.Pointer)
					}
					if fm.Notation != "" && !strings.Contains(doc, "| "+mdCode(name)+" | "+mdCode(fm.Pointer)+" | "+mdCode(fm.Notation)+" |") {
						t.Errorf("%s: date notation of %s not shown", op.Name(), name)
					}
				}
			}
			for _, code := range op.Codes.Codes {
				if code.RetryAfter != nil && !strings.Contains(doc, "| "+mdCode(code.Code)+" | ") {
					t.Errorf("%s: retryable code %s not listed", op.Name(), code.Code)
				}
				if code.BillableSource != nil && code.BillableSource.Basis == "inferred" && !strings.Contains(doc, mdCode(code.Code)+" "+inferredMark) {
					t.Errorf("%s: code %s, billed by inference, unmarked", op.Name(), code.Code)
				}
			}
		}
	}
}

// TestDocsCoverageMatrix: every code and sandbox value has its row in its page's coverage matrix, with
// a scenario and a cassette provenance (today every one has a scenario: the coverage specs hold it).
func TestDocsCoverageMatrix(t *testing.T) {
	c, _, files := docsFixture(t)
	for _, v := range c.Vendors() {
		doc := pageOf(t, files, v.ID+".md")
		i := strings.Index(doc, "## Coverage\n")
		if i < 0 {
			t.Fatalf("%s: no coverage matrix", v.ID)
		}
		matrix := doc[i : i+strings.Index(doc[i:], "## Scenarios")]
		for _, op := range v.Operations {
			var rows []string
			for _, code := range op.Codes.Codes {
				rows = append(rows, "| code | "+mdCode(code.Code)+" | ")
			}
			for _, sp := range op.Sandbox {
				for _, sc := range sp.Codes {
					rows = append(rows, "| sandbox | "+mdCode(sc.Value)+" | ")
				}
			}
			for _, r := range rows {
				j := strings.Index(matrix, "(#"+mdAnchor(op.ID)+") "+r)
				if j < 0 {
					t.Errorf("%s %s: no coverage row %q", v.ID, op.ID, r)
					continue
				}
				line := matrix[j : j+strings.Index(matrix[j:], "\n")]
				if strings.Contains(line, "**none**") || strings.Contains(line, "no cassette") || strings.Contains(line, "unknown") {
					t.Errorf("%s %s: coverage row without scenario or provenance: %s", v.ID, op.ID, line)
				}
			}
		}
	}
}

package specdiff

import (
	"io/fs"
	"slices"
	"strings"
	"sync"
	"testing"

	kontrak "github.com/kontrak/kontrak"
	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/internal/wire"
)

var (
	fuzzBaseOnce sync.Once
	fuzzBase     *Spec
	fuzzBaseErr  error
)

// FuzzDiff feeds Diff a new version of ekycpro's spec, whatever its bytes: a version the contract loads
// is diffed against today's both ways and against itself. Diff never panics; an error is one line; every
// finding is of a kind of Kinds, says itself in one line, and a place of the document is a JSON Pointer
// with a line; a version diffed against itself has no finding. Seeds: the committed spec, the edits of
// TestDiffOneFindingPerChange that apply to it, and testdata/fuzz/FuzzDiff (an alias, odd keys).
func FuzzDiff(f *testing.F) {
	const file = "specs/ekycpro.yaml"
	raw, err := fs.ReadFile(kontrak.Files, file)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(raw)
	for _, e := range [][2]string{
		{"        \"401\":\n", "        \"402\":\n"},
		{"  /v1/id_ocr/general:\n", "  /v2/id_ocr/general:\n"},
		{"operationId: idOcrGeneral", "operationId: other"},
		{"      name: X-API-Key\n", "      name: X-Other\n"},
		{"  - url: https://api.ekycpro.com\n", "  - url: https://api2.ekycpro.com\n"},
		{`"name": "HELLO NAME"`, `"name": "OTHER NAME"`},
		{"description: charge , image recognition error, please check input image", "description: other"},
	} {
		f.Add([]byte(strings.Replace(string(raw), e[0], e[1], 1)))
	}
	kinds := map[string]bool{}
	for _, k := range Kinds {
		kinds[k.ID] = true
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		fuzzBaseOnce.Do(func() { fuzzBase, fuzzBaseErr = Load("today", kontrak.Files, file) })
		if fuzzBaseErr != nil {
			t.Fatal(fuzzBaseErr)
		}
		s, err := Load("fuzzed", Overlay(kontrak.Files, map[string][]byte{file: b}), file)
		if err != nil {
			return // the contract's to refuse
		}
		for _, p := range [][2]*Spec{{fuzzBase, s}, {s, fuzzBase}, {s, s}} {
			r, err := Diff(p[0], p[1])
			if err != nil {
				if strings.ContainsRune(err.Error(), '\n') {
					t.Fatalf("error of more than one line: %q", err)
				}
				continue
			}
			if p[0] == p[1] && len(r.Changes) != 0 {
				t.Fatalf("a version diffed against itself: %v", r.Changes)
			}
			seen := map[string]bool{}
			for _, c := range r.Changes {
				if k := c.Kind + c.Where + c.Message; seen[k] {
					t.Fatalf("two findings alike: %+v", c)
				} else {
					seen[k] = true
				}
				_, perr := wire.Split(c.Where)
				switch {
				case !kinds[c.Kind]:
					t.Fatalf("kind %q is not in Kinds: %+v", c.Kind, c)
				case c.Message == "" || strings.ContainsRune(c.Message, '\n'):
					t.Fatalf("message empty or of several lines: %+v", c)
				case strings.HasPrefix(c.Where, "/") && (perr != nil || c.Line <= 0):
					t.Fatalf("place %q is no JSON Pointer with a line: %+v", c.Where, c)
				case c.Operation != "" && !slices.ContainsFunc(append(slices.Clone(p[0].Vendor.Operations), p[1].Vendor.Operations...),
					func(o *contract.Operation) bool { return o.ID == c.Operation }):
					t.Fatalf("operation %q is in neither version: %+v", c.Operation, c)
				}
			}
		}
	})
}

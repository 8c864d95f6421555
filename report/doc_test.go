package report

import (
	"go/parser"
	"go/token"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestDocListsTheRegistry: the kinds and formats doc.go lists are the registry's, no more and no fewer.
func TestDocListsTheRegistry(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "doc.go", nil, parser.ParseComments|parser.PackageClauseOnly)
	if err != nil {
		t.Fatal(err)
	}
	if f.Doc == nil {
		t.Fatal("doc.go has no package comment")
	}
	listed := map[string][]string{}
	for _, m := range regexp.MustCompile(`(?m)^\s*- ([a-z]+): ([a-z, ]+)$`).FindAllStringSubmatch(f.Doc.Text(), -1) {
		formats := strings.Split(m[2], ", ")
		slices.Sort(formats)
		listed[m[1]] = formats
	}
	registered := map[string][]string{
		SummaryReport.Name(): Formats(SummaryReport),
		TrafficReport.Name(): Formats(TrafficReport),
	}
	mu.RLock()
	for k := range registry {
		if _, ok := registered[k.kind]; !ok {
			t.Errorf("kind %s is registered but not in this test's table: add it", k.kind)
		}
	}
	mu.RUnlock()
	for kind, formats := range registered {
		if got := listed[kind]; !slices.Equal(got, formats) {
			t.Errorf("doc.go lists the %s kind's formats as %v; registered: %v", kind, got, formats)
		}
	}
	for kind := range listed {
		if _, ok := registered[kind]; !ok {
			t.Errorf("doc.go lists a kind %s that is not registered", kind)
		}
	}
}

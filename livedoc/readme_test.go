package livedoc

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kontrak/kontrak/scenario"
	"github.com/kontrak/kontrak/traffic"
)

// TestReadmeFresh is the README's golden test: its generated sections are what Readme renders today from
// their data (go test ./livedoc -run ReadmeFresh -update rewrites them; so does make docs).
func TestReadmeFresh(t *testing.T) {
	root, err := scenario.Root()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(root, ReadmeFile)
	if *update {
		if err := WriteReadme(path, ReadmeFile, io.Discard); err != nil {
			t.Fatal(err)
		}
		return
	}
	var out bytes.Buffer
	stale, err := CheckReadme(path, ReadmeFile, &out)
	if err != nil {
		t.Fatal(err)
	}
	if stale {
		have, _ := os.ReadFile(path)
		want, _ := Readme(have)
		t.Errorf("%s(first difference at line %d): run `make docs` (or go test ./livedoc -run ReadmeFresh -update)", out.String(), firstDiffLine(have, want))
	}
}

// The field table of the README is the reader's: every name of every part, in the order tried, with its
// exporters and source, and the aborted statuses.
func TestReadmeLogFields(t *testing.T) {
	section := logFieldsSection()
	tab := traffic.LogFields()
	at := 0
	for _, p := range tab.Parts {
		for _, g := range p.Groups {
			row := "| " + mdCodes(g.Names) + " | "
			i := strings.Index(section[at:], row)
			if i < 0 {
				t.Fatalf("part %s: no row %q after byte %d, in order", p.Part, row, at)
			}
			at += i + len(row)
			if !strings.HasPrefix(section[at:], mdProse(strings.Join(g.From, ", "))+" | "+sourceLink(g.Source)) {
				t.Errorf("part %s, %v: the row does not name its exporters and source: %.120s", p.Part, g.Names, section[at:])
			}
		}
	}
	for _, a := range tab.Aborted {
		if !strings.Contains(section, "- "+mdCode(docItoa(a.Status))+" — ") {
			t.Errorf("the aborted status %d is not said", a.Status)
		}
	}
	for _, w := range tab.Wrappers {
		if !strings.Contains(section, "line's "+mdCode(w.Name)+" object") {
			t.Errorf("the wrapper %s is not said", w.Name)
		}
	}
}

// Readme rewrites only what lies between the markers, and refuses a README whose section is gone.
func TestReadmeSections(t *testing.T) {
	in := "# Title\n\nprose\n<!-- kontrak:logfields -->\nold table\n<!-- /kontrak:logfields -->\nafter\n"
	out, err := Readme([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	want := "# Title\n\nprose\n<!-- kontrak:logfields -->\n" + logFieldsSection() + "<!-- /kontrak:logfields -->\nafter\n"
	if string(out) != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
	if again, _ := Readme(out); !bytes.Equal(again, out) {
		t.Error("Readme is not idempotent")
	}
	for _, tc := range []struct{ reason, in, want string }{
		{"no section", "# Title\n", "README.md: no generated section logfields"},
		{"no end marker", "<!-- kontrak:logfields -->\n", "README.md: no generated section logfields"},
		{"markers reversed", "<!-- /kontrak:logfields -->\n<!-- kontrak:logfields -->\n", "out of order"},
		{"a section twice", strings.Repeat("<!-- kontrak:logfields -->\n<!-- /kontrak:logfields -->\n", 2), "repeated"},
	} {
		if _, err := Readme([]byte(tc.in)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.reason, err, tc.want)
		}
	}
}

package redact

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/kontrak/kontrak/cassette"
	vcr "gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"
)

// ScanFile streams; its leaks are Scan's of the loaded cassette, interaction by interaction, for a leaky
// cassette of every redaction case (before redaction) and for every cassette of the repository. What it
// reports of the file itself (interaction -1: its comment block, its layout) a loaded cassette no longer
// holds.
func TestScanFileIsScan(t *testing.T) {
	c := &vcr.Cassette{Version: vcr.CassetteFormatVersion}
	for n, tc := range redactCases(t) {
		tc.in.ID = n
		c.Interactions = append(c.Interactions, tc.in)
	}
	data, err := cassette.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	leaky := filepath.Join(t.TempDir(), "leaky.yaml")
	if err := os.WriteFile(leaky, data, 0o644); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join("..", "cassettes", "*", "*.yaml"))
	if len(files) == 0 {
		t.Fatal("no cassettes in ../cassettes")
	}
	for _, f := range append([]string{leaky}, files...) {
		loaded, _, err := cassette.Load(f)
		if err != nil {
			t.Fatal(err)
		}
		want := Scan(loaded, testScanRules())
		got, err := ScanFile(f, testScanRules())
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		var ofFile []Leak
		got = slices.DeleteFunc(got, func(l Leak) bool {
			if l.Interaction == -1 {
				ofFile = append(ofFile, l)
				return true
			}
			return false
		})
		for _, l := range ofFile {
			// The made-up vendor's rules name no documentation host and use none of the real documents'
			// words: a source line's URL, and a note's upper-case word (SUCCESS, BMP), is all there is.
			if l.Kind != LeakURL && l.Kind != LeakFreeText || !strings.HasPrefix(l.Where, "comment line") {
				t.Errorf("%s: %s", f, l)
			}
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: streamed scan %q, Scan of the loaded cassette %q", f, got, want)
		}
		if f == leaky && len(got) == 0 {
			t.Errorf("%s: no leak found in the unredacted cases", f)
		}
	}
}

// A file that does not read to its end gives no leaks and one line naming it.
func TestScanFileErrors(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct{ reason, body, want string }{
		{"no version", "interactions: []\n", "not a go-vcr v4 cassette: no version"},
		{"go-vcr v1", "version: 1\ninteractions: []\n", "not a go-vcr v4 cassette: version 1, want 2"},
		{"a broken interaction after a good one", "version: 2\ninteractions:\n  - id: 0\n    request: {method: GET, url: 'https://x.invalid/'}\n  - id: [}\n", "not a go-vcr v4 cassette: interaction 1"},
		// An open flow collection runs past its line, so the scan cannot cut there: the YAML decoder
		// reads the rest whole, and its error gives the line.
		{"an open flow collection after a good interaction", "version: 2\ninteractions:\n  - id: 0\n    request: {method: GET, url: 'https://x.invalid/'}\n  - id: [\n", "not a go-vcr v4 cassette: yaml: line 6: did not find expected node content"},
	} {
		f := filepath.Join(dir, "c.yaml")
		os.WriteFile(f, []byte(tc.body), 0o644)
		ls, err := ScanFile(f, testScanRules())
		if err == nil || ls != nil || !strings.HasPrefix(err.Error(), f+": "+tc.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: leaks %v, error %v; want none and %q", tc.reason, ls, err, f+": "+tc.want)
		}
		if err := CheckFile(f); err == nil || !strings.HasPrefix(err.Error(), f+": "+tc.want) {
			t.Errorf("%s: CheckFile: %v", tc.reason, err)
		}
	}
	if _, err := ScanFile(filepath.Join(dir, "none.yaml"), testScanRules()); err == nil || !strings.HasSuffix(err.Error(), "none.yaml: cannot read cassette: no such file or directory") {
		t.Errorf("a missing file: %v", err)
	}
}

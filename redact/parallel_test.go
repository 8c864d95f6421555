package redact

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	vcr "gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"
)

// A cassette of many more interactions than the driver holds at once (forEachInOrder: 4 a worker) is
// redacted as the whole loaded cassette is, byte for byte, and scanned as Scan reports it, in order.
func TestRedactAndScanInOrderOnEveryCore(t *testing.T) {
	dir := t.TempDir()
	var dirty []*vcr.Interaction
	cases := redactCases(t)
	for n := range 300 {
		i := clone(cases[n%len(cases)].in)
		if n%3 == 0 {
			i = clone(cases[0].in) // runs of alike interactions, between unlike ones
		}
		dirty = append(dirty, i)
	}
	f := filepath.Join(dir, "many.yaml")
	writeCassette(t, f, dirty...)

	c, err := vcr.Load(strings.TrimSuffix(f, ".yaml"))
	if err != nil {
		t.Fatal(err)
	}
	want := Scan(c, testScanRules())
	got, err := ScanFile(f, testScanRules())
	if err != nil {
		t.Fatal(err)
	}
	var inOrder []Leak // ScanFile's leaks of the interactions (not of the file itself), in file order
	for _, l := range got {
		if l.Interaction >= 0 {
			l.File = want[0].File
			inOrder = append(inOrder, l)
		}
	}
	if len(want) < 100 || fmt.Sprint(inOrder) != fmt.Sprint(want) {
		t.Fatalf("ScanFile's %d leaks differ from Scan's %d (or too few to prove order)", len(inOrder), len(want))
	}

	wantBytes, wantChanged := redactWhole(t, f, testRules())
	changed, err := RedactFile(f, testRules())
	if err != nil {
		t.Fatal(err)
	}
	gotBytes, _ := os.ReadFile(f)
	if !wantChanged || !changed || !bytes.Equal(gotBytes, wantBytes) {
		t.Fatalf("redaction on every core (changed %v) differs from the whole cassette's (changed %v)", changed, wantChanged)
	}
}

// The first broken interaction in file order is the error, whichever worker meets a later one first; and
// a broken cassette is left as it was.
func TestFirstErrorInFileOrder(t *testing.T) {
	var b strings.Builder
	b.WriteString("version: 2\ninteractions:\n")
	for n := range 400 {
		if n == 150 || n >= 180 && n%7 == 0 {
			b.WriteString("  - id: [}\n")
			continue
		}
		fmt.Fprintf(&b, "  - id: %d\n    request: {method: GET, url: 'https://x.invalid/%d'}\n", n, n)
	}
	f := filepath.Join(t.TempDir(), "c.yaml")
	os.WriteFile(f, []byte(b.String()), 0o644)
	const want = "not a go-vcr v4 cassette: interaction 150 "
	if ls, err := ScanFile(f, testScanRules()); err == nil || ls != nil || !strings.Contains(err.Error(), want) {
		t.Errorf("ScanFile: leaks %v, error %v; want none and %q", ls, err, want)
	}
	if changed, err := RedactFile(f, testRules()); err == nil || changed || !strings.Contains(err.Error(), want) {
		t.Errorf("RedactFile: changed %v, error %v; want %q", changed, err, want)
	}
	if after, _ := os.ReadFile(f); string(after) != b.String() {
		t.Error("RedactFile changed a cassette it could not read")
	}
}

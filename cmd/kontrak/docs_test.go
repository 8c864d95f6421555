package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kontrak/kontrak/livedoc"
)

// The generator and its golden test live in livedoc/; these are the command's own: flags, exit codes,
// what --check and a plain run print and touch.

// TestDocsCheck: --check writes nothing and names every stale file; a plain run writes only what changed.
func TestDocsCheck(t *testing.T) {
	dir := t.TempDir()
	if code, out, errs := runKontrak(t, "", "docs", "--out", dir); code != 0 {
		t.Fatalf("kontrak docs: exit %d: %s%s", code, out, errs)
	}
	stale := func(name, what string) string {
		return filepath.Join(dir, name) + " is " + what + ": run kontrak docs (make docs)"
	}
	advance := filepath.Join(dir, "advance.md")
	fresh, _ := os.ReadFile(advance)
	notes := filepath.Join(dir, "notes.md")

	for _, tc := range []struct {
		reason string
		edit   func(t *testing.T)
		code   int
		lines  []string // stdout, exactly
	}{
		{"fresh docs: exit 0, silent", func(*testing.T) {}, 0, nil},
		{"an edited page is stale", func(t *testing.T) {
			if err := os.WriteFile(advance, append(append([]byte{}, fresh...), "hand-written line\n"...), 0o644); err != nil {
				t.Fatal(err)
			}
		}, 1, []string{stale("advance.md", "stale")}},
		{"a deleted page is missing, beside the edited one", func(t *testing.T) {
			if err := os.Remove(filepath.Join(dir, "verihubs.md")); err != nil {
				t.Fatal(err)
			}
		}, 1, []string{stale("advance.md", "stale"), stale("verihubs.md", "missing")}},
		{"a generated page nothing generates any more is stale; a hand-written file is left alone", func(t *testing.T) {
			if err := os.WriteFile(filepath.Join(dir, "acme.md"), []byte(livedoc.GeneratedMark+"\n\n# Acme\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(notes, []byte("# my notes\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}, 1, []string{stale("advance.md", "stale"), stale("verihubs.md", "missing"),
			stale("acme.md", "stale (nothing generates it any more)")}},
	} {
		t.Run(tc.reason, func(t *testing.T) {
			tc.edit(t)
			before, _ := os.ReadFile(advance)
			code, out, errs := runKontrak(t, "", "docs", "--check", "--out", dir)
			if code != tc.code {
				t.Errorf("exit %d, want %d (stdout %q, stderr %q)", code, tc.code, out, errs)
			}
			var want string
			for _, l := range tc.lines {
				want += l + "\n"
			}
			if out != want {
				t.Errorf("stdout:\n%s\nwant:\n%s", out, want)
			}
			if after, _ := os.ReadFile(advance); !bytes.Equal(before, after) {
				t.Errorf("--check changed %s", advance)
			}
		})
	}

	// A plain run repairs exactly the stale files, and says so.
	code, out, errs := runKontrak(t, "", "docs", "--out", dir)
	if code != 0 {
		t.Fatalf("kontrak docs: exit %d: %s%s", code, out, errs)
	}
	want := "wrote " + advance + "\nwrote " + filepath.Join(dir, "verihubs.md") + "\nremoved " + filepath.Join(dir, "acme.md") + "\n"
	if out != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", out, want)
	}
	if got, _ := os.ReadFile(advance); !bytes.Equal(got, fresh) {
		t.Errorf("%s was not restored", advance)
	}
	if _, err := os.Stat(notes); err != nil {
		t.Errorf("the hand-written %s was touched: %v", notes, err)
	}
	if code, out, _ := runKontrak(t, "", "docs", "--check", "--out", dir); code != 0 {
		t.Errorf("after the repair, --check: exit %d: %s", code, out)
	}
	if code, out, _ := runKontrak(t, "", "docs", "--out", dir); code != 0 || out != "" {
		t.Errorf("nothing to change: exit %d, stdout %q, want 0 and nothing", code, out)
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, ".*.tmp"))
	if len(leftovers) > 0 {
		t.Errorf("temporary files left behind: %v", leftovers)
	}
}

// TestDocsCheckRepository: at the repository, --check reads docs/ and the README's generated sections
// (livedoc's TestDocsFresh and TestReadmeFresh keep both fresh): nothing stale, exit 0, silent.
func TestDocsCheckRepository(t *testing.T) {
	if code, out, errs := runKontrak(t, "", "docs", "--check"); code != 0 || out != "" {
		t.Errorf("exit %d, stdout %q, stderr %q; want 0 and nothing", code, out, errs)
	}
}

func TestDocsUsage(t *testing.T) {
	for _, tc := range []struct {
		reason string
		args   []string
		stderr string
	}{
		{"no positional arguments", []string{"docs", "extra"}, `docs takes no arguments, got "extra"`},
		{"unknown flag", []string{"docs", "--stale"}, "flag provided but not defined: -stale"},
	} {
		t.Run(tc.reason, func(t *testing.T) {
			code, _, errs := runKontrak(t, "", tc.args...)
			if code != 2 || !strings.Contains(errs, tc.stderr) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, errs, tc.stderr)
			}
		})
	}
}

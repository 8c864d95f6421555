package wire

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "new", "page.md") // the directory is created
	if err := WriteFileAtomic(name, []byte("one"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(name); string(got) != "one" {
		t.Fatalf("content %q, want one", got)
	}
	if fi, _ := os.Stat(name); fi.Mode().Perm() != 0o600 {
		t.Errorf("a new file has mode %v, want the perm given, 0600", fi.Mode().Perm())
	}
	if err := os.Chmod(name, 0o640); err != nil {
		t.Fatal(err)
	}
	if err := WriteFileAtomic(name, []byte("two"), 0o600); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(name); fi.Mode().Perm() != 0o640 {
		t.Errorf("a replaced file has mode %v, want its own, 0640: as os.WriteFile, perm is for new files", fi.Mode().Perm())
	}
	if got, _ := os.ReadFile(name); string(got) != "two" {
		t.Fatalf("content %q, want two", got)
	}
	if entries, _ := os.ReadDir(filepath.Dir(name)); len(entries) != 1 {
		t.Errorf("%d files beside the page, want 1: no temporary file stays", len(entries))
	}
}

func TestWriteFileAtomicFailedRename(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "kept.yaml")
	if err := os.WriteFile(name, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	var complete string
	err := writeFileAtomic(name, []byte("new"), 0o644, func(oldpath, _ string) error {
		b, _ := os.ReadFile(oldpath)
		complete = string(b)
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("error %v, want the rename's", err)
	}
	if complete != "new" {
		t.Errorf("the temporary file held %q when renamed, want the whole new content", complete)
	}
	if got, _ := os.ReadFile(name); string(got) != "old" {
		t.Errorf("the file is %q after a failed rename, want it untouched", got)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("%d files in the directory, want 1: the temporary file is removed", len(entries))
	}
}

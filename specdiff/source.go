package specdiff

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/kontrak/kontrak/contract"
)

// Spec is one version of one vendor's spec, loaded: its contract, the raw OpenAPI bytes (for
// libopenapi's what-changed) and the FS its schemas were read from.
type Spec struct {
	// Name is how the version was given (a file, or git:REV:path), for messages.
	Name     string
	Raw      []byte
	FS       fs.FS
	Contract *contract.Contract
	Vendor   *contract.Vendor
}

// Load loads the spec file of fsys (e.g. "specs/ekycpro.yaml") alone, with the schemas and vocabulary
// of the same FS. name is how the version is called in messages.
func Load(name string, fsys fs.FS, file string) (*Spec, error) {
	raw, err := fs.ReadFile(fsys, file)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	only := &onlySpec{FS: fsys, file: file, raw: raw}
	c, err := contract.Load(only)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	vs := c.Vendors()
	if len(vs) != 1 {
		return nil, fmt.Errorf("%s: want one vendor, found %d", name, len(vs))
	}
	return &Spec{Name: name, Raw: raw, FS: only, Contract: c, Vendor: vs[0]}, nil
}

// Open resolves a command-line argument into a spec: a file path, or git:REV:path (the file and the
// schemas as they are at REV, read with git show). A plain file's schemas are read from the directory
// above its own (the repository layout: specs/ beside schemas/), or from base when that has none.
func Open(arg string, base fs.FS) (*Spec, error) {
	if rest, ok := strings.CutPrefix(arg, "git:"); ok {
		rev, p, ok := strings.Cut(rest, ":")
		if !ok || rev == "" || p == "" {
			return nil, fmt.Errorf("%s: want git:REV:path", arg)
		}
		g, err := newGitFS(rev)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", arg, err)
		}
		return Load(arg, g, path.Clean(p))
	}
	raw, err := os.ReadFile(arg)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", arg, err)
	}
	abs, err := filepath.Abs(arg)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", arg, err)
	}
	root := filepath.Dir(filepath.Dir(abs))
	fsys := base
	if st, err := os.Stat(filepath.Join(root, "schemas")); err == nil && st.IsDir() {
		fsys = os.DirFS(root)
	}
	file := contract.SpecDir + "/" + filepath.Base(abs)
	return Load(arg, Overlay(fsys, map[string][]byte{file: raw}), file)
}

// Overlay is fsys with files replaced or added (paths slash-separated, relative to the root). A test
// builds a changed spec from today's with it, and Open places a spec file from anywhere in the layout.
func Overlay(fsys fs.FS, files map[string][]byte) fs.FS {
	return &overlay{base: fsys, files: files}
}

type overlay struct {
	base  fs.FS
	files map[string][]byte
}

func (o *overlay) Open(name string) (fs.File, error) {
	if b, ok := o.files[name]; ok {
		return &memFile{name: path.Base(name), r: bytes.NewReader(b), size: int64(len(b))}, nil
	}
	return o.base.Open(name)
}

func (o *overlay) ReadDir(name string) ([]fs.DirEntry, error) {
	ents, err := fs.ReadDir(o.base, name)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	seen := map[string]bool{}
	for _, e := range ents {
		seen[e.Name()] = true
	}
	for f, b := range o.files {
		if path.Dir(f) == name && !seen[path.Base(f)] {
			ents = append(ents, fs.FileInfoToDirEntry(&memInfo{name: path.Base(f), size: int64(len(b))}))
		}
	}
	if len(ents) == 0 && err != nil {
		return nil, err
	}
	sort.Slice(ents, func(i, j int) bool { return ents[i].Name() < ents[j].Name() })
	return ents, nil
}

// onlySpec is fsys whose specs/ lists one file: contract.Load then loads that vendor alone.
type onlySpec struct {
	fs.FS
	file string
	raw  []byte
}

func (o *onlySpec) Open(name string) (fs.File, error) {
	if name == o.file {
		return &memFile{name: path.Base(name), r: bytes.NewReader(o.raw), size: int64(len(o.raw))}, nil
	}
	return o.FS.Open(name)
}

func (o *onlySpec) ReadDir(name string) ([]fs.DirEntry, error) {
	if name == contract.SpecDir {
		return []fs.DirEntry{fs.FileInfoToDirEntry(&memInfo{name: contract.SpecDir + "/" + path.Base(o.file), size: int64(len(o.raw))})}, nil
	}
	return fs.ReadDir(o.FS, name)
}

// memFile is an in-memory fs.File.
type memFile struct {
	name string
	r    *bytes.Reader
	size int64
}

func (f *memFile) Stat() (fs.FileInfo, error) { return &memInfo{name: f.name, size: f.size}, nil }
func (f *memFile) Read(p []byte) (int, error) { return f.r.Read(p) }
func (f *memFile) Seek(off int64, whence int) (int64, error) {
	return f.r.Seek(off, whence)
}
func (f *memFile) Close() error { return nil }

type memInfo struct {
	name string
	size int64
}

func (i *memInfo) Name() string       { return path.Base(i.name) }
func (i *memInfo) Size() int64        { return i.size }
func (i *memInfo) Mode() fs.FileMode  { return 0o444 }
func (i *memInfo) ModTime() time.Time { return time.Time{} }
func (i *memInfo) IsDir() bool        { return false }
func (i *memInfo) Sys() any           { return nil }

// gitFS reads the tree of one revision of the repository of the working directory with git.
type gitFS struct {
	rev   string
	files map[string]bool
}

func newGitFS(rev string) (*gitFS, error) {
	out, err := git("ls-tree", "-r", "--name-only", "--full-tree", rev)
	if err != nil {
		return nil, err
	}
	g := &gitFS{rev: rev, files: map[string]bool{}}
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if l != "" {
			g.files[l] = true
		}
	}
	return g, nil
}

func (g *gitFS) Open(name string) (fs.File, error) {
	if !g.files[name] {
		return nil, &fs.PathError{Op: "open", Path: g.rev + ":" + name, Err: fs.ErrNotExist}
	}
	b, err := git("show", g.rev+":"+name)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: g.rev + ":" + name, Err: err}
	}
	return &memFile{name: name, r: bytes.NewReader(b), size: int64(len(b))}, nil
}

func (g *gitFS) ReadDir(name string) ([]fs.DirEntry, error) {
	var ents []fs.DirEntry
	for f := range g.files {
		if path.Dir(f) == name {
			ents = append(ents, fs.FileInfoToDirEntry(&memInfo{name: f}))
		}
	}
	sort.Slice(ents, func(i, j int) bool { return ents[i].Name() < ents[j].Name() })
	return ents, nil
}

func git(args ...string) ([]byte, error) {
	cmd := exec.Command("git", args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return nil, fmt.Errorf("git %s: %s", strings.Join(args, " "), strings.Join(strings.Fields(msg), " "))
	}
	return out, nil
}

var _ io.Seeker = (*memFile)(nil)

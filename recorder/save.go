package recorder

import (
	"io/fs"
	"os"
	"path/filepath"
)

// cassetteStore is the cassette.FS of a recording. go-vcr hands it the whole cassette once, at Stop; it
// writes the provenance header and the YAML to a temporary file beside the cassette, syncs it and renames
// it over the cassette. A rename within one directory is atomic, so a reader, or a crash, sees the old
// cassette or the new one, never half of one.
type cassetteStore struct {
	file   string
	header []byte
	// rename is os.Rename; a test makes it fail to show that a failed save leaves the old file.
	rename func(oldpath, newpath string) error
}

func newCassetteStore(file string, header []byte) *cassetteStore {
	return &cassetteStore{file: file, header: header, rename: os.Rename}
}

// ReadFile and IsFileExists serve go-vcr's loader the real file, whatever name go-vcr asks for: go-vcr
// appends ".yaml" to a cassette's name, and a caller may name a file however they like.
func (s *cassetteStore) ReadFile(string) ([]byte, error) { return os.ReadFile(s.file) }

func (s *cassetteStore) IsFileExists(string) bool {
	_, err := os.Stat(s.file)
	return err == nil
}

func (s *cassetteStore) WriteFile(_ string, data []byte) error {
	out := make([]byte, 0, len(s.header)+len(data))
	return writeAtomic(s.file, append(append(out, s.header...), data...), s.rename)
}

// writeAtomic replaces file with data, or leaves it untouched and removes its temporary file.
func writeAtomic(file string, data []byte, rename func(oldpath, newpath string) error) (err error) {
	dir := filepath.Dir(file)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	perm := fs.FileMode(0o644)
	if fi, err := os.Stat(file); err == nil {
		perm = fi.Mode().Perm()
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(file)+".*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return err
	}
	if err = tmp.Chmod(perm); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = rename(tmp.Name(), file); err != nil {
		return err
	}
	// The rename is durable once the directory is synced. The cassette is already complete and in place,
	// so a directory that cannot be synced (some filesystems refuse) is not a failed save.
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

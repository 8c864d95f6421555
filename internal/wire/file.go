package wire

import (
	"bufio"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// WriteFileAtomic replaces the file name with data, or leaves it untouched: it writes a temporary file
// beside name (creating name's directory when missing), syncs it and renames it over name. A rename
// within one directory is atomic, so a reader, or a crash, sees the old file or the new one, never half
// of one; on any error the temporary file is removed. Like os.WriteFile, perm is the mode of a new file;
// a file that exists keeps its mode.
func WriteFileAtomic(name string, data []byte, perm os.FileMode) error {
	return writeFileAtomic(name, data, perm, os.Rename)
}

// WriteFileAtomicFrom is WriteFileAtomic of what write writes: a file too large to hold is streamed into
// the temporary file. An error of write leaves name untouched.
func WriteFileAtomicFrom(name string, perm os.FileMode, write func(io.Writer) error) error {
	return atomicWrite(name, perm, os.Rename, func(f *os.File) error {
		bw := bufio.NewWriterSize(f, 64<<10)
		if err := write(bw); err != nil {
			return err
		}
		return bw.Flush()
	})
}

// writeFileAtomic is WriteFileAtomic with its rename; a test makes it fail.
func writeFileAtomic(name string, data []byte, perm os.FileMode, rename func(oldpath, newpath string) error) error {
	return atomicWrite(name, perm, rename, func(f *os.File) error {
		_, err := f.Write(data)
		return err
	})
}

func atomicWrite(name string, perm os.FileMode, rename func(oldpath, newpath string) error, write func(*os.File) error) (err error) {
	dir := filepath.Dir(name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if fi, err := os.Stat(name); err == nil {
		perm = fi.Mode().Perm()
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(name)+".*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = write(tmp); err != nil {
		return err
	}
	if err = tmp.Chmod(perm.Perm()); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = rename(tmp.Name(), name); err != nil {
		return err
	}
	// The rename is durable once the directory is synced. The file is already complete and in place, so
	// a directory that cannot be synced (some filesystems refuse) is not a failed write.
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// FileReason is why a file operation failed, without the path and the operation an *fs.PathError carries:
// what follows the file's name in a one-line error that names it once ("x.yaml: no such file or directory").
func FileReason(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

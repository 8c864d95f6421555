package report

import (
	"bytes"
	"errors"
	"io"
	"os"
)

// spillBuffer holds output in memory up to spillAt bytes, then in a temporary file: a Listing is held
// until every input has been read, and the listing of a day of traffic (a line a finding) is far larger
// than the few MB the check itself needs. It is written here, some forty lines over os.CreateTemp, rather
// than taken from a library for it; TestSpillBuffer holds it to its bytes and its file.
type spillBuffer struct {
	mem  bytes.Buffer
	file *os.File
	err  error // the first write error: later writes are dropped, CopyTo returns it
}

// spillAt is the size past which a spillBuffer moves to a temporary file (a variable for its test).
var spillAt = 4 << 20

func (s *spillBuffer) Write(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	if s.file == nil && s.mem.Len()+len(p) > spillAt {
		f, err := os.CreateTemp("", "kontrak-check-*")
		if err != nil {
			s.err = err
			return 0, err
		}
		s.file = f
		if _, err := f.Write(s.mem.Bytes()); err != nil {
			s.err = err
			return 0, err
		}
		s.mem = bytes.Buffer{}
	}
	if s.file != nil {
		n, err := s.file.Write(p)
		if err != nil {
			s.err = err
		}
		return n, err
	}
	return s.mem.Write(p)
}

func (s *spillBuffer) WriteString(str string) (int, error) { return s.Write([]byte(str)) }

// CopyTo writes everything held, in order, on w.
func (s *spillBuffer) CopyTo(w io.Writer) error {
	if s.err != nil {
		return s.err
	}
	if s.file == nil {
		_, err := w.Write(s.mem.Bytes())
		return err
	}
	if _, err := s.file.Seek(0, io.SeekStart); err != nil {
		return err
	}
	_, err := io.Copy(w, s.file)
	return err
}

// Close removes the temporary file, if there is one.
func (s *spillBuffer) Close() error {
	if s.file == nil {
		return nil
	}
	err := errors.Join(s.file.Close(), os.Remove(s.file.Name()))
	s.file = nil
	return err
}

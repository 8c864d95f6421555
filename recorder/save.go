package recorder

import (
	"os"

	"github.com/kontrak/kontrak/internal/wire"
)

// cassetteStore is the cassette.FS of a recording. go-vcr hands it the whole cassette once, at Stop; it
// writes the provenance header and the YAML with wire.WriteFileAtomic, so a reader, or a crash, sees the
// old cassette or the new one, never half of one.
type cassetteStore struct {
	file   string
	header []byte
	// write is wire.WriteFileAtomic; a test makes it fail to show that a failed save leaves the old file.
	write func(name string, data []byte, perm os.FileMode) error
}

func newCassetteStore(file string, header []byte) *cassetteStore {
	return &cassetteStore{file: file, header: header, write: wire.WriteFileAtomic}
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
	return s.write(s.file, append(append(out, s.header...), data...), 0o644)
}

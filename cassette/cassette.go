package cassette

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/internal/wire"
	"go.yaml.in/yaml/v4"
	vcr "gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"
)

// Provenance says where a cassette's answers come from. It is kept in the cassette file itself, as the
// comment block that opens it, so that the file stays exactly go-vcr's format:
//
//	# kontrak: provenance=documented-example
//	# kontrak: source=https://doc.advance.ai/enhanced_ocr.html
//	# kontrak: scenario=ocr-no-result
type Provenance struct {
	// Kind is one of ProvenanceExample, ProvenanceDerived, ProvenanceRecorded.
	Kind string
	// Source is the vendor page the answer was copied or derived from (empty for a live recording).
	Source string
	// Recorded is the date (YYYY-MM-DD) of a live recording.
	Recorded string
	// Scenario names the scenario the cassette serves.
	Scenario string
	// Note says more: which example, which table row.
	Note string
	// Host is, for a live recording, the kind of host it was recorded from (contract.Vendor.HostKind:
	// documented, local, undocumented, unstated); empty in recordings made before kontrak said it.
	Host string
}

// Evidence reports whether a live recording is evidence of the vendor: recorded from one of its documented
// hosts, from a host of a vendor that documents none, or before kontrak labelled the host. A recording from
// a local or another host (kontrak serve, a proxy) is not: it never replaces one that is without
// KONTRAK_REPLACE_LIVE=1, and make cassettes derives over it.
func (p Provenance) Evidence() bool {
	if p.Kind != ProvenanceRecorded {
		return false
	}
	switch p.Host {
	case "", contract.HostDocumented, contract.HostUnstated:
		return true
	}
	return false
}

// The kinds of provenance.
const (
	ProvenanceExample  = "documented-example" // the answer is a document's example, verbatim
	ProvenanceDerived  = "derived-from-table" // the document shows no example: built from its table
	ProvenanceRecorded = "recorded-live"      // recorded from the vendor, then redacted
)

const provenancePrefix = "# kontrak: "

// provenanceField is a key of the provenance block and the field it sets.
type provenanceField struct {
	key   string
	value *string
}

// fields are the block's keys, in the order Header writes them: one list for the writer and the reader.
func (p *Provenance) fields() []provenanceField {
	return []provenanceField{{"provenance", &p.Kind}, {"scenario", &p.Scenario}, {"source", &p.Source},
		{"recorded", &p.Recorded}, {"host", &p.Host}, {"note", &p.Note}}
}

// Header renders the provenance comment block.
func (p Provenance) Header() []byte {
	var b bytes.Buffer
	for _, f := range p.fields() {
		if *f.value != "" {
			fmt.Fprintf(&b, "%s%s=%s\n", provenancePrefix, f.key, wire.OneLine(*f.value))
		}
	}
	return b.Bytes()
}

// Valid reports whether the provenance is complete for its kind.
func (p Provenance) Valid() error {
	switch p.Kind {
	case ProvenanceExample, ProvenanceDerived:
		if p.Source == "" {
			return fmt.Errorf("provenance %s needs a source page", p.Kind)
		}
	case ProvenanceRecorded:
		if p.Recorded == "" {
			return errors.New("provenance recorded-live needs the recording date")
		}
	case "":
		return errors.New("no provenance (a '# kontrak: provenance=' line)")
	default:
		return fmt.Errorf("unknown provenance %q", p.Kind)
	}
	return nil
}

// ParseProvenance reads the provenance block at the top of a cassette file.
func ParseProvenance(data []byte) Provenance {
	var p Provenance
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "#") {
			break
		}
		kv, ok := strings.CutPrefix(line, provenancePrefix)
		if !ok {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		for _, f := range p.fields() {
			if f.key == k {
				*f.value = v
			}
		}
	}
	return p
}

// fileFS serves go-vcr's loader one file by its real name: go-vcr appends ".yaml" to a cassette name,
// and a user may name a file however they like.
type fileFS struct {
	name string
	data []byte
}

func (f fileFS) ReadFile(string) ([]byte, error) { return f.data, nil }
func (f fileFS) WriteFile(string, []byte) error  { return errors.New("read-only") }
func (f fileFS) IsFileExists(string) bool        { return true }

// ReadOnlyFS is a go-vcr FS that serves data, read by ReadFile, whatever name go-vcr asks for: what replay
// hands go-vcr, so that the file is read once.
func ReadOnlyFS(file string, data []byte) vcr.FS { return fileFS{file, data} }

// Load reads a cassette file with go-vcr's own loader, and its provenance. Errors name the file.
func Load(file string) (c *vcr.Cassette, p Provenance, err error) {
	defer wire.Recovered(file, &err)
	data, err := ReadFile(file)
	if err != nil {
		return nil, Provenance{}, err
	}
	return parse(file, data)
}

// Parse reads a cassette from its bytes, as Load reads a file; file only names it in errors and becomes
// the cassette's File. A cassette with no interaction, or with an empty one (`interactions: [~]`), is an
// error: there is nothing to judge, and nothing to replay.
func Parse(file string, data []byte) (c *vcr.Cassette, p Provenance, err error) {
	defer wire.Recovered(file, &err)
	return parse(file, data)
}

// ReadFile reads a cassette file's bytes; its error is one line that names the file.
func ReadFile(file string) ([]byte, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("%s: cannot read cassette: %v", file, wire.FileReason(err))
	}
	return data, nil
}

func parse(file string, data []byte) (*vcr.Cassette, Provenance, error) {
	c, err := vcr.LoadWithFS(strings.TrimSuffix(file, ".yaml"), fileFS{file, data})
	if err != nil && !errors.Is(err, vcr.ErrUnsupportedCassetteFormat) {
		return nil, Provenance{}, fmt.Errorf("%s: not a go-vcr v4 cassette: %s", file, wire.OneLine(wire.ShapeQuoted(err.Error())))
	}
	// go-vcr presets the version before it reads the file, so an empty file or any mapping passes as an
	// empty cassette; and its own version error names the version it wants, not the one it found.
	var head struct {
		Version *int `yaml:"version"`
	}
	_ = yaml.Unmarshal(data, &head)
	switch {
	case head.Version == nil:
		return nil, Provenance{}, fmt.Errorf("%s: not a go-vcr v4 cassette: no version", file)
	case *head.Version != vcr.CassetteFormatVersion:
		return nil, Provenance{}, fmt.Errorf("%s: not a go-vcr v4 cassette: version %s, want %d", file, shownVersion(*head.Version), vcr.CassetteFormatVersion)
	}
	if len(c.Interactions) == 0 {
		return nil, Provenance{}, fmt.Errorf("%s: an empty cassette: no interaction to judge or replay", file)
	}
	for n, i := range c.Interactions {
		if i == nil {
			return nil, Provenance{}, fmt.Errorf("%s: interaction %d (entry %d of interactions) is empty", file, n, n+1)
		}
	}
	c.File = file
	return c, ParseProvenance(data), nil
}

// ReadExchanges loads a cassette and lists its interactions.
func ReadExchanges(file string) (xs []contract.Exchange, err error) {
	defer wire.Recovered(file, &err)
	c, _, err := Load(file)
	if err != nil {
		return nil, err
	}
	return Exchanges(c)
}

// Exchanges lists a loaded cassette's interactions, as ExchangeOf reads each (header names canonical).
func Exchanges(c *vcr.Cassette) (xs []contract.Exchange, err error) {
	if c == nil {
		return nil, errors.New("recorder: no cassette")
	}
	defer wire.Recovered(c.File, &err)
	out := make([]contract.Exchange, 0, len(c.Interactions))
	for n, i := range c.Interactions {
		if i == nil {
			return nil, fmt.Errorf("%s: interaction %d is empty", c.File, n)
		}
		x, err := ExchangeOf(i, n)
		if err != nil {
			return nil, fmt.Errorf("%s: interaction %d: %v", c.File, IDOf(i, n), err)
		}
		out = append(out, x)
	}
	return out, nil
}

// shownVersion is a cassette's version as an error prints it: small, as it is; a long number (a NIK put
// there) by its shape.
func shownVersion(v int) string { return wire.ShapeUnlessShort(strconv.Itoa(v), 4) }

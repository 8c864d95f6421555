package scorecard

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"go.yaml.in/yaml/v4"
)

// TruthFile is the name of a golden set's truth in its directory.
const TruthFile = "truth.yaml"

// maxTruthBytes bounds a truth file (a thousand cards is about 500 KB), maxCards the cards of a set, and
// maxGoldenImage an image file: outside input is read bounded.
const (
	maxTruthBytes  = 8 << 20
	maxCards       = 10_000
	maxGoldenImage = 32 << 20
)

// Truth is a golden set's truth.yaml (see "Golden sets" in the package documentation).
type Truth struct {
	Version int         `yaml:"version"`
	Cards   []TruthCard `yaml:"cards"`
}

// TruthCard is one image of a golden set and what it prints, by canonical field name.
type TruthCard struct {
	Image string `yaml:"image"`
	// Variant labels the photograph's conditions for the per-variant scores; empty is "golden".
	Variant string            `yaml:"variant,omitempty"`
	Fields  map[string]string `yaml:"fields"`
}

// ParseTruth reads a truth file. Errors name the file, the card (by its index, from 1) and the key at
// fault, never a value: a truth file holds personal data.
func ParseTruth(name string, data []byte) (*Truth, error) {
	if len(data) > maxTruthBytes {
		return nil, fmt.Errorf("%s: over %d bytes", name, maxTruthBytes)
	}
	var t Truth
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&t); err != nil {
		// The decoder's message may quote the document; only its line is kept.
		return nil, fmt.Errorf("%s: not a truth file (version, cards: image, variant, fields)%s", name, yamlLine(err))
	}
	if t.Version != 1 {
		return nil, fmt.Errorf("%s: version %d: want 1", name, t.Version)
	}
	if len(t.Cards) == 0 || len(t.Cards) > maxCards {
		return nil, fmt.Errorf("%s: cards: 1 to %d cards, got %d", name, maxCards, len(t.Cards))
	}
	known := CanonicalFields()
	for i := range t.Cards {
		c := &t.Cards[i]
		at := fmt.Sprintf("%s: card %d", name, i+1)
		img := filepath.ToSlash(c.Image)
		if img == "" || strings.HasPrefix(img, "/") || slices.Contains(strings.Split(img, "/"), "..") || filepath.IsAbs(c.Image) {
			return nil, fmt.Errorf("%s: image: a file name inside the set's directory is required", at)
		}
		if c.Variant == "" {
			c.Variant = "golden"
		}
		if strings.ContainsFunc(c.Variant, func(r rune) bool { return !(r == '-' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9') }) || len(c.Variant) > 32 {
			return nil, fmt.Errorf("%s: variant: lower-case letters, digits and '-', at most 32", at)
		}
		if len(c.Fields) == 0 {
			return nil, fmt.Errorf("%s: fields: no field to score", at)
		}
		for _, k := range slices.Sorted(mapsKeys(c.Fields)) {
			if !slices.Contains(known, k) {
				return nil, fmt.Errorf("%s: fields: unknown canonical field %q (known: %s)", at, k, strings.Join(known, ", "))
			}
			if k == "birthDate" {
				iso, ok := isoDate(c.Fields[k])
				if !ok {
					return nil, fmt.Errorf("%s: fields.birthDate: not a date in yyyy-mm-dd, dd-mm-yyyy or yyyy/mm/dd", at)
				}
				c.Fields[k] = iso
			}
		}
	}
	return &t, nil
}

func mapsKeys(m map[string]string) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// yamlLine keeps the line of a YAML error, dropping its text (which may quote a value).
func yamlLine(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, "line "); i >= 0 {
		j := i + len("line ")
		for j < len(msg) && msg[j] >= '0' && msg[j] <= '9' {
			j++
		}
		return " (at " + msg[i:j] + ")"
	}
	return ""
}

// LoadGolden reads DIR/truth.yaml and the images it names. An image is read from the directory, bounded,
// and never written anywhere.
func LoadGolden(dir string) (*Truth, [][]byte, error) {
	name := filepath.Join(dir, TruthFile)
	f, err := os.Open(name)
	if err != nil {
		return nil, nil, fmt.Errorf("--golden: %v", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxTruthBytes+1))
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %v", name, err)
	}
	t, err := ParseTruth(name, data)
	if err != nil {
		return nil, nil, err
	}
	images := make([][]byte, len(t.Cards))
	for i, c := range t.Cards {
		p := filepath.Join(dir, filepath.FromSlash(c.Image))
		// The file's name is not repeated in an error: a team may name images after their holders.
		fi, err := os.Stat(p)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: card %d: its image cannot be read (%s)", name, i+1, reason(err))
		}
		if fi.Size() > maxGoldenImage {
			return nil, nil, fmt.Errorf("%s: card %d: its image is over %d bytes", name, i+1, maxGoldenImage)
		}
		if images[i], err = os.ReadFile(p); err != nil {
			return nil, nil, fmt.Errorf("%s: card %d: its image cannot be read (%s)", name, i+1, reason(err))
		}
	}
	return t, images, nil
}

// reason is an error's cause without the path it names.
func reason(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return "unreadable"
}

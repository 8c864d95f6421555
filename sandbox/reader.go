package sandbox

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v4"

	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/internal/wire"
	"github.com/kontrak/kontrak/specimen"
)

// ReaderHeader is the header serve sets on an answer rule 7 wrote (a specimen read by the OCR model): its
// value names the model. It is serve's own, never a vendor's: a scorecard that sees it labels its scores
// as measured against serve.
const ReaderHeader = "Kontrak-Reader"

//go:embed ocrmodel.yaml
var ocrModelFile []byte

// OCRModel is serve's error model of reading a marked specimen (ocrmodel.yaml): per variant, the permille
// of characters misread, and the look-alike each misread character becomes. It is data: the scorecard's
// tests compute from it the scores they expect.
type OCRModel struct {
	Version  int            `yaml:"version"`
	Variants map[string]int `yaml:"variants"`
	// Failures are the reads that fail outright, by variant: a permille of specimens, and the kind of
	// failure (contract.FailureKinds) whose documented code serve answers (x-kontrak-canonical.failures).
	Failures    map[string]OCRFailure `yaml:"failures"`
	DigitFields []string              `yaml:"digitFields"`
	Digits      map[string]string     `yaml:"digits"`
	Letters     map[string]string     `yaml:"letters"`
}

// OCRFailure is the share of a variant's reads that fail, and how.
type OCRFailure struct {
	Permille int    `yaml:"permille"`
	Kind     string `yaml:"kind"`
}

// DefaultOCRModel is the embedded ocrmodel.yaml, parsed once.
var DefaultOCRModel = sync.OnceValues(func() (*OCRModel, error) { return ParseOCRModel("sandbox/ocrmodel.yaml", ocrModelFile) })

// ParseOCRModel reads an error model; errors name the file and the key at fault.
func ParseOCRModel(name string, b []byte) (*OCRModel, error) {
	var m OCRModel
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("%s: %v", name, wire.OneLine(err.Error()))
	}
	if m.Version != 1 {
		return nil, fmt.Errorf("%s: version %d: want 1", name, m.Version)
	}
	for v, p := range m.Variants {
		if p < 0 || p > 1000 {
			return nil, fmt.Errorf("%s: variants.%s: %d permille is not within 0..1000", name, v, p)
		}
	}
	for v, f := range m.Failures {
		if _, ok := m.Variants[v]; !ok {
			return nil, fmt.Errorf("%s: failures.%s: a variant the model does not read (variants)", name, v)
		}
		if f.Permille < 0 || f.Permille > 1000 {
			return nil, fmt.Errorf("%s: failures.%s.permille: %d is not within 0..1000", name, v, f.Permille)
		}
		if !slices.Contains(contract.FailureKinds, f.Kind) {
			return nil, fmt.Errorf("%s: failures.%s.kind: %q is no kind of failure (known: %s)", name, v, f.Kind, strings.Join(contract.FailureKinds, ", "))
		}
	}
	for key, table := range map[string]map[string]string{"digits": m.Digits, "letters": m.Letters} {
		for from, to := range table {
			if len(from) != 1 || len(to) != 1 || from == to {
				return nil, fmt.Errorf("%s: %s.%q: a character is misread as one other character, got %q", name, key, from, to)
			}
		}
	}
	return &m, nil
}

// Permille is the share of characters the model misreads under variant v; false when the model does not
// read that variant.
func (m *OCRModel) Permille(v specimen.Variant) (int, bool) {
	p, ok := m.Variants[string(v)]
	return p, ok
}

// Fails says whether the read of the marked specimen fails outright, and the kind of failure: the
// model's draw for its seed and variant below the variant's failures permille. A failed read is answered
// as the operation's documented code of that kind (contract.CanonicalMap.Failures), not read.
func (m *OCRModel) Fails(mk specimen.Mark) (kind string, fails bool) {
	f, ok := m.Failures[string(mk.Variant)]
	if !ok || f.Permille == 0 {
		return "", false
	}
	h := sha256.Sum256([]byte(mk.Seed + "|" + string(mk.Variant) + "|fails"))
	if int(binary.BigEndian.Uint64(h[:8])%1000) >= f.Permille {
		return "", false
	}
	return f.Kind, true
}

// Read is what serve answers for a marked specimen: its Truth, each character misread by the model's
// draw. false when the model does not read the mark's variant (the image is answered as unmarked).
func (m *OCRModel) Read(mk specimen.Mark) ([]specimen.Field, bool) {
	p, ok := m.Permille(mk.Variant)
	if !ok {
		return nil, false
	}
	truth := specimen.Truth(specimen.NewIdentity(mk.Seed))
	out := make([]specimen.Field, len(truth))
	for i, f := range truth {
		table := m.Letters
		for _, d := range m.DigitFields {
			if d == f.Name {
				table = m.Digits
			}
		}
		b := []byte(f.Value)
		for j := range b {
			if draw(mk, f.Name, j) >= p {
				continue
			}
			if to, ok := table[string(b[j])]; ok {
				b[j] = to[0]
			}
		}
		out[i] = specimen.Field{Name: f.Name, Value: string(b)}
	}
	return out, true
}

// draw is the model's number in [0, 1000) for one character.
func draw(mk specimen.Mark, field string, i int) int {
	h := sha256.Sum256([]byte(mk.Seed + "|" + string(mk.Variant) + "|" + field + "|" + strconv.Itoa(i)))
	return int(binary.BigEndian.Uint64(h[:8]) % 1000)
}

// marked reads the specimen mark of the request's image, if it carries one.
func marked(op *contract.Operation, q *request) (*specimen.Mark, bool) {
	field, rules := op.ImageField()
	if field == "" || rules == nil {
		return nil, false
	}
	u := q.image(field, rules)
	img := u.data
	if img == nil && u.isText {
		// The decode the image and sandbox rules made (request.decodeBase64), not a second one: issue 24's
		// profile of a Kredibel OCR POST put a third of serve's CPU in this line's own decode.
		b, ok := q.decodeBase64(u.text)
		img, _ = wire.Base64ImageFrom(u.text, b, ok)
	}
	mk, ok := specimen.ReadMark(img)
	if !ok {
		return nil, false
	}
	return &mk, true
}

// readSpecimen is rule 7: the documented success of an operation that carries a KTP, its canonical fields
// set to the model's reading of the marked specimen.
func (s *server) readSpecimen(d *opData, success *answer, mk *specimen.Mark) (*answer, string) {
	model := s.cfg.OCRModel
	if model == nil {
		var err error
		if model, err = DefaultOCRModel(); err != nil {
			return success, "the documented success: " + err.Error()
		}
	}
	fields, ok := model.Read(*mk)
	if !ok {
		return success, fmt.Sprintf("the documented success (a specimen of variant %s, which the OCR model does not read)", mk.Variant)
	}
	if kind, fails := model.Fails(*mk); fails {
		if f := d.op.Canonical.Failures[kind]; f != nil {
			a, from, err := s.outcome(d, "code="+f.Code)
			if err == nil {
				return readerAnswer(a, model), fmt.Sprintf("specimen %s (%s) not read by serve's OCR model (%s): code %s, %s", mk.Seed, mk.Variant, kind, f.Code, from)
			}
			s.note("kontrak serve: %s: the %s failure's code %s has no answer (%v): the specimen is read instead", d.op.Name(), kind, f.Code, err)
		}
	}
	body, err := fillCanonical(d.op, success.body, fields)
	if err != nil {
		return success, "the documented success (the specimen's reading cannot be written: " + err.Error() + ")"
	}
	return readerAnswer(&answer{status: success.status, header: success.header, body: body, from: success.from}, model),
		fmt.Sprintf("specimen %s (%s) read by serve's OCR model into the documented success (%s)", mk.Seed, mk.Variant, success.from)
}

// readerAnswer is a copy of a, its header naming the model (ReaderHeader).
func readerAnswer(a *answer, model *OCRModel) *answer {
	header := a.header.Clone()
	if header == nil {
		header = http.Header{}
	}
	header.Set(ReaderHeader, fmt.Sprintf("kontrak serve, OCR model v%d (not a vendor)", model.Version))
	out := *a
	out.header = header
	return &out
}

// fillCanonical writes canonical field values into a success body at the places x-kontrak-canonical maps
// them to (every pointer, the also's included): a date in the place's notation, parts of a joined value
// (split) joined by its separator, part by part.
func fillCanonical(op *contract.Operation, body []byte, fields []specimen.Field) ([]byte, error) {
	doc, err := wire.DecodeJSON(body)
	if err != nil {
		return nil, fmt.Errorf("%s: the documented success is not JSON: %v", op.Name(), err)
	}
	type joined struct {
		sep   string
		parts map[int]string
	}
	joins := map[string]*joined{}
	set := func(fm *contract.FieldMap, value string) error {
		if fm.Notation != "" {
			value = inNotation(value, contract.DateFormats[fm.Notation])
		}
		if fm.Split == nil {
			var err error
			doc, err = wire.Set(doc, fm.Pointer, value)
			return err
		}
		j := joins[fm.Pointer]
		if j == nil {
			j = &joined{sep: fm.Split.Separator, parts: map[int]string{}}
			joins[fm.Pointer] = j
		}
		j.parts[fm.Split.Index] = value
		return nil
	}
	for _, f := range fields {
		fm := op.Canonical.Fields[f.Name]
		if fm == nil {
			continue
		}
		for _, m := range append([]*contract.FieldMap{fm}, fm.Also...) {
			if err := set(m, f.Value); err != nil {
				return nil, fmt.Errorf("%s: %s at %s: %v", op.Name(), f.Name, m.Pointer, err)
			}
		}
	}
	ptrs := make([]string, 0, len(joins))
	for p := range joins {
		ptrs = append(ptrs, p)
	}
	sort.Strings(ptrs)
	for _, p := range ptrs {
		j := joins[p]
		n := 2 // a split value has two parts at least (contract reads a value of one part as no part)
		for i := range j.parts {
			n = max(n, i+1, -i)
		}
		parts := make([]string, n)
		for i, v := range j.parts {
			if i < 0 {
				i += n
			}
			parts[i] = v
		}
		if doc, err = wire.Set(doc, p, strings.Join(parts, j.sep)); err != nil {
			return nil, fmt.Errorf("%s: %s: %v", op.Name(), p, err)
		}
	}
	return json.Marshal(doc)
}

// inNotation writes an ISO date (yyyy-mm-dd, perhaps misread into no calendar date) by a Go date layout,
// digit by digit: a misread date stays misread rather than being normalised by package time.
func inNotation(iso, layout string) string {
	if len(iso) != 10 || iso[4] != '-' || iso[7] != '-' {
		return iso
	}
	return strings.NewReplacer("2006", iso[:4], "01", iso[5:7], "02", iso[8:]).Replace(layout)
}

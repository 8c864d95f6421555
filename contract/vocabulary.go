package contract

import (
	"fmt"
	"io/fs"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v4"
)

// VocabularyFile is the KTP vocabulary: what a KTP's fields mean, whatever the vendor (NIK structure,
// province codes, closed sets, RT/RW notation), each entry with its public source.
const VocabularyFile = "schemas/ktp/vocabulary.yaml"

// Vocabulary is the KTP's own semantics, read from VocabularyFile. Semantic rules are written against it
// and the canonical record, never per vendor.
type Vocabulary struct {
	NIK       NIKRules  `yaml:"nik" json:"nik"`
	Provinces Provinces `yaml:"provinces" json:"provinces"`
	Regencies Regencies `yaml:"regencies" json:"regencies"`
	Holder    struct {
		// MinimumAge is the age at which a resident must hold a KTP-el (a married one may be younger).
		MinimumAge int    `yaml:"minimumAge" json:"minimumAge"`
		Source     Source `yaml:"source" json:"source"`
	} `yaml:"holder" json:"holder"`
	Sets  []ValueSet  `yaml:"sets" json:"sets"`
	RTRW  NotationSet `yaml:"rtrw" json:"rtrw"`
	Dates struct {
		Source Source `yaml:"source" json:"source"`
	} `yaml:"dates" json:"dates"`

	rtrw *regexp.Regexp
}

// NIKRules is the layout of a NIK: its length, where the province and the birth date are, and how a
// woman's birth day is encoded.
type NIKRules struct {
	Length          int      `yaml:"length" json:"length"`
	ProvinceDigits  [2]int   `yaml:"provinceDigits" json:"provinceDigits"`
	RegencyDigits   [2]int   `yaml:"regencyDigits" json:"regencyDigits"`
	BirthDigits     [2]int   `yaml:"birthDigits" json:"birthDigits"`
	FemaleDayOffset int      `yaml:"femaleDayOffset" json:"femaleDayOffset"`
	Female          []string `yaml:"female" json:"female"`
	Male            []string `yaml:"male" json:"male"`
	Source          Source   `yaml:"source" json:"source"`
	Synthetic       struct {
		Prefix string `yaml:"prefix" json:"prefix"`
		Source Source `yaml:"source" json:"source"`
	} `yaml:"synthetic" json:"synthetic"`
}

// Provinces is the official list of province codes (digits 1–2 of a NIK).
type Provinces struct {
	Source Source     `yaml:"source" json:"source"`
	Codes  []Province `yaml:"codes" json:"codes"`
}

// Province is one province code. Basis, when set, overrides the list's basis for this entry.
type Province struct {
	Code  string `yaml:"code" json:"code"`
	Name  string `yaml:"name" json:"name"`
	Basis string `yaml:"basis,omitempty" json:"basis,omitempty"`
}

// Regencies is the official list of regency and city codes (kabupaten/kota: digits 1–4 of a NIK, the
// province's and the regency's), and the superseded codes older NIKs still carry.
type Regencies struct {
	Source     Source    `yaml:"source" json:"source"`
	Codes      []Regency `yaml:"codes" json:"codes"`
	Superseded struct {
		Source Source    `yaml:"source" json:"source"`
		Codes  []Regency `yaml:"codes" json:"codes"`
	} `yaml:"superseded" json:"superseded"`

	known map[string]bool
}

// Regency is one regency or city code ("3273"); Now, for a superseded code, is the code that replaced it.
type Regency struct {
	Code string `yaml:"code" json:"code"`
	Name string `yaml:"name" json:"name"`
	Now  string `yaml:"now,omitempty" json:"now,omitempty"`
}

// Regency reports whether code (four digits: province and regency) begins a NIK: a code of the list, or a
// superseded one.
func (v *Vocabulary) Regency(code string) bool { return v.Regencies.known[code] }

// judgesRegencies says whether the vocabulary lists regencies (an earlier version may not).
func (v *Vocabulary) judgesRegencies() bool {
	return v.NIK.RegencyDigits != [2]int{} && len(v.Regencies.known) > 0
}

// ValueSet is the closed set of a canonical field's printed values.
type ValueSet struct {
	Field  string   `yaml:"field" json:"field"`
	Values []string `yaml:"values" json:"values"`
	Source Source   `yaml:"source" json:"source"`
}

// NotationSet is a notation a value must follow (a regular expression).
type NotationSet struct {
	Pattern string `yaml:"pattern" json:"pattern"`
	Source  Source `yaml:"source" json:"source"`
}

// Province returns the province of code, and whether it is on the list.
func (v *Vocabulary) Province(code string) (Province, bool) {
	for _, p := range v.Provinces.Codes {
		if p.Code == code {
			return p, true
		}
	}
	return Province{}, false
}

// Set returns the value set of a canonical field, or nil.
func (v *Vocabulary) Set(field string) *ValueSet {
	for i := range v.Sets {
		if v.Sets[i].Field == field {
			return &v.Sets[i]
		}
	}
	return nil
}

// Has reports whether s is in the set, ignoring case and surrounding space.
func (s *ValueSet) Has(val string) bool {
	return containsFold(s.Values, val)
}

func containsFold(list []string, s string) bool {
	s = strings.TrimSpace(s)
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// loadVocabulary reads VocabularyFile strictly: an unknown key, a set of an unknown canonical field or a
// broken pattern is an error naming the file and the place.
func loadVocabulary(fsys fs.FS) (*Vocabulary, error) {
	raw, err := fs.ReadFile(fsys, VocabularyFile)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", VocabularyFile, err)
	}
	var v Vocabulary
	if err := yaml.Load(raw, &v, yaml.WithKnownFields()); err != nil {
		return nil, fmt.Errorf("%s: %s", VocabularyFile, oneLine(err.Error()))
	}
	fail := func(format string, a ...any) error {
		return fmt.Errorf("%s: %s", VocabularyFile, fmt.Sprintf(format, a...))
	}
	n := v.NIK
	if n.Length <= 0 || !digitsRange(n.ProvinceDigits, n.Length) || !digitsRange(n.BirthDigits, n.Length) ||
		n.BirthDigits[1]-n.BirthDigits[0] != 5 {
		return nil, fail("/nik: length, provinceDigits and birthDigits (six digits, DDMMYY) must lie inside the NIK")
	}
	// Regencies and the holder's age came later than the rest: a vocabulary of an earlier version (kontrak
	// diff reads one from git) may lack them, and their rules then do not apply.
	if n.RegencyDigits != [2]int{} && (!digitsRange(n.RegencyDigits, n.Length) || n.RegencyDigits[0] != n.ProvinceDigits[1]+1) {
		return nil, fail("/nik/regencyDigits: the regency's digits must follow the province's, inside the NIK")
	}
	if n.RegencyDigits == [2]int{} && len(v.Regencies.Codes) > 0 {
		return nil, fail("/regencies needs /nik/regencyDigits")
	}
	v.Regencies.known = map[string]bool{}
	width := n.RegencyDigits[1] - n.ProvinceDigits[0] + 1
	for i, r := range append(append([]Regency(nil), v.Regencies.Codes...), v.Regencies.Superseded.Codes...) {
		if len(r.Code) != width || !onlyDigitsOr(r.Code, "") {
			return nil, fail("/regencies: entry %d: code %q is not %d digits", i, r.Code, width)
		}
		if _, ok := v.Province(r.Code[:n.ProvinceDigits[1]]); !ok {
			return nil, fail("/regencies: entry %d: code %s is of no province of /provinces", i, r.Code)
		}
		if v.Regencies.known[r.Code] {
			return nil, fail("/regencies: code %s is given twice", r.Code)
		}
		v.Regencies.known[r.Code] = true
	}
	if v.Holder.MinimumAge < 0 {
		return nil, fail("/holder/minimumAge: %d is no age", v.Holder.MinimumAge)
	}
	for i, s := range v.Sets {
		if _, ok := canonicalFieldIndex(s.Field); !ok {
			return nil, fail("/sets/%d/field: %q is not a field of the canonical record (%s)", i, s.Field, strings.Join(canonicalFieldNames(), ", "))
		}
		if len(s.Values) == 0 {
			return nil, fail("/sets/%d/values: empty", i)
		}
	}
	if v.rtrw, err = regexp.Compile(v.RTRW.Pattern); err != nil || v.RTRW.Pattern == "" {
		return nil, fail("/rtrw/pattern: %q is not a regular expression", v.RTRW.Pattern)
	}
	return &v, nil
}

func digitsRange(r [2]int, length int) bool { return r[0] >= 1 && r[1] >= r[0] && r[1] <= length }

// attachVocabulary loads the vocabulary once, when the first vendor that maps a KTP needs it.
func (c *Contract) attachVocabulary(fsys fs.FS, v *Vendor) error {
	needs := false
	for _, o := range v.Operations {
		if o.Canonical != nil {
			needs = true
		}
	}
	if !needs {
		return nil
	}
	if c.vocab == nil {
		voc, err := loadVocabulary(fsys)
		if err != nil {
			return fmt.Errorf("%s: %s needs the KTP vocabulary: %v", v.File, extCanonical, err)
		}
		c.vocab = voc
	}
	v.vocab = c.vocab
	return nil
}

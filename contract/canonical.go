package contract

import (
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/kontrak/kontrak/internal/wire"
	yaml "github.com/pb33f/go-yaml"
)

// extCanonical maps an operation's success answer onto the canonical KTP record.
const extCanonical = "x-kontrak-canonical"

// KTP is the canonical record of an Indonesian identity card: one type for every vendor's answer. Fields
// the vendor does not give, or gives as null or a documented placeholder ("null"), are empty. Canonical
// field names (the json tags) are kontrak's vocabulary; which vendor pointer fills which is said by each
// spec's x-kontrak-canonical.
type KTP struct {
	NIK           string `json:"nik"`
	Name          string `json:"name"`
	BirthPlace    string `json:"birthPlace"`
	BirthDate     *Date  `json:"birthDate"`
	Gender        string `json:"gender"`
	BloodType     string `json:"bloodType"`
	Address       string `json:"address"`
	RT            string `json:"rt"`
	RW            string `json:"rw"`
	Village       string `json:"village"`
	District      string `json:"district"`
	City          string `json:"city"`
	Province      string `json:"province"`
	Religion      string `json:"religion"`
	MaritalStatus string `json:"maritalStatus"`
	Occupation    string `json:"occupation"`
	Nationality   string `json:"nationality"`
	// Expiry is the card's validity as printed: a date in the vendor's notation or "SEUMUR HIDUP" (for life).
	Expiry string `json:"expiry"`
}

// Date is a calendar date, without time or zone.
type Date struct {
	Year  int        `json:"year"`
	Month time.Month `json:"month"`
	Day   int        `json:"day"`
}

// String is the ISO form, yyyy-mm-dd.
func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day) }

// MarshalText writes the ISO form.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// CanonicalMap is how an operation's success answer maps onto KTP: which answers carry a KTP (When), and, per
// canonical field, the vendor's pointer and notation.
type CanonicalMap struct {
	When struct {
		// Statuses are the HTTP statuses of a success ("200", "2XX").
		Statuses []string `yaml:"statuses" json:"statuses"`
		// Code is the value at the operation's code pointer on a success; empty: a success carries no code.
		Code string `yaml:"code,omitempty" json:"code,omitempty"`
	} `yaml:"when" json:"when"`
	// Mask is the character a vendor masks personal data with in its documents ("33******02"): a value
	// holding it is not judged by the KTP vocabulary, and a masked NIK keeps its contract.
	Mask   string               `yaml:"mask,omitempty" json:"mask,omitempty"`
	Source Source               `yaml:"source" json:"source"`
	Fields map[string]*FieldMap `yaml:"fields" json:"fields"`
	// Failures are the documented answers of a read that failed, by kind (FailureKinds): the code of the
	// operation's own table the vendor answers then. kontrak serve's OCR model fails a share of its reads
	// with them (sandbox/ocrmodel.yaml names the kind), so that what a failed read costs is measured from
	// the billing tables and not assumed.
	Failures map[string]*Failure `yaml:"failures,omitempty" json:"failures,omitempty"`

	// mapped are Fields in canonical field order, listed once at load (decodeCanonical): Check reads them
	// on every success body.
	mapped []mappedField
}

// FailureUnreadable is the kind of failure of an image the vendor cannot read: no card, no text, nothing
// recognised on it.
const FailureUnreadable = "unreadable"

// FailureKinds are the kinds of failed read a CanonicalMap may name. They are kontrak's vocabulary, as
// the canonical field names are; which code each vendor answers is each spec's.
var FailureKinds = []string{FailureUnreadable}

// Failure is the documented answer of one kind of failed read.
type Failure struct {
	// Code is the operation's code (x-kontrak-codes) of that failure.
	Code   string `yaml:"code" json:"code"`
	Source Source `yaml:"source" json:"source"`
}

type mappedField struct {
	name string
	fm   *FieldMap
}

// ordered lists the mapped fields in canonical field order.
func (c *CanonicalMap) ordered() []mappedField {
	if c.mapped != nil {
		return c.mapped
	}
	out := make([]mappedField, 0, len(c.Fields))
	for _, name := range canonicalFieldNames() {
		if fm := c.Fields[name]; fm != nil {
			out = append(out, mappedField{name, fm})
		}
	}
	return out
}

// FieldMap is where a canonical field lives in the vendor's answer.
type FieldMap struct {
	Pointer string `yaml:"pointer" json:"pointer"`
	// Notation is the date notation of a date field (a key of DateFormats).
	Notation string `yaml:"notation,omitempty" json:"notation,omitempty"`
	// Split takes one part of a joined value ("002/003" is RT/RW; "PLACE, dd-mm-yyyy").
	Split *Split `yaml:"split,omitempty" json:"split,omitempty"`
	// Nulls are documented placeholders that mean "no value" (ADVANCE's string "null").
	Nulls []string `yaml:"nulls,omitempty" json:"nulls,omitempty"`
	// Also are other places of the same answer that carry the same fact; they must agree with Pointer
	// (canonical-sources-disagree) where both can be read.
	Also   []*FieldMap `yaml:"also,omitempty" json:"also,omitempty"`
	Source *Source     `yaml:"source,omitempty" json:"source,omitempty"`
}

// Split is a split rule: the value is cut at Separator and part Index is taken (negative: from the end),
// trimmed. A value with too few parts has no such part.
type Split struct {
	Separator string `yaml:"separator" json:"separator"`
	Index     int    `yaml:"index" json:"index"`
}

var ktpType = reflect.TypeOf(KTP{})

// canonicalNames are KTP's json names in field order, read once: Check asks for them on every body.
var canonicalNames = func() []string {
	out := make([]string, ktpType.NumField())
	for i := range out {
		out[i] = strings.Split(ktpType.Field(i).Tag.Get("json"), ",")[0]
	}
	return out
}()

// canonicalFieldNames lists the canonical field names; the slice is shared, callers must not change it.
func canonicalFieldNames() []string { return canonicalNames }

func canonicalFieldIndex(name string) (int, bool) {
	for i, n := range canonicalFieldNames() {
		if n == name {
			return i, true
		}
	}
	return 0, false
}

// decodeCanonical decodes x-kontrak-canonical strictly: every key must be known, every field a canonical
// one, every notation a known date notation. Errors name the JSON Pointer inside the extension and the key.
func decodeCanonical(n *yaml.Node, pointer string) (*CanonicalMap, error) {
	if err := knownKeys(n, pointer, map[string]any{
		"when": []string{"statuses", "code"}, "mask": nil, "source": []string{"page", "basis", "note"}, "fields": "fields",
		"failures": nil,
	}); err != nil {
		return nil, err
	}
	var c CanonicalMap
	if err := n.Load(&c, yaml.WithKnownFields()); err != nil {
		return nil, fmt.Errorf("%s: %s", pointer, oneLine(err.Error()))
	}
	if len(c.When.Statuses) == 0 {
		return nil, fmt.Errorf("%s/when/statuses: a success needs its statuses", pointer)
	}
	if len(c.Fields) == 0 {
		return nil, fmt.Errorf("%s/fields: no field is mapped", pointer)
	}
	names := make([]string, 0, len(c.Fields))
	for k := range c.Fields {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, name := range names {
		p := pointer + "/fields/" + wire.Escape(name)
		i, ok := canonicalFieldIndex(name)
		if !ok {
			return nil, fmt.Errorf("%s: unknown canonical field %q (known: %s)", p, name, strings.Join(canonicalFieldNames(), ", "))
		}
		isDate := ktpType.Field(i).Type == reflect.TypeOf(&Date{})
		fm := c.Fields[name]
		if err := checkFieldMap(fm, p, isDate); err != nil {
			return nil, err
		}
		for j, a := range fm.Also {
			if err := checkFieldMap(a, fmt.Sprintf("%s/also/%d", p, j), isDate); err != nil {
				return nil, err
			}
		}
	}
	for _, kind := range slices.Sorted(maps.Keys(c.Failures)) {
		p := pointer + "/failures/" + wire.Escape(kind)
		if !slices.Contains(FailureKinds, kind) {
			return nil, fmt.Errorf("%s: unknown kind of failure %q (known: %s)", p, kind, strings.Join(FailureKinds, ", "))
		}
		if f := c.Failures[kind]; f == nil || f.Code == "" {
			return nil, fmt.Errorf("%s/code: a failure needs the code the vendor answers", p)
		}
	}
	c.mapped = c.ordered()
	return &c, nil
}

// checkFailures checks that every failure's code is a row of the operation's code table, and none is the
// success's code.
func (c *CanonicalMap) checkFailures(codes *CodeTable, pointer string) error {
	for _, kind := range slices.Sorted(maps.Keys(c.Failures)) {
		code := c.Failures[kind].Code
		p := pointer + "/failures/" + wire.Escape(kind) + "/code"
		if codes.Lookup(code) == nil {
			return fmt.Errorf("%s: %q is not in the operation's code table (x-kontrak-codes)", p, code)
		}
		if code == c.When.Code {
			return fmt.Errorf("%s: %q is the success's code", p, code)
		}
	}
	return nil
}

func checkFieldMap(fm *FieldMap, p string, isDate bool) error {
	if fm == nil || !strings.HasPrefix(fm.Pointer, "/") {
		return fmt.Errorf("%s/pointer: a JSON Pointer is required", p)
	}
	if isDate {
		if _, ok := DateFormats[fm.Notation]; !ok {
			return fmt.Errorf("%s/notation: %q is not a date notation (known: %s)", p, fm.Notation, strings.Join(slices.Sorted(maps.Keys(DateFormats)), ", "))
		}
	} else if fm.Notation != "" {
		return fmt.Errorf("%s/notation: only a date field has a notation", p)
	}
	if fm.Split != nil && fm.Split.Separator == "" {
		return fmt.Errorf("%s/split/separator: empty", p)
	}
	return nil
}

// knownKeys walks a mapping node and refuses keys the format does not know, naming pointer and key. spec
// maps a key to nil (a scalar), a list of known subkeys, or "fields" (the field maps).
func knownKeys(n *yaml.Node, pointer string, spec map[string]any) error {
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("%s: a mapping is required", pointer)
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, val := n.Content[i].Value, n.Content[i+1]
		p := pointer + "/" + wire.Escape(key)
		want, ok := spec[key]
		if !ok {
			return fmt.Errorf("%s: unknown key %q (known: %s)", pointer, key, strings.Join(slices.Sorted(maps.Keys(spec)), ", "))
		}
		switch w := want.(type) {
		case []string:
			m := map[string]any{}
			for _, k := range w {
				m[k] = nil
			}
			if err := knownKeys(val, p, m); err != nil {
				return err
			}
		case string: // the field maps
			if val.Kind != yaml.MappingNode {
				return fmt.Errorf("%s: a mapping is required", p)
			}
			for j := 0; j+1 < len(val.Content); j += 2 {
				if err := fieldMapKeys(val.Content[j+1], p+"/"+wire.Escape(val.Content[j].Value)); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func fieldMapKeys(n *yaml.Node, p string) error {
	spec := map[string]any{"pointer": nil, "notation": nil, "split": []string{"separator", "index"}, "nulls": nil,
		"source": []string{"page", "basis", "note"}, "also": nil}
	if err := knownKeys(n, p, spec); err != nil {
		return err
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value != "also" {
			continue
		}
		list := n.Content[i+1]
		if list.Kind != yaml.SequenceNode {
			return fmt.Errorf("%s/also: a list is required", p)
		}
		for j, item := range list.Content {
			if err := fieldMapKeys(item, fmt.Sprintf("%s/also/%d", p, j)); err != nil {
				return err
			}
		}
	}
	return nil
}

// ErrNoCanonical is returned by Canonical for an operation whose spec maps no KTP (a token call, a submit).
var ErrNoCanonical = errors.New("the operation carries no KTP (no " + extCanonical + ")")

// Canonical reads the KTP of an operation's success answer into the canonical record, dates as dates. It
// errs, naming vendor and operation, when the operation carries no KTP, the body is not JSON, or the body is
// not a success (its code is not the success code); a field that cannot be read (absent, null, a
// placeholder, a date off its notation) is left empty.
func Canonical(op *Operation, body []byte) (k *KTP, err error) {
	defer recoverInto(&err, "canonical record of %s (%d bytes)", opName(op), len(body))
	if op == nil || op.Canonical == nil {
		name := "nil operation"
		if op != nil {
			name = op.Name()
		}
		return nil, fmt.Errorf("%s: %w", name, ErrNoCanonical)
	}
	doc, ok := decodeJSON(body)
	if !ok {
		return nil, fmt.Errorf("%s: the body is not JSON", op.Name())
	}
	if !op.isSuccessBody(doc) {
		code, _ := lookupString(doc, op.Codes.Pointer)
		return nil, fmt.Errorf("%s: not a success answer (code %q at %q, want %q)", op.Name(), code, op.Codes.Pointer, op.Canonical.When.Code)
	}
	k, values := op.canonical(doc)
	for _, v := range values {
		if v.raw {
			return k, nil
		}
	}
	return nil, fmt.Errorf("%s: the body carries none of the KTP's fields", op.Name())
}

// isSuccessBody reports whether the body's code is the success code of the mapping.
func (o *Operation) isSuccessBody(doc any) bool {
	code, has := lookupString(doc, o.Codes.Pointer)
	if o.Canonical.When.Code == "" {
		return !has
	}
	return has && code == o.Canonical.When.Code
}

// canonValue is one canonical field as read: its text, where it came from.
type canonValue struct {
	field   string
	pointer string
	text    string
	date    *Date
	ok      bool   // readable: present, not null, not a placeholder (and a valid date for a date field)
	raw     bool   // present as a string at all (even a placeholder)
	rawText string // the string as it arrived, before split and placeholders
}

// canonValues are the mapped fields as read, in canonical field order: at most one per field, few enough
// that a scan finds one faster than a map is built.
type canonValues []canonValue

func (vs canonValues) get(field string) (canonValue, bool) {
	for _, v := range vs {
		if v.field == field {
			return v, true
		}
	}
	return canonValue{}, false
}

// canonicalValues reads every mapped field, and only those: one pointer lookup each, no walk of the body.
func (o *Operation) canonicalValues(doc any) canonValues {
	mapped := o.Canonical.ordered()
	values := make(canonValues, len(mapped))
	r := docReader{doc: doc}
	for i, f := range mapped {
		values[i] = r.field(f.name, f.fm)
	}
	return values
}

// canonical reads every mapped field into the record; values lists them in canonical field order.
func (o *Operation) canonical(doc any) (*KTP, []canonValue) {
	k := &KTP{}
	rv := reflect.ValueOf(k).Elem()
	values := o.canonicalValues(doc)
	for _, cv := range values {
		i, _ := canonicalFieldIndex(cv.field)
		if !cv.ok {
			continue
		}
		if cv.date != nil {
			d := *cv.date
			rv.Field(i).Set(reflect.ValueOf(&d))
		} else {
			rv.Field(i).SetString(cv.text)
		}
	}
	return k, values
}

func readField(doc any, name string, fm *FieldMap) canonValue {
	r := docReader{doc: doc}
	return r.field(name, fm)
}

// docReader reads the mapped fields of one document, remembering the last object it found a field in:
// a vendor's KTP fields are siblings ("/message/name", "/message/dob"), so each costs one lookup.
type docReader struct {
	doc    any
	parent string // the pointer of node, when has
	node   any
	has    bool
}

func (r *docReader) rawString(pointer string) (string, bool) {
	k := strings.LastIndexByte(pointer, '/')
	if k <= 0 || strings.IndexByte(pointer, '~') >= 0 {
		return lookupRawString(r.doc, pointer)
	}
	if !r.has || r.parent != pointer[:k] {
		r.node, r.has = lookupValue(r.doc, pointer[:k])
		r.parent = pointer[:k]
		if !r.has {
			r.node = nil
		}
	}
	if !r.has {
		return "", false
	}
	v, ok := wire.Get(r.node, pointer[k:])
	if !ok {
		return "", false
	}
	s, ok := v.(string)
	return s, ok
}

func (r *docReader) field(name string, fm *FieldMap) canonValue {
	cv := canonValue{field: name, pointer: fm.Pointer}
	s, has := r.rawString(fm.Pointer)
	if !has {
		return cv
	}
	cv.raw, cv.rawText = true, s
	if fm.Split != nil {
		parts := strings.Split(s, fm.Split.Separator)
		i := fm.Split.Index
		if i < 0 {
			i += len(parts)
		}
		if len(parts) < 2 || i < 0 || i >= len(parts) {
			return cv
		}
		s = strings.TrimSpace(parts[i])
	}
	if containsFold(fm.Nulls, s) {
		return cv
	}
	cv.text = s
	if fm.Notation != "" {
		t, err := time.Parse(DateFormats[fm.Notation], s)
		if err != nil {
			return cv
		}
		cv.date = &Date{Year: t.Year(), Month: t.Month(), Day: t.Day()}
	}
	cv.ok = true
	return cv
}

// lookupRawString reads the string at a JSON Pointer; anything else (null, a number) is not a string.
func lookupRawString(doc any, pointer string) (string, bool) {
	v, ok := lookupValue(doc, pointer)
	if !ok {
		return "", false
	}
	s, ok := v.(string)
	return s, ok
}

func opName(op *Operation) string {
	if op == nil || op.Vendor == nil {
		return "nil operation"
	}
	return op.Name()
}

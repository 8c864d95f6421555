package redact

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"fmt"
	"iter"
	"math"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v4"

	"github.com/kontrak/kontrak/internal/wire"
	"github.com/kontrak/kontrak/specimen"
)

// Redaction by name and by content, beyond the places the specs document. What is looked for is data:
// pii_rules.yaml, one reviewed table with the reason of each rule. This file is the code the table names.

//go:embed pii_rules.yaml
var piiRulesYAML []byte

// The kinds a name rule gives a value, besides specimen's kinds and "placedate".
const (
	kindCredential = "credential"
	kindFreeText   = "freetext"
	kindImageRef   = "image"
	kindPlaceDate  = "placedate"
	kindPhone      = specimen.KindPhone
	kindEmail      = specimen.KindEmail
	kindTaxID      = specimen.KindTaxID
)

// LeakTooDeep is the kind of a body nested deeper than MaxDepth: it is refused, not read.
const LeakTooDeep = "too-deep"

// LeakToken is the kind of a long high-entropy value that is a secret by its content alone.
const LeakToken = "token"

type piiTable struct {
	Token struct {
		MinLength      int     `yaml:"minLength"`
		MaxLength      int     `yaml:"maxLength"`
		MinBitsPerChar float64 `yaml:"minBitsPerChar"`
	} `yaml:"token"`
	Names   []nameRule `yaml:"names"`
	Content []struct {
		ID     string `yaml:"id"`
		Reason string `yaml:"reason"`
	} `yaml:"content"`
}

type nameRule struct {
	Kind   string   `yaml:"kind"`
	Any    []string `yaml:"any"`
	All    []string `yaml:"all"`
	Except []string `yaml:"except"`
	Sides  []string `yaml:"sides"`
	Reason string   `yaml:"reason"`
}

// contentDetectors are the content rules this file implements, by the ids of pii_rules.yaml.
var contentDetectors = []string{"image-bytes", "jwt", "token", "nik", "nik-notation", "email", "phone", "date-in-text", "known-value"}

// piiRules is the table, loaded once. A table that does not load is a build defect, caught by every test.
var piiRules = mustLoadPIITable(piiRulesYAML)

// MaxDepth is the deepest JSON nesting redaction and scan read: kontrak's one depth limit
// (wire.MaxJSONDepth). A body nested deeper is not read: the scan reports it (kind too-deep) and redaction
// refuses it. The walk does not recurse, so a body up to it costs time linear in its size.
const MaxDepth = wire.MaxJSONDepth

func mustLoadPIITable(data []byte) *piiTable {
	t, err := loadPIITable(data)
	if err != nil {
		panic(err) // the embedded table is part of the build; TestPIIRulesTable says why it fails
	}
	return t
}

func loadPIITable(data []byte) (*piiTable, error) {
	var t piiTable
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(&t); err != nil {
		return nil, fmt.Errorf("redact/pii_rules.yaml: %s", wire.OneLine(err.Error()))
	}
	if t.Token.MinLength < 8 || t.Token.MaxLength < t.Token.MinLength || t.Token.MinBitsPerChar <= 0 {
		return nil, fmt.Errorf("redact/pii_rules.yaml: token needs positive values")
	}
	known := map[string]bool{kindCredential: true, kindFreeText: true, kindImageRef: true, kindPlaceDate: true,
		specimen.KindNIK: true, specimen.KindName: true, specimen.KindAddress: true, specimen.KindDate: true,
		specimen.KindPlace: true, specimen.KindText: true, kindPhone: true, kindEmail: true, kindTaxID: true}
	for n, r := range t.Names {
		if !known[r.Kind] {
			return nil, fmt.Errorf("redact/pii_rules.yaml: names[%d]: unknown kind %q", n, r.Kind)
		}
		if r.Reason == "" || len(r.Any)+len(r.All) == 0 {
			return nil, fmt.Errorf("redact/pii_rules.yaml: names[%d] (%s): needs words (any or all) and a reason", n, r.Kind)
		}
		for _, s := range r.Sides {
			if s != "request" && s != "answer" {
				return nil, fmt.Errorf("redact/pii_rules.yaml: names[%d] (%s): side %q: want request or answer", n, r.Kind, s)
			}
		}
	}
	ids := map[string]bool{}
	for n, c := range t.Content {
		if c.Reason == "" {
			return nil, fmt.Errorf("redact/pii_rules.yaml: content[%d] (%s): needs a reason", n, c.ID)
		}
		ids[c.ID] = true
	}
	for _, id := range contentDetectors {
		if !ids[id] {
			return nil, fmt.Errorf("redact/pii_rules.yaml: content: detector %q is implemented but not listed", id)
		}
		delete(ids, id)
	}
	for id := range ids {
		return nil, fmt.Errorf("redact/pii_rules.yaml: content: %q is listed but no detector implements it", id)
	}
	return &t, nil
}

// nameWords splits a name into lower-case words: at every character that is not a letter or digit, and
// where a lower-case letter or digit is followed by an upper-case one ("ktpImage" → ktp, image).
func nameWords(name string) []string {
	var words []string
	var cur []rune
	prev := rune(0)
	flush := func() {
		if len(cur) > 0 {
			words = append(words, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	for _, c := range name {
		switch {
		case !unicode.IsLetter(c) && !unicode.IsDigit(c):
			flush()
		case unicode.IsUpper(c) && (unicode.IsLower(prev) || unicode.IsDigit(prev)):
			flush()
			cur = append(cur, c)
		default:
			cur = append(cur, c)
		}
		prev = c
	}
	flush()
	return words
}

// kindOfName is the kind the first matching name rule gives name, or "".
//
// A scan asks it of every header, query parameter and JSON member name of every interaction, and a
// cassette repeats the same few hundred names: so the answer is remembered by side and name, up to
// maxKnownNames of them (a body of millions of distinct names is still answered, just not remembered).
// Why: issue 24 measured the matcher, which splits the name and builds a map of its words each time, at
// 23% of a scan's CPU; a remembered answer is one lock-free map read, with no allocation.
func kindOfName(s side, name string) string {
	if name == "" {
		return ""
	}
	k := nameKey{s, name}
	if kind, ok := nameKinds.m.Load(k); ok {
		return kind.(string)
	}
	kind := matchName(s, name)
	if nameKinds.n.Load() < maxKnownNames {
		if _, loaded := nameKinds.m.LoadOrStore(k, kind); !loaded {
			nameKinds.n.Add(1)
		}
	}
	return kind
}

// maxKnownNames bounds kindOfName's memory: a name and its kind are some 100 bytes, so at most about 1.6 MB.
const maxKnownNames = 1 << 14

type nameKey struct {
	s    side
	name string
}

// nameKinds are kindOfName's answers (the rules are fixed at init: an answer never changes), n their
// number. A sync.Map: the names of a vendor's exchanges are few and read on every core for every leaf, and
// a read of a sync.Map takes no lock (a read lock's shared counter was a scan's most contended word).
var nameKinds struct {
	m sync.Map // nameKey → string
	n atomic.Int64
}

// matchName is kindOfName without the memory: the rules of pii_rules.yaml against the name's words.
func matchName(s side, name string) string {
	words := nameWords(name)
	if len(words) == 0 {
		return ""
	}
	// The whole name without separators counts as a word too: "api_key" is also "apikey". The words
	// are few: a slice searched in order costs less than a map.
	if len(words) > 1 {
		words = append(words, strings.Join(words, ""))
	}
	has := func(w string) bool { return slices.Contains(words, w) }
rules:
	for _, r := range piiRules.Names {
		if len(r.Sides) > 0 && !contains(r.Sides, s.String()) {
			continue
		}
		for _, e := range r.Except {
			if has(e) {
				continue rules
			}
		}
		for _, w := range r.Any {
			if has(w) {
				return r.Kind
			}
		}
		if len(r.All) > 0 {
			all := true
			for _, w := range r.All {
				all = all && has(w)
			}
			if all {
				return r.Kind
			}
		}
	}
	return ""
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// personalKind reports whether a name kind is personal data to replace by a synthetic value.
func personalKind(k string) bool {
	switch k {
	case specimen.KindNIK, specimen.KindName, specimen.KindAddress, specimen.KindDate, specimen.KindPlace, specimen.KindText, kindPlaceDate,
		kindPhone, kindEmail, kindTaxID:
		return true
	}
	return false
}

// nikShaped: a value that can be a NIK as written: digits, separators and masks only, some digits.
func nikShaped(s string) bool {
	digits := 0
	for _, c := range s {
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c == ' ' || c == '-' || c == '.' || c == '/' || c == '*' || c == 'X' || c == 'x' || c == '#':
		default:
			return false
		}
	}
	return digits >= 4
}

// separatedNIKRuns finds NIKs written with separators: 16 digits with single spaces, dots, dashes,
// slashes or underscores between some of them, that no letter or digit touches. Plain 16-digit runs are nikRuns' job.
func separatedNIKRuns(s string) [][2]int {
	var out [][2]int
	for i := 0; i < len(s); {
		if !isASCIIDigit(s[i]) || i > 0 && (isASCIIDigit(s[i-1]) || isASCIILetter(s[i-1])) {
			i++
			continue
		}
		j, digits, seps := i, 0, 0
		for j < len(s) {
			if isASCIIDigit(s[j]) {
				digits++
				j++
				continue
			}
			if (s[j] == ' ' || s[j] == '.' || s[j] == '-' || s[j] == '/' || s[j] == '_') && j+1 < len(s) && isASCIIDigit(s[j+1]) && digits < 16 {
				seps++
				j++
				continue
			}
			break
		}
		if digits == 16 && seps > 0 && (j == len(s) || !isASCIILetter(s[j])) {
			out = append(out, [2]int{i, j})
		}
		if j == i {
			j++
		}
		i = j
	}
	return out
}

// dateInTextRE finds dates in text: year first or day first with '-', '/' or '.', and a day, a month's
// name (English or Indonesian, full or three letters) and a year, either way round.
var dateInTextRE = regexp.MustCompile(`(?i)(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.](?:\d{4}|\d{2})|\d{1,2} (?:` + monthAlt + `)\.? \d{4}|(?:` + monthAlt + `)\.? \d{1,2},? \d{4})\b`)

const monthAlt = `januari|january|februari|february|maret|march|april|mei|may|juni|june|juli|july|agustus|august|september|oktober|october|november|desember|december|jan|feb|mar|apr|jun|jul|agu|agt|aug|sep|sept|okt|oct|nov|des|dec`

// datesInText finds the dates of s (dateInTextRE) that no letter or digit precedes and no digit or letter
// follows (a time may: "1990-08-17T10:00"), and that are not part of a NIK written with dots or dashes.
func datesInText(s string) [][2]int {
	ms := dateMatches(s)
	if len(ms) == 0 {
		return nil
	}
	niks := append(nikRuns(s), separatedNIKRuns(s)...)
	// Both lists are in order and no NIK of one overlaps one of the other: sorted, they are one sweep.
	sort.Slice(niks, func(a, b int) bool { return niks[a][0] < niks[b][0] })
	var out [][2]int
	p := 0
	for _, m := range ms {
		if m[0] > 0 && (isASCIIDigit(s[m[0]-1]) || isASCIILetter(s[m[0]-1])) {
			continue
		}
		if m[1] < len(s) && (isASCIIDigit(s[m[1]]) || isASCIILetter(s[m[1]]) && s[m[1]] != 'T') {
			continue
		}
		for p < len(niks) && niks[p][1] <= m[0] {
			p++
		}
		if p < len(niks) && niks[p][0] < m[1] {
			continue // inside a NIK
		}
		out = append(out, m)
	}
	return out
}

// dateAtRE is dateInTextRE anchored: it is tried only where a date can start (see dateMatches).
var dateAtRE = regexp.MustCompile(`^` + dateInTextRE.String())

// dateWindow bounds what dateAtRE is shown: no date it matches is longer than about 25 bytes (a month's
// name in its longest spelling, case-folded letters included), so a window of 32 holds every match and
// the byte after it, and the regexp's cost stays proportional to the candidates, not to the text.
const dateWindow = 32

// dateMatches is dateInTextRE.FindAllStringIndex(s, -1), computed in time linear in s: the leftmost-first
// match at each position where one can start, the search going on after each match as FindAll's does.
// A date starts at a run of 4 digits followed by a separator, at a run of 1 or 2 digits followed by a
// separator or a space, or at the first letter of a month's name (ſ folds to s) followed closely by a
// digit; the regexp decides the rest.
func dateMatches(s string) [][2]int {
	var out [][2]int
	runEnd, nextDigit := 0, -1
	for i := 0; i < len(s); {
		if dateCanStart(s, i, &runEnd, &nextDigit) {
			if m := dateAtRE.FindStringIndex(s[i:min(len(s), i+dateWindow)]); m != nil && m[1] > 0 {
				out = append(out, [2]int{i, i + m[1]})
				i += m[1]
				continue
			}
		}
		i++
	}
	return out
}

// dateCanStart: whether a date may begin at s[i]. runEnd is the end of the digit run holding i, nextDigit
// the first digit at or after i (len(s) when none): both move forward only, so the whole scan is linear.
func dateCanStart(s string, i int, runEnd, nextDigit *int) bool {
	c := s[i]
	if isASCIIDigit(c) {
		if i >= *runEnd {
			j := i
			for j < len(s) && isASCIIDigit(s[j]) {
				j++
			}
			*runEnd = j
		}
		j := *runEnd
		if j >= len(s) {
			return false
		}
		sep := s[j] == '-' || s[j] == '/' || s[j] == '.'
		n := j - i
		return n == 4 && sep || n <= 2 && (sep || s[j] == ' ' && monthCanStart(s, j+1))
	}
	switch c | 0x20 {
	case 'j', 'f', 'm', 'a', 's', 'o', 'n', 'd':
		if !isASCIILetter(c) {
			return false
		}
	default:
		if c != 0xC5 { // the first byte of U+017F, ſ
			return false
		}
	}
	if !monthCanStart(s, i) {
		return false
	}
	if *nextDigit < i {
		j := i
		for j < len(s) && !isASCIIDigit(s[j]) {
			j++
		}
		*nextDigit = j
	}
	return *nextDigit-i <= 16
}

// months are the names of monthAlt.
var months = strings.Split(monthAlt, "|")

// monthCanStart: whether a month's name may begin at s[i]: one of monthAlt's in any ASCII case, or a
// non-ASCII letter close enough for case folding to matter (ſ is s, K is k), which the regexp judges.
func monthCanStart(s string, i int) bool {
	w := s[i:min(len(s), i+10)]
	if !isASCII(w) {
		return true
	}
	for _, m := range months {
		if len(w) >= len(m) && strings.EqualFold(w[:len(m)], m) {
			return true
		}
	}
	return false
}

// likeDateInText is a synthetic stand-in for a date found in text, in its notation. A numeric date is
// specimen's; a date with a month's name keeps the name and gets a synthetic day and year (1900–1909).
func likeDateInText(d string) string {
	if specimen.IsSyntheticValue(specimen.KindDate, d) && strings.ContainsAny(d, "-/.") && !hasLetter(d) {
		return d
	}
	if !hasLetter(d) {
		return specimen.SyntheticLike(specimen.KindDate, d)
	}
	if syntheticNamedDate(d) {
		return d
	}
	sum := sha256.Sum256([]byte("date-in-text/" + d))
	day := 1 + int(sum[0])%28
	year := 1900 + int(sum[1])%10
	nums := digitRunsRE.FindAllStringIndex(d, -1)
	var b strings.Builder
	last := 0
	for _, r := range nums {
		b.WriteString(d[last:r[0]])
		if r[1]-r[0] == 4 {
			fmt.Fprintf(&b, "%04d", year)
		} else {
			fmt.Fprintf(&b, "%0*d", r[1]-r[0], day)
		}
		last = r[1]
	}
	b.WriteString(d[last:])
	return b.String()
}

var digitRunsRE = regexp.MustCompile(`\d+`)

// syntheticNamedDate: a date with a month's name whose year is a synthetic one (1900–1909).
func syntheticNamedDate(d string) bool {
	for _, r := range digitRunsRE.FindAllString(d, -1) {
		if len(r) == 4 {
			return r >= "1900" && r <= "1909"
		}
	}
	return false
}

func hasLetter(s string) bool { return strings.ContainsFunc(s, unicode.IsLetter) }

// tokenRuns finds the high-entropy runs of s (see pii_rules.yaml, token): maximal runs of the characters
// of base64, base64url and hex (isTokenChar).
func tokenRuns(s string) [][2]int {
	t := piiRules.Token
	if len(s) < t.MinLength {
		return nil
	}
	var out [][2]int
	for i, j := range runsOf(s, isTokenChar) {
		if n := j - i; n >= t.MinLength && n <= t.MaxLength && highEntropy(s[i:j], t.MinBitsPerChar) {
			out = append(out, [2]int{i, j})
		}
	}
	return out
}

// runsOf yields the maximal runs of bytes of s that in accepts, as byte offsets [start, end).
func runsOf(s string, in func(byte) bool) iter.Seq2[int, int] {
	return func(yield func(int, int) bool) {
		for i := 0; i < len(s); {
			if !in(s[i]) {
				i++
				continue
			}
			j := i
			for j < len(s) && in(s[j]) {
				j++
			}
			if !yield(i, j) {
				return
			}
			i = j
		}
	}
}

// isTokenChar: a character of tokenRunRE.
func isTokenChar(c byte) bool {
	return isASCIIDigit(c) || isASCIILetter(c) || c == '+' || c == '/' || c == '_' || c == '=' || c == '-'
}

// highEntropy: upper- and lower-case letters and digits, and at least min bits of Shannon entropy a
// character.
func highEntropy(s string, min float64) bool {
	var upper, lower, digit bool
	var counts [256]int
	for i := 0; i < len(s); i++ {
		c := s[i]
		counts[c]++
		upper = upper || c >= 'A' && c <= 'Z'
		lower = lower || c >= 'a' && c <= 'z'
		digit = digit || c >= '0' && c <= '9'
	}
	if !upper || !lower || !digit {
		return false
	}
	h, n := 0.0, float64(len(s))
	for _, k := range counts {
		if k > 0 {
			p := float64(k) / n
			h -= p * math.Log2(p)
		}
	}
	return h >= min
}

// likeImageURL is the stand-in of an image URL: still an https URL, deterministic, pointing nowhere.
func likeImageURL(u string) string {
	if strings.HasPrefix(u, syntheticImageURLHost) {
		return u
	}
	sum := sha256.Sum256([]byte(u))
	return syntheticImageURLHost + hex.EncodeToString(sum[:8]) + ".jpg"
}

// knownValues are the personal values one interaction holds at personal places, so that free text that
// quotes them is masked too (content rule known-value). Only values long enough to mean something count.
type knownValues struct {
	list [][2]string // kind, value
	seen map[string]bool
	// words are the words (four letters or more, lower case) of the names, addresses and places: a name
	// (a key, a header, a file name, a path segment) that holds one is taken for the value it echoes.
	words map[string]bool
	// The values by their length and a rolling hash of their bytes, upper-cased (ASCII values, for ASCII
	// text, which compares in any case) or as they are (any value, for other text, which compares
	// exactly): so that a text is masked in time linear in its length times the number of distinct value
	// lengths, whatever the number of values, not once per value.
	fold, exact *valueIndex
}

type valueIndex struct {
	lengths []int
	byHash  map[uint64][]int
	// filter has a bit set for the top bits of every hash in byHash: most windows of a text miss it,
	// and a bit test is much cheaper than a lookup in a map of many values.
	filter []uint64
	shift  uint
}

func newValueIndex(values int) *valueIndex {
	bits := uint(10)
	for 1<<bits < 16*values {
		bits++
	}
	return &valueIndex{byHash: map[uint64][]int{}, filter: make([]uint64, 1<<bits/64), shift: 64 - bits}
}

func (x *valueIndex) mayHold(h uint64) bool {
	b := h >> x.shift
	return x.filter[b/64]&(1<<(b%64)) != 0
}

func (k *knownValues) add(kind, v string) {
	v = strings.TrimSpace(v)
	switch {
	case kind == kindCredential:
		// A credential the request carries, echoed in an error message or a header of the answer.
		if len(v) < 6 || v == Redacted || isDigest(v) {
			return
		}
	case utf8.RuneCountInString(v) < 4 || specimen.IsSyntheticValue(kind, v) || !hasLetter(v) && kind != specimen.KindNIK:
		return
	}
	if k.seen == nil {
		k.seen = map[string]bool{}
	}
	if kind != kindCredential && kind != specimen.KindNIK {
		if k.words == nil {
			k.words = map[string]bool{}
		}
		for _, w := range nameWords(v) {
			if utf8.RuneCountInString(w) >= 4 && hasLetter(w) {
				k.words[w] = true
			}
		}
	}
	if !k.seen[v] {
		k.seen[v] = true
		k.list = append(k.list, [2]string{kind, v})
		k.fold, k.exact = nil, nil
	}
}

// mask replaces the known values quoted in s (ASCII case-insensitively) by their synthetic stand-ins, one
// value after the other in the order they were found. A value s does not quote changes nothing: only
// those it quotes (firstIn) are replaced, which is the same, in time that does not grow with the list.
func (k *knownValues) mask(s string, keep func(string) bool) string {
	if k == nil || len(k.list) == 0 {
		return s
	}
	if k.exact == nil {
		k.index()
	}
	for from := 0; ; {
		n := k.firstIn(s, from)
		if n < 0 {
			return s
		}
		kind, v := k.list[n][0], k.list[n][1]
		if !keep(v) {
			s = replaceFold(s, v, func(found string) string {
				if kind == kindCredential {
					return Redacted
				}
				return specimen.SyntheticLike(kind, found)
			})
		}
		from = n + 1
	}
}

// merge adds the values of o.
func (k *knownValues) merge(o *knownValues) {
	if o == nil {
		return
	}
	for _, kv := range o.list {
		k.add(kv[0], kv[1])
	}
}

// holdsWord reports whether a name holds a word of a personal value the exchange holds ("rahayu_k" when
// a name "Rahayu Kanarindah" is known), other than the words of except.
func (k *knownValues) holdsWord(name string, except map[string]bool) bool {
	if k == nil || len(k.words) == 0 {
		return false
	}
	for _, w := range nameWords(name) {
		if k.words[w] && !except[w] {
			return true
		}
	}
	return false
}

func (k *knownValues) index() {
	k.fold, k.exact = newValueIndex(len(k.list)), newValueIndex(len(k.list))
	for n, kv := range k.list {
		v := kv[1]
		k.exact.add(n, v, false)
		if isASCII(v) {
			k.fold.add(n, v, true)
		}
	}
	slices.Sort(k.fold.lengths)
	slices.Sort(k.exact.lengths)
}

func (x *valueIndex) add(n int, v string, fold bool) {
	if !slices.Contains(x.lengths, len(v)) {
		x.lengths = append(x.lengths, len(v))
	}
	h := uint64(0)
	for i := 0; i < len(v); i++ {
		h = h*hashBase + uint64(foldByte(v[i], fold))
	}
	x.byHash[h] = append(x.byHash[h], n)
	b := h >> x.shift
	x.filter[b/64] |= 1 << (b % 64)
}

// hashBase is the base of the rolling hash (a large odd number: arithmetic is modulo 2^64).
const hashBase = 1099511628211

func foldByte(c byte, fold bool) byte {
	if fold && c >= 'a' && c <= 'z' {
		return c - ('a' - 'A')
	}
	return c
}

// firstIn is the first value of the list, from index from on, that s quotes as replaceFold finds it (in
// any ASCII case when both are ASCII, else exactly), or -1.
func (k *knownValues) firstIn(s string, from int) int {
	ascii := isASCII(s)
	x := k.exact
	if ascii {
		x = k.fold
	}
	best := -1
	for _, l := range x.lengths {
		if l > len(s) {
			break
		}
		pow := uint64(1) // hashBase^(l-1), to take the leaving byte out
		for range l - 1 {
			pow *= hashBase
		}
		h := uint64(0)
		for i := 0; i < len(s); i++ {
			if i >= l {
				h -= uint64(foldByte(s[i-l], ascii)) * pow
			}
			h = h*hashBase + uint64(foldByte(s[i], ascii))
			if i < l-1 {
				continue
			}
			if !x.mayHold(h) {
				continue
			}
			at := s[i-l+1 : i+1]
			for _, n := range x.byHash[h] {
				if n < from || best >= 0 && n >= best {
					continue
				}
				if v := k.list[n][1]; ascii && strings.EqualFold(at, v) || !ascii && at == v {
					best = n
				}
			}
		}
	}
	return best
}

// replaceFold replaces every occurrence of old in s, ASCII case-insensitively when both are ASCII.
func replaceFold(s, old string, with func(string) string) string {
	hay, needle := s, old
	if isASCII(s) && isASCII(old) {
		hay, needle = strings.ToUpper(s), strings.ToUpper(old)
	}
	if !strings.Contains(hay, needle) {
		return s
	}
	var b strings.Builder
	last := 0
	for {
		i := strings.Index(hay[last:], needle)
		if i < 0 {
			break
		}
		i += last
		b.WriteString(s[last:i])
		b.WriteString(with(s[i : i+len(needle)]))
		last = i + len(needle)
	}
	b.WriteString(s[last:])
	return b.String()
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// replaceRuns replaces the runs of s that keep does not keep by with(run).
func replaceRuns(s string, runs [][2]int, keep func(string) bool, with func(string) string) string {
	if len(runs) == 0 {
		return s
	}
	var b strings.Builder
	last := 0
	for _, r := range runs {
		v := s[r[0]:r[1]]
		if keep(v) {
			continue
		}
		b.WriteString(s[last:r[0]])
		b.WriteString(with(v))
		last = r[1]
	}
	b.WriteString(s[last:])
	return b.String()
}

// spans converts regexp's index pairs.
func spans(m [][]int) [][2]int {
	out := make([][2]int, len(m))
	for i, p := range m {
		out[i] = [2]int{p[0], p[1]}
	}
	return out
}

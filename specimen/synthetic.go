package specimen

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// The kinds SyntheticLike and IsSyntheticValue know. Any other kind is treated as KindText.
const (
	KindNIK     = "nik"
	KindName    = "name"
	KindAddress = "address"
	KindDate    = "date"
	KindPlace   = "place"
	KindText    = "text"
	// KindPhone, KindEmail and KindTaxID are contact and tax data found beside a KTP (a phone number, an
	// e-mail address, an NPWP): not on the card, but personal all the same.
	KindPhone = "phone"
	KindEmail = "email"
	KindTaxID = "taxid"
)

// syntheticMailDomain is the domain of a synthetic e-mail address: reserved (RFC 2606), it reaches nobody.
const syntheticMailDomain = "contoh.invalid"

// Synthetic dates fall in 1900–1909: no living KTP holder was born then, so a synthetic date is
// recognisable as one (a scan tells it from a real date of birth) and redaction is idempotent.
const (
	syntheticYear0 = 1900
	syntheticYears = 10
)

// lifetime is what a KTP-el prints as its expiry; it is not personal, so a date field holding it is kept.
const lifetime = "SEUMUR HIDUP"

// SyntheticLike returns the synthetic stand-in for original, in original's format. It is what redaction
// writes in place of a personal value. The same (kind, original) always gives the same result, so a
// redacted cassette is stable and two occurrences of one value stay equal after redaction. The literals
// "", "-" and "null" are returned as they are: they carry nothing.
//
//   - "nik": masks ('*', '#', '•', '●', 'X', 'x') and separators (space, '-', '.', '/') stay where they
//     are; every other character (digits, and letters an OCR misread) becomes a digit of a synthetic NIK.
//     With at most 16 such positions, the leading visible ones take the synthetic NIK's leading digits and
//     the others align to its end: "33******02" → "00******NN". A full NIK gives a full synthetic NIK
//     (IsSyntheticNIK).
//   - "name", "place", "address": a pick from the fictional lists, chosen by a hash of original. A masked
//     original (one holding '*', '#', '•' or '●') keeps its length, spaces, masks and punctuation; its
//     letters become the pick's letters at the same word and position, its digits '0': "R**A M**H" →
//     "B**I C**H". A place prefix ("PROVINSI ", "KOTA ", "KABUPATEN ", "KAB. ", "KECAMATAN ", "KEC. ",
//     "KELURAHAN ", "KEL. ", "DESA ") is kept and the pick drawn from the matching list.
//   - "date": the first date (dd-mm-yyyy, d-m-yy, yyyy-mm-dd; separators '-', '/', '.') keeps its layout,
//     widths and masks and becomes a valid date in 1900–1909 (recognisably synthetic), drawn from the date's
//     value alone (day, month, the year's last two digits), so that one date written two ways gets one
//     synthetic date; text before it ("JAKARTA, ") is replaced as a place (as text if it has no letter), a
//     time of day after it is kept, other text after it is replaced as text. "SEUMUR HIDUP" is kept; a
//     value holding no date is replaced as text, a place before ", " as a place ("JAKARTA, 01-0").
//   - "phone", "taxid": every digit becomes '0'; '+', separators and masks are kept ("+62 812-3456-7890" →
//     "+00 000-0000-0000", an NPWP "01.234.567.8-901.000" → "00.000.000.0-000.000"); letters are replaced
//     as text.
//   - "email": the part before the last '@' is replaced as text, the domain becomes contoh.invalid (a
//     reserved name); a value without '@' is replaced as text.
//   - "text" (and any unknown kind): every letter becomes a letter of "CONTOH" at its position in the word,
//     every digit '0'; case, spaces, masks and punctuation are kept.
//
// Unmasked picks follow original's case: all lower, mixed (Title Case) or upper.
func SyntheticLike(kind, original string) string {
	if passThrough(original) {
		return original
	}
	r := newStream("like/"+kind, original)
	switch kind {
	case KindNIK:
		return likeNIK(original, r)
	case KindName:
		given := maleGiven
		if r.intn(2) == 1 {
			given = femaleGiven
		}
		return likeFrom(pick(r, given)+" "+pick(r, surnames), original)
	case KindAddress:
		return likeFrom(fmt.Sprintf("%s NO. %d", pick(r, streets), 1+r.intn(120)), original)
	case KindPlace:
		prefix, rest, list := splitPlace(original)
		return prefix + likeFrom(pick(r, list), rest)
	case KindDate:
		return likeDate(original)
	case KindEmail:
		if at := strings.LastIndexByte(original, '@'); at >= 0 {
			return likeText(original[:at]) + "@" + syntheticMailDomain
		}
	}
	// phone, taxid and text: letters from the filler, digits '0' (likeText).
	return likeText(original)
}

// IsSyntheticValue reports whether s could have come from SyntheticLike(kind, …) or NewIdentity. The leak
// scanner asks it of every personal value left in a cassette; a false answer means "possibly real".
//
//   - "nik": the digits, laid out as SyntheticLike lays them, must agree with some synthetic NIK: 16 plain
//     digits must satisfy IsSyntheticNIK, fewer are taken as its start ("0012" yes, "3171" no), a masked
//     value must agree on every visible digit ("00******12" yes, "33******02" no). A mask that hides both
//     the province code and the date leaves nothing to disprove: "************0001" is accepted, and it
//     reveals nobody. Any character other than an ASCII digit, a mask or a separator is rejected.
//   - "name", "place", "address": unmasked, the value (any case; a place without its prefix; an address as
//     street plus an optional " NO. n") must be on a fictional list. Masked, some list entry must fill the
//     mask to exactly s, as SyntheticLike fills it.
//   - "date": the date must be valid and in the synthetic years 1900–1909 (a masked one passes), its
//     leading text a synthetic place, its trailing text a time or synthetic text.
//     "SEUMUR HIDUP" and synthetic text are accepted.
//   - "email": the domain is contoh.invalid and the part before it synthetic text.
//   - "phone", "taxid", "text" (and any unknown kind): s is its own SyntheticLike, letters from "CONTOH"
//     and digits '0'.
//
// "", "-" and "null" are always accepted. Applying SyntheticLike to any value yields a value this accepts.
func IsSyntheticValue(kind, s string) bool {
	if passThrough(s) {
		return true
	}
	switch kind {
	case KindNIK:
		return isSyntheticNIKForm(s)
	case KindName:
		if masked(s) {
			return fillsAny(namePicks(), s)
		}
		return nameSet[strings.ToUpper(s)]
	case KindAddress:
		if masked(s) {
			return fillsAny(addressPicks(), s)
		}
		return isFictionalAddress(strings.ToUpper(s))
	case KindPlace:
		_, rest, _ := splitPlace(s)
		if masked(rest) {
			return fillsAny(placePicks(), rest)
		}
		return placeSet[strings.ToUpper(rest)]
	case KindDate:
		return isSyntheticDate(s)
	case KindEmail:
		if at := strings.LastIndexByte(s, '@'); at >= 0 {
			return strings.EqualFold(s[at+1:], syntheticMailDomain) && likeText(s[:at]) == s[:at]
		}
	}
	return likeText(s) == s
}

func passThrough(s string) bool { return s == "" || s == "-" || s == "null" }

func isMask(r rune) bool { return r == '*' || r == '#' || r == '•' || r == '●' }

func masked(s string) bool { return strings.ContainsFunc(s, isMask) }

// likeFrom returns pick in original's shape: mask-filled if original is masked, else in original's case.
func likeFrom(pick, original string) string {
	if masked(original) {
		return maskFill(pick, original)
	}
	return matchCase(pick, original)
}

// maskFill writes pick's letters into original's shape. Words are runs of non-space runes; the n-th word of
// original takes its letters from the n-th word of pick (cycling over pick's words, and within a word over
// its letters, by position in the word); a pick word without letters lends the letters of the whole pick.
// Masks, spaces and punctuation stay; digits become '0'; case follows original letter by letter.
func maskFill(pick, original string) string {
	var words [][]rune
	var all []rune
	for _, w := range strings.Fields(pick) {
		var ls []rune
		for _, c := range w {
			if unicode.IsLetter(c) {
				ls = append(ls, c)
			}
		}
		words = append(words, ls)
		all = append(all, ls...)
	}
	var b strings.Builder
	wi, pos, inWord := -1, 0, false
	for _, c := range original {
		if unicode.IsSpace(c) {
			inWord = false
			b.WriteRune(c)
			continue
		}
		if !inWord {
			inWord, wi, pos = true, wi+1, 0
		}
		switch {
		case isMask(c):
			b.WriteRune(c)
		case unicode.IsLetter(c):
			src := words[wi%len(words)]
			if len(src) == 0 {
				src = all
			}
			l := src[pos%len(src)]
			if unicode.IsLower(c) {
				l = unicode.ToLower(l)
			}
			b.WriteRune(l)
		case unicode.IsDigit(c):
			b.WriteByte('0')
		default:
			b.WriteRune(c)
		}
		pos++
	}
	return b.String()
}

// fillsAny reports whether some candidate fills s's mask to exactly s.
func fillsAny(cands []fillPick, s string) bool {
	if !utf8.ValidString(s) {
		return false // maskFill writes U+FFFD for a byte that is no UTF-8: never s itself
	}
	for i := range cands {
		if cands[i].fills(s) {
			return true
		}
	}
	return false
}

// A fillPick is a candidate of fillsAny with its letters split out once, as maskFill splits them. Why:
// issue 24 measured IsSyntheticValue at 16% of a cassette's scan, nearly all of it maskFill building the
// fill of each of the 200 names for every masked value; a comparison rune by rune allocates nothing and
// stops at the first letter that differs.
type fillPick struct {
	words [][]rune
	all   []rune
}

func newFillPicks(cands []string) []fillPick {
	out := make([]fillPick, len(cands))
	for i, pick := range cands {
		for _, w := range strings.Fields(pick) {
			var ls []rune
			for _, c := range w {
				if unicode.IsLetter(c) {
					ls = append(ls, c)
				}
			}
			out[i].words = append(out[i].words, ls)
			out[i].all = append(out[i].all, ls...)
		}
	}
	return out
}

// fills reports whether maskFill(pick, original) == original, for valid UTF-8, without writing the fill.
func (p *fillPick) fills(original string) bool {
	wi, pos, inWord := -1, 0, false
	for _, c := range original {
		if unicode.IsSpace(c) {
			inWord = false
			continue
		}
		if !inWord {
			inWord, wi, pos = true, wi+1, 0
		}
		switch {
		case isMask(c):
		case unicode.IsLetter(c):
			src := p.words[wi%len(p.words)]
			if len(src) == 0 {
				src = p.all
			}
			l := src[pos%len(src)]
			if unicode.IsLower(c) {
				l = unicode.ToLower(l)
			}
			if l != c {
				return false
			}
		case unicode.IsDigit(c):
			if c != '0' {
				return false
			}
		}
		pos++
	}
	return true
}

// The candidates of a masked name, address and place, split once.
var (
	namePicks    = sync.OnceValue(func() []fillPick { return newFillPicks(allNames) })
	placePicks   = sync.OnceValue(func() []fillPick { return newFillPicks(allPlaces) })
	addressPicks = sync.OnceValue(func() []fillPick {
		cands := make([]string, len(streets))
		for i, st := range streets {
			cands[i] = st + " NO. 1" // digits fill as '0' whatever the number
		}
		return newFillPicks(cands)
	})
)

// matchCase returns the upper-case pick in original's case: lower if original's letters are all lower,
// Title Case if they mix, upper otherwise.
func matchCase(pick, original string) string {
	upper := strings.ContainsFunc(original, unicode.IsUpper)
	lower := strings.ContainsFunc(original, unicode.IsLower)
	switch {
	case lower && !upper:
		return strings.ToLower(pick)
	case lower && upper:
		words := strings.Fields(strings.ToLower(pick))
		for i, w := range words {
			words[i] = strings.ToUpper(w[:1]) + w[1:]
		}
		return strings.Join(words, " ")
	}
	return pick
}

// placePrefixes are the administrative prefixes a place value may carry, and the list a pick comes from.
var placePrefixes = []struct {
	prefix string
	list   []string
}{
	{"PROVINSI ", provinces},
	{"KABUPATEN ", cities}, {"KAB. ", cities}, {"KOTA ", cities},
	{"KECAMATAN ", districts}, {"KEC. ", districts},
	{"KELURAHAN ", villages}, {"KEL. ", villages}, {"DESA ", villages},
}

// splitPlace splits a known prefix (as written in s) from the rest and names the list to pick from.
func splitPlace(s string) (prefix, rest string, list []string) {
	for _, p := range placePrefixes {
		if len(s) >= len(p.prefix) && strings.EqualFold(s[:len(p.prefix)], p.prefix) {
			return s[:len(p.prefix)], s[len(p.prefix):], p.list
		}
	}
	return "", s, cities
}

// isFictionalAddress: a fictional street, optionally followed by " NO. " and a number.
func isFictionalAddress(s string) bool {
	for _, st := range streets {
		rest, ok := strings.CutPrefix(s, st)
		if !ok {
			continue
		}
		if rest == "" {
			return true
		}
		if n, ok := strings.CutPrefix(rest, " NO. "); ok && n != "" && strings.Trim(n, "0123456789") == "" {
			return true
		}
	}
	return false
}

const filler = "CONTOH"

// likeText replaces letters by filler letters (by position in the word) and digits by '0': maskFill with
// the filler as the only word (mask characters are neither letters nor digits, so both keep them).
func likeText(s string) string { return maskFill(filler, s) }

// isNIKSeparator: characters of a NIK value that are layout, not digit positions.
func isNIKSeparator(c rune) bool { return c == ' ' || c == '-' || c == '.' || c == '/' || c == '_' }

// isNIKMask: characters of a NIK value that hide a digit; 'X' is a common NIK mask besides the usual ones.
func isNIKMask(c rune) bool { return isMask(c) || c == 'X' || c == 'x' }

func isDigit(c rune) bool { return c >= '0' && c <= '9' }

// nikSlots gives each digit position of s (a rune that is neither mask nor separator) the slot (0–15)
// of a 16-digit NIK it stands for, or -1 if it stands for none (only when s has more than 16 positions,
// masks included); a mask or separator gets noSlot. See SyntheticLike for the layout.
func nikSlots(s []rune) []int8 {
	// A slice, not a map: this runs for every NIK a redaction meets.
	slots := make([]int8, len(s))
	body := make([]int, 0, len(s)) // indexes of the runes that are not separators
	for i, c := range s {
		slots[i] = noSlot
		if !isNIKSeparator(c) {
			body = append(body, i)
		}
	}
	lead := 0
	for lead < len(body) && !isNIKMask(s[body[lead]]) {
		lead++
	}
	for k, i := range body {
		if isNIKMask(s[i]) {
			continue
		}
		switch {
		case len(body) <= 16 && k < lead:
			slots[i] = int8(k)
		case len(body) <= 16:
			slots[i] = int8(16 - (len(body) - k))
		case k < 16:
			slots[i] = int8(k)
		default:
			slots[i] = -1
		}
	}
	return slots
}

// noSlot marks, in nikSlots, a rune that is no digit of the NIK (a separator or a mask).
const noSlot = -2

func likeNIK(original string, r *stream) string {
	syn := randomNIK(r)
	out := []rune(original)
	slots := nikSlots(out)
	for i := range out { // in index order: digits without a slot draw from r, so the order is part of the output
		switch slot := slots[i]; {
		case slot == noSlot:
		case slot >= 0:
			out[i] = rune(syn[slot])
		default:
			out[i] = rune('0' + r.intn(10))
		}
	}
	return string(out)
}

// isSyntheticNIKForm: the visible digits, laid out as likeNIK lays them, agree with some synthetic NIK.
// For 16 plain digits this is exactly IsSyntheticNIK; fewer digits are a prefix (or a masked form) of one.
func isSyntheticNIKForm(s string) bool {
	rs := []rune(s)
	if strings.ContainsFunc(s, func(c rune) bool { return !isDigit(c) && !isNIKMask(c) && !isNIKSeparator(c) }) {
		return false
	}
	var slots [16]byte
	for i, slot := range nikSlots(rs) {
		if slot >= 0 { // a separator or mask is noSlot, a digit past the sixteenth -1
			slots[slot] = byte(rs[i])
		}
	}
	return nikConsistent(slots)
}

// dateRE finds the first date: year first (4 digits) or day first. Masks may stand for digits.
var dateRE = regexp.MustCompile(`([0-9*]{4})([-/.])([0-9*]{1,2})([-/.])([0-9*]{1,2})|([0-9*]{1,2})([-/.])([0-9*]{1,2})([-/.])([0-9*]{4}|[0-9*]{2})`)

// timeRE is what may follow a date and is kept: a time of day and a zone.
var timeRE = regexp.MustCompile(`^([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$`)

// dateParts locates the date's fields in s: byte offsets [start, end) of day, month and year.
type dateParts struct{ start, end, d0, d1, m0, m1, y0, y1 int }

func findDate(s string) (dateParts, bool) {
	m := dateRE.FindStringSubmatchIndex(s)
	if m == nil {
		return dateParts{}, false
	}
	if m[2] >= 0 { // year first
		return dateParts{m[0], m[1], m[10], m[11], m[6], m[7], m[2], m[3]}, true
	}
	return dateParts{m[0], m[1], m[12], m[13], m[16], m[17], m[20], m[21]}, true
}

func likeDate(original string) string {
	if strings.EqualFold(strings.TrimSpace(original), lifetime) {
		return original
	}
	p, ok := findDate(original)
	if !ok {
		// No date: "PLACE, 01-0" (a date cut short) keeps its place as a place.
		if place, rest, ok := strings.Cut(original, ", "); ok && hasLetterRune(place) {
			return SyntheticLike(KindPlace, place) + ", " + likeText(rest)
		}
		return likeText(original)
	}
	// The stand-in is drawn from the date alone, not from its notation or the text around it: the same
	// date written two ways ("1989/06/01", "JAKARTA, 01-06-1989") gets the same synthetic date, so that two
	// fields of one answer that agreed still agree.
	r := newStream("like/date", dateKey(original, p))
	year, month, day := syntheticYear0+r.intn(syntheticYears), 1+r.intn(12), 1+r.intn(28)
	if p.m1-p.m0 == 1 {
		month = 1 + (month-1)%9
	}
	if p.d1-p.d0 == 1 {
		day = 1 + (day-1)%9
	}
	field := func(a, b, v int) string {
		orig := original[a:b]
		out := []byte(fmt.Sprintf("%0*d", b-a, v%pow10(b-a)))
		for i := range orig {
			if orig[i] == '*' {
				out[i] = '*'
			}
		}
		return string(out)
	}
	out := []byte(original[p.start:p.end])
	copy(out[p.d0-p.start:], field(p.d0, p.d1, day))
	copy(out[p.m0-p.start:], field(p.m0, p.m1, month))
	copy(out[p.y0-p.start:], field(p.y0, p.y1, year))

	prefix, suffix := original[:p.start], original[p.end:]
	if place, sep, ok := splitLeadingPlace(prefix); ok {
		prefix = SyntheticLike(KindPlace, place) + sep
	} else {
		prefix = likeText(prefix)
	}
	if !timeRE.MatchString(suffix) {
		suffix = likeText(suffix)
	}
	return prefix + string(out) + suffix
}

// dateKey is a date as its value, whatever its notation: day, month and the year's last two digits,
// without leading zeros (a masked field as written).
func dateKey(s string, p dateParts) string {
	num := func(a, b int) string {
		f := s[a:b]
		if strings.Contains(f, "*") {
			return f
		}
		n, _ := strconv.Atoi(f)
		return strconv.Itoa(n)
	}
	y := s[p.y0:p.y1]
	if len(y) > 2 {
		y = y[len(y)-2:]
	}
	return num(p.d0, p.d1) + "-" + num(p.m0, p.m1) + "-" + y
}

func hasLetterRune(s string) bool { return strings.ContainsFunc(s, unicode.IsLetter) }

// splitLeadingPlace splits "JAKARTA, " into "JAKARTA" and ", " when the text holds a letter.
func splitLeadingPlace(prefix string) (place, sep string, ok bool) {
	end := strings.LastIndexFunc(prefix, unicode.IsLetter)
	if end < 0 {
		return "", prefix, false
	}
	_, size := utf8.DecodeRuneInString(prefix[end:])
	end += size
	return prefix[:end], prefix[end:], true
}

func isSyntheticDate(s string) bool {
	if strings.EqualFold(strings.TrimSpace(s), lifetime) {
		return true
	}
	p, ok := findDate(s)
	if !ok {
		if place, rest, ok := strings.Cut(s, ", "); ok && hasLetterRune(place) {
			return IsSyntheticValue(KindPlace, place) && likeText(rest) == rest
		}
		return likeText(s) == s
	}
	if !masked(s[p.start:p.end]) {
		d, _ := strconv.Atoi(s[p.d0:p.d1])
		m, _ := strconv.Atoi(s[p.m0:p.m1])
		y, _ := strconv.Atoi(s[p.y0:p.y1])
		if p.y1-p.y0 == 2 {
			y += syntheticYear0 // yy: the synthetic century
		}
		if m < 1 || m > 12 || d < 1 || d > daysIn(m, y) {
			return false
		}
		// A real date of birth is personal data: only the synthetic years pass.
		if y < syntheticYear0 || y >= syntheticYear0+syntheticYears {
			return false
		}
	}
	if place, _, ok := splitLeadingPlace(s[:p.start]); ok && !IsSyntheticValue(KindPlace, place) {
		return false
	} else if !ok && likeText(s[:p.start]) != s[:p.start] {
		return false
	}
	suffix := s[p.end:]
	return timeRE.MatchString(suffix) || likeText(suffix) == suffix
}

func pow10(n int) int {
	p := 1
	for range n {
		p *= 10
	}
	return p
}

package scorecard

import (
	"reflect"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/scorecard/card"
)

// Normalize is the form two values are compared in: upper case; every character that is neither a letter
// nor a digit a space; runs of spaces one, none at the ends. A value made of punctuation alone ("-", the
// card's blood type when none is known) is kept as it is, trimmed. Dates are not its business: a reading's
// dates are dates already (the canonical record reads each vendor's documented notation), and truth files
// give theirs in a documented notation (ParseTruth), both compared as yyyy-mm-dd.
func Normalize(s string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.ToUpper(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
			continue
		}
		space = true
	}
	if b.Len() == 0 {
		return strings.TrimSpace(s)
	}
	return b.String()
}

// Levenshtein is the edit distance between a and b in runes: insertions, deletions and substitutions,
// each costing one. Written here (two rows of ints, O(len(a)·len(b)) time) because no module kontrak
// already uses provides it, and a card's values are a few dozen runes: a dependency for twenty lines of
// textbook code buys nothing.
func Levenshtein(a, b string) int { return editDistance([]rune(a), []rune(b), false) }

// StretchDistance is the least edit distance in runes between a and any stretch of text (semi-global
// alignment: the stretch may start and end anywhere; Levenshtein's recurrence with a row 0 of zeros and
// the least of the last row), for a value looked for in an OCR engine's whole text.
func StretchDistance(a, text string) int { return editDistance([]rune(a), []rune(text), true) }

// editDistance is Levenshtein's recurrence on two rows; anywhere lets the match of a start and end
// anywhere in b.
func editDistance(ra, rb []rune, anywhere bool) int {
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		if !anywhere {
			prev[j] = j
		}
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	if anywhere {
		return slices.Min(prev)
	}
	return prev[len(rb)]
}

// Compare scores one reading of one field: whether it matches the truth after Normalize, and the edit
// distance and the truth's length (in runes, normalised) that the character error rate adds up.
func Compare(truth, read string) (exact bool, edits, length int) {
	t, r := Normalize(truth), Normalize(read)
	return t == r, Levenshtein(t, r), len([]rune(t))
}

// fieldsOf lists a canonical record's values by canonical field name (contract.KTP's json names): text as
// read, dates as yyyy-mm-dd, an absent value "".
func fieldsOf(k *contract.KTP) map[string]string {
	out := map[string]string{}
	if k == nil {
		return out
	}
	rv := reflect.ValueOf(k).Elem()
	rt := rv.Type()
	for i := range rt.NumField() {
		name := strings.Split(rt.Field(i).Tag.Get("json"), ",")[0]
		switch v := rv.Field(i).Interface().(type) {
		case string:
			out[name] = v
		case *contract.Date:
			if v != nil {
				out[name] = v.String()
			}
		}
	}
	return out
}

// CanonicalFields lists contract.KTP's field names in its order: the fields a scorecard may score.
func CanonicalFields() []string { return card.CanonicalFields() }

// isoDate reads a date in one of the notations a truth file may use (contract.DateFormats, and
// yyyy-mm-dd) and writes it yyyy-mm-dd; false when it is none of them.
func isoDate(s string) (string, bool) {
	layouts := []string{time.DateOnly}
	keys := make([]string, 0, len(contract.DateFormats))
	for k := range contract.DateFormats {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		layouts = append(layouts, contract.DateFormats[k])
	}
	for _, l := range layouts {
		if t, err := time.Parse(l, strings.TrimSpace(s)); err == nil {
			return t.Format(time.DateOnly), true
		}
	}
	return "", false
}

// tally adds up the scores of one field, or of one variant.
type tally struct {
	n, exact      int
	edits, length int
}

func (t *tally) add(exact bool, edits, length int) {
	t.n++
	if exact {
		t.exact++
	}
	t.edits += edits
	t.length += length
}

func (t tally) exactShare() float64 {
	if t.n == 0 {
		return 0
	}
	return round4(float64(t.exact) / float64(t.n))
}

// cer is the corpus character error rate: all edits over all truth characters (a field whose truth is
// empty adds its reading's length to the edits and nothing to the length). 1 when no character was
// expected and something was read, 0 when nothing was.
func (t tally) cer() float64 {
	switch {
	case t.length > 0:
		return round4(float64(t.edits) / float64(t.length))
	case t.edits > 0:
		return 1
	}
	return 0
}

// round4 keeps four decimals: scores are shares of a few hundred readings, and a fixed precision keeps the
// JSON the same on every run and platform.
func round4(x float64) float64 {
	return float64(int64(x*10000+0.5)) / 10000
}

// percentile is the nearest-rank percentile p (0 < p ≤ 100) of sorted values; 0 for none.
func percentile(sorted []int64, p int) int64 {
	if len(sorted) == 0 {
		return 0
	}
	rank := (p*len(sorted) + 99) / 100
	return sorted[max(rank, 1)-1]
}

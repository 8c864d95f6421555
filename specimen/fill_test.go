package specimen

import "testing"

// fillSamples are masked values near and far from the candidates: a filled name in each case, one letter
// off, digits, punctuation, a bullet mask, words beyond the pick's, invalid UTF-8.
var fillSamples = []string{
	"BU** CONTOH", "bu** contoh", "Bu** Co*toh", "BU** CONTOX", "B*** S*******", "**** ****", "*", "* *",
	"JL. CO**OH NO. 12", "JL. CO**OH NO. 1a", "JL. CO**OH", "KO**. PE*AGA BLOK A", "CO**OH RAYA", "SUKA****",
	"BU•● CONTOH", "BUDI CONTOH ***", "BU** CONTOH BU**", "BU**  CONTOH", "BU**\tCONTOH", "BU**-CO", "BU\xff* CO",
	"ÉU** CONTOH", "bU** cONTOH", "0*", "1*", "** 0", "*.*", "",
}

// TestFillsIsMaskFill holds fillsAny's comparison to what it stands for: maskFill of a candidate is s.
func TestFillsIsMaskFill(t *testing.T) {
	for _, s := range fillSamples {
		checkFills(t, s)
	}
	// The samples reach both answers.
	for _, s := range []string{"BU** CONTOH", "Bu** Co*toh", "JL. CO**OH NO. 00", "SUKA****"} {
		if !IsSyntheticValue(KindName, s) && !IsSyntheticValue(KindAddress, s) && !IsSyntheticValue(KindPlace, s) {
			t.Errorf("%q fills no candidate", s)
		}
	}
	if IsSyntheticValue(KindName, "BU** CONTOX") {
		t.Error(`"BU** CONTOX" fills a name`)
	}
}

func checkFills(t *testing.T, s string) {
	t.Helper()
	for _, set := range []struct {
		cands []string
		picks []fillPick
	}{{allNames, namePicks()}, {allPlaces, placePicks()}, {[]string{"JL. CONTOH NO. 1", "KOMP. PERAGA BLOK A NO. 1"}, newFillPicks([]string{"JL. CONTOH NO. 1", "KOMP. PERAGA BLOK A NO. 1"})}} {
		want := false
		for i, c := range set.cands {
			one := maskFill(c, s) == s
			if got := fillsAny(set.picks[i:i+1], s); got != one {
				t.Fatalf("%q with %q: fills says %v, maskFill %v", s, c, got, one)
			}
			want = want || one
		}
		if got := fillsAny(set.picks, s); got != want {
			t.Fatalf("%q: fillsAny %v, maskFill %v", s, got, want)
		}
	}
}

// FuzzFillsIsMaskFill holds it for any value.
func FuzzFillsIsMaskFill(f *testing.F) {
	for _, s := range fillSamples {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if masked(s) {
			checkFills(t, s)
		}
	})
}

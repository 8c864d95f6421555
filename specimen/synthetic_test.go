package specimen

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

// maskShape returns the positions (rune indexes) of mask runes in s, and its length in runes.
func maskShape(s string) (positions []int, length int) {
	for i, c := range []rune(s) {
		if isMask(c) {
			positions = append(positions, i)
		}
	}
	return positions, len([]rune(s))
}

func sameShape(a, b string) bool {
	pa, la := maskShape(a)
	pb, lb := maskShape(b)
	if la != lb || len(pa) != len(pb) {
		return false
	}
	for i := range pa {
		if pa[i] != pb[i] {
			return false
		}
	}
	return true
}

func parses(layout string) func(string) bool {
	return func(s string) bool { _, err := time.Parse(layout, s); return err == nil }
}

func TestSyntheticLikeFormats(t *testing.T) {
	tests := []struct {
		kind, in string
		check    func(out string) bool
		reason   string
	}{
		{KindNIK, "3171234567890001", IsSyntheticNIK,
			"a full real-looking NIK becomes a full synthetic NIK"},
		{KindNIK, "33******02", func(o string) bool {
			return sameShape("33******02", o) && regexp.MustCompile(`^00\*{6}\d\d$`).MatchString(o)
		}, "masked NIK keeps '*' positions and length; leading digits become the synthetic 00"},
		{KindNIK, "3171XXXXXXXX0001", func(o string) bool {
			return regexp.MustCompile(`^00\d\dXXXXXXXX\d{4}$`).MatchString(o)
		}, "any non-digit is a mask kept in place, X included"},
		{KindNIK, "3171O345678900I1", IsSyntheticNIK, "letters an OCR misread stand for digits and are replaced"},
		{KindDate, "3171234567890001 17-08-1990", func(o string) bool {
			return strings.HasPrefix(o, "0000000000000000 ")
		}, "a prefix without letters is replaced as text"},
		{KindNIK, "3171 2345 6789 0001", func(o string) bool {
			return len(o) == 19 && o[4] == ' ' && o[9] == ' ' && o[14] == ' ' && IsSyntheticNIK(strings.ReplaceAll(o, " ", ""))
		}, "separators are kept and do not count as digit positions"},
		{KindDate, "17-08-1990", parses("02-01-2006"), "dd-mm-yyyy keeps its layout and parses"},
		{KindDate, "1990/08/17", parses("2006/01/02"), "yyyy/mm/dd keeps its layout and parses"},
		{KindDate, "17.08.90", parses("02.01.06"), "dd.mm.yy keeps its layout and parses"},
		{KindDate, "7-8-1990", parses("2-1-2006"), "single-digit day and month stay single digits"},
		{KindDate, "JAKARTA, 17-08-1990", func(o string) bool {
			place, date, ok := strings.Cut(o, ", ")
			return ok && placeSet[place] && parses("02-01-2006")(date)
		}, "PLACE, dd-mm-yyyy: the place becomes a fictional place, the date a valid date"},
		{KindDate, "1990-08-17T00:00:00Z", func(o string) bool {
			return strings.HasSuffix(o, "T00:00:00Z") && parses("2006-01-02T15:04:05Z07:00")(o)
		}, "a time after the date is kept"},
		{KindDate, "**-08-1990", func(o string) bool {
			return regexp.MustCompile(`^\*\*-\d\d-\d{4}$`).MatchString(o)
		}, "masked date keeps its mask"},
		{KindDate, "SEUMUR HIDUP", func(o string) bool { return o == "SEUMUR HIDUP" }, "the lifetime expiry is not personal"},
		{KindName, "RIZKA MAULIDAH", func(o string) bool { return nameSet[o] }, "an unmasked name becomes a fictional name"},
		{KindName, "Rizka Maulidah", func(o string) bool {
			return nameSet[strings.ToUpper(o)] && o != strings.ToUpper(o) && o != strings.ToLower(o)
		}, "mixed case gives Title Case"},
		{KindName, "R**A M**H", func(o string) bool {
			return sameShape("R**A M**H", o) && o[4] == ' ' && o != "R**A M**H"
		}, "a masked name keeps length, spaces and mask positions; its letters come from a fictional pick"},
		{KindPlace, "KOTA BANDUNG", func(o string) bool {
			rest, ok := strings.CutPrefix(o, "KOTA ")
			return ok && placeSet[rest]
		}, "the administrative prefix is kept"},
		{KindPlace, "SURABAYA", func(o string) bool { return placeSet[o] }, "a bare place becomes a fictional place"},
		{KindAddress, "JL. MAWAR NO. 5", isFictionalAddress, "an address becomes a fictional street and number"},
		{KindText, "Karyawan 2021", func(o string) bool { return o == "Contohco 0000" }, "text: CONTOH letters, zero digits, case kept"},
		{KindPhone, "+62 812-3456-7890", func(o string) bool { return o == "+00 000-0000-0000" }, "a phone number: zero digits, layout kept"},
		{KindTaxID, "01.234.567.8-901.000", func(o string) bool { return o == "00.000.000.0-000.000" }, "an NPWP: zero digits, layout kept"},
		{KindEmail, "Rahayu.K+ktp@mail.example.com", func(o string) bool { return o == "Contoh.O+toh@contoh.invalid" },
			"an e-mail address: its local part as text, the domain reserved"},
		{KindNIK, "null", func(o string) bool { return o == "null" }, `"null" stays "null"`},
		{KindName, "", func(o string) bool { return o == "" }, "empty stays empty"},
		{KindDate, "-", func(o string) bool { return o == "-" }, `"-" stays "-"`},
	}
	for _, tt := range tests {
		out := SyntheticLike(tt.kind, tt.in)
		if !tt.check(out) {
			t.Errorf("SyntheticLike(%q, %q) = %q: %s", tt.kind, tt.in, out, tt.reason)
		}
		if again := SyntheticLike(tt.kind, tt.in); again != out {
			t.Errorf("SyntheticLike(%q, %q) is not deterministic: %q then %q", tt.kind, tt.in, out, again)
		}
		if !IsSyntheticValue(tt.kind, out) {
			t.Errorf("IsSyntheticValue(%q, %q) = false for SyntheticLike's own output (from %q)", tt.kind, out, tt.in)
		}
	}
}

// corpus is a spread of inputs, real-looking and odd, for properties that must hold for every value.
var corpus = []string{
	"", "-", "null", "NULL", " ", "3171234567890001", "33******02", "************0001", "3171 2345 6789 0001",
	"31712345678900012345", "3171", "abc", "RIZKA MAULIDAH", "R**A M**H", "r**a m**h", "Siti", "Ñoño Peña",
	"KOTA BANDUNG", "PROVINSI JAWA BARAT", "Kab. Bogor", "K*TA B****NG", "JL. MAWAR NO. 5", "JL. M***R NO. 1*",
	"Jl. Merdeka Raya No. 12 RT 01", "17-08-1990", "1990/08/17", "17.08.90", "JAKARTA, 17-08-1990",
	"Jakarta, 7-8-90 (approx)", "**-**-1990", "1990-08-17T00:00:00Z", "SEUMUR HIDUP", "17 AGUSTUS 1990",
	"99-99-9999", "KARYAWAN SWASTA", "•••• ••••", "#1/2", "日本語", "+62 812-3456-7890", "a@b@c", "rahayu@mail.example.com",
}

// One date written two ways, or with a place before it, gets one synthetic date: two fields of an answer
// that agreed (a date of birth, and the place-and-date beside it) still agree once redacted.
func TestSyntheticDateByValue(t *testing.T) {
	a := SyntheticLike(KindDate, "1989/06/01")
	b := SyntheticLike(KindDate, "SE M**N, 01-06-1989")
	c := SyntheticLike(KindDate, "01-06-89")
	ta, _ := time.Parse("2006/01/02", a)
	tb, _ := time.Parse("02-01-2006", b[strings.Index(b, ", ")+2:])
	tc, _ := time.Parse("02-01-06", c)
	if ta.IsZero() || !ta.Equal(tb) || ta.Day() != tc.Day() || ta.Month() != tc.Month() || ta.Year()%100 != tc.Year()%100 {
		t.Errorf("one date, three synthetic dates: %q %q %q", a, b, c)
	}
	if place := SyntheticLike(KindPlace, "SE M**N"); !strings.HasPrefix(b, place+", ") {
		t.Errorf("the place before the date is not the place's own stand-in: %q, %q", b, place)
	}
	cut := SyntheticLike(KindDate, "SE M**N, 01-0")
	if place := SyntheticLike(KindPlace, "SE M**N"); cut != place+", 00-0" || !IsSyntheticValue(KindDate, cut) {
		t.Errorf("a date cut short keeps its place as a place: %q", cut)
	}
}

func TestSyntheticLikeAlwaysSynthetic(t *testing.T) {
	kinds := []string{KindNIK, KindName, KindAddress, KindDate, KindPlace, KindText, KindPhone, KindEmail, KindTaxID, "unknown"}
	for _, k := range kinds {
		for _, x := range corpus {
			once := SyntheticLike(k, x)
			if !IsSyntheticValue(k, once) {
				t.Errorf("IsSyntheticValue(%q, SyntheticLike(%q, %q) = %q) = false", k, k, x, once)
			}
			twice := SyntheticLike(k, once)
			if !IsSyntheticValue(k, twice) {
				t.Errorf("IsSyntheticValue(%q, SyntheticLike twice of %q = %q) = false", k, x, twice)
			}
			if masked(x) && !sameShape(x, once) {
				t.Errorf("SyntheticLike(%q, %q) = %q: mask shape not kept", k, x, once)
			}
		}
	}
}

func TestIsSyntheticValue(t *testing.T) {
	tests := []struct {
		kind, s string
		want    bool
		reason  string
	}{
		{KindNIK, "3171234567890001", false, "real-looking province code"},
		{KindNIK, "0001011708900001", true, "province 00, valid date"},
		{KindNIK, "33******02", false, "visible province code 33"},
		{KindNIK, "00******02", true, "visible 00, the rest hidden"},
		{KindNIK, "************0001", true, "province and date hidden: nothing to disprove, nothing revealed"},
		{KindNIK, "0001019908******", false, "visible day 99"},
		{KindNIK, "3171", false, "a short value is read as the start of a NIK"},
		{KindNIK, "RIZKA MAULIDAH", false, "letters are not a NIK: SyntheticLike never leaves any but X"},
		{KindNIK, "0001O11708900001", false, "an OCR-misread letter O is not a digit"},
		{KindDate, "3171234567890001 17-08-1990", false, "digits before the date are not synthetic text"},
		{KindName, "BUDI CONTOH", true, "on the fictional list"},
		{KindName, "budi contoh", true, "case does not matter"},
		{KindName, "BUDI SANTOSO", false, "a real-looking surname"},
		{KindName, "B**I C****H", true, "the mask is filled exactly by BUDI CONTOH"},
		{KindName, "R**A M**H", false, "no fictional name fills R**A M**H to itself"},
		{KindPlace, "KOTA CONTOH", true, "prefix stripped, then on the list"},
		{KindPlace, "PROVINSI CONTOH RAYA", true, "a fictional province"},
		{KindPlace, "KOTA BANDUNG", false, "a real city"},
		{KindAddress, "JL. CONTOH NO. 12", true, "a fictional street and a number"},
		{KindAddress, "JL. CONTOH", true, "a fictional street without number"},
		{KindAddress, "JL. MAWAR NO. 5", false, "a real-looking street"},
		{KindAddress, "JL. CONTOH NO. 12 RT 01", false, "anything after the number is not ours"},
		{KindDate, "17-08-1990", false, "a real-looking date of birth is personal data"},
		{KindDate, "17-08-1905", true, "a date in the synthetic years"},
		{KindDate, "17-08-05", true, "yy in the synthetic years"},
		{KindDate, "31-02-1990", false, "31 February is not a date"},
		{KindDate, "CONTOH, 17-08-1905", true, "fictional place, synthetic date"},
		{KindDate, "JAKARTA, 17-08-1990", false, "a real place before the date"},
		{KindText, "CONTOHC 0000", true, "filler letters and zero digits"},
		{KindText, "KARYAWAN", false, "real text"},
		{"unknown", "KARYAWAN", false, "unknown kinds are text"},
		{KindName, "null", true, "literal null passes"},
		{KindPhone, "+62 812-3456-7890", false, "a real-looking phone number"},
		{KindPhone, "+00 000-0000-0000", true, "zero digits"},
		{KindEmail, "rahayu@mail.example.com", false, "a real-looking address"},
		{KindEmail, "contoh@contoh.invalid", true, "synthetic local part, the reserved domain"},
		{KindEmail, "rahayu@contoh.invalid", false, "a real local part at the reserved domain"},
		{KindTaxID, "01.234.567.8-901.000", false, "a real-looking NPWP"},
	}
	for _, tt := range tests {
		if got := IsSyntheticValue(tt.kind, tt.s); got != tt.want {
			t.Errorf("IsSyntheticValue(%q, %q) = %v, want %v: %s", tt.kind, tt.s, got, tt.want, tt.reason)
		}
	}
}

package specimen

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"time"
)

// Identity is one synthetic KTP holder. Every field holds what the card prints, in the card's format:
// upper case, dates as dd-mm-yyyy, RTRW as "002/003". No field ever holds real personal data.
type Identity struct {
	NIK           string // 16 digits, province code "00": see IsSyntheticNIK
	Name          string // a common given name and an obviously fictional surname, "BUDI CONTOH"
	BirthPlace    string // a fictional city, without "KOTA"
	BirthDate     string // dd-mm-yyyy, the same date the NIK encodes; 17 to 80 years old on 01-01-2026
	Gender        string // "LAKI-LAKI" or "PEREMPUAN", the same the NIK encodes
	BloodType     string // "A", "B", "AB", "O" or "-"
	Address       string // "JL. CONTOH NO. 12"
	RTRW          string // "002/003"
	Village       string // kelurahan or desa, fictional
	District      string // kecamatan, fictional
	City          string // fictional, without "KOTA"; the card prints "KOTA " + City
	Province      string // fictional, without "PROVINSI"; the card prints "PROVINSI " + Province
	Religion      string
	MaritalStatus string
	Occupation    string
	Nationality   string // "WNI"
	ExpiryDate    string // "SEUMUR HIDUP" or dd-mm-yyyy
}

// The fictional lists. A surname, a place or a street is made of words that say "example", "synthetic",
// "trial", "fictitious", "imitation" in Indonesian, so that a reader of a cassette or a screenshot knows at
// once that the value is not a person's. Given names are common ones: alone they identify nobody.
// Changing any list changes every generated identity and image, and so every image hash a cassette holds.
var (
	maleGiven   = []string{"BUDI", "ANDI", "AGUS", "EKO", "JOKO", "RUDI", "HADI", "DEDI", "BAYU", "DIMAS"}
	femaleGiven = []string{"SITI", "DEWI", "RINA", "SRI", "AYU", "PUTRI", "MAYA", "LINA", "TUTI", "WATI"}
	surnames    = []string{"CONTOH", "SINTETIS", "PERCOBAAN", "FIKTIF", "UJICOBA", "SAMPEL", "PERAGA", "TIRUAN", "REKAAN", "KHAYALAN"}

	provinces = []string{"CONTOH RAYA", "SINTETIS UTARA", "FIKTIF SELATAN", "PERCOBAAN TIMUR", "TIRUAN BARAT", "UJICOBA TENGAH"}
	cities    = []string{"CONTOH", "SINTETIS", "FIKTIF", "PERCOBAAN", "UJICOBA", "TIRUAN", "REKAAN", "KHAYALAN", "SAMPEL JAYA", "PERAGA BARU"}
	districts = []string{"CONTOH BARAT", "CONTOH TIMUR", "SINTETIS LAMA", "SINTETIS BARU", "FIKTIF HILIR", "FIKTIF HULU", "PERCOBAAN TENGAH", "TIRUAN ILIR"}
	villages  = []string{"KEBON CONTOH", "SUKASINTETIS", "TANJUNG FIKTIF", "KAMPUNG PERCOBAAN", "TANAH TIRUAN", "PASIR SAMPEL", "BATU REKAAN", "SUKAKHAYALAN"}
	streets   = []string{"JL. CONTOH", "JL. SINTETIS RAYA", "JL. PERCOBAAN", "JL. FIKTIF INDAH", "GG. UJICOBA", "JL. TIRUAN", "JL. SAMPEL", "KOMP. PERAGA BLOK A"}

	bloodTypes  = []string{"A", "B", "AB", "O", "-"}
	religions   = []string{"ISLAM", "KRISTEN", "KATOLIK", "HINDU", "BUDDHA", "KONGHUCU"}
	maritals    = []string{"BELUM KAWIN", "KAWIN", "CERAI HIDUP", "CERAI MATI"}
	occupations = []string{"PELAJAR/MAHASISWA", "KARYAWAN SWASTA", "WIRASWASTA", "MENGURUS RUMAH TANGGA", "PEGAWAI NEGERI SIPIL", "PETANI/PEKEBUN"}
)

// Derived sets, built once; read-only afterwards, so safe for concurrent use.
var (
	allNames  []string            // every given × surname, the candidates for a masked name
	nameSet   = map[string]bool{} // the same, for membership
	allPlaces []string            // provinces ∪ cities ∪ districts ∪ villages
	placeSet  = map[string]bool{}
)

func init() {
	for _, g := range append(append([]string{}, maleGiven...), femaleGiven...) {
		for _, s := range surnames {
			n := g + " " + s
			allNames = append(allNames, n)
			nameSet[n] = true
		}
	}
	for _, l := range [][]string{provinces, cities, districts, villages} {
		for _, p := range l {
			if !placeSet[p] {
				allPlaces = append(allPlaces, p)
				placeSet[p] = true
			}
		}
	}
}

// referenceDate is the day a holder's age is reckoned on: 1 January 2026. It is fixed, not the clock:
// NewIdentity is a pure function of its seed, and a clock would change identities, and so every image hash
// a cassette holds, on the next birthday.
func referenceDate() time.Time { return time.Date(2026, time.January, 1, 0, 0, 0, 0, time.UTC) }

// minAge and maxAge bound a holder's age on referenceDate, in whole years: a KTP is issued at 17; 80 is
// as old as a holder commonly is, and reaches back to the 1940s without the 1900s of SyntheticLike's dates.
const (
	minAge = 17
	maxAge = 80
)

// NewIdentity returns the synthetic identity for seed. The same seed gives the same identity, on every
// machine and every run; different seeds give different identities with high probability (the lists are
// small, so two seeds may share a name, never by design a NIK). The holder is between minAge and maxAge
// years old on referenceDate, every birth day in that span equally likely.
func NewIdentity(seed string) Identity {
	r := newStream("identity", seed)
	female := r.intn(2) == 1
	given, gender := maleGiven, "LAKI-LAKI"
	if female {
		given, gender = femaleGiven, "PEREMPUAN"
	}
	name := pick(r, given) + " " + pick(r, surnames)

	// A day between the youngest and the oldest holder's birthdays, inclusive.
	youngest := referenceDate().AddDate(-minAge, 0, 0) // 17 on the reference date: 01-01-2009
	oldest := referenceDate().AddDate(-maxAge-1, 0, 1) // 81 the day after it: 02-01-1945
	born := oldest.AddDate(0, 0, r.intn(int(youngest.Sub(oldest).Hours())/24+1))
	year, month, day := born.Year(), int(born.Month()), born.Day()

	city := r.intn(len(cities))
	district := r.intn(len(districts))
	expiry := lifetime // what every KTP-el issued since 2016 prints
	return Identity{
		// The regency and district codes follow the city and district picked, as a real NIK's do.
		NIK:           formatNIK(city+1, district+1, day, month, year, female, 1+r.intn(9999)),
		Name:          name,
		BirthPlace:    pick(r, cities),
		BirthDate:     fmt.Sprintf("%02d-%02d-%04d", day, month, year),
		Gender:        gender,
		BloodType:     pick(r, bloodTypes),
		Address:       fmt.Sprintf("%s NO. %d", pick(r, streets), 1+r.intn(120)),
		RTRW:          fmt.Sprintf("%03d/%03d", 1+r.intn(20), 1+r.intn(15)),
		Village:       pick(r, villages),
		District:      districts[district],
		City:          cities[city],
		Province:      pick(r, provinces),
		Religion:      pick(r, religions),
		MaritalStatus: pick(r, maritals),
		Occupation:    pick(r, occupations),
		Nationality:   "WNI",
		ExpiryDate:    expiry,
	}
}

// formatNIK lays out a synthetic NIK: "00" (the province code no province has), 2-digit regency,
// 2-digit district, DDMMYY of birth with 40 added to the day for women, 4-digit serial.
func formatNIK(regency, district, day, month, year int, female bool, serial int) string {
	if female {
		day += 40
	}
	return fmt.Sprintf("00%02d%02d%02d%02d%02d%04d", regency%100, district%100, day, month, year%100, serial%10000)
}

// randomNIK is a synthetic NIK drawn from r, for SyntheticLike.
func randomNIK(r *stream) string {
	year := syntheticYear0 + r.intn(syntheticYears)
	month := 1 + r.intn(12)
	return formatNIK(1+r.intn(99), 1+r.intn(99), 1+r.intn(daysIn(month, year)), month, year, r.intn(2) == 1, 1+r.intn(9999))
}

// IsSyntheticNIK reports whether s is a NIK this package could have made: exactly 16 ASCII digits, the
// province code "00", and a date part DDMMYY that is a calendar date, the day being 01–31 for men or
// 41–71 for women. 29 February is accepted in any year, since YY does not say the century.
// No real NIK passes: no Indonesian province has the code 00.
func IsSyntheticNIK(s string) bool {
	if len(s) != 16 {
		return false
	}
	var slots [16]byte
	for i := range 16 {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
		slots[i] = s[i]
	}
	return nikConsistent(slots)
}

// nikConsistent reports whether some synthetic NIK agrees with every known slot (0 = hidden).
func nikConsistent(slots [16]byte) bool {
	for _, i := range []int{0, 1} {
		if slots[i] != 0 && slots[i] != '0' {
			return false
		}
	}
	agrees := func(at, v int) bool {
		d := [2]byte{byte('0' + v/10), byte('0' + v%10)}
		return (slots[at] == 0 || slots[at] == d[0]) && (slots[at+1] == 0 || slots[at+1] == d[1])
	}
	for month := 1; month <= 12; month++ {
		if !agrees(8, month) {
			continue
		}
		for day := 1; day <= daysIn(month, 2000); day++ { // 2000: leap, so 29 February is allowed
			if agrees(6, day) || agrees(6, day+40) {
				return true
			}
		}
	}
	return false
}

// daysIn is the number of days of month in year (Gregorian).
func daysIn(month, year int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// stream is this package's own pseudo-random generator (SplitMix64), seeded from SHA-256 of a domain and
// a seed. math/rand is not used because its sequences are not promised stable across Go releases, and
// every output of this package must be.
type stream struct{ state uint64 }

func newStream(domain, seed string) *stream {
	sum := sha256.Sum256([]byte("kontrak/specimen\x00" + domain + "\x00" + seed))
	return &stream{state: binary.BigEndian.Uint64(sum[:8])}
}

func (s *stream) next() uint64 {
	s.state += 0x9E3779B97F4A7C15
	z := s.state
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB
	return z ^ (z >> 31)
}

// intn returns a number in [0, n). The modulo bias is irrelevant here; stability is what matters.
func (s *stream) intn(n int) int { return int(s.next() % uint64(n)) }

func pick(r *stream, list []string) string { return list[r.intn(len(list))] }

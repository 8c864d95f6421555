package specimen

import "strings"

// Field is one value of a card under its name in kontrak's canonical KTP record (contract.KTP's json
// names: kontrak's own vocabulary, not a vendor's).
type Field struct {
	Name, Value string
}

// Truth lists what id's card prints, field by field in the canonical record's order, as the canonical
// record holds it: dates as yyyy-mm-dd (the record's dates are dates, whatever a vendor's notation), RT and
// RW apart ("002/003" is RT 002, RW 003), the rest as printed. It is what a scorecard scores a reading
// against. A test holds the names to contract.KTP's.
func Truth(id Identity) []Field {
	rt, rw, _ := strings.Cut(id.RTRW, "/")
	return []Field{
		{"nik", id.NIK},
		{"name", id.Name},
		{"birthPlace", id.BirthPlace},
		{"birthDate", isoDate(id.BirthDate)},
		{"gender", id.Gender},
		{"bloodType", id.BloodType},
		{"address", id.Address},
		{"rt", rt},
		{"rw", rw},
		{"village", id.Village},
		{"district", id.District},
		{"city", id.City},
		{"province", id.Province},
		{"religion", id.Religion},
		{"maritalStatus", id.MaritalStatus},
		{"occupation", id.Occupation},
		{"nationality", id.Nationality},
		{"expiry", id.ExpiryDate},
	}
}

// isoDate turns the card's dd-mm-yyyy into yyyy-mm-dd; anything else is returned as it is.
func isoDate(s string) string {
	if len(s) != 10 || s[2] != '-' || s[5] != '-' {
		return s
	}
	return s[6:] + "-" + s[3:5] + "-" + s[:2]
}

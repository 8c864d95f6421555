package wire

import (
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"unicode/utf8"
)

// EncodedText: s is base64 (either alphabet), base32 (either alphabet) or hex, canonical, of JSON, of text
// or of digits (a NIK, a phone number, a date: "Mzg1Mjk2…" is 3852 96…), up to three layers deep:
// identifier-like to look at, a container to read ("eyJuIjoi…" is {"n":…}). Redaction replaces such a
// name, and a printer of a name from the input gives its shape (contract.ShownName).
func EncodedText(s string) bool { return encodedText(s, 0) }

func encodedText(s string, depth int) bool {
	if len(s) < 8 || depth > 2 {
		return false
	}
	holds := func(b []byte) bool {
		return LooksJSON(b) && utf8.Valid(b) || PrintableText(b) || numberText(b) || encodedText(string(b), depth+1)
	}
	if Base64Like(s) {
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
			if b, err := enc.DecodeString(s); err == nil && enc.EncodeToString(b) == s && holds(b) {
				return true
			}
		}
	}
	for _, enc := range []*base32.Encoding{base32.StdEncoding, base32.HexEncoding, base32.StdEncoding.WithPadding(base32.NoPadding), base32.HexEncoding.WithPadding(base32.NoPadding)} {
		if b, err := enc.DecodeString(s); err == nil && enc.EncodeToString(b) == s && holds(b) {
			return true
		}
	}
	// Hex of text: a media type's parameter can carry it (FuzzPlantedRedacted).
	if b, err := hex.DecodeString(s); err == nil && holds(b) {
		return true
	}
	return false
}

// Base64Like: s is made only of the characters of base64 (either alphabet) and its padding.
func Base64Like(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '+' || c == '/' || c == '-' || c == '_' || c == '=') {
			return false
		}
	}
	return true
}

// numberText: at least six printable ASCII characters, digits the most of them: a NIK, a phone number or a
// date, written in base64 to look like a name (FuzzPlantedRedacted found one as a URL's fragment).
func numberText(b []byte) bool {
	if len(b) < 6 {
		return false
	}
	digits := 0
	for _, c := range b {
		switch {
		case c < 0x20 || c > 0x7e:
			return false
		case c >= '0' && c <= '9':
			digits++
		}
	}
	return digits*2 > len(b)
}

// PrintableText: UTF-8 text of at least six characters, letters or digits the half of them at least, no
// control characters but white space: what a base64 string that hides a name, an address or a NIK with
// a name ("KANARI INDAH 3174…") decodes to, and what random bytes almost never do.
func PrintableText(b []byte) bool {
	if len(b) < 6 || !utf8.Valid(b) {
		return false
	}
	alnum := 0
	for _, r := range string(b) {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
		case r < 0x20 || r == 0x7f || r == utf8.RuneError:
			return false
		case r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9':
			alnum++
		}
	}
	return alnum*2 >= utf8.RuneCount(b)
}

// EncodedParts: s, or a part of it between dots, dashes or underscores, is encoded text (EncodedText:
// base64, base32 or hex of text, JSON or digits), as a JWT's parts are.
func EncodedParts(s string) bool {
	if EncodedText(s) {
		return true
	}
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return r == '.' || r == '-' || r == '_' }) {
		if len(p) >= 8 && p != s && EncodedText(p) {
			return true
		}
	}
	return false
}

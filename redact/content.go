package redact

import (
	"bytes"
	"encoding/hex"
	"html"
	"net/url"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/kontrak/kontrak/internal/wire"
	"github.com/kontrak/kontrak/specimen"
)

// The content rules (pii_rules.yaml, content): what is looked for inside a value that is kept, the second
// line of defence behind the allow-list. A value the documents allow (a code, an id, a documented
// parameter) may still carry a token, a NIK, an e-mail address, a phone number or a value the exchange holds
// at a personal place: each is replaced where it stands, and the rest of the value stays.

// content applies the content rules to a kept value (freetext: also the dates in it), to a fixed point.
func (v *view) content(val string, freetext bool) (string, []hit) {
	var kinds []string
	out := val
	keep := func(s string) bool { return v.keeps(s) }
	step := func(kind, next string) {
		if next != out {
			if !containsKind(kinds, kind) {
				kinds = append(kinds, kind)
			}
			out = next
		}
	}
	redacted := func(string) string { return Redacted }
	// The rules run to a fixed point: one rule's stand-in may complete what another finds (a token
	// redacted inside a mangled JWT leaves header.REDACTED.signature, a JWT), and redaction is idempotent
	// only if a second run finds nothing. Text no rule changes is read once.
	for pass := 0; pass < 4; pass++ {
		before := out
		if strings.Contains(out, "eyJ") { // where every JWT starts: the regexp need not read the rest
			step(LeakCredential, replaceRuns(out, spans(jwtRE.FindAllStringIndex(out, -1)), keep, redacted))
		}
		step(LeakToken, replaceRuns(out, tokenRuns(out), keep, redacted))
		isNIK := func(n string) bool { return specimen.IsSyntheticNIK(n) || keep(n) }
		likeNIK := func(n string) string { return specimen.SyntheticLike(specimen.KindNIK, n) }
		step(LeakNIK, replaceRuns(out, nikRuns(out), isNIK, likeNIK))
		step(LeakNIK, replaceRuns(out, separatedNIKRuns(out), func(n string) bool { return specimen.IsSyntheticValue(specimen.KindNIK, n) || keep(n) }, likeNIK))
		step(LeakNIK, replaceRuns(out, otherNIKRuns(out), keep, likeNIK))
		if strings.IndexByte(out, '@') >= 0 {
			step(kindEmail, replaceRuns(out, spans(emailRE.FindAllStringIndex(out, -1)),
				func(e string) bool { return specimen.IsSyntheticValue(kindEmail, e) || keep(e) },
				func(e string) string { return specimen.SyntheticLike(kindEmail, e) }))
		}
		step(kindPhone, replaceRuns(out, phoneRuns(out), keep, func(p string) string { return specimen.SyntheticLike(kindPhone, p) }))
		step(specimen.KindName, v.known.mask(out, keep))
		if freetext {
			// replaceRuns asks keep, then with, of the same date: the stand-in is computed once.
			var lastDate, lastLike string
			like := func(d string) string {
				if d != lastDate || lastLike == "" {
					lastDate, lastLike = d, likeDateInText(d)
				}
				return lastLike
			}
			step(specimen.KindDate, replaceRuns(out, datesInText(out), func(d string) bool { return like(d) == d || keep(d) }, like))
		}
		if out == before {
			break
		}
	}
	if len(kinds) == 0 && otherNotation(out) {
		// Nothing as written, but something once the notation is undone (full-width "０８１２…" or "＠",
		// "%40", "&#64;", a zero-width space inside a NIK): the whole value is replaced by its shape.
		if n := normalForm(out); n != out && contentKind(n) != "" {
			return v.shapeOf(out)
		}
	}
	var hits []hit
	for _, k := range kinds {
		hits = append(hits, hit{kind: k})
	}
	return out, hits
}

// otherNotation: s may hold what the content rules look for written in another notation (a character
// outside ASCII, a percent or an HTML escape).
func otherNotation(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 || s[i] == '%' || s[i] == '&' {
			return true
		}
	}
	return false
}

// normalForm undoes the notations otherNotation finds: compatibility forms folded (NFKC: full width),
// invisible format characters dropped, percent and HTML escapes undone.
func normalForm(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, norm.NFKC.String(s))
	if u, err := url.QueryUnescape(s); err == nil {
		s = u
	}
	return html.UnescapeString(s)
}

func containsKind(list []string, k string) bool {
	for _, x := range list {
		if x == k {
			return true
		}
	}
	return false
}

// jwtRE is a JSON Web Token: a base64url JSON header ("eyJ" is `{"`), a payload and a signature.
var jwtRE = regexp.MustCompile(`eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*`)

// emailRE is an e-mail address as it is written in text.
var emailRE = regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}`)

// phoneRE is an Indonesian mobile number: +62, 62 or 0 (in parentheses with its area, "(0812)"), then 8
// and eight to twelve digits, single spaces, dots, dashes, slashes or underscores between them.
var phoneRE = regexp.MustCompile(`(?:\+62|62|\(?0)[ .-]?8[1-9](?:\)?[ ./_-]?[0-9]){6,10}`)

// phoneRuns finds the phone numbers of s that no digit or letter touches and that are not synthetic (all
// zeros).
func phoneRuns(s string) [][2]int {
	if len(s) < 10 || !strings.Contains(s, "8") {
		return nil
	}
	var out [][2]int
	for _, m := range phoneRE.FindAllStringIndex(s, -1) {
		if m[0] > 0 && (isASCIIDigit(s[m[0]-1]) || isASCIILetter(s[m[0]-1])) || m[1] < len(s) && (isASCIIDigit(s[m[1]]) || isASCIILetter(s[m[1]])) {
			continue
		}
		if strings.Trim(s[m[0]:m[1]], "+0 .-") == "" {
			continue
		}
		out = append(out, [2]int{m[0], m[1]})
	}
	return out
}

// otherNIKRuns finds NIKs written in another notation than ASCII digits: sixteen positions, each a decimal
// digit of any script (full-width ０–９ among them) or a letter an OCR reads for one (O and o for 0, I and l
// for 1), at least twelve of them digits and at least one of them not an ASCII digit, that no other letter
// or digit touches. Plain ASCII runs are nikRuns' job.
func otherNIKRuns(s string) [][2]int {
	if utf8.RuneCountInString(s) < 16 {
		return nil
	}
	var out [][2]int
	start, n, digits, other := -1, 0, 0, false
	flush := func(end int) {
		if start >= 0 && n == 16 && digits >= 12 && other {
			out = append(out, [2]int{start, end})
		}
		start, n, digits, other = -1, 0, 0, false
	}
	prevWord := false
	for i, r := range s {
		isDigit := unicode.IsDigit(r)
		ocr := r == 'O' || r == 'o' || r == 'I' || r == 'l'
		if isDigit || ocr {
			if start < 0 {
				if prevWord {
					// a run that a letter or digit touches is part of a word
					prevWord = unicode.IsLetter(r) || isDigit
					continue
				}
				start = i
			}
			n++
			if isDigit {
				digits++
			}
			if !(r >= '0' && r <= '9') {
				other = true
			}
			continue
		}
		if start >= 0 && (unicode.IsLetter(r) || unicode.IsNumber(r)) {
			start, n, digits, other = -1, 0, 0, false
			prevWord = true
			continue
		}
		flush(i)
		prevWord = unicode.IsLetter(r) || unicode.IsNumber(r)
	}
	flush(len(s))
	return out
}

// nikNotation: s is, whole, a NIK in another notation (otherNIKRuns).
func nikNotation(s string) bool {
	r := otherNIKRuns(s)
	return len(r) == 1 && r[0][0] == 0 && r[0][1] == len(s)
}

// imageOf returns the image a text holds: image bytes (the sniffer's formats, TIFF, HEIC/HEIF/AVIF), an
// image in base64 (either alphabet, a data URI) or in hexadecimal. It reads values as the matcher does,
// so that the descriptor stands for what the matcher would hash, for the formats the matcher knows.
func imageOf(s string) ([]byte, bool) {
	if s == "" {
		return nil, false
	}
	if wire.IsImageString(s) {
		return []byte(s), true
	}
	if b, ok := wire.Base64Image(s); ok {
		return b, true
	}
	if otherImage([]byte(s[:min(len(s), 16)])) {
		return []byte(s), true
	}
	if len(s) >= 32 {
		if lead := strings.ToLower(s[:8]); hexImageLead(lead) && len(s)%2 == 0 {
			if b, err := hex.DecodeString(s); err == nil && (wire.IsImage(b) || otherImage(b)) {
				return b, true
			}
		}
		if wire.Base64Like(s) {
			if b, _, ok := wire.DecodeBase64(s); ok && otherImage(b) {
				return b, true
			}
		}
	}
	return nil, false
}

// otherImage: the signature of an image format the sniffer does not know: TIFF (either byte order) or an
// ISO base media file of an image brand (HEIC, HEIF, AVIF).
func otherImage(b []byte) bool {
	if bytes.HasPrefix(b, []byte("II*\x00")) || bytes.HasPrefix(b, []byte("MM\x00*")) {
		return true
	}
	if len(b) >= 12 && string(b[4:8]) == "ftyp" {
		switch string(b[8:12]) {
		case "heic", "heix", "hevc", "hevx", "heim", "heis", "mif1", "msf1", "avif", "avis":
			return true
		}
	}
	return false
}

// hexImageLead: eight hexadecimal characters that open an image's bytes.
func hexImageLead(lead string) bool {
	for _, p := range []string{"ffd8ff", "89504e47", "47494638", "424d", "52494646", "49492a00", "4d4d002a"} {
		if strings.HasPrefix(lead, p) {
			return true
		}
	}
	return len(lead) == 8 && lead[:2] == "00" && lead[2:6] == "0000" // the size of an ftyp box, then "ftyp"
}

// syntheticImageURLHost is where a redacted image URL points: a reserved name that resolves nowhere.
const syntheticImageURLHost = "https://kontrak-redacted.invalid/image/"

func isURL(s string) bool {
	return strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://")
}

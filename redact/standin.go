package redact

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// The stand-ins redaction writes where it does not keep a value, besides "REDACTED" (a credential),
// specimen's synthetic values (personal data) and the image descriptor (cassette.ImageDescriptor). Each is
// recognisable as one, so that redaction leaves it alone (redacting twice is redacting once) and the scan
// passes it; each is a pure function of what it replaces.

// digestPrefix opens a digest marker: the stand-in of a text kontrak does not keep (free text that is not
// the documents' own, a header no document names, a body it cannot read).
const digestPrefix = "kontrak-redacted-text "

// digest is the digest marker of s: "kontrak-redacted-text bytes=57 sha256=1a2b3c4d". It keeps what a
// comparison needs and no more: the length, and 32 bits of the SHA-256 of the text, enough to tell that a
// vendor's message changed between two recordings (message-changed compares the same way), too few to
// confirm a guess at the text from a large set of candidates. A text from a small set (a documented
// message) can be told by its digest, which is the point; personal data itself is never digested where
// the contract knows its place: it is replaced by a synthetic value.
func digest(s string) string {
	sum := sha256.Sum256([]byte(s))
	return fmt.Sprintf("%sbytes=%d sha256=%s", digestPrefix, len(s), hex.EncodeToString(sum[:4]))
}

var digestRE = regexp.MustCompile(`^kontrak-redacted-text bytes=[0-9]{1,12} sha256=[0-9a-f]{8}$`)

// isDigest reports whether s is a digest marker.
func isDigest(s string) bool { return strings.HasPrefix(s, digestPrefix) && digestRE.MatchString(s) }

// hashLetters is n lower-case letters drawn from a SHA-256 of what and s: a name no one wrote, the same for the
// same input, identifier-like (contract.SafeName) and of no entropy worth a token's.
func hashLetters(what, s string, n int) string {
	sum := sha256.Sum256([]byte(what + "/" + s))
	b := make([]byte, n)
	for i := range b {
		b[i] = 'a' + sum[i%len(sum)]%26
	}
	return string(b)
}

// standInName replaces a name (a JSON member, a query parameter, a form field, a part, a path segment)
// that is not identifier-like: "x" and ten letters.
func standInName(s string) string {
	return safeStandIn(s, func(s string) string { return "x" + hashLetters("name", s, 10) })
}

// standInHeaderName replaces a header name: X-Kontrak- and ten letters, in canonical form.
func standInHeaderName(s string) string {
	return safeStandIn(s, func(s string) string {
		l := hashLetters("header", s, 10)
		return "X-Kontrak-" + strings.ToUpper(l[:1]) + l[1:]
	})
}

// safeStandIn is the first of make's stand-ins for s, s+"\x00"+1, s+"\x00"+2, … that is a safe name by
// construction: letters drawn at random can spell base64 of what reads as text ("xpzavmlwans" is base64
// of 8 bytes of which 6 are UTF-8 text), which a second redaction would replace again and the scan would
// report (FuzzPlantedRedacted). The same s always gets the same stand-in.
func safeStandIn(s string, make func(string) string) string {
	out := make(s)
	for n := 1; (base64Text(out) || isToken(out)) && n < 100; n++ {
		out = make(s + "\x00" + strconv.Itoa(n))
	}
	return out
}

// standInFileName replaces a file name, keeping an extension that is a short word.
func standInFileName(s string) string {
	out := "file-" + hashLetters("file", s, 8)
	if i := strings.LastIndexByte(s, '.'); i >= 0 && i < len(s)-1 && len(s)-i <= 6 {
		ext := s[i+1:]
		if isWord(ext) {
			out += "." + strings.ToLower(ext)
		}
	}
	return out
}

// redactedHostSuffix is where a stand-in host points: a reserved name that resolves nowhere (RFC 2606).
const redactedHostSuffix = ".kontrak-redacted.invalid"

// standInHost replaces a host the documents do not name.
func standInHost(h string) string {
	return "h" + hashLetters("host", strings.ToLower(h), 10) + redactedHostSuffix
}

// standInNumber is the stand-in of a JSON number: its digits made zero and the first of a longer integer
// part one, so that it keeps its length class ("3174011708900002" → "1000000000000000", "0.98" → "0.00",
// "-7" → "0"); a number is a fixed point when it is one already.
func standInNumber(n string) string {
	n = strings.TrimPrefix(n, "-")
	intPart := n
	rest := ""
	if i := strings.IndexAny(n, ".eE"); i >= 0 {
		intPart, rest = n[:i], n[i:]
	}
	var b strings.Builder
	if len(intPart) <= 1 {
		b.WriteString("0")
	} else {
		b.WriteString("1" + strings.Repeat("0", len(intPart)-1))
	}
	for i := 0; i < len(rest); i++ {
		if c := rest[i]; c >= '0' && c <= '9' {
			b.WriteByte('0')
		} else {
			b.WriteByte(c)
		}
	}
	return b.String()
}

// standInLiteral is the stand-in of a JSON literal at a place the documents do not give: a number as
// standInNumber; true, false and null stay (one bit identifies nobody, and a request's flag is part of
// what it asks).
func standInLiteral(v string) string {
	switch v {
	case "null", "true", "false":
		return v
	}
	return standInNumber(v)
}

// isWord: ASCII letters and digits only, not empty.
func isWord(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// isHeaderToken: an HTTP token (RFC 9110 §5.6.2), as a header name is.
func isHeaderToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0 {
			continue
		}
		return false
	}
	return true
}

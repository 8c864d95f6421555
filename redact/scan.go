package redact

import (
	"fmt"
	"slices"

	vcr "gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"

	"github.com/kontrak/kontrak/specimen"

	"github.com/kontrak/kontrak/internal/wire"
)

// ScanRules say what the leak scan looks for: the names and pointers of RedactRules, and the values
// that are public because a vendor's own documents print them.
type ScanRules struct {
	RedactRules
	// Public reports whether value is one of the vendor documents' own example values for the operation
	// of a request (METHOD and URL path): printed in public, so not a leak. Nil: none is.
	Public func(method, path, value string) bool
}

// The kinds of leak. A personal-data leak is reported as the kind of its pointer (AnswerRules.PII):
// nik, name, address, date or place ("placedate" as place, "text" not at all: see reportKind).
const (
	LeakCredential = "credential"
	LeakNIK        = "nik"
	LeakImage      = "image"
	// LeakUnscannable is a cassette the scan could not read to the end (a bug of kontrak's): it fails the
	// scan, since what it did not read may leak.
	LeakUnscannable = "unscannable"
)

// Leak is one place a cassette holds what it must not. It says where, never what.
type Leak struct {
	File        string
	Interaction int
	Kind        string // credential, nik, name, address, date, place, image
	Where       string // "header X-Api-Key in the request", "/data/nik in the answer", "multipart part ocrImage in the request"
}

// String is the line kontrak scan prints: "FILE#INTERACTION: KIND at WHERE".
func (l Leak) String() string {
	return fmt.Sprintf("%s#%d: %s at %s", l.File, l.Interaction, l.Kind, l.Where)
}

// Scan lists the leaks of a cassette, in order: by interaction, then request before answer, headers by
// name, bodies in document order; one per kind and place. It looks where Redactor writes, so a cassette
// Redactor has seen with the same rules has none, except a documented example Public lets through
// anyway. A leak is:
//
//   - credential: a credential header, query parameter or body field (see RedactRules; any
//     Authorization header) whose value is neither "REDACTED" nor empty; a JWT-looking string anywhere
//     in a request, or at a secret pointer of an answer;
//   - nik: a 16-digit number anywhere (digits no letter or digit touches), or a value at a nik pointer,
//     that is not synthetic (specimen.IsSyntheticNIK, specimen.IsSyntheticValue);
//   - name, address, date, place: a value at a personal-data pointer of that kind (placedate counts as
//     place) that is not synthetic (specimen.IsSyntheticValue); free text (kind text) is not reported;
//   - image: a body, JSON string, form value or multipart part that is image bytes or an image in base64.
//
// A value (or, for a token or a NIK found inside a longer value, the token or NIK itself) that Public
// accepts is no leak, except an image. The cassette is not changed.
func Scan(c *vcr.Cassette, r ScanRules) (out []Leak) {
	if c == nil {
		return nil
	}
	defer scanRecovered(c.File, &out)
	rs := newRuleSet(r.RedactRules)
	for _, i := range c.Interactions {
		if i == nil {
			continue
		}
		out = append(out, scanInteraction(rs, r, c.File, i)...)
	}
	return out
}

// scanInteraction is Scan of one interaction of file, by the rule set rs built from r.
func scanInteraction(rs *ruleSet, r ScanRules, file string, i *vcr.Interaction) []Leak {
	var out []Leak
	method, path, err := requestRoute(i)
	if err != nil {
		// Nothing can be known of its answer's pointers, but the rest is still worth a look.
		method, path = i.Request.Method, ""
	}
	a := rs.answer(method, path)
	public := func(v string) bool { return r.Public != nil && r.Public(method, path, v) }
	known := rs.knownValues(a, i)
	seen := map[[2]string]bool{}
	// The walk writes back only what fn replaces, and this fn replaces nothing.
	rewriteInteraction(i, func(l leaf) (string, bool) {
		_, kinds := rs.redactLeaf(a, known, l, public)
		where := ""
		for n, kind := range kinds {
			if kind == "" || slices.Contains(kinds[:n], kind) {
				continue
			}
			if where == "" {
				where = l.where()
			}
			// The same place can come twice: a header's values, a repeated query parameter, a JSON
			// object that repeats a member.
			key := [2]string{kind, where}
			if seen[key] {
				continue
			}
			seen[key] = true
			out = append(out, Leak{File: file, Interaction: i.ID, Kind: kind, Where: where})
		}
		return "", false
	}, false)
	return out
}

// isImageLeaf: a multipart part whose bytes sniff as an image, or any value that is image bytes or an
// image in base64. A file part of other bytes is no image leak (a document, a corrupt file on purpose).
func isImageLeaf(l leaf) bool {
	switch l.place {
	case inHeader, inPath:
		return false
	case inJSON:
		if !l.str {
			return false
		}
	}
	if wire.IsImageString(l.value) {
		return true
	}
	_, ok := wire.Base64Image(l.value)
	return ok
}

// reportKind is the kind of leak a personal-data kind is reported as, or "" for none. A place with its
// date is a place leak: specimen accepts any date, so only its place can be real. Free text (an RT/RW)
// is not reported: it identifies nobody, and specimen's own identities print RT/RW numbers it does not
// take for synthetic. Redaction still replaces both.
func reportKind(kind string) string {
	switch kind {
	case specimen.KindNIK, specimen.KindName, specimen.KindAddress, specimen.KindDate, specimen.KindPlace:
		return kind
	case "placedate":
		return specimen.KindPlace
	}
	return ""
}

// ScanFiles scans cassette files, in order, each streamed by ScanFile. Its error names the first file that
// does not read. A recording is promoted only when this finds nothing (see scenario.Staging.Check).
func ScanFiles(files []string, r ScanRules) (out []Leak, err error) {
	defer wire.Recovered("scanning cassettes", &err)
	for _, f := range files {
		ls, err := ScanFile(f, r)
		if err != nil {
			return nil, err
		}
		out = append(out, ls...)
	}
	return out, nil
}

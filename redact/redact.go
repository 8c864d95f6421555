package redact

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/textproto"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	vcr "gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"

	"github.com/kontrak/kontrak/cassette"
	"github.com/kontrak/kontrak/specimen"

	"github.com/kontrak/kontrak/internal/wire"
)

// Redacted is what a redacted cassette holds in place of a credential or an answer's secret.
const Redacted = "REDACTED"

// RedactRules say what a cassette must not keep. The package knows no vendor fact: the names come from
// the specs (see client.RedactRules).
type RedactRules struct {
	// Headers are request headers that carry a credential. Authorization and Proxy-Authorization are
	// always credentials, named here or not. Names compare case-insensitively.
	Headers []string
	// Query are query parameters that carry a credential.
	Query []string
	// BodyFields are request body fields that carry a credential: JSON object members at any depth,
	// form fields and multipart text parts, by name.
	BodyFields []string
	// Answer gives the rules of the answers of one operation, by the request's method and URL path. Nil,
	// or a zero AnswerRules, leaves answers to the rules every value is subject to (images and NIKs).
	Answer func(method, path string) AnswerRules
}

// AnswerRules say where an operation's answer body (JSON) holds a secret or personal data.
type AnswerRules struct {
	// Secrets are the JSON Pointers of secrets, such as an access token.
	Secrets []string
	// PII maps the JSON Pointers of personal data to their kind: nik, name, address, date, place,
	// placedate ("PLACE, dd-mm-yyyy") or text.
	PII map[string]string
}

// Redactor returns the function, for WithRedactor, that takes secrets, images and personal data out of
// an interaction. In the request:
//
//   - a credential (a header, query parameter or body field that RedactRules names; any Authorization
//     header) becomes "REDACTED", in the URL, the headers, the body and go-vcr's recorded Form alike; an
//     empty one stays empty, so that a missing credential stays visible;
//   - a JWT-looking string (eyJ….….…) anywhere else becomes "REDACTED": whatever its name, it is a token;
//   - an image becomes its ImageDescriptor: a JSON string or form value that is an image in base64 (or a
//     data URI), a multipart file part of any content (binary too; an empty one stays empty), a text part
//     or a whole body that is image bytes or base64.
//
// In the answer, a value at a secret pointer becomes "REDACTED", and a string at a personal-data pointer
// becomes specimen.SyntheticLike of it, in the same format; null, "", "-" and "null" stay, and so does a
// value that is not a string. Anywhere in either, a 16-digit number (a NIK) that is not synthetic becomes a
// synthetic one, and an image in base64 becomes its descriptor.
//
// What stays is byte for byte what was: a JSON body keeps its member order and spacing (only the
// replaced tokens change), a form its field order, a multipart body its boundary, so its Content-Type
// stays valid. content_length (and a Content-Length header) follow a changed body.
//
// The redacted request still matches the live one (NewMatcher takes a descriptor for the image it
// describes), provided the credentials it replaced are ignored by the match (MatchOptions), as they must
// be anyway. The redacted answer still conforms: a synthetic value has the format of the value it
// replaces.
//
// Redaction is deterministic (the same interaction always redacts to the same bytes) and idempotent
// (redacting twice is redacting once): a value that is already "REDACTED", a descriptor or synthetic
// (specimen.IsSyntheticValue) is left alone. The only error is a request URL that does not parse, since
// the answer's rules cannot then be known: a recording with it is not saved.
func Redactor(r RedactRules) func(*vcr.Interaction) error {
	rs := newRuleSet(r)
	return func(i *vcr.Interaction) (err error) {
		if i == nil {
			return errors.New("no interaction to redact")
		}
		defer wire.Recovered(fmt.Sprintf("interaction %d", i.ID), &err)
		method, path, err := requestRoute(i)
		if err != nil {
			return err
		}
		a := rs.answer(method, path)
		known := rs.knownValues(a, i)
		var deep []string
		notes := rewriteInteraction(i, func(l leaf) (string, bool) {
			if l.deep {
				deep = append(deep, l.where())
				return "", false
			}
			out, _ := rs.redactLeaf(a, known, l, keepNone)
			return out, out != l.value
		}, true)
		if len(deep) > 0 {
			return fmt.Errorf("interaction %d: %s nests deeper than %d levels: refused, not redacted", i.ID, strings.Join(deep, ", "), MaxDepth)
		}
		if len(notes) > 0 {
			if i.Response.Headers == nil {
				i.Response.Headers = map[string][]string{}
			}
			// Under the spelling the cassette already holds it in, if any (a cassette's names are as
			// they were recorded): one header, not two spellings of it.
			name := ""
			if _, ok := i.Response.Headers[RedactionHeader]; !ok {
				for k := range i.Response.Headers {
					if strings.EqualFold(k, RedactionHeader) && (name == "" || k < name) {
						name = k
					}
				}
			}
			if name == "" {
				name = RedactionHeader
			}
			i.Response.Headers[name] = append(i.Response.Headers[name], notes...)
		}
		return nil
	}
}

// RedactionHeader is the answer header in which redaction says what it undid to read a body (a
// Content-Encoding, a byte order mark): the cassette then holds the body decoded, readable and grep-able.
const RedactionHeader = "X-Kontrak-Redaction"

func keepNone(string) bool { return false }

// knownValues collects the personal values of an interaction that free text may quote: those at the
// specs' personal-data pointers and in fields the name rules call personal (see knownValues).
func (rs *ruleSet) knownValues(a answerSet, i *vcr.Interaction) *knownValues {
	k := &knownValues{}
	rewriteInteraction(i, func(l leaf) (string, bool) {
		if l.place == inJSON && !l.str {
			return "", false
		}
		kind := l.ctx
		if p, ok := a.pii[string(l.ptr)]; ok && l.side == sideAnswer && l.place == inJSON {
			kind = p
		}
		switch kind {
		case specimen.KindName, specimen.KindAddress, specimen.KindPlace:
			k.add(kind, l.value)
		}
		return "", false
	}, false)
	return k
}

// RedactFile redacts every interaction of a cassette file in place. The file keeps its opening comment
// block (the provenance) and is otherwise written as go-vcr writes a cassette, to a temporary file beside
// it, synced and renamed over it: a reader, or a crash, sees the old cassette or the new one. When
// redaction changes nothing, nothing is written, and changed is false. Errors name the file.
//
// It reads every cassette go-vcr reads (cassette.Split): one written as JSON, in flow style, with
// anchors and aliases, is rewritten whole in go-vcr's own block layout, its aliases written out, and the
// provenance note says the layout was normalised (LayoutNote).
//
// It streams (cassette.Split): one interaction is held at a time, redacted and written to a temporary
// file, so that its memory is bounded by the largest interaction, not by the cassette (but for a layout
// Split decodes whole, bounded by cassette.MaxWholeBytes). The output is byte for byte what redacting the
// loaded cassette and marshalling it whole writes.
func RedactFile(file string, r RedactRules) (changed bool, err error) {
	defer wire.Recovered(file, &err)
	in, err := os.Open(file)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return false, fmt.Errorf("%s: cannot read cassette: %v", file, err)
	}
	defer in.Close()
	br := bufio.NewReaderSize(in, 64<<10)
	head, err := cassette.ReadCommentBlock(br)
	if err != nil {
		return false, fmt.Errorf("%s: cannot read cassette: %v", file, err)
	}
	body, err := os.CreateTemp(filepath.Dir(file), "."+filepath.Base(file)+".*.redacting")
	if err != nil {
		return false, fmt.Errorf("%s: not redacted, the file is left as it was: %v", file, err)
	}
	defer func() {
		body.Close()
		os.Remove(body.Name())
	}()
	bw := bufio.NewWriterSize(body, 64<<10)
	bw.WriteString(cassette.Header)
	red := Redactor(r)
	var notes []string
	normalised := false
	err = cassette.Split(br, func(item cassette.Item) error {
		i, err := item.Decode()
		if err != nil {
			return err
		}
		normalised = normalised || item.Whole
		before, err := cassette.MarshalItem(i)
		if err != nil {
			return err
		}
		if err := red(i); err != nil {
			return &redactError{i.ID, err}
		}
		after, err := cassette.MarshalItem(i)
		if err != nil {
			return err
		}
		changed = changed || !bytes.Equal(before, after)
		notes = append(notes, decodedNotes(&vcr.Cassette{Interactions: []*vcr.Interaction{i}})...)
		_, err = bw.Write(after)
		return err
	})
	var re *redactError
	switch {
	case errors.As(err, &re):
		return false, fmt.Errorf("%s: interaction %d: %v", file, re.id, re.err)
	case err != nil:
		return false, StreamError(file, err)
	case !changed:
		return false, nil
	}
	if err := bw.Flush(); err != nil {
		return false, fmt.Errorf("%s: not redacted, the file is left as it was: %v", file, err)
	}
	if normalised {
		notes = append(notes, LayoutNote)
	}
	if len(notes) > 0 {
		head = cassette.AddNote(head, notes)
	}
	if _, err := body.Seek(0, io.SeekStart); err != nil {
		return false, fmt.Errorf("%s: not redacted, the file is left as it was: %v", file, err)
	}
	if err := wire.WriteFileAtomicFrom(file, 0o644, func(w io.Writer) error {
		if _, err := w.Write(head); err != nil {
			return err
		}
		_, err := io.Copy(w, body)
		return err
	}); err != nil {
		return false, fmt.Errorf("%s: not redacted, the file is left as it was: %v", file, err)
	}
	return true, nil
}

// LayoutNote is the provenance note of a cassette RedactFile rewrote from a layout other than go-vcr's
// own (JSON, flow style, anchors and aliases): the interactions are go-vcr's reading of the original.
const LayoutNote = "layout normalised: read as go-vcr reads it (JSON, flow style or anchors), written in go-vcr's block layout"

// redactError is a refusal of redaction, kept apart from a cassette that does not read.
type redactError struct {
	id  int
	err error
}

func (e *redactError) Error() string { return e.err.Error() }

// decodedNotes lists what redaction undid to read each body (RedactionHeader), in order.
func decodedNotes(c *vcr.Cassette) []string {
	var notes []string
	for _, i := range c.Interactions {
		for k, v := range i.Response.Headers {
			if strings.EqualFold(k, RedactionHeader) {
				notes = append(notes, v...)
			}
		}
	}
	return notes
}

func requestRoute(i *vcr.Interaction) (method, path string, err error) {
	u, err := url.Parse(i.Request.URL)
	if err != nil {
		return "", "", fmt.Errorf("interaction %d: the request URL does not parse, so its answer's rules are unknown", i.ID)
	}
	return i.Request.Method, u.Path, nil
}

// ruleSet is RedactRules ready for lookups.
type ruleSet struct {
	headers, query, fields map[string]bool
	answerOf               func(method, path string) AnswerRules
}

// answerSet is AnswerRules ready for lookups.
type answerSet struct {
	secrets map[string]bool
	pii     map[string]string
}

func newRuleSet(r RedactRules) *ruleSet {
	rs := &ruleSet{headers: map[string]bool{"Authorization": true, "Proxy-Authorization": true},
		query: map[string]bool{}, fields: map[string]bool{}, answerOf: r.Answer}
	for _, h := range r.Headers {
		rs.headers[textproto.CanonicalMIMEHeaderKey(h)] = true
	}
	for _, q := range r.Query {
		rs.query[q] = true
	}
	for _, f := range r.BodyFields {
		rs.fields[f] = true
	}
	return rs
}

func (rs *ruleSet) answer(method, path string) answerSet {
	a := answerSet{secrets: map[string]bool{}}
	if rs.answerOf == nil {
		return a
	}
	ar := rs.answerOf(method, path)
	for _, p := range ar.Secrets {
		a.secrets[p] = true
	}
	a.pii = ar.PII
	return a
}

// credential reports whether a request leaf is, by its name, a credential.
func (rs *ruleSet) credential(l leaf) bool {
	if l.side != sideRequest {
		return false
	}
	switch l.place {
	case inHeader:
		return rs.headers[l.name]
	case inQuery:
		return rs.query[l.name]
	case inRecordedForm:
		// go-vcr's Form holds the query's parameters and a form body's fields together.
		return rs.query[l.name] || rs.fields[l.name]
	case inJSON:
		return l.str && rs.fields[l.name]
	case inForm, inPartText:
		return rs.fields[l.name]
	}
	return false
}

// redactLeaf is the redacted value of one leaf and the kinds of leak it took out: see Redactor and
// pii_rules.yaml. keep lets a value (or a token, NIK or date found inside one) through unchanged: the scan
// keeps a vendor document's public example values, redaction keeps nothing (keepNone). A kind "" is a
// replacement that is no leak (a file part that is not an image). The order matters: a credential is
// replaced whole before anything is looked for in it.
func (rs *ruleSet) redactLeaf(a answerSet, known *knownValues, l leaf, keep func(string) bool) (string, []string) {
	v := l.value
	if _, ok := cassette.ParseImageDescriptor(v); ok {
		return v, nil
	}
	if l.deep {
		return v, []string{LeakTooDeep}
	}
	jsonString := l.place != inJSON || l.str
	if rs.credential(l) || l.ctx == kindCredential && jsonString {
		if l.place == inHeader && (l.name == "Cookie" || l.name == "Set-Cookie") {
			if out := redactCookie(l.name, v); out != v && !keep(v) {
				return out, []string{LeakCredential}
			}
			return v, nil
		}
		if v == "" || v == Redacted || keep(v) {
			return v, nil
		}
		return Redacted, []string{LeakCredential}
	}
	if l.side == sideAnswer && l.place == inJSON && l.str {
		if a.secrets[string(l.ptr)] {
			if v == "" || v == Redacted || keep(v) {
				return v, nil
			}
			return Redacted, []string{LeakCredential}
		}
		if kind, ok := a.pii[string(l.ptr)]; ok {
			k := specimenKind(kind)
			if specimen.IsSyntheticValue(k, v) || keep(v) {
				return v, nil
			}
			return specimen.SyntheticLike(k, v), []string{reportKind(kind)}
		}
	}
	if img, ok := imageOf(l); ok {
		if keep(v) && l.place != inPartFile {
			return v, nil
		}
		kind := LeakImage
		if !isImageLeaf(l) {
			kind = ""
		}
		return cassette.ImageDescriptor(img), []string{kind}
	}
	if !textual(l) {
		return v, nil
	}
	ctx := l.ctx
	if ctx == specimen.KindNIK && !nikShaped(v) {
		ctx = kindFreeText // "nik": ["The nik must be 16 digits"] is a message about a NIK
	}
	if personalKind(ctx) && jsonString && l.place != inPath {
		k := specimenKind(ctx)
		if specimen.IsSyntheticValue(k, v) || keep(v) {
			return v, nil
		}
		return specimen.SyntheticLike(k, v), []string{reportKind(ctx)}
	}
	if ctx == kindImageRef && jsonString && isURL(v) {
		if out := likeImageURL(v); out != v && !keep(v) {
			return out, []string{LeakImage}
		}
	}
	var kinds []string
	out := v
	step := func(kind, next string) {
		if next != out {
			kinds = append(kinds, kind)
			out = next
		}
	}
	redacted := func(string) string { return Redacted }
	// The rules run to a fixed point: one rule's stand-in may complete what another finds (a token
	// redacted inside a mangled JWT leaves header.REDACTED.signature, a JWT), and redaction is
	// idempotent only if a second run finds nothing. Text no rule changes is read once.
	for pass := 0; pass < 4; pass++ {
		before := out
		if strings.Contains(out, "eyJ") { // where every JWT starts: the regexp need not read the rest
			step(LeakCredential, replaceRuns(out, spans(jwtRE.FindAllStringIndex(out, -1)), keep, redacted))
		}
		step(LeakToken, replaceRuns(out, tokenRuns(out), keep, redacted))
		isNIK := func(n string) bool { return specimen.IsSyntheticNIK(n) || keep(n) }
		step(LeakNIK, replaceRuns(out, nikRuns(out), isNIK, func(n string) string { return specimen.SyntheticLike(specimen.KindNIK, n) }))
		step(LeakNIK, replaceRuns(out, separatedNIKRuns(out), func(n string) bool { return specimen.IsSyntheticValue(specimen.KindNIK, n) || keep(n) },
			func(n string) string { return specimen.SyntheticLike(specimen.KindNIK, n) }))
		if ctx == kindFreeText {
			step(specimen.KindName, known.mask(out, keep))
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
	if out != v && l.place == inJSON && !l.str {
		// A NIK as a JSON number: a synthetic NIK starts with "00", which a number cannot. It becomes the
		// number the synthetic NIK is, as JSON would write it: leading zeros dropped, still a number.
		out = trimLeadingZeros(out)
	}
	return out, kinds
}

// trimLeadingZeros writes a JSON number literal without leading zeros in its integer part.
func trimLeadingZeros(n string) string {
	sign := ""
	if strings.HasPrefix(n, "-") {
		sign, n = "-", n[1:]
	}
	end := strings.IndexAny(n, ".eE")
	if end < 0 {
		end = len(n)
	}
	i := 0
	for i < end-1 && n[i] == '0' {
		i++
	}
	return sign + n[i:]
}

// specimenKind maps a spec's personal-data kind to specimen's: "placedate" is a date with its place,
// which specimen's date kind reads as such ("JAKARTA, 17-08-1990").
func specimenKind(kind string) string {
	if kind == "placedate" {
		return specimen.KindDate
	}
	return kind
}

// imageOf returns the image a leaf holds: a multipart file part's bytes, whatever they are, or a text
// value that is image bytes or an image in base64. It reads values as the matcher does, so that the
// descriptor stands for what the matcher would hash.
func imageOf(l leaf) ([]byte, bool) {
	switch l.place {
	case inPartFile:
		return []byte(l.value), l.value != ""
	case inHeader, inPath:
		return nil, false
	case inJSON:
		if !l.str {
			return nil, false
		}
	}
	if wire.IsImageString(l.value) {
		return []byte(l.value), true
	}
	return wire.Base64Image(l.value)
}

// textual reports whether a leaf is text to look into for tokens and NIKs: not a file part, not binary.
func textual(l leaf) bool { return l.place != inPartFile && utf8.ValidString(l.value) }

// nikRuns finds the NIK-like numbers of s: runs of exactly 16 ASCII digits that no letter or digit
// touches, so that a hash or an id with letters in it is not one. The result is byte offsets [start, end).
func nikRuns(s string) [][2]int {
	var out [][2]int
	for i := 0; i < len(s); {
		if !isASCIIDigit(s[i]) {
			i++
			continue
		}
		j := i
		for j < len(s) && isASCIIDigit(s[j]) {
			j++
		}
		if j-i == 16 && (i == 0 || !isASCIILetter(s[i-1])) && (j == len(s) || !isASCIILetter(s[j])) {
			out = append(out, [2]int{i, j})
		}
		i = j
	}
	return out
}

func isASCIIDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isASCIILetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// fixLength keeps a recorded content length, and a Content-Length header, true to a changed body. An
// unknown length (-1) stays unknown.
func fixLength(n *int64, h map[string][]string, body string) {
	if *n >= 0 {
		*n = int64(len(body))
	}
	for k := range h {
		if textproto.CanonicalMIMEHeaderKey(k) == "Content-Length" && len(h[k]) > 0 {
			h[k] = []string{strconv.Itoa(len(body))}
		}
	}
}

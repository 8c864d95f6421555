package redact

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"mime"
	"net"
	"net/http"
	"net/textproto"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/ianaindex"

	"github.com/kontrak/kontrak/cassette"
	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/internal/wire"
	"github.com/kontrak/kontrak/specimen"
)

// The policy: for every leaf of an exchange, what redaction keeps and what it writes instead. A value is
// kept only where the contract documents it and it is not personal (contract.Privacy); everything else
// becomes a stand-in of the same shape. The scan asks the same question of every leaf, and reports every
// leaf whose answer differs from what is there.

// hit is one kind of leak a leaf held, and, where the leaf has parts (a URL, a cookie), which part; ""
// for the leaf itself.
type hit struct{ kind, where string }

// The kinds of leak, besides the personal-data kinds of x-kontrak-pii (nik, name, address, date, place,
// text) and specimen's (phone, email, taxid).
const (
	LeakCredential = "credential"
	LeakNIK        = "nik"
	LeakImage      = "image"
	// LeakFile is a multipart file part that is no image (a document): not kept, its descriptor is.
	LeakFile = "file"
	// LeakUndocumented is a value at a place the contract does not document (a member, a parameter, a
	// header, a cookie, a trailer, a path segment): not kept, a stand-in of its shape is.
	LeakUndocumented = "undocumented"
	// LeakFreeText is text at a documented place of free text (a vendor's message) that is not a text the
	// documents give: it may quote the request, and becomes a digest marker.
	LeakFreeText = "free-text"
	// LeakKey is a name (a JSON member, a header, a parameter, a form field, a part, a file name) that is
	// not identifier-like, or that holds a value the exchange holds at a personal place: keys are values too.
	LeakKey = "key"
	// LeakURL is a host the documents do not name, user info or a fragment of a URL.
	LeakURL = "url"
	// LeakUnread is a body or value kontrak cannot read (an encoding it does not decode, binary bytes that
	// are no image): never kept, a digest marker is.
	LeakUnread = "unread"
	// LeakUnscannable is a cassette the scan could not read to the end (a bug of kontrak's): it fails the
	// scan, since what it did not read may leak.
	LeakUnscannable = "unscannable"
)

// view is what the policy knows of one exchange: the operation it is of (nil Privacy: none), the rules
// it was given, the personal values the exchange holds, and what the scan lets through (keep).
type view struct {
	rs   *ruleSet
	priv *contract.Privacy
	a    answerSet
	// segs are the path segments the documents give: the operation's path and the servers' prefixes.
	segs  map[string]bool
	known *knownValues
	keep  func(string) bool
	// vocab are the words of the operation's documents and of its documented member names: a name made
	// of them ("full_name") is the documents' word, not a person's, even when a personal value the
	// exchange holds ("HELLO NAME") shares it. It outlives priv in a nested view.
	vocab map[string]bool
	// depth counts the containers opened inside values (JSON in a string, base64 of JSON): past
	// maxNesting, a value is not opened but replaced.
	depth int
}

// documentedText reports whether a text at a place of free text (a message, an error list) says nothing
// the documents do not: one of the vendor's documented texts, or text made only of the words of its
// documents' prose (contract.Privacy) and of HTTP's reason phrases ("Unauthorized", "Internal Server
// Error"), which every API speaks. A text with no word is not.
func (v *view) documentedText(s string) bool {
	if v.priv == nil {
		return false
	}
	if v.priv.Texts[s] {
		return true
	}
	words := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	if len(words) == 0 {
		return false
	}
	for _, w := range words {
		if !v.priv.Words[w] && !httpWords[w] {
			return false
		}
	}
	return true
}

// httpWords are the words of HTTP's reason phrases (net/http.StatusText), lower case.
var httpWords = func() map[string]bool {
	out := map[string]bool{}
	for code := 100; code < 600; code++ {
		for _, w := range strings.Fields(strings.ToLower(http.StatusText(code))) {
			out[strings.Trim(w, "-'")] = true
		}
	}
	return out
}()

// maxNesting bounds how deep containers inside values are opened (JSON in a string in base64 in a
// header…): each level is a full read of the value, and no real payload nests deeper.
const maxNesting = 4

func (v *view) keeps(s string) bool { return v.keep != nil && v.keep(s) }

func one(kind string) []hit { return []hit{{kind: kind}} }

// leafPolicy is the redacted value of one leaf, and the kinds of leak it took out.
func (v *view) leafPolicy(l leaf) (string, []hit) {
	val := l.value
	if l.deep {
		return val, one(LeakTooDeep)
	}
	switch l.place {
	case inMethod:
		if wire.Method(val) || val == Redacted { // a registered method, or the stand-in of another
			return val, nil
		}
		return Redacted, one(LeakUndocumented)
	case inURL:
		return v.url(val, true)
	case inHost:
		return v.host(val)
	case inRemoteAddr:
		if val == Redacted {
			return val, nil
		}
		return Redacted, one(LeakURL)
	case inProto:
		if protoRE.MatchString(val) {
			return val, nil
		}
		return "HTTP/1.1", one(LeakUndocumented)
	case inStatus:
		return statusLine(val, l.code)
	case inTransferEncoding:
		if wire.Coding(val) {
			return val, nil
		}
		return "identity", one(LeakUndocumented)
	case inHeaderName, inTrailerName:
		return v.headerName(l)
	case inHeader:
		return v.header(l)
	case inTrailer:
		if val == "" || val == Redacted || isDigest(val) {
			return val, nil
		}
		if v.rs.headers[l.name] || l.ctx == kindCredential {
			return Redacted, one(LeakCredential)
		}
		return v.replaceText(val, LeakUndocumented)
	case inRecordedFormName, inFormName, inPartName:
		if v.documentedField(l.value) {
			return l.value, nil
		}
		return v.name(l.value)
	case inJSONName:
		if _, ok := v.place(l); ok {
			return l.value, nil
		}
		return v.name(l.value)
	case inRecordedForm:
		l.str = true
		if pl, ok := v.queryPlace(l.name); ok {
			return v.value(l, pl, true)
		}
		pl, ok := v.priv.Place(false, "/"+wire.Escape(l.name))
		return v.value(l, pl, ok)
	case inForm, inPartText:
		l.str = true
		if l.place == inPartText && wire.IsJSONMedia(l.media) && wire.LooksJSON([]byte(val)) {
			return v.nested(l, val, false)
		}
		pl, ok := v.priv.Place(l.side == sideAnswer, "/"+wire.Escape(l.name))
		return v.value(l, pl, ok)
	case inJSON:
		pl, ok := v.place(l)
		if len(l.ptr) == 0 && l.str && wire.LooksJSON([]byte(val)) && v.depth < maxNesting {
			// A body that is a JSON string holding JSON (encoded twice) is read as the body it holds.
			return v.nestedAs(l, val, true)
		}
		return v.value(l, pl, ok)
	case inPartFileName:
		return v.fileName(val)
	case inPartHeader:
		return v.partHeader(l)
	case inPartFile:
		if val == "" {
			return val, nil
		}
		if _, ok := cassette.ParseImageDescriptor(val); ok {
			return val, nil
		}
		kind := LeakFile
		if wire.IsImageString(val) {
			kind = LeakImage
		}
		// The matcher takes a descriptor for the file it describes, whatever its bytes.
		return cassette.ImageDescriptor([]byte(val)), one(kind)
	case inBoundary:
		if v.safeParam("boundary", val) {
			return val, nil
		}
		kind := contentKind(val)
		if kind == "" || kind == LeakToken {
			kind = LeakUndocumented
		}
		return standInBoundary(val), one(kind)
	case inPartFrame:
		// Nothing a reader reads: not kept.
		kind := contentKind(val)
		if kind == "" {
			kind = LeakUndocumented
		}
		return "", one(kind)
	case inBody:
		return v.body(l)
	case inNumber:
		return layoutNumber(l.name, val)
	}
	return val, nil
}

// layoutNumber keeps a number of go-vcr's layout within what its field can be (an interaction's index, a
// protocol version, a length up to 16 GiB, an HTTP status, a day); any other is a value put there (a NIK as
// an id or a code) and becomes the field's neutral value.
func layoutNumber(name, val string) (string, []hit) {
	n, err := strconv.ParseInt(val, 10, 64)
	bounds := layoutBounds[name]
	if err == nil && n >= bounds[0] && n <= bounds[1] {
		return val, nil
	}
	kind := contentKind(val)
	if kind == "" {
		kind = LeakUndocumented
	}
	return strconv.FormatInt(bounds[2], 10), one(kind)
}

// layoutBounds are, by YAML key, the least and the greatest value of a number of go-vcr's layout, and its
// neutral value.
var layoutBounds = map[string][3]int64{
	"id": {0, 999_999, 0}, "proto_major": {0, 3, 1}, "proto_minor": {0, 9, 1},
	"content_length": {-1, 1 << 34, -1}, "code": {0, 999, 0}, "duration": {0, int64(24 * time.Hour), 0},
}

var protoRE = regexp.MustCompile(`^HTTP/[0-9](\.[0-9])?$`)

// statusLine keeps a status line that is the code and its standard reason ("200 OK"), or the code alone;
// another reason phrase is the server's text, and becomes the standard one.
func statusLine(s string, code int) (string, []hit) {
	if t := strings.TrimSpace(s); t == "" || t == strconv.Itoa(code) {
		return s, nil
	}
	std := strconv.Itoa(code)
	if t := http.StatusText(code); t != "" {
		std += " " + t
	}
	if strings.EqualFold(s, std) {
		return s, nil
	}
	return std, one(LeakUndocumented)
}

// place is the documented place of a JSON leaf: by its concrete pointer among the rules' answer
// pointers (AnswerRules), then by its schema pointer in the contract's view.
func (v *view) place(l leaf) (contract.Place, bool) {
	if l.side == sideAnswer && (l.place == inJSON || l.place == inJSONName) {
		p := string(l.ptr)
		if v.a.secrets[p] {
			return contract.Place{Kind: contract.PlaceSecret}, true
		}
		if k, ok := v.a.pii[p]; ok {
			pl, _ := v.priv.Place(true, string(l.schema))
			pl.Kind = k
			return pl, true
		}
	}
	return v.priv.Place(l.side == sideAnswer, string(l.schema))
}

// queryPlace is the documented query parameter name.
func (v *view) queryPlace(name string) (contract.Place, bool) {
	if v.priv == nil {
		return contract.Place{}, false
	}
	pl, ok := v.priv.Query[name]
	return pl, ok
}

// documentedField: a form or part name the request schema documents, or a documented query parameter.
func (v *view) documentedField(name string) bool {
	if v.priv == nil {
		return false
	}
	if _, ok := v.priv.Request["/"+wire.Escape(name)]; ok {
		return true
	}
	_, ok := v.priv.Query[name]
	return ok || v.rs.fields[name] || v.rs.query[name]
}

// name is the policy of a name the documents do not give: kept when it is a safe name (identifier-like,
// no token, no word of a personal value the exchange holds, not an upper-case word the documents do not
// use: capsValue), else a stand-in name.
func (v *view) name(s string) (string, []hit) {
	if v.safeName(s) {
		return s, nil
	}
	return standInName(s), one(LeakKey)
}

func (v *view) safeName(s string) bool {
	return contract.SafeName(s) && !isToken(s) && !v.holdsPersonalWord(s) && !base64Text(s) && !v.capsParts(s)
}

// base64Text: a name that is base64, base32 or hex of text, JSON or digits (wire.EncodedText): identifier-
// like to look at, a container to read.
func base64Text(s string) bool { return wire.EncodedText(s) }

// holdsPersonalWord: a name holds a word of a personal value the exchange holds that is not a word of
// the documents (vocab).
func (v *view) holdsPersonalWord(name string) bool {
	return v.known.holdsWord(name, v.vocab)
}

// vocabularyOf is the words of a contract's documents (Privacy.Words) and of its documented member names,
// lower case.
func vocabularyOf(p *contract.Privacy) map[string]bool {
	out := make(map[string]bool, len(p.Words)+len(p.Request)+len(p.Answer))
	for w := range p.Words {
		out[w] = true
	}
	for _, m := range []map[string]contract.Place{p.Request, p.Answer, p.Query, p.Headers} {
		for ptr := range m {
			for _, w := range nameWords(ptr) {
				out[w] = true
			}
		}
	}
	return out
}

// isToken: a value the token rule takes for a secret (pii_rules.yaml token), or a JWT.
func isToken(s string) bool {
	return len(tokenRuns(s)) > 0 || strings.Contains(s, "eyJ") && jwtRE.MatchString(s)
}

// fileName keeps a multipart file name that is a short safe name with a short extension ("ktp.jpg"); any
// other becomes a stand-in with the same extension.
func (v *view) fileName(s string) (string, []hit) {
	base, ext, _ := strings.Cut(s, ".")
	if len(base) <= 16 && v.safeName(base) && (ext == "" || len(ext) <= 5 && isWord(ext)) {
		return s, nil
	}
	if strings.HasPrefix(s, "file-") && len(base) == 13 && (ext == "" || len(ext) <= 5 && isWord(ext)) {
		return s, nil
	}
	return standInFileName(s), one(LeakKey)
}

// headerName keeps the name of a header redaction knows (a credential, a protocol header, a documented
// one, the redaction notes) or a safe name; any other name becomes a stand-in.
func (v *view) headerName(l leaf) (string, []hit) {
	n := l.name
	if v.knownHeader(l.side, n) {
		return l.value, nil
	}
	if contract.SafeName(n) && !isToken(n) && !v.holdsPersonalWord(n) {
		return l.value, nil
	}
	if strings.HasPrefix(n, "X-Kontrak-") && len(n) == len("X-Kontrak-")+10 {
		return l.value, nil
	}
	return standInHeaderName(n), one(LeakKey)
}

// The headers whose values are structure, judged by their grammar rather than replaced.
var protocolHeaders = map[string]bool{
	"Content-Type": true, "Content-Length": true, "Content-Encoding": true, "Transfer-Encoding": true,
	"Accept": true, "Accept-Encoding": true, "Retry-After": true,
}

func (v *view) knownHeader(s side, n string) bool {
	return protocolHeaders[n] || v.rs.headers[n] || n == redactionHeaderKey || v.documentedHeader(s, n)
}

// header is the policy of a header value: a credential is REDACTED (a cookie keeps its names, see
// cookies); a protocol header is kept in its grammar; the redaction notes are kept in their own grammar; a
// documented header (a parameter of the request, a response header of the spec) is kept, its content
// looked into; any other header becomes a digest marker.
func (v *view) header(l leaf) (string, []hit) {
	val, n := l.value, l.name
	if val == "" || isDigest(val) {
		return val, nil
	}
	if n == "Cookie" || n == "Set-Cookie" {
		return v.cookies(n, val)
	}
	if v.rs.headers[n] || v.isSecretHeader(l.side, n) || l.ctx == kindCredential && !protocolHeaders[n] && !v.documentedHeader(l.side, n) {
		if val == Redacted || v.keeps(val) {
			return val, nil
		}
		return Redacted, one(LeakCredential)
	}
	if n == "Content-Type" {
		if out, changed, ok := v.cleanMediaType(val); ok {
			if changed {
				return out, one(LeakUndocumented)
			}
			return val, nil
		}
	}
	if v.protocolValue(n, val) {
		return val, nil
	}
	if l.side == sideAnswer && n == redactionHeaderKey && isRedactionNote(val) {
		return val, nil
	}
	if v.documentedHeader(l.side, n) {
		pl := contract.Place{}
		if l.side == sideRequest {
			pl = v.priv.Headers[n]
		}
		return v.value(leaf{side: l.side, place: inHeader, name: n, value: val, str: true, ctx: l.ctx}, pl, true)
	}
	return v.replaceText(val, LeakUndocumented)
}

var redactionHeaderKey = textproto.CanonicalMIMEHeaderKey(RedactionHeader)

// protocolValue: a value of a protocol header in its grammar.
func (v *view) protocolValue(n, val string) bool {
	switch n {
	case "Content-Type":
		return v.mediaTypeOK(val)
	case "Content-Length":
		_, err := strconv.ParseUint(strings.TrimSpace(val), 10, 63)
		return err == nil
	case "Content-Encoding", "Transfer-Encoding", "Accept-Encoding":
		return tokenList(val)
	case "Accept":
		return v.acceptOK(val)
	case "Retry-After":
		return retryAfterOK(val)
	}
	return false
}

func (v *view) documentedHeader(s side, n string) bool {
	if v.priv == nil {
		return false
	}
	if s == sideRequest {
		_, ok := v.priv.Headers[n]
		return ok
	}
	return slices.Contains(v.priv.AnswerHeaders, n)
}

func (v *view) isSecretHeader(s side, n string) bool {
	if v.priv == nil || s != sideRequest {
		return false
	}
	return v.priv.Headers[n].Kind == contract.PlaceSecret
}

// replaceText is a digest marker in place of a text, unless the scan lets it through. The kind of the
// leak is what the content rules find in it, if anything, else kind.
func (v *view) replaceText(val, kind string) (string, []hit) {
	if v.keeps(val) {
		return val, nil
	}
	if k := contentKind(val); k != "" {
		kind = k
	}
	return digest(val), one(kind)
}

// mediaTypeOK: a media type kept as it is (cleanMediaType finds nothing to take out of it).
func (v *view) mediaTypeOK(s string) bool {
	_, changed, ok := v.cleanMediaType(s)
	return ok && !changed
}

// cleanMediaType reads a media type as its grammar has it, with nothing else riding in it: a registered
// top-level type (or "*"), a subtype whose words ("vnd.api", "json" of "vnd.api+json") are safe names, as
// written (ParseMediaType lowers them, and base64 of a name with them), and the parameters safeParam
// allows. mime.ParseMediaType alone takes any token for a type, so hex or base32 of a name passed as one
// (FuzzPlantedNDJSON found it in a Content-Type and an Accept). ok is false when the type is not one;
// changed says that a parameter was taken out, and out is the type written again without it.
func (v *view) cleanMediaType(s string) (out string, changed, ok bool) {
	mt, params, err := mime.ParseMediaType(s)
	if err != nil {
		return "", false, false
	}
	typ, sub, found := strings.Cut(mt, "/")
	if !found || !wire.MediaTopLevel(typ) && typ != "*" { // "*" of an Accept
		return "", false, false
	}
	if sub != "*" {
		raw, _, _ := strings.Cut(s, ";")
		_, rawSub, _ := strings.Cut(raw, "/")
		rawSub = strings.TrimSpace(rawSub)
		for _, w := range strings.Split(rawSub, "+") {
			if !v.safeName(w) {
				return "", false, false
			}
		}
		if v.capsParts(rawSub) {
			return "", false, false
		}
	}
	kept := map[string]string{}
	same := true
	for k, p := range params {
		switch {
		case v.safeParam(k, p):
			kept[k] = p
			continue
		case k == "boundary":
			kept[k] = standInBoundary(p) // the body's delimiters take the same (rewriteMultipart)
		}
		same = false
	}
	if same {
		return s, false, true
	}
	return mime.FormatMediaType(mt, kept), true, true
}

// nikInRandom: s, random by design (a boundary), holds a run of sixteen digits laid out as a NIK, even
// glued to hexadecimal letters ("B3174…"), which nikRuns lets pass elsewhere for a hash's sake: a random
// boundary's digits are that by chance once in thousands of millions.
func nikInRandom(s string) bool {
	for i, j := range runsOf(s, isASCIIDigit) {
		if j-i == 16 && plausibleNIK(s[i:j]) {
			return true
		}
	}
	return false
}

// standInBoundary is the boundary written for one the policy does not keep: the same for the same
// boundary, so that the Content-Type and the body's delimiters agree, and itself a boundary the policy
// keeps (redacting twice is redacting once).
func standInBoundary(b string) string {
	sum := sha256.Sum256([]byte(b))
	return "kontrak-boundary-" + hex.EncodeToString(sum[:8])
}

// safeParam: a media type's parameter kept, by an allow-list of names: a charset IANA registers
// ("ISO-8859-1", whatever its case); a boundary, random by design ("----WebKitFormBoundary7MA4YWxkTrZu0gW"
// is a token) and needed to read the body, that holds no NIK, phone, e-mail, encoded text, personal word
// or upper-case name; an Accept's weight; a version; multipart/related's type. Any other parameter
// ("profile", "name") is taken out.
func (v *view) safeParam(k, p string) bool {
	switch kind := contentKind(p); k {
	case "charset":
		return kind == "" && knownCharset(p)
	case "boundary":
		return (kind == "" || kind == LeakToken) && len(p) <= 70 && !v.holdsPersonalWord(p) && !wire.EncodedParts(p) && !v.capsParts(p) &&
			!nikInRandom(p)
	case "q":
		return qValueRE.MatchString(p)
	case "version", "v":
		return versionRE.MatchString(p)
	case "type":
		return !strings.Contains(p, ";") && v.mediaTypeOK(p)
	}
	return false
}

var (
	qValueRE  = regexp.MustCompile(`^(?:0(?:\.[0-9]{0,3})?|1(?:\.0{0,3})?)$`)
	versionRE = regexp.MustCompile(`^[0-9]{1,4}(?:\.[0-9]{1,4}){0,3}$`)
)

// knownCharset: a charset name IANA registers (or one of its aliases).
func knownCharset(s string) bool {
	_, err := ianaindex.IANA.Encoding(strings.Trim(s, `"' `))
	return err == nil
}

func (v *view) acceptOK(s string) bool {
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if !v.mediaTypeOK(part) {
			return false
		}
	}
	return true
}

func tokenList(s string) bool {
	for _, part := range strings.Split(s, ",") {
		t := strings.TrimSpace(part)
		if t, _, _ = strings.Cut(t, ";"); t != "" && !wire.Coding(t) {
			return false
		}
	}
	return true
}

func retryAfterOK(s string) bool {
	s = strings.TrimSpace(s)
	if _, err := strconv.ParseUint(s, 10, 31); err == nil {
		return true
	}
	_, err := http.ParseTime(s)
	return err == nil
}

// isRedactionNote: a value redaction itself writes in RedactionHeader (noteRE).
func isRedactionNote(s string) bool { return noteRE.MatchString(s) }

var noteRE = regexp.MustCompile(`^interaction -?[0-9]+: (request|answer) (` + notePhrases + `)(; (` + notePhrases + `))*$`)

// notePhrases are the phrases of a redaction note (decode.go, rewriteEncodedBody).
var notePhrases = strings.Join([]string{
	`body was Content-Encoding [a-z0-9, -]{1,40}: stored decoded, the header dropped`,
	regexp.QuoteMeta(bomNote),
	`body held its chunk framing: stored without it`,
	`body was [A-Za-z0-9_.:-]{1,40}, which cannot hold its stand-ins: stored as UTF-8, its Content-Type says so`,
	`body not read \([^()]{1,120}\): stored as its digest`,
}, "|")

// cookies keeps a Cookie or Set-Cookie header's cookie names (when safe) and a Set-Cookie's attributes of
// known grammar; every cookie value becomes REDACTED, an unknown attribute is dropped. A Set-Cookie value
// that folds several cookies (joined by commas) is read cookie by cookie.
func (v *view) cookies(header, val string) (string, []hit) {
	var hits []hit
	add := func(kind string) {
		for _, h := range hits {
			if h.kind == kind {
				return
			}
		}
		hits = append(hits, hit{kind: kind})
	}
	pair := func(p string) string {
		name, value, ok := strings.Cut(p, "=")
		lead := name[:len(name)-len(strings.TrimLeft(name, " "))]
		n := strings.TrimSpace(name)
		if nn, hs := v.name(n); len(hs) > 0 {
			add(LeakKey)
			n = nn
		}
		if !ok {
			return lead + n
		}
		tv := strings.TrimSpace(value)
		if tv != "" && tv != Redacted && !v.keeps(tv) {
			add(LeakCredential)
			tv = Redacted
		}
		return lead + n + "=" + tv
	}
	var out []string
	if header == "Cookie" {
		for _, p := range strings.Split(val, ";") {
			if strings.TrimSpace(p) == "" {
				out = append(out, p)
				continue
			}
			out = append(out, pair(p))
		}
		return strings.Join(out, ";"), hits
	}
	for _, c := range splitSetCookie(val) {
		attrs := strings.Split(c, ";")
		kept := []string{pair(attrs[0])}
		for _, a := range attrs[1:] {
			if nv, ok := v.cookieAttribute(a); ok {
				kept = append(kept, nv)
			} else {
				add(LeakUndocumented)
			}
		}
		out = append(out, strings.Join(kept, ";"))
	}
	return strings.Join(out, ","), hits
}

// splitSetCookie splits a folded Set-Cookie value at the commas that open a new cookie (a comma followed
// by a token and '='): an Expires date's comma ("Wed, 21 Oct 2015") does not.
func splitSetCookie(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] != ',' {
			continue
		}
		j := i + 1
		for j < len(s) && s[j] == ' ' {
			j++
		}
		k := j
		for k < len(s) && isHeaderToken(s[k:k+1]) {
			k++
		}
		if k > j && k < len(s) && s[k] == '=' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

// cookieAttribute keeps a Set-Cookie attribute of known name and grammar, as it is written; false drops it.
func (v *view) cookieAttribute(a string) (string, bool) {
	name, value, _ := strings.Cut(a, "=")
	value = strings.TrimSpace(value)
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "secure", "httponly", "partitioned":
		return a, value == ""
	case "samesite", "priority":
		return a, isWord(value)
	case "max-age":
		_, err := strconv.ParseInt(value, 10, 64)
		return a, err == nil
	case "expires":
		_, err := http.ParseTime(value)
		if err != nil {
			_, err = time.Parse("Mon, 02-Jan-2006 15:04:05 MST", value)
		}
		return a, err == nil
	case "domain":
		_, hs := v.host(strings.TrimPrefix(value, "."))
		return a, len(hs) == 0
	case "path":
		for _, s := range strings.Split(strings.Trim(value, "/"), "/") {
			if s != "" && !v.safeName(s) && !v.segs[s] {
				return a, false
			}
		}
		return a, strings.HasPrefix(value, "/")
	}
	return a, false
}

// partHeader keeps a part's Content-Type (by its grammar) and Content-Transfer-Encoding; any other
// header of a part (Content-ID, a description) becomes a digest marker.
func (v *view) partHeader(l leaf) (string, []hit) {
	val := l.value
	if val == "" || isDigest(val) {
		return val, nil
	}
	switch textproto.CanonicalMIMEHeaderKey(l.name) {
	case "Content-Type":
		if out, changed, ok := v.cleanMediaType(val); ok {
			if changed {
				return out, one(LeakUndocumented)
			}
			return val, nil
		}
	case "Content-Transfer-Encoding":
		switch strings.ToLower(strings.TrimSpace(val)) {
		case "7bit", "8bit", "binary", "base64", "quoted-printable":
			return val, nil
		}
	}
	return v.replaceText(val, LeakUndocumented)
}

// body is the policy of a whole body that is not JSON, a form or multipart: an image becomes its
// descriptor; one that cannot be read, or any other text (a gateway's page, a plain-text error), a digest
// marker.
func (v *view) body(l leaf) (string, []hit) {
	val := l.value
	if val == "" || isDigest(val) {
		return val, nil
	}
	if _, ok := cassette.ParseImageDescriptor(val); ok {
		return val, nil
	}
	if l.unread == "" {
		if img, ok := imageOf(val); ok {
			return cassette.ImageDescriptor(img), one(LeakImage)
		}
	}
	kind := LeakUnread
	if l.unread == "" && utf8.ValidString(val) {
		kind = LeakFreeText
	}
	if v.keeps(val) {
		return val, nil
	}
	return digest(val), one(kind)
}

// value is the policy of a value (a JSON scalar, a form field, a part's text, a documented parameter or
// header) at a place the documents give (pl, documented) or not.
func (v *view) value(l leaf, pl contract.Place, documented bool) (string, []hit) {
	val := l.value
	if _, ok := cassette.ParseImageDescriptor(val); ok && l.str {
		return val, nil
	}
	// A credential: by the rules' names (the request's), by the spec (a secret place), by the name rules.
	if v.rs.credential(l) || documented && pl.Kind == contract.PlaceSecret || l.ctx == kindCredential && !(documented && pl.Kind != "") {
		if !l.str {
			if val == "null" || v.keeps(val) {
				return val, nil
			}
			if out := standInLiteral(val); out != val {
				return out, one(LeakCredential)
			}
			return val, nil
		}
		if val == "" || val == Redacted || v.keeps(val) {
			return val, nil
		}
		return Redacted, one(LeakCredential)
	}
	if !l.str {
		return v.literal(l, pl, documented)
	}
	if documented {
		switch {
		case pl.Kind == contract.PlaceImage:
			return v.image(val, pl)
		case pl.Kind == contract.PlaceMessage:
			if val == "" || isDigest(val) || v.documentedText(val) || v.keeps(val) {
				return val, nil
			}
			return digest(val), one(LeakFreeText)
		case pl.Personal():
			return v.personal(pl.Kind, pl.Set, val)
		}
		// A documented place that is not personal: kept, whatever its type (a value of the wrong type is
		// the contract's finding to make, and the scan's business only for what it holds).
		switch {
		case len(pl.Set) > 0 && slices.Contains(pl.Set, val), slices.Contains(pl.Values, val):
			return val, nil
		case personalKind(l.ctx):
			return v.personal(l.ctx, nil, val)
		case l.ctx == kindImageRef && isURL(val):
			return v.imageURL(val)
		}
		if val != Redacted && !isDigest(val) && !isURL(val) && !wire.LooksJSON([]byte(val)) {
			switch {
			case l.place == inJSON && !v.idLike(val, len(pl.Set) > 0),
				// A documented parameter or field (a reference_id in the query): no person's name in it.
				l.place != inJSON && len(pl.Set) == 0 && (v.capsParts(val) || v.holdsPersonalWord(val)) && !synthetic(val):
				return v.shapeOf(val)
			}
		}
		return v.kept(val, l.ctx)
	}
	return v.undocumented(l)
}

// synthetic: a value specimen writes for a name, an address, a place or text (a stand-in, a test's value).
func synthetic(s string) bool {
	for _, k := range []string{specimen.KindName, specimen.KindAddress, specimen.KindPlace, specimen.KindText} {
		if specimen.IsSyntheticValue(k, s) {
			return true
		}
	}
	return false
}

// idLike: a value a documented JSON place of an id or a code may keep as it is (the content rules still
// look into it: kept). No white space, control or invisible format character, as an id or a code is
// written; at a place without a closed set (an id: a client's reference_id, a transactionId), also no
// upper-case word the documents do not use and no word of a personal value the exchange holds. "KANARI INDAH" as a reference_id is a
// person's name put there, and not kept; a code the table lacks (drift) is kept at the code's place.
func (v *view) idLike(s string, closedSet bool) bool {
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == utf8.RuneError {
			return false
		}
	}
	return closedSet || !v.capsParts(s) && !v.holdsPersonalWord(s)
}

// shapeOf is a stand-in of a value's shape (specimen's text: letters from CONTOH, digits 0), or past a
// length a digest marker; the kind of its leak is what the content rules find in it, else undocumented.
func (v *view) shapeOf(val string) (string, []hit) {
	if specimen.IsSyntheticValue(specimen.KindText, val) || v.keeps(val) {
		return val, nil
	}
	kind := LeakUndocumented
	if k := contentKind(val); k != "" {
		kind = k
	}
	if len(val) > shortValue {
		return digest(val), one(kind)
	}
	return specimen.SyntheticLike(specimen.KindText, val), one(kind)
}

// literal is the policy of a number, true, false or null: kept at a documented place of its type that is
// not personal (a 16-digit number, a NIK, becomes a synthetic one even there); else a stand-in literal.
func (v *view) literal(l leaf, pl contract.Place, documented bool) (string, []hit) {
	val := l.value
	if val == "null" {
		return val, nil
	}
	if documented && !pl.Personal() {
		digits := strings.TrimLeft(val, "-")
		if len(digits) == 16 && isDigits(digits) && !specimen.IsSyntheticNIK(digits) && !v.keeps(val) {
			return trimLeadingZeros(specimen.SyntheticLike(specimen.KindNIK, digits)), one(LeakNIK)
		}
		return val, nil
	}
	out := standInLiteral(val)
	if out == val || v.keeps(val) {
		return val, nil
	}
	kind := LeakUndocumented
	if documented && pl.Personal() {
		kind = reportKind(pl.Kind)
	} else if k := reportKind(l.ctx); k != "" {
		kind = k
	}
	return out, one(kind)
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// personal is the stand-in of a personal value of a kind: a value of a closed set (a religion, a gender)
// is kept when it is one of the set and becomes one of the set (chosen by a hash of it) when not, so that
// a redacted answer keeps its vocabulary; anything else becomes specimen's synthetic value of the kind,
// in the same format. A synthetic value, and "", "-" and "null", stay.
func (v *view) personal(kind string, set []string, val string) (string, []hit) {
	if set != nil && !strings.ContainsAny(val, "*#•●") { // a masked value keeps its mask, as text below
		for _, s := range set {
			if strings.EqualFold(strings.TrimSpace(val), s) {
				return val, nil
			}
		}
		if val == "" || val == "-" || val == "null" || v.keeps(val) {
			return val, nil
		}
		sum := sha256.Sum256([]byte("set/" + val))
		return set[binary.BigEndian.Uint32(sum[:4])%uint32(len(set))], one(reportKind(kind))
	}
	k := specimenKind(kind)
	if set != nil {
		k = specimen.KindText
	}
	if k == specimen.KindNIK && !nikShaped(val) && !nikNotation(val) {
		// "The nik must be 16 digits" at a NIK's place is a message about one: text that may quote it.
		if isDigest(val) || v.keeps(val) {
			return val, nil
		}
		return digest(val), one(LeakFreeText)
	}
	if specimen.IsSyntheticValue(k, val) || v.keeps(val) {
		return val, nil
	}
	return specimen.SyntheticLike(k, val), one(reportKind(kind))
}

// image is the policy of the request's documented image field: an image (bytes, base64, a data URI, or
// TIFF, HEIC or hex the sniffer does not know) becomes its descriptor, an image URL a synthetic URL; a
// documented value (a sandbox code) stays; a short value that is no image (a code, a broken base64 on
// purpose) is kept and looked into; a longer one is taken for an image kontrak cannot read, and becomes
// the descriptor of its bytes.
func (v *view) image(val string, pl contract.Place) (string, []hit) {
	if val == "" || slices.Contains(pl.Values, val) {
		return val, nil
	}
	if img, ok := imageOf(val); ok {
		return cassette.ImageDescriptor(img), one(LeakImage)
	}
	if isURL(val) {
		return v.imageURL(val)
	}
	if len(val) <= shortValue {
		return v.kept(val, "")
	}
	b := []byte(val)
	if d, _, ok := wire.DecodeBase64(val); ok {
		b = d
	}
	return cassette.ImageDescriptor(b), one(LeakImage)
}

// shortValue is the longest value of an image field that is taken for what it says rather than for an
// image: no picture of a card or a face fits in it.
const shortValue = 64

func (v *view) imageURL(val string) (string, []hit) {
	if out := likeImageURL(val); out != val && !v.keeps(val) {
		return out, one(LeakImage)
	}
	return val, nil
}

// kept is the policy of a value the documents allow (a code, an id, a documented parameter): kept, with
// what is found inside it taken out: an image, a container (JSON, base64 of JSON or text, a URL) read
// with the same policy, and what the content rules find (pii_rules.yaml: a JWT, a high-entropy token, a
// NIK in any notation, an e-mail address, a phone number, a personal value the exchange holds elsewhere).
func (v *view) kept(val, ctx string) (string, []hit) {
	if val == "" || val == Redacted || isDigest(val) {
		return val, nil
	}
	if img, ok := imageOf(val); ok {
		return cassette.ImageDescriptor(img), one(LeakImage)
	}
	if out, hs, ok := v.container(val); ok {
		return out, hs
	}
	return v.content(val, ctx == kindFreeText)
}

// undocumented is the policy of a string at a place the documents do not give: an image becomes its
// descriptor; a credential REDACTED and a personal value a synthetic one of its kind, where the name rules
// say so (pii_rules.yaml); free text a digest marker; a container is opened and read as undocumented
// throughout; anything else becomes text of its shape (specimen's text: letters from CONTOH, digits 0),
// or, past a length, a digest marker.
func (v *view) undocumented(l leaf) (string, []hit) {
	val := l.value
	if val == "" || val == Redacted || isDigest(val) {
		return val, nil
	}
	if img, ok := imageOf(val); ok {
		return cassette.ImageDescriptor(img), one(LeakImage)
	}
	ctx := l.ctx
	switch {
	case ctx == specimen.KindNIK && !nikShaped(val) && !nikNotation(val):
		ctx = kindFreeText
	case ctx == kindImageRef && isURL(val):
		return v.imageURL(val)
	}
	switch {
	case personalKind(ctx):
		return v.personal(ctx, nil, val)
	case ctx == kindFreeText:
		if v.documentedText(val) {
			return val, nil
		}
		return v.replaceText(val, LeakFreeText)
	}
	if out, hs, ok := v.container(val); ok {
		return out, hs
	}
	return v.shapeOf(val)
}

// contentKind names what the content rules find in a value, for the kind of its leak; "" for nothing.
func contentKind(s string) string {
	switch {
	case strings.Contains(s, "eyJ") && jwtRE.MatchString(s):
		return LeakCredential
	case len(tokenRuns(s)) > 0:
		return LeakToken
	case len(nikRuns(s)) > 0 || len(separatedNIKRuns(s)) > 0 || len(otherNIKRuns(s)) > 0:
		return LeakNIK
	case emailRE.MatchString(s):
		return kindEmail
	case len(phoneRuns(s)) > 0:
		return kindPhone
	}
	return ""
}

// container opens a value that holds another: a JSON object or array (read as undocumented), base64 of
// JSON or of text, or a URL. ok is false when the value is none of those, or when it nests deeper than
// maxNesting (then it is not kept either: see undocumented and kept, which replace it).
func (v *view) container(val string) (string, []hit, bool) {
	if v.depth >= maxNesting {
		if wire.LooksJSON([]byte(val)) || isURL(val) {
			return digest(val), one(LeakUnread), true
		}
		return "", nil, false
	}
	if wire.LooksJSON([]byte(val)) {
		out, hs := v.nested(leaf{}, val, false)
		return out, hs, true
	}
	if isURL(val) || strings.Contains(val, "://") && urlLike(val) {
		out, hs := v.url(val, false)
		for n := range hs {
			hs[n].where = "" // reported at the value that holds the URL
		}
		return out, hs, true
	}
	if out, hs, ok := v.base64Container(val); ok {
		return out, hs, true
	}
	return "", nil, false
}

// nested reads JSON text inside a value with the undocumented policy throughout (documented false) or,
// for a body encoded twice, with the body's own (nestedAs).
func (v *view) nested(l leaf, text string, _ bool) (string, []hit) {
	inner := *v
	inner.priv = nil
	inner.a = answerSet{}
	inner.depth = v.depth + 1
	return inner.rewriteText(l.side, text)
}

func (v *view) nestedAs(l leaf, text string, _ bool) (string, []hit) {
	inner := *v
	inner.depth = v.depth + 1
	return inner.rewriteText(l.side, text)
}

// rewriteText redacts JSON text by the view, and reports what it took out. Text that is not JSON after
// all is replaced as undocumented text.
func (v *view) rewriteText(s side, text string) (string, []hit) {
	var hits []hit
	out, _, valid, deep := rewriteJSON(s, text, func(l leaf) (string, bool) {
		nv, hs := v.leafPolicy(l)
		for _, h := range hs {
			hits = append(hits, hit{kind: h.kind}) // reported at the value that holds the text
		}
		return nv, nv != l.value
	})
	if deep {
		return digest(text), one(LeakTooDeep)
	}
	if !valid {
		if len(text) > shortValue {
			return digest(text), one(LeakUndocumented)
		}
		if specimen.IsSyntheticValue(specimen.KindText, text) || v.keeps(text) {
			return text, nil
		}
		return specimen.SyntheticLike(specimen.KindText, text), one(LeakUndocumented)
	}
	return out, hits
}

// base64Container opens base64 (either alphabet, padded or not) that decodes to JSON or to text, and
// writes the redacted content back in the same base64.
func (v *view) base64Container(val string) (string, []hit, bool) {
	if len(val) < 8 || !wire.Base64Like(val) {
		return "", nil, false
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
		b, err := enc.DecodeString(val)
		if err != nil {
			continue
		}
		if enc.EncodeToString(b) != val {
			continue // not the canonical form: it would not be written back the same
		}
		inner := *v
		inner.depth = v.depth + 1
		text := string(b)
		var out string
		var hs []hit
		switch {
		case wire.LooksJSON(b) && utf8.Valid(b):
			out, hs = inner.nested(leaf{}, text, false)
		case wire.PrintableText(b):
			out, hs = inner.undocumented(leaf{value: text, str: true})
		default:
			return "", nil, false
		}
		return enc.EncodeToString([]byte(out)), hs, true
	}
	return "", nil, false
}

// host keeps a host the documents name (a vendor's server or documentation site), a reserved name
// (localhost, *.invalid, *.test, *.example, example.com and its kin) or a loopback or documentation
// address; any other becomes a stand-in under kontrak-redacted.invalid. A port stays.
func (v *view) host(h string) (string, []hit) {
	if h == "" {
		return h, nil
	}
	name, port := h, ""
	if hh, p, err := net.SplitHostPort(h); err == nil {
		name, port = hh, p
	}
	// A port is kept only as a port is written (1–65535): any other text there (a NIK, a name) is the
	// input's, and goes with the rest of what is not kept.
	n, _ := strconv.Atoi(port)
	validPort := port == "" || isDigits(port) && len(port) <= 5 && n >= 1 && n <= 65535
	switch {
	case v.allowedHost(name) && validPort:
		return h, nil
	case v.allowedHost(name):
		return h[:len(h)-len(port)-1], []hit{{kind: LeakURL, where: "port"}}
	}
	out := standInHost(name)
	if port != "" && validPort {
		out += ":" + port
	}
	return out, []hit{{kind: LeakURL, where: "host"}}
}

func (v *view) allowedHost(name string) bool {
	n := strings.ToLower(strings.Trim(name, "[]."))
	if v.rs.hosts[n] {
		return true
	}
	if ip := net.ParseIP(n); ip != nil {
		return ip.IsLoopback() || ip.IsUnspecified() || documentationNet(ip)
	}
	if n == "localhost" {
		return true
	}
	for _, suffix := range []string{".localhost", ".invalid", ".test", ".example", ".example.com", ".example.net", ".example.org"} {
		if strings.HasSuffix(n, suffix) {
			labels := strings.TrimSuffix(n, suffix)
			if orig := strings.Trim(name, "[]."); len(orig) == len(n) {
				labels = orig[:len(labels)] // as written: a token is told by its mixed case
			}
			return v.labelsSafe(labels)
		}
	}
	return n == "example.com" || n == "example.net" || n == "example.org"
}

// labelsSafe: every label of a host under a reserved name is a safe name, as a name elsewhere is (a host
// under .invalid may still be named after a person, or carry a token or a NIK in hex).
func (v *view) labelsSafe(s string) bool {
	for _, l := range strings.Split(s, ".") {
		if l != "" && !v.safeName(l) {
			return false
		}
	}
	return true
}

var documentationNets = func() []*net.IPNet {
	var out []*net.IPNet
	for _, c := range []string{"192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32"} {
		_, n, _ := net.ParseCIDR(c)
		out = append(out, n)
	}
	return out
}()

func documentationNet(ip net.IP) bool {
	for _, n := range documentationNets {
		if n.Contains(ip) {
			return true
		}
	}
	return false
}

// parseMediaParams reads "type; k=v; …" (mime.ParseMediaType).
func parseMediaParams(v string) (string, map[string]string, error) { return mime.ParseMediaType(v) }

// capsValue reports whether s, a name or a word of a note, is written as a KTP writes its values: upper-case
// letters only (three or more; no digit, '_' or '-', which make a code or an identifier), and no word of
// the documents (the rules' Words, the operation's vocabulary, HTTP's reason phrases). "KANARINDAH" is
// identifier-like to look at, but no API names a member so unless its documents do: it is taken for a
// person's name used as a key or written into a note, and is not kept. A lower-case or mixed-case word is
// left to the other rules (a value the exchange holds at a personal place, the name rules).
func (v *view) capsValue(s string) bool {
	n := 0
	for _, r := range s {
		if !unicode.IsUpper(r) {
			return false
		}
		n++
	}
	if n < 3 {
		return false
	}
	w := strings.ToLower(s)
	return !v.rs.words[w] && !v.vocab[w] && !httpWords[w] && !ownWords[w]
}

// capsParts: a part of a token or a text, between its separators ("+", "-", ".", "_", white space), is a
// capsValue: a key, a subtype or a parameter spelling a name ("RAHAYU-KNR…", "KANARI_INDAH") as a token can.
func (v *view) capsParts(s string) bool {
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return r == '+' || r == '-' || r == '.' || r == '_' || unicode.IsSpace(r) }) {
		if v.capsValue(strings.TrimSpace(w)) {
			return true
		}
	}
	return false
}

// ownWords are the words of the notes redaction itself writes (LayoutNote, CommentNote, the body notes, Redacted),
// lower case: a note kontrak wrote is never taken for a person's.
var ownWords = func() map[string]bool {
	out := map[string]bool{}
	for _, t := range []string{LayoutNote, CommentNote, bomNote, notePhrases, Redacted} {
		for _, w := range strings.FieldsFunc(strings.ToLower(t), func(r rune) bool { return !unicode.IsLetter(r) }) {
			out[w] = true
		}
	}
	return out
}()

// capsWords are the words of a text that capsValue takes for values: maximal runs of letters, digits, '_'
// and '-', each tested whole (so a code such as SERVICE_BUSY is one run, not two words).
func (v *view) capsWords(s string) bool {
	for _, t := range strings.FieldsFunc(s, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '_' && r != '-'
	}) {
		if v.capsValue(t) {
			return true
		}
	}
	return false
}

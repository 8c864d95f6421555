package redact

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net/textproto"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	vcr "gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"

	"github.com/kontrak/kontrak/cassette"
	"github.com/kontrak/kontrak/contract"
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
	// Answer gives the rules of the answers of one operation, by the request's method and URL path: its
	// secret and personal-data pointers, which take precedence over Privacy's.
	Answer func(method, path string) AnswerRules
	// Privacy gives the privacy view of the operation of a request, by its method and URL path (see
	// contract.Privacy): what a redacted exchange of it may keep. Nil, or a nil view, is an exchange of no
	// documented operation: nothing of it is kept but its structure.
	Privacy func(method, path string) *contract.Privacy
	// Hosts are the hosts the documents name (contract.DocumentedHosts): a URL keeps them.
	Hosts []string
	// ServerPaths are the path prefixes of the documented servers (contract.ServerPaths): a URL keeps
	// their segments.
	ServerPaths []string
	// Words are the words of every vendor's documents, lower case (contract.Privacy.Words, and the
	// documented member names): an upper-case word that is none of them, standing alone as a name or in a
	// cassette's note, is taken for a value written as a KTP writes it (a name), not for the documents'.
	Words map[string]bool
}

// AnswerRules say where an operation's answer body (JSON) holds a secret or personal data.
type AnswerRules struct {
	// Secrets are the JSON Pointers of secrets, such as an access token.
	Secrets []string
	// PII maps the JSON Pointers of personal data to their kind: nik, name, address, date, place,
	// placedate ("PLACE, dd-mm-yyyy") or text.
	PII map[string]string
}

// Redactor returns the function, for WithRedactor, that takes out of an interaction everything the
// contract does not document as safe and needed (see the package documentation and policy.go). It keeps a
// value only at a documented place that is not personal (contract.Privacy); every other value becomes a
// stand-in of the same shape: a credential "REDACTED", personal data specimen's synthetic value of its
// format (a closed set's value one of the set), an image its ImageDescriptor, free text and unknown headers
// a digest marker, an undocumented value text of its shape or a zero of its type, a name that is not
// identifier-like a stand-in name. What stays is byte for byte what was: a JSON body keeps its member order
// and spacing (only the replaced tokens change), a form its field order, a multipart body its boundary, a
// URL its escaping. content_length (and a Content-Length header) follow a changed body.
//
// A body is read decoded (decode.go): chunk framing, gzip, deflate, br and zstd undone (and stored so, which
// the X-Kontrak-Redaction answer header says), a charset read and written back as it came. A body it cannot
// read is not kept: it becomes a digest marker, and the header says why.
//
// The redacted request still matches the live one (NewMatcher takes a descriptor for the image it
// describes; documented fields and parameters are kept), provided the credentials it replaced are ignored
// by the match (MatchOptions), as they must be anyway. The redacted answer still conforms: a documented
// value stays, a synthetic one has the format of the value it replaces.
//
// Redaction is deterministic (the same interaction always redacts to the same bytes) and idempotent
// (redacting twice is redacting once): every stand-in is recognisable as one and left alone. The errors are
// a request URL that does not parse (its operation cannot then be known) and a body nested deeper than
// MaxDepth: a recording with either is not saved.
func Redactor(r RedactRules) func(*vcr.Interaction) error {
	rs := newRuleSet(r)
	return func(i *vcr.Interaction) error {
		_, err := rs.redact(i)
		return err
	}
}

// redact redacts one interaction in place, and returns the values it holds that another place may echo.
func (rs *ruleSet) redact(i *vcr.Interaction) (known *knownValues, err error) {
	if i == nil {
		return nil, errors.New("no interaction to redact")
	}
	if out, hs := layoutNumber("id", strconv.Itoa(i.ID)); hs != nil {
		// An id that is no index (a NIK put there) is replaced first, so that no error names it.
		i.ID, _ = strconv.Atoi(out)
	}
	defer wire.Recovered(fmt.Sprintf("interaction %d", i.ID), &err)
	method, path, err := requestRoute(i)
	if err != nil {
		return nil, err
	}
	v := rs.view(method, path, nil)
	v.known = v.knownValues(i)
	var deep []string
	notes := rewriteInteraction(i, func(l leaf) (string, bool) {
		if l.deep {
			deep = append(deep, l.where())
			return "", false
		}
		out, _ := v.leafPolicy(l)
		return out, out != l.value
	}, true)
	if len(deep) > 0 {
		return nil, fmt.Errorf("interaction %d: %s nests deeper than %d levels: refused, not redacted", i.ID, strings.Join(deep, ", "), MaxDepth)
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
	return v.known, nil
}

// RedactionHeader is the answer header in which redaction says what it undid to read a body (a
// Content-Encoding, a byte order mark): the cassette then holds the body decoded, readable and grep-able.
const RedactionHeader = "X-Kontrak-Redaction"

// knownValues collects the values of an interaction that another place may echo: the personal values
// (names, addresses, places) at documented personal places and where the name rules say so, and the
// credentials the request carries.
func (v *view) knownValues(i *vcr.Interaction) *knownValues {
	k := &knownValues{}
	rewriteInteraction(i, func(l leaf) (string, bool) {
		v.knownLeaf(k, l)
		return "", false
	}, false)
	return k
}

// knownLeaf adds to k what one leaf holds that names the holder or is a credential (knownValues).
func (v *view) knownLeaf(k *knownValues, l leaf) {
	switch l.place {
	case inURL:
		v.knownInURL(k, l.value)
		return
	case inHeader:
		if v.rs.headers[l.name] || l.ctx == kindCredential || v.isSecretHeader(l.side, l.name) {
			k.add(kindCredential, l.value)
			if _, tok, ok := strings.Cut(l.value, " "); ok {
				k.add(kindCredential, tok)
			}
		}
		return
	case inJSON, inForm, inPartText, inRecordedForm:
	default:
		return
	}
	if l.place == inJSON && !l.str {
		return
	}
	kind := l.ctx
	if l.place == inJSON {
		if pl, ok := v.place(l); ok && pl.Kind != "" {
			kind = pl.Kind
			if pl.Kind == contract.PlaceSecret {
				kind = kindCredential
			}
		}
	}
	if v.rs.credential(l) {
		kind = kindCredential
	}
	switch kind {
	case specimen.KindName, specimen.KindAddress, specimen.KindPlace, kindCredential:
		k.add(kind, l.value)
	}
}

// knownInURL adds the credentials of a URL's query.
func (v *view) knownInURL(k *knownValues, raw string) {
	_, query, ok := strings.Cut(raw, "?")
	if !ok {
		return
	}
	query, _, _ = strings.Cut(query, "#")
	for _, p := range strings.Split(query, "&") {
		name, value, _ := strings.Cut(p, "=")
		n, err1 := url.QueryUnescape(name)
		val, err2 := url.QueryUnescape(value)
		if err1 == nil && err2 == nil && (v.rs.query[n] || kindOfName(sideRequest, n) == kindCredential) {
			k.add(kindCredential, val)
		}
	}
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
		return false, fmt.Errorf("%s: cannot read cassette: %v", file, wire.FileReason(err))
	}
	defer in.Close()
	br := bufio.NewReaderSize(in, 64<<10)
	head, err := cassette.ReadCommentBlock(br)
	if err != nil {
		return false, fmt.Errorf("%s: cannot read cassette: %v", file, err)
	}
	body, done, err := scratch(file)
	if err != nil {
		return false, err
	}
	defer done()
	bw := bufio.NewWriterSize(body, 64<<10)
	bw.WriteString(cassette.Header)
	rs := newRuleSet(r)
	var notes []string
	normalised := false
	lc := newLayoutCheck()
	known := &knownValues{}
	// Each interaction is decoded, redacted and written out on any core; the results are taken, and the
	// file written, in order (parallel.go).
	err = forEachInOrder(io.TeeReader(br, lc.file), func(item cassette.Item) (redactedItem, error) {
		return redactItem(rs, item)
	}, func(x redactedItem) error {
		normalised = normalised || x.whole
		lc.item(x.before)
		known.merge(x.known)
		changed = changed || x.changed
		notes = append(notes, x.notes...)
		_, err := bw.Write(x.after)
		return err
	})
	var re *redactError
	switch {
	case errors.As(err, &re):
		return false, fmt.Errorf("%s: interaction %d: %v", file, re.id, re.err)
	case err != nil:
		return false, StreamError(file, err)
	}
	if !lc.canonical() {
		// Text go-vcr's reader skips (a comment, a key it does not know) or another layout: the file is
		// written again as go-vcr writes its interactions, and nothing else of it is kept.
		normalised, changed = true, true
	}
	hv := rs.view("", "", nil)
	hv.known = known
	if nh, hits := hv.head(head); len(hits) > 0 {
		head, changed = nh, true
		notes = append(notes, CommentNote)
	}
	if !changed {
		return false, nil
	}
	if err := bw.Flush(); err != nil {
		return false, notRedacted(file, err)
	}
	if normalised {
		notes = append(notes, LayoutNote)
	}
	if len(notes) > 0 {
		head = cassette.AddNote(head, notes)
	}
	if _, err := body.Seek(0, io.SeekStart); err != nil {
		return false, notRedacted(file, err)
	}
	if err := wire.WriteFileAtomicFrom(file, 0o644, func(w io.Writer) error {
		if _, err := w.Write(head); err != nil {
			return err
		}
		_, err := io.Copy(w, body)
		return err
	}); err != nil {
		return false, notRedacted(file, err)
	}
	return true, nil
}

// LayoutNote is the provenance note of a cassette RedactFile rewrote from a layout other than go-vcr's
// own (JSON, flow style, anchors and aliases), or whose text held more than its interactions (a comment,
// a key go-vcr does not read): the interactions are go-vcr's reading of the original, and nothing else of
// it is kept.
const LayoutNote = "layout normalised: read as go-vcr reads it (JSON, flow style or anchors), written in go-vcr's block layout"

// CommentNote is the provenance note of a cassette whose comment block held lines that are not kontrak's
// provenance, or provenance values redaction does not keep: they were dropped or replaced.
const CommentNote = "comment block: what was not kontrak's provenance dropped"

// redactError is a refusal of redaction, kept apart from a cassette that does not read.
type redactError struct {
	id  int
	err error
}

func (e *redactError) Error() string { return e.err.Error() }

// newRedactError is a Redactor error of interaction id for a caller that names the interaction itself
// (RedactFile, RedactTraffic): without the "interaction N: " a Redactor error opens with.
func newRedactError(id int, err error) *redactError {
	if rest, ok := strings.CutPrefix(err.Error(), fmt.Sprintf("interaction %d: ", id)); ok {
		err = errors.New(rest)
	}
	return &redactError{id, err}
}

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
	hosts, serverSegs      map[string]bool
	answerOf               func(method, path string) AnswerRules
	privacyOf              func(method, path string) *contract.Privacy
	words                  map[string]bool
	// opViews holds, by the operation's privacy view, what view derives of it alone (its vocabulary and
	// route segments), at most maxOpViews of them. Why: issue 24 measured vocabularyOf at 15% of a
	// cassette's scan, rebuilt for every interaction; RulesFor hands on one *contract.Privacy an
	// operation (contract.Privacy caches it), and views only read them.
	opViews  sync.Map // *contract.Privacy → *opView
	opViewsN atomic.Int32
}

// opView is what a view derives of its operation's privacy view alone.
type opView struct {
	vocab, segs map[string]bool
}

// maxOpViews bounds opViews: a Privacy that hands on a new view on every call is still served, uncached.
const maxOpViews = 1024

// opViewOf derives (or finds) the vocabulary and route segments of an operation's privacy view.
func (rs *ruleSet) opViewOf(p *contract.Privacy) *opView {
	if o, ok := rs.opViews.Load(p); ok {
		return o.(*opView)
	}
	o := &opView{vocab: vocabularyOf(p), segs: rs.serverSegs}
	if p.Operation != nil {
		o.segs = map[string]bool{}
		for s := range rs.serverSegs {
			o.segs[s] = true
		}
		for _, s := range strings.Split(p.Operation.Path, "/") {
			if s != "" && !strings.ContainsAny(s, "{}") {
				o.segs[s] = true
			}
		}
	}
	if rs.opViewsN.Load() < maxOpViews {
		if prev, loaded := rs.opViews.LoadOrStore(p, o); loaded {
			return prev.(*opView)
		}
		rs.opViewsN.Add(1)
	}
	return o
}

// answerSet is AnswerRules ready for lookups.
type answerSet struct {
	secrets map[string]bool
	pii     map[string]string
}

func newRuleSet(r RedactRules) *ruleSet {
	rs := &ruleSet{headers: wire.SetOf(append([]string{"Authorization", "Proxy-Authorization"}, r.Headers...), textproto.CanonicalMIMEHeaderKey),
		query: wire.SetOf(r.Query, nil), fields: wire.SetOf(r.BodyFields, nil), hosts: wire.SetOf(r.Hosts, strings.ToLower), serverSegs: map[string]bool{},
		answerOf: r.Answer, privacyOf: r.Privacy, words: r.Words}
	for _, p := range r.ServerPaths {
		for _, s := range strings.Split(p, "/") {
			if s != "" {
				rs.serverSegs[s] = true
			}
		}
	}
	return rs
}

// view is the policy's view of an exchange of method and path; keep lets values through (the scan's
// public examples; nil for redaction, which keeps none).
func (rs *ruleSet) view(method, path string, keep func(string) bool) *view {
	v := &view{rs: rs, a: answerSet{secrets: map[string]bool{}}, keep: keep, segs: rs.serverSegs}
	if rs.answerOf != nil {
		ar := rs.answerOf(method, path)
		for _, p := range ar.Secrets {
			v.a.secrets[p] = true
		}
		v.a.pii = ar.PII
	}
	if rs.privacyOf != nil {
		v.priv = rs.privacyOf(method, path)
	}
	if v.priv != nil {
		o := rs.opViewOf(v.priv)
		v.vocab, v.segs = o.vocab, o.segs
	}
	return v
}

// credential reports whether a request leaf is, by its name, a credential the rules name.
func (rs *ruleSet) credential(l leaf) bool {
	if l.side != sideRequest {
		return false
	}
	switch l.place {
	case inHeader:
		return rs.headers[l.name]
	case inRecordedForm:
		// go-vcr's Form holds the query's parameters and a form body's fields together.
		return rs.query[l.name] || rs.fields[l.name]
	case inJSON, inForm, inPartText:
		return rs.fields[l.name]
	}
	return false
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

// nikRuns finds the NIK-like numbers of s: runs of exactly 16 ASCII digits that no letter touches, or,
// where letters touch them ("ref3174…", "K3174…X"), that read as a NIK (plausibleNIK) in a word that is
// not hexadecimal, so that a hash or a hex id is not one. The result is byte offsets [start, end).
func nikRuns(s string) [][2]int {
	var out [][2]int
	for i, j := range runsOf(s, isASCIIDigit) {
		if j-i == 16 {
			touched := i > 0 && isASCIILetter(s[i-1]) || j < len(s) && isASCIILetter(s[j])
			if !touched || plausibleNIK(s[i:j]) && !hexWord(s, i, j) {
				out = append(out, [2]int{i, j})
			}
		}
	}
	return out
}

// plausibleNIK: sixteen digits laid out as a NIK is (Permendagri 72/2019): a province code 11–94, a day of
// birth 01–31 (41–71 for a woman) and a month 01–12.
func plausibleNIK(d string) bool {
	num := func(k int) int { return int(d[k]-'0')*10 + int(d[k+1]-'0') }
	p, day, month := num(0), num(6), num(8)
	return p >= 11 && p <= 94 && (day >= 1 && day <= 31 || day >= 41 && day <= 71) && month >= 1 && month <= 12
}

// hexWord: the run of letters and digits around s[i:j] is all hexadecimal digits (a hash, a hex id).
func hexWord(s string, i, j int) bool {
	isHex := func(c byte) bool { return isASCIIDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }
	for ; i > 0 && (isASCIIDigit(s[i-1]) || isASCIILetter(s[i-1])); i-- {
		if !isHex(s[i-1]) {
			return false
		}
	}
	for ; j < len(s) && (isASCIIDigit(s[j]) || isASCIILetter(s[j])); j++ {
		if !isHex(s[j]) {
			return false
		}
	}
	return true
}

func isASCIIDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isASCIILetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

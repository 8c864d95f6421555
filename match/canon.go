package match

import (
	"bytes"
	"net/http"
	"net/url"
	"sync"

	"github.com/kontrak/kontrak/internal/wire"
	vcr "gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"
)

// The matcher compares requests in a canonical form: the method, the URL path, the query as a tree, the
// media type of Content-Type and the body as a tree (JSON as JSON, a form as url.Values, multipart part by
// part, images by hash), and the body's bytes as canonical text for when either side is unstructured.
// Parsing a body and hashing its image is most of a match's cost, and a live request is tried against
// every recorded one of its operation: so each is canonicalised once, and comparing two canonical forms
// parses and hashes nothing.

// CanonicalRequest is a request in the matcher's canonical form. It is read-only once made: one recorded
// request's form serves any number of concurrent matches.
type CanonicalRequest struct {
	method  string
	urlErr  bool // a recorded URL that does not parse
	path    string
	query   any
	media   string
	bodyErr error // a live body that cannot be read
	tree    any   // the body structured by its media type; nil when !ok
	ok      bool
	text    *bodyText // the body as canonical text, for when either side is unstructured
}

// bodyText is canonText of a body, made when first asked for: a structured live body (a multipart
// upload, most of them) is never compared as text, and need not be copied into a string.
type bodyText struct {
	once sync.Once
	raw  []byte
	s    string
}

func (t *bodyText) get() string {
	t.once.Do(func() { t.s, t.raw = canonText(string(t.raw)), nil })
	return t.s
}

// WithPath is c with another URL path: a caller that has already found the operation (the sandbox)
// compares the rest of the request, whatever base URL prefix either side carries.
func (c *CanonicalRequest) WithPath(path string) *CanonicalRequest {
	d := *c
	d.path = path
	return &d
}

// RequestMatcher is NewMatcher's matcher for a caller that keeps requests in their canonical form: the
// sandbox canonicalises its recordings when it loads them and each incoming request once.
type RequestMatcher struct{ m *Matcher }

// NewRequestMatcher is NewMatcher with the canonical forms in the caller's hands.
func NewRequestMatcher(o Options) *RequestMatcher { return &RequestMatcher{New(o)} }

// Live canonicalises a live request whose body the caller has read: body. r.Body is not read.
func (rm *RequestMatcher) Live(r *http.Request, body []byte) *CanonicalRequest {
	return rm.m.liveBody(r, body, nil)
}

// LiveParsed is Live for a caller that has already parsed the body, so that a request's body is
// decoded once whatever reads it (issue 24: the sandbox decoded each OCR body twice). parsed and
// parseErr are wire.ParseBody of body by r's Content-Type; a parse by another media type (the caller
// read a body without a Content-Type as JSON) is not used, and the body is parsed here as Live does.
// base64Image answers wire.Base64Image for a string the caller has decoded already (its image), nil for
// none. Nothing of parsed is changed.
func (rm *RequestMatcher) LiveParsed(r *http.Request, body []byte, parsed wire.Body, parseErr error, base64Image func(string) ([]byte, bool)) *CanonicalRequest {
	m := rm.m
	c := &CanonicalRequest{method: r.Method, path: m.path(r.Method, r.URL.Path), query: m.query(r.URL.RawQuery)}
	c.media, _ = wire.ContentType(r.Header)
	if parsed.Media != c.media {
		return rm.Live(r, body)
	}
	text := canonText
	if base64Image != nil {
		text = func(s string) string { return canonTextWith(s, base64Image) }
	}
	c.tree, c.ok = m.fromParsed(parsed, parseErr, text)
	c.text = &bodyText{raw: body}
	return c
}

// Recorded canonicalises a recorded request.
func (rm *RequestMatcher) Recorded(i vcr.Request) *CanonicalRequest { return rm.m.recorded(i) }

// Match reports whether a live request matches a recorded one, as NewMatcher's function does.
func (rm *RequestMatcher) Match(live, rec *CanonicalRequest) bool {
	return rm.m.compare(live, rec) == ""
}

// Explain says where a live request differs from a recorded one, or "" when they match: places, never
// values (either side may hold personal data).
func (rm *RequestMatcher) Explain(live, rec *CanonicalRequest) string { return rm.m.compare(live, rec) }

// live canonicalises a live request, reading its body and putting it back whole for whoever reads it
// next.
func (m *Matcher) live(r *http.Request) *CanonicalRequest {
	body, err := readBody(r)
	return m.liveBody(r, body, err)
}

func (m *Matcher) liveBody(r *http.Request, body []byte, bodyErr error) *CanonicalRequest {
	c := &CanonicalRequest{method: r.Method, path: m.path(r.Method, r.URL.Path), query: m.query(r.URL.RawQuery)}
	var params map[string]string
	c.media, params = wire.ContentType(r.Header)
	if bodyErr != nil {
		c.bodyErr = bodyErr
		return c
	}
	c.tree, c.ok = m.structured(c.media, params, body)
	c.text = &bodyText{raw: body}
	return c
}

func (m *Matcher) recorded(i vcr.Request) *CanonicalRequest {
	c := &CanonicalRequest{method: i.Method}
	u, err := url.Parse(i.URL)
	if err != nil {
		c.urlErr = true
		return c
	}
	c.path, c.query = m.path(i.Method, u.Path), m.query(u.RawQuery)
	var params map[string]string
	c.media, params = wire.ContentType(i.Headers)
	c.tree, c.ok = m.structured(c.media, params, []byte(i.Body))
	c.text = &bodyText{s: canonText(i.Body)}
	c.text.once.Do(func() {}) // made now: a recorded form is shared by concurrent matches
	return c
}

// compare is explain on canonical forms, its checks in the same order.
func (m *Matcher) compare(l, r *CanonicalRequest) string {
	if l.method != r.method {
		return "method differs"
	}
	if r.urlErr {
		return "recorded URL does not parse"
	}
	if l.path != r.path {
		return "path differs"
	}
	if p, differ := firstDiff("", l.query, r.query); differ {
		return "query differs at " + pointerOrRoot(p)
	}
	if !m.ignoredHeaders["Content-Type"] && l.media != r.media {
		return "content type differs: " + orNone(l.media) + ", recorded " + orNone(r.media)
	}
	if l.bodyErr != nil {
		return "body cannot be read: " + l.bodyErr.Error()
	}
	lb, rb := l.tree, r.tree
	if !l.ok || !r.ok {
		// Unstructured, or not what its type says: compare the bytes, images by hash.
		lb, rb = l.text.get(), r.text.get()
	}
	if p, differ := firstDiff("", lb, rb); differ {
		return "body differs at " + pointerOrRoot(p)
	}
	return ""
}

// match is the go-vcr hook: explain through the cache.
// Match reports whether the live request r matches the recorded request i: go-vcr's MatcherFunc.
func (m *Matcher) Match(r *http.Request, i vcr.Request) bool { return m.Explain(r, i) == "" }

// Explain says where r differs from the recorded request i, or "" when they match.
func (m *Matcher) Explain(r *http.Request, i vcr.Request) string {
	return m.compare(m.cache.live(m, r), m.cache.recorded(m, i))
}

// canonCache keeps the canonical forms go-vcr's hook needs again: the live request it is trying against
// each interaction in turn, and the recorded requests, by content.
type canonCache struct {
	mu sync.Mutex
	// last is the live request of the latest match and the body put back into it: while the request
	// still holds that body unread, its canonical form stands.
	last     *http.Request
	lastBody *rereadBody
	lastURL  string
	lastCT   string
	lastForm *CanonicalRequest
	rec      map[recordedKey]*CanonicalRequest
}

// recordedKey is what of a recorded request its canonical form depends on.
type recordedKey struct{ method, url, contentType, body string }

// maxCachedRecorded bounds the cache of recorded forms: a cassette holds tens of interactions; a caller
// that matches against ever new recorded requests gets them canonicalised each time, not a growing map.
const maxCachedRecorded = 4096

func (cc *canonCache) live(m *Matcher, r *http.Request) *CanonicalRequest {
	where, ct := r.Method+" "+r.URL.Path+"?"+r.URL.RawQuery, wire.HeaderValue(r.Header, "Content-Type")
	rb, _ := r.Body.(*rereadBody)
	cc.mu.Lock()
	if cc.last == r && rb != nil && rb == cc.lastBody && rb.Len() == len(rb.data) && cc.lastURL == where && cc.lastCT == ct {
		c := cc.lastForm
		cc.mu.Unlock()
		return c
	}
	cc.mu.Unlock()
	c := m.live(r)
	cc.mu.Lock()
	cc.last, cc.lastForm, cc.lastURL, cc.lastCT = r, c, where, ct
	cc.lastBody, _ = r.Body.(*rereadBody)
	cc.mu.Unlock()
	return c
}

func (cc *canonCache) recorded(m *Matcher, i vcr.Request) *CanonicalRequest {
	k := recordedKey{i.Method, i.URL, wire.HeaderValue(i.Headers, "Content-Type"), i.Body}
	cc.mu.Lock()
	c, ok := cc.rec[k]
	cc.mu.Unlock()
	if ok {
		return c
	}
	c = m.recorded(i)
	cc.mu.Lock()
	if cc.rec == nil {
		cc.rec = map[recordedKey]*CanonicalRequest{}
	}
	if len(cc.rec) < maxCachedRecorded {
		cc.rec[k] = c
	}
	cc.mu.Unlock()
	return c
}

// rereadBody is the body readBody puts back: the bytes it read, unread.
type rereadBody struct {
	*bytes.Reader
	data []byte
}

func (rereadBody) Close() error { return nil }

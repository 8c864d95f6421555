package match

import (
	"bytes"
	"io"
	"net/http"
	"net/textproto"
	"net/url"
	"slices"

	vcr "gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"

	"github.com/kontrak/kontrak/cassette"
	"github.com/kontrak/kontrak/internal/wire"
)

// Options names what a match ignores. The names come from the specs (a security scheme's header, a
// field the document calls a timestamp or a signature): the package itself knows none.
type Options struct {
	// IgnoredHeaders are headers that never take part in a match. Headers other than Content-Type are not
	// compared at all; naming a credential header here keeps it out of any comparison a later version adds,
	// and naming Content-Type turns that comparison off too.
	IgnoredHeaders []string
	// IgnoredFields are body fields never compared: JSON object members at any depth, form fields and
	// multipart parts by form name. Volatile values (timestamps, nonces, signatures) go here.
	IgnoredFields []string
	// IgnoredQuery are query parameters never compared.
	IgnoredQuery []string
	// Route, when set, maps a request's method and URL path to the path the match compares: the
	// documented path of the operation it names, so that a base URL's path prefix (Kredibel's $vision, a
	// sandbox mounted under a path) is stripped on either side. Nil compares the paths as they are.
	Route func(method, path string) string
}

// NewMatcher returns the request matcher of kontrak's cassettes. A live request matches a recorded one when
//
//   - the methods are equal, and so are the URL paths, each less its base URL's prefix when Route says
//     which documented path it names; the host and scheme are not compared, since a live base URL differs
//     from the recorded one;
//   - the queries are equal as url.Values, less the ignored parameters;
//   - the media types of Content-Type are equal (parameters such as charset and the multipart boundary
//     are not compared); no other header is compared;
//   - the bodies are equal by content: JSON as JSON (member order free), application/x-www-form-urlencoded
//     as url.Values, multipart/form-data part by part by form name, each side parsed with its own boundary,
//     less the ignored fields. Any other body, or one that does not parse as its type, compares byte for
//     byte.
//
// Images compare by the sha256 of their bytes: a string value that is an image in base64, a multipart file
// part (any file part: its bytes are content, not text) and an ImageDescriptor all stand for
// "sha256:<hex>", so a redacted cassette matches the live request that sends the image.
//
// Reading the live request's body leaves it whole for whoever reads it next.
//
// Each request is canonicalised once (see RequestMatcher): the live one once for all the candidates
// go-vcr tries it against, each recorded one once for all the live requests it is tried against.
func NewMatcher(o Options) vcr.MatcherFunc { return New(o).Match }

// Matcher is the matcher NewMatcher returns, for a caller that also asks why a request does not match
// (Explain) and which query parameters it ignores (IgnoresQuery): the recorder's replay.
type Matcher struct {
	ignoredHeaders map[string]bool // canonical header keys
	ignoredFields  map[string]bool
	ignoredQuery   map[string]bool
	route          func(method, path string) string
	cache          canonCache
}

// path is the URL path a match compares: the route's, when there is one.
func (m *Matcher) path(method, path string) string {
	if m.route == nil {
		return path
	}
	return m.route(method, path)
}

// New is the matcher of o (see NewMatcher for what it compares).
func New(o Options) *Matcher {
	return &Matcher{ignoredHeaders: wire.SetOf(o.IgnoredHeaders, textproto.CanonicalMIMEHeaderKey),
		ignoredFields: wire.SetOf(o.IgnoredFields, nil), ignoredQuery: wire.SetOf(o.IgnoredQuery, nil), route: o.Route}
}

// IgnoresQuery reports whether the query parameter name never takes part in a match.
func (m *Matcher) IgnoresQuery(name string) bool { return m.ignoredQuery[name] }

// HasIgnoredQuery reports whether any query parameter is ignored.
func (m *Matcher) HasIgnoredQuery() bool { return len(m.ignoredQuery) > 0 }

func pointerOrRoot(p string) string {
	if p == "" {
		return "the root"
	}
	return p
}

func orNone(t string) string {
	if t == "" {
		return "none"
	}
	return t
}

// maxPrealloc bounds the buffer a request's Content-Length makes readBody allocate up front.
const maxPrealloc = 64 << 20

// readBody reads a request's body and puts an unread copy back.
func readBody(r *http.Request) ([]byte, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	var b []byte
	var err error
	if n := r.ContentLength; n > 0 && n <= maxPrealloc {
		// A known length is read into one buffer, not grown from 512 bytes by doubling.
		buf := bytes.NewBuffer(make([]byte, 0, n+1))
		_, err = buf.ReadFrom(r.Body)
		b = buf.Bytes()
	} else {
		b, err = io.ReadAll(r.Body)
	}
	r.Body.Close()
	r.Body = &rereadBody{bytes.NewReader(b), b}
	return b, err
}

// query is a query's canonical form; an unparsable query compares as its raw text.
func (m *Matcher) query(raw string) any {
	v, err := url.ParseQuery(raw)
	if err != nil {
		return raw
	}
	for k := range m.ignoredQuery {
		delete(v, k)
	}
	return valuesTree(v, func(s string) string { return s })
}

// structured parses a body by its media type into the canonical tree compared by firstDiff. ok is false
// for a type it does not structure, or a body that is not what its type says.
func (m *Matcher) structured(mediaType string, params map[string]string, b []byte) (tree any, ok bool) {
	switch {
	case wire.IsJSONMedia(mediaType):
		v, err := wire.DecodeJSON(b) // numbers compare as written: no float rounding of ids
		if err != nil {
			return nil, false
		}
		return m.canonJSON(v), true
	case mediaType == wire.MediaForm:
		v, err := wire.ParseForm(string(b))
		if err != nil {
			return nil, false
		}
		for k := range m.ignoredFields {
			delete(v, k)
		}
		return valuesTree(v, canonText), true
	case mediaType == wire.MediaMultipart:
		return m.multipart(wire.Boundary(params, b), b)
	}
	return nil, false
}

func (m *Matcher) canonJSON(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if m.ignoredFields[k] {
				delete(v, k)
				continue
			}
			v[k] = m.canonJSON(x)
		}
	case []any:
		for i := range v {
			v[i] = m.canonJSON(v[i])
		}
	case string:
		return canonText(v)
	}
	return v
}

// fromParsed is structured of a body the caller has parsed (wire.ParseBody), text the canonical form of
// its strings. The caller's values are copied where structured would change them in place.
func (m *Matcher) fromParsed(b wire.Body, err error, text func(string) string) (any, bool) {
	switch {
	case wire.IsJSONMedia(b.Media):
		if !b.IsJSON {
			return nil, false
		}
		return m.canonJSONCopy(b.JSON, text), true
	case b.Media == wire.MediaForm:
		if err != nil {
			return nil, false
		}
		v := make(url.Values, len(b.Form))
		for k, vs := range b.Form {
			if !m.ignoredFields[k] {
				v[k] = vs
			}
		}
		return valuesTree(v, text), true
	case b.Media == wire.MediaMultipart:
		if err != nil {
			return nil, false
		}
		return m.partsTree(b.Parts, text), true
	}
	return nil, false
}

// canonJSONCopy is canonJSON into new maps and slices, v untouched.
func (m *Matcher) canonJSONCopy(v any, text func(string) string) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			if !m.ignoredFields[k] {
				out[k] = m.canonJSONCopy(x, text)
			}
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i := range v {
			out[i] = m.canonJSONCopy(v[i], text)
		}
		return out
	case string:
		return text(v)
	}
	return v
}

// multipart reads a multipart/form-data body into form name → content. A file part is content, whatever
// its type: it compares by hash (or by the hash its descriptor names, in a redacted cassette).
func (m *Matcher) multipart(boundary string, b []byte) (any, bool) {
	ps, err := wire.ParseMultipart(boundary, b)
	if err != nil {
		return nil, false
	}
	return m.partsTree(ps, canonText), true
}

// partsTree is the canonical tree of multipart parts: form name → content, a file part by its hash.
func (m *Matcher) partsTree(ps []wire.Part, text func(string) string) any {
	parts := url.Values{}
	for _, p := range ps {
		if m.ignoredFields[p.Name] {
			continue
		}
		if p.IsFile() {
			parts[p.Name] = append(parts[p.Name], canonFile(p.Data))
			continue
		}
		parts[p.Name] = append(parts[p.Name], text(string(p.Data)))
	}
	return valuesTree(parts, func(s string) string { return s })
}

// canonText is the canonical form of a text value: an image (its descriptor, its bytes, or its base64)
// becomes "sha256:<hex>", anything else stays itself.
func canonText(s string) string { return canonTextWith(s, wire.Base64Image) }

// canonTextWith is canonText with the base64 image decoder given: one that remembers what it decoded.
func canonTextWith(s string, base64Image func(string) ([]byte, bool)) string {
	if sha, ok := cassette.ParseImageDescriptor(s); ok {
		return "sha256:" + sha
	}
	if wire.IsImageString(s) {
		return cassette.ImageHash([]byte(s))
	}
	if b, ok := base64Image(s); ok {
		return cassette.ImageHash(b)
	}
	return s
}

func canonFile(b []byte) string {
	if sha, ok := cassette.ParseImageDescriptor(string(b)); ok {
		return "sha256:" + sha
	}
	return cassette.ImageHash(b)
}

// valuesTree turns url.Values into a tree for firstDiff: a name with one value holds it, a name with
// several holds the list, in order.
func valuesTree(v url.Values, canon func(string) string) map[string]any {
	t := make(map[string]any, len(v))
	for k, vs := range v {
		if len(vs) == 1 {
			t[k] = canon(vs[0])
			continue
		}
		l := make([]any, len(vs))
		for i, s := range vs {
			l[i] = canon(s)
		}
		t[k] = l
	}
	return t
}

// firstDiff finds the first place, as a JSON Pointer, where two canonical trees differ.
func firstDiff(ptr string, a, b any) (string, bool) {
	switch a := a.(type) {
	case map[string]any:
		b, ok := b.(map[string]any)
		if !ok {
			return ptr, true
		}
		keys := make([]string, 0, len(a)+len(b))
		for k := range a {
			keys = append(keys, k)
		}
		for k := range b {
			if _, ok := a[k]; !ok {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		for _, k := range keys {
			p := wire.Join(ptr, k)
			av, aok := a[k]
			bv, bok := b[k]
			if aok != bok {
				return p, true
			}
			if p, differ := firstDiff(p, av, bv); differ {
				return p, true
			}
		}
		return "", false
	case []any:
		b, ok := b.([]any)
		if !ok || len(a) != len(b) {
			return ptr, true
		}
		for i := range a {
			if p, differ := firstDiff(wire.JoinIndex(ptr, i), a[i], b[i]); differ {
				return p, true
			}
		}
		return "", false
	default:
		// a is a scalar (string, json.Number, bool or nil): comparing it with any b cannot panic.
		if a != b {
			return ptr, true
		}
		return "", false
	}
}

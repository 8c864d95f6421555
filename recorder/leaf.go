package recorder

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/textproto"
	"net/url"
	"regexp"
	"sort"
	"strings"

	"gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"

	"github.com/kontrak/kontrak/internal/wire"
)

// An interaction is read, for redaction and for the leak scan alike, as a list of leaves: every value
// that could hold a secret, an image or personal data, with where it is. One walk serves both, so that
// the scan looks exactly where redaction writes.

type side int

const (
	sideRequest side = iota
	sideAnswer
)

func (s side) String() string {
	if s == sideAnswer {
		return "answer"
	}
	return "request"
}

type place int

const (
	inHeader       place = iota // a header value
	inPath                      // the URL path
	inQuery                     // a query parameter's value
	inRecordedForm              // a value of go-vcr's Request.Form (query and form body together)
	inJSON                      // a scalar of a JSON body
	inForm                      // a field of an application/x-www-form-urlencoded body
	inPartText                  // a multipart/form-data part without a file name
	inPartFile                  // a multipart/form-data file part
	inBody                      // a whole body that is none of the above
)

type leaf struct {
	side  side
	place place
	name  string // header (canonical), query, form field or part name; a JSON value's member name
	ptr   string // inJSON: the value's JSON Pointer
	str   bool   // inJSON: a string; false for a number, true, false or null (value is then the literal)
	value string
}

// where names a leaf's place, never its value: "header X-Api-Key in the request", "/data/nik in the
// answer".
func (l leaf) where() string {
	var w string
	switch l.place {
	case inHeader:
		w = "header " + l.name
	case inPath:
		w = "URL path"
	case inQuery:
		w = "query " + l.name
	case inRecordedForm:
		w = "recorded form " + l.name
	case inJSON:
		w = l.ptr
		if w == "" {
			w = "body"
		}
	case inForm:
		w = "form field " + l.name
	case inPartText, inPartFile:
		w = "multipart part " + l.name
	case inBody:
		w = "body"
	}
	return w + " in the " + l.side.String()
}

// rewriteFunc sees one leaf and returns its replacement, or false to leave it.
type rewriteFunc func(l leaf) (string, bool)

// rewriteInteraction walks an interaction's leaves in a fixed order (request: headers by name, URL path,
// query in order, recorded form by name, body; then the answer's headers and body) and writes back what fn
// replaces. A walk whose fn replaces nothing changes nothing.
func rewriteInteraction(i *cassette.Interaction, fn rewriteFunc) {
	rq := &i.Request
	rewriteHeaders(sideRequest, rq.Headers, fn)
	if s, ok := rewriteURL(rq.URL, fn); ok {
		rq.URL = s
	}
	if rq.RequestURI != "" {
		if s, ok := rewriteURL(rq.RequestURI, fn); ok {
			rq.RequestURI = s
		}
	}
	for _, k := range sortedKeys(rq.Form) {
		for n, v := range rq.Form[k] {
			if nv, ok := fn(leaf{side: sideRequest, place: inRecordedForm, name: k, value: v}); ok {
				rq.Form[k][n] = nv
			}
		}
	}
	if b, ok := rewriteBody(sideRequest, rq.Headers, rq.Body, fn); ok {
		rq.Body = b
		fixLength(&rq.ContentLength, rq.Headers, b)
	}
	rs := &i.Response
	rewriteHeaders(sideAnswer, rs.Headers, fn)
	if b, ok := rewriteBody(sideAnswer, rs.Headers, rs.Body, fn); ok {
		rs.Body = b
		fixLength(&rs.ContentLength, rs.Headers, b)
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// rewriteHeaders walks header values. Content-Type and Content-Length are structure, not data: a
// boundary rewritten would break its body.
func rewriteHeaders(s side, h map[string][]string, fn rewriteFunc) {
	for _, k := range sortedKeys(h) {
		name := textproto.CanonicalMIMEHeaderKey(k)
		if name == "Content-Type" || name == "Content-Length" {
			continue
		}
		for n, v := range h[k] {
			if nv, ok := fn(leaf{side: s, place: inHeader, name: name, value: v}); ok {
				h[k][n] = nv
			}
		}
	}
}

// rewriteURL walks a URL's path and query values. The query is rewritten in place, parameter by
// parameter, so that its order and escaping stay as recorded where nothing is replaced.
func rewriteURL(raw string, fn rewriteFunc) (string, bool) {
	u, err := url.Parse(raw)
	if err != nil {
		return raw, false
	}
	out, changed := raw, false
	if np, ok := fn(leaf{side: sideRequest, place: inPath, value: u.Path}); ok {
		u.Path, u.RawPath = np, ""
		out, changed = u.String(), true
	}
	before, rest, hasQuery := strings.Cut(out, "?")
	if !hasQuery {
		return out, changed
	}
	query, frag, hasFrag := strings.Cut(rest, "#")
	nq, ok := rewritePairs(query, func(name, value string) (string, bool) {
		return fn(leaf{side: sideRequest, place: inQuery, name: name, value: value})
	})
	if !ok {
		return out, changed
	}
	out = before + "?" + nq
	if hasFrag {
		out += "#" + frag
	}
	return out, true
}

// rewritePairs rewrites the values of "k=v&k=v" text whose pairs fn replaces, leaving the others as they
// are written. A pair that does not unescape is left alone.
func rewritePairs(s string, fn func(name, value string) (string, bool)) (string, bool) {
	pairs := strings.Split(s, "&")
	changed := false
	for n, p := range pairs {
		k, v, _ := strings.Cut(p, "=")
		name, err1 := url.QueryUnescape(k)
		value, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil || p == "" {
			continue
		}
		if nv, ok := fn(name, value); ok {
			pairs[n] = k + "=" + url.QueryEscape(nv)
			changed = true
		}
	}
	return strings.Join(pairs, "&"), changed
}

// rewriteBody walks a body by its media type, as the matcher reads it: JSON, a form or multipart
// form-data when the type says so and the body is what it says; anything else is one leaf. An answer with
// no JSON type whose body is a JSON object or array is read as JSON too (no match depends on it).
func rewriteBody(s side, h map[string][]string, body string, fn rewriteFunc) (string, bool) {
	if body == "" {
		return body, false
	}
	mt, params := contentType(h)
	switch {
	case wire.IsJSONMedia(mt) || s == sideAnswer && mt != wire.MediaForm && mt != wire.MediaMultipart && wire.LooksJSON([]byte(body)):
		if out, ok, valid := rewriteJSON(s, body, fn); valid {
			return out, ok
		}
	case mt == wire.MediaForm:
		if _, err := url.ParseQuery(body); err == nil {
			return rewritePairs(body, func(name, value string) (string, bool) {
				return fn(leaf{side: s, place: inForm, name: name, value: value})
			})
		}
	case mt == wire.MediaMultipart:
		if out, ok, valid := rewriteMultipart(s, wire.Boundary(params, []byte(body)), body, fn); valid {
			return out, ok
		}
	}
	return fn(leaf{side: s, place: inBody, value: body})
}

// rewriteJSON replaces the scalars fn replaces, token by token: the rest of the body, member order and
// spacing included, stays byte for byte. valid is false when the body is not one JSON value.
func rewriteJSON(s side, body string, fn rewriteFunc) (out string, changed, valid bool) {
	leaves, spans, ok := jsonLeaves(s, body)
	if !ok {
		return body, false, false
	}
	var b strings.Builder
	last := 0
	for n, l := range leaves {
		nv, ok := fn(l)
		if !ok {
			continue
		}
		b.WriteString(body[last:spans[n][0]])
		if l.str {
			b.WriteString(jsonString(nv))
		} else {
			b.WriteString(nv) // a literal is only ever replaced by a literal (a NIK's digits)
		}
		last = spans[n][1]
		changed = true
	}
	if !changed {
		return body, false, true
	}
	b.WriteString(body[last:])
	return b.String(), true, true
}

func jsonString(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	return strings.TrimSuffix(b.String(), "\n")
}

// jsonLeaves lists the scalars of a JSON body with their pointers and byte spans. ok is false when the
// body is not exactly one JSON value.
func jsonLeaves(s side, body string) (leaves []leaf, spans [][2]int, ok bool) {
	type frame struct {
		object  bool
		wantKey bool
		key     string
		index   int
		ptr     string
	}
	dec := json.NewDecoder(strings.NewReader(body))
	dec.UseNumber()
	var stack []*frame
	done := false
	// child is the pointer and member name of the value about to be read.
	child := func() (string, string) {
		if len(stack) == 0 {
			return "", ""
		}
		f := stack[len(stack)-1]
		if f.object {
			return wire.Join(f.ptr, f.key), f.key
		}
		return wire.JoinIndex(f.ptr, f.index), ""
	}
	// valueDone moves the enclosing container past the value just read.
	valueDone := func() {
		if len(stack) == 0 {
			done = true
			return
		}
		f := stack[len(stack)-1]
		if f.object {
			f.wantKey = true
		} else {
			f.index++
		}
	}
	for {
		before := int(dec.InputOffset())
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return leaves, spans, done
		}
		if err != nil || done {
			return nil, nil, false
		}
		end := int(dec.InputOffset())
		if len(stack) > 0 && stack[len(stack)-1].object && stack[len(stack)-1].wantKey {
			f := stack[len(stack)-1]
			if d, isDelim := tok.(json.Delim); isDelim && d == '}' {
				stack = stack[:len(stack)-1]
				valueDone()
				continue
			}
			f.key, _ = tok.(string)
			f.wantKey = false
			continue
		}
		ptr, name := child()
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				stack = append(stack, &frame{object: t == '{', wantKey: t == '{', ptr: ptr})
			case ']':
				stack = stack[:len(stack)-1]
				valueDone()
			}
			continue
		case string:
			leaves = append(leaves, leaf{side: s, place: inJSON, name: name, ptr: ptr, str: true, value: t})
		default: // json.Number, bool, nil
			leaves = append(leaves, leaf{side: s, place: inJSON, name: name, ptr: ptr, value: strings.TrimSpace(body[tokenStart(body, before):end])})
		}
		spans = append(spans, [2]int{tokenStart(body, before), end})
		valueDone()
	}
}

// tokenStart skips the whitespace and separators the decoder reads before a token.
func tokenStart(body string, from int) int {
	for from < len(body) && strings.IndexByte(" \t\r\n,:", body[from]) >= 0 {
		from++
	}
	return from
}

// rewriteMultipart walks the parts of a multipart/form-data body. Parts are read raw: one fn leaves alone
// stays byte for byte, headers and transfer encoding included; a replaced one is written plain, without a
// Content-Transfer-Encoding, with its other headers. The boundary stays, so the Content-Type stays true.
// A part is judged by its decoded content, as the matcher reads it. valid is false when the body does not
// parse.
func rewriteMultipart(s side, boundary, body string, fn rewriteFunc) (out string, changed, valid bool) {
	parts, err := wire.ParseMultipart(boundary, []byte(body))
	if err != nil {
		return body, false, false
	}
	for n, p := range parts {
		pl := place(inPartText)
		if p.IsFile() {
			pl = inPartFile
		}
		if nv, ok := fn(leaf{side: s, place: pl, name: p.Name, value: string(p.Data)}); ok {
			p.Header.Del("Content-Transfer-Encoding")
			parts[n].Raw = []byte(nv)
			changed = true
		}
	}
	if !changed {
		return body, false, true
	}
	var b strings.Builder
	for _, p := range parts {
		b.WriteString("--" + boundary + "\r\n")
		for _, k := range sortedKeys(p.Header) {
			for _, v := range p.Header[k] {
				b.WriteString(k + ": " + v + "\r\n")
			}
		}
		b.WriteString("\r\n")
		b.Write(p.Raw)
		b.WriteString("\r\n")
	}
	b.WriteString("--" + boundary + "--\r\n")
	return b.String(), true, true
}

// jwtRE is a JSON Web Token: a base64url JSON header ("eyJ" is `{"`), a payload and a signature.
var jwtRE = regexp.MustCompile(`eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*`)

package redact

import (
	"fmt"
	"net/textproto"
	"net/url"
	"regexp"
	"sort"
	"strings"

	vcr "gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"

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
	// ptr is an inJSON value's JSON Pointer. It is the walker's buffer, valid only while fn sees the
	// leaf (a body has a pointer for every value, and most are never asked for): string(l.ptr) keeps it.
	ptr   []byte
	str   bool // inJSON: a string; false for a number, true, false or null (value is then the literal)
	value string
	// ctx is the kind the name rules (pii_rules.yaml) give the value: by its own name, or inherited from
	// the nearest named JSON ancestor ("addressDetail": {...}); free text is inherited whatever lies below.
	ctx string
	// deep: a body nested deeper than MaxDepth, refused unread (value is the whole body).
	deep bool
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
		w = string(l.ptr)
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
//
// A body in a Content-Encoding of gzip or deflate, or that opens with a UTF-8 byte order mark, is walked
// decoded. With normalize (redaction), it is also stored decoded, its Content-Encoding header dropped, and
// the returned notes say so, one a body; without (the scan), nothing is written but what fn replaces.
func rewriteInteraction(i *vcr.Interaction, fn rewriteFunc, normalize bool) (notes []string) {
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
			if nv, ok := fn(leaf{side: sideRequest, place: inRecordedForm, name: k, value: v, ctx: kindOfName(sideRequest, k)}); ok {
				rq.Form[k][n] = nv
			}
		}
	}
	if note := rewriteEncodedBody(sideRequest, rq.Headers, &rq.Body, &rq.ContentLength, fn, normalize); note != "" {
		notes = append(notes, fmt.Sprintf("interaction %d: request %s", i.ID, note))
	}
	rs := &i.Response
	rewriteHeaders(sideAnswer, rs.Headers, fn)
	if note := rewriteEncodedBody(sideAnswer, rs.Headers, &rs.Body, &rs.ContentLength, fn, normalize); note != "" {
		notes = append(notes, fmt.Sprintf("interaction %d: answer %s", i.ID, note))
	}
	return notes
}

// rewriteEncodedBody decodes a body (see rewriteInteraction), walks it, and writes back the decoded body
// when fn changed it or normalize asks for it. note says what the decoding undid, when it was written.
func rewriteEncodedBody(s side, h map[string][]string, body *string, length *int64, fn rewriteFunc, normalize bool) (note string) {
	decoded, how, undecodable := decodeBody(h, *body)
	out, changed := rewriteBody(s, h, decoded, fn)
	if !changed && !(normalize && how != "") {
		return ""
	}
	*body = out
	switch {
	case undecodable != "":
		// The body was read as it came, and is now written changed: under its header, a later read
		// might decode the new bytes (raw deflate reads much), so the header goes, and the note says so.
		wire.DeleteHeader(h, "Content-Encoding")
		how = strings.TrimPrefix(how+"; body did not decode as Content-Encoding "+undecodable+": stored as read, the header dropped", "; ")
	case how != "" && how != bomNote:
		wire.DeleteHeader(h, "Content-Encoding")
	}
	fixLength(length, h, out)
	return how
}

const bomNote = "body opened with a UTF-8 byte order mark: stored without it"

// decodeBody returns the body to read: decompressed when its Content-Encoding is gzip or deflate (zlib or
// raw) and it decodes, without a leading UTF-8 byte order mark; and what was undone, "" for nothing. A
// body that does not decode as its header says is read as it is, and undecodable names that encoding.
func decodeBody(h map[string][]string, body string) (_, how, undecodable string) {
	switch enc := strings.ToLower(strings.TrimSpace(wire.HeaderValue(h, "Content-Encoding"))); enc {
	case "gzip", "x-gzip", "deflate":
		if d, err := wire.DecodeContentEncoding(enc, []byte(body)); err == nil {
			body, how = string(d), "body was Content-Encoding "+enc+": stored decoded, the header dropped"
		} else {
			undecodable = enc
		}
	}
	if b, ok := strings.CutPrefix(body, "\uFEFF"); ok {
		for ok { // every mark: one left behind would be taken on the next run
			body = b
			b, ok = strings.CutPrefix(body, "\uFEFF")
		}
		if how == "" {
			how = bomNote
		} else {
			how += "; " + bomNote
		}
	}
	return body, how, undecodable
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
		ctx := kindOfName(s, name)
		for n, v := range h[k] {
			if nv, ok := fn(leaf{side: s, place: inHeader, name: name, value: v, ctx: ctx}); ok {
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
		return fn(leaf{side: sideRequest, place: inQuery, name: name, value: value, ctx: kindOfName(sideRequest, name)})
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
	mt, params := wire.ContentType(h)
	switch {
	case wire.IsJSONMedia(mt) || s == sideAnswer && mt != wire.MediaForm && mt != wire.MediaMultipart && wire.LooksJSON([]byte(body)):
		out, ok, valid, deep := rewriteJSON(s, body, fn)
		if deep {
			return fn(leaf{side: s, place: inBody, value: body, deep: true})
		}
		if valid {
			return out, ok
		}
	case mt == wire.MediaForm:
		if _, err := url.ParseQuery(body); err == nil {
			return rewritePairs(body, func(name, value string) (string, bool) {
				return fn(leaf{side: s, place: inForm, name: name, value: value, ctx: kindOfName(s, name)})
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
// spacing included, stays byte for byte. valid is false when the body is not one JSON value; deep is
// true, and fn sees nothing, when it nests deeper than MaxDepth (see walkJSON). The body is copied only
// from its first replacement on.
func rewriteJSON(s side, body string, fn rewriteFunc) (out string, changed, valid, deep bool) {
	var b strings.Builder
	last := 0
	valid, deep = walkJSON(s, body, func(l leaf, start, end int) {
		nv, ok := fn(l)
		if !ok {
			return
		}
		if !changed {
			b.Grow(len(body) + len(body)/8) // stand-ins may be a little longer than what they replace
			changed = true
		}
		b.WriteString(body[last:start])
		if l.str {
			writeJSONString(&b, nv)
		} else {
			b.WriteString(nv) // a literal is only ever replaced by a literal (a NIK's digits)
		}
		last = end
	})
	if !valid || !changed {
		return body, false, valid, deep
	}
	b.WriteString(body[last:])
	return b.String(), true, true, false
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
		if nv, ok := fn(leaf{side: s, place: pl, name: p.Name, value: string(p.Data), ctx: kindOfName(s, p.Name)}); ok {
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

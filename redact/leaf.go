package redact

import (
	"fmt"
	"maps"
	"net/textproto"
	"net/url"
	"slices"
	"strconv"
	"strings"

	vcr "gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"

	"github.com/kontrak/kontrak/cassette"
	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/internal/wire"
)

// An interaction is read, for redaction and for the leak scan alike, as a list of leaves: every value of
// it, names and structure included, with where it is. One walk serves both, so that the scan looks exactly
// where redaction writes; the decision for each leaf is policy.go's.

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
	inMethod           place = iota // the request method
	inURL                           // the request URL or request_uri, judged part by part (url.go)
	inHost                          // the recorded host of the request
	inRemoteAddr                    // the recorded remote address
	inProto                         // the protocol ("HTTP/1.1")
	inStatus                        // the answer's status line ("200 OK")
	inTransferEncoding              // an entry of the recorded transfer encodings
	inHeaderName                    // a header's name
	inHeader                        // a header value
	inTrailerName                   // a trailer's name
	inTrailer                       // a trailer value
	inRecordedFormName              // a name of go-vcr's Request.Form (query and form body together)
	inRecordedForm                  // a value of go-vcr's Request.Form
	inJSONName                      // a member name of a JSON body
	inJSON                          // a scalar of a JSON body
	inFormName                      // a field name of an application/x-www-form-urlencoded body
	inForm                          // a field value of such a body
	inPartName                      // the name of a multipart part
	inPartFileName                  // the file name of a multipart part
	inPartHeader                    // another header of a multipart part
	inPartText                      // a multipart part without a file name
	inPartFile                      // a multipart file part
	inPartFrame                     // the text of a multipart body outside its parts (preamble, epilogue)
	inBody                          // a whole body that is none of the above
	inNumber                        // a number of go-vcr's layout: the id, a protocol version, a content length, the code, the duration
	inBoundary                      // a multipart body's boundary, its delimiter lines and its Content-Type's parameter
)

type leaf struct {
	side  side
	place place
	name  string // header (canonical), form field or part name; a JSON value's member name
	// ptr is an inJSON value's JSON Pointer, schema the same with "*" for every array index. Both are the
	// walker's buffers, valid only while fn sees the leaf (string(l.ptr) keeps one).
	ptr, schema []byte
	str         bool // inJSON: a string; false for a number, true, false or null (value is then the literal)
	value       string
	// ctx is the kind the name rules (pii_rules.yaml) give the value: by its own name, or inherited from
	// the nearest named JSON ancestor ("addressDetail": {...}).
	ctx string
	// deep: a body nested deeper than MaxDepth, refused unread (value is the whole body).
	deep bool
	// unread says why a whole body cannot be read (an encoding that does not decode, binary bytes): it is
	// never kept.
	unread string
	// code is the answer's status code, for inStatus.
	code int
	// part is the form name of the multipart part a leaf belongs to (inPartFileName, inPartHeader).
	part string
	// media is a multipart part's media type, for inPartText.
	media string
}

// where names a leaf's place, never its value: "header X-Api-Key in the request", "/data/nik in the
// answer". A name that is not identifier-like (contract.SafeName) is given by its shape, since it may be
// the very value that leaks.
func (l leaf) where() string {
	var w string
	name := contract.ShownName(l.name)
	switch l.place {
	case inMethod:
		w = "method"
	case inURL:
		w = "URL"
	case inHost:
		w = "host"
	case inRemoteAddr:
		w = "remote address"
	case inProto:
		w = "protocol"
	case inStatus:
		w = "status line"
	case inTransferEncoding:
		w = "transfer encoding"
	case inHeaderName:
		w = "a header name"
	case inHeader:
		w = "header " + name
	case inTrailerName:
		w = "a trailer name"
	case inTrailer:
		w = "trailer " + name
	case inRecordedFormName:
		w = "a recorded form name"
	case inRecordedForm:
		w = "recorded form " + name
	case inJSONName:
		parent := string(l.ptr)
		if i := strings.LastIndexByte(parent, '/'); i >= 0 {
			parent = parent[:i]
		}
		w = "a member name at " + shownPointer(parent)
	case inJSON:
		w = shownPointer(string(l.ptr))
	case inFormName:
		w = "a form field name"
	case inForm:
		w = "form field " + name
	case inPartName:
		w = "a multipart part name"
	case inPartFileName:
		w = "the file name of multipart part " + contract.ShownName(l.part)
	case inPartHeader:
		w = "a header of multipart part " + contract.ShownName(l.part)
	case inPartText, inPartFile:
		w = "multipart part " + name
	case inPartFrame:
		w = "the text around the multipart parts"
	case inBoundary:
		w = "the multipart boundary"
	case inBody:
		w = "body"
	case inNumber:
		w = "field " + l.name
	}
	return w + " in the " + l.side.String()
}

// shownPointer is a JSON Pointer as a leak's place prints it: "body" for the root, each token that is
// not identifier-like by its shape (contract.ShapePointer).
func shownPointer(p string) string {
	if p == "" {
		return "body"
	}
	return contract.ShapePointer(p)
}

// rewriteFunc sees one leaf and returns its replacement, or false to leave it.
type rewriteFunc func(l leaf) (string, bool)

// rewriteInteraction walks an interaction's leaves in a fixed order (request: method, URL, request_uri,
// host, remote address, protocol, transfer encodings, headers by name, trailers, recorded form by name,
// body; then the answer's protocol, status line, transfer encodings, headers, trailers and body) and writes
// back what fn replaces. A walk whose fn replaces nothing changes nothing.
//
// A body is read as decode.go reads it (its Content-Encoding and chunk framing undone, its charset read).
// With normalize (redaction), a body read so is also stored so, and the returned notes say what was undone,
// one a body; without (the scan), nothing is written but what fn replaces.
func rewriteInteraction(i *vcr.Interaction, fn rewriteFunc, normalize bool) (notes []string) {
	rq := &i.Request
	rs := &i.Response
	// The numbers of the layout first (a content length a body's rewriting sets again comes after).
	rewriteNumber(sideRequest, "id", &i.ID, fn)
	rewriteNumber(sideRequest, "proto_major", &rq.ProtoMajor, fn)
	rewriteNumber(sideRequest, "proto_minor", &rq.ProtoMinor, fn)
	rewriteNumber(sideRequest, "content_length", &rq.ContentLength, fn)
	rewriteNumber(sideAnswer, "proto_major", &rs.ProtoMajor, fn)
	rewriteNumber(sideAnswer, "proto_minor", &rs.ProtoMinor, fn)
	rewriteNumber(sideAnswer, "content_length", &rs.ContentLength, fn)
	rewriteNumber(sideAnswer, "code", &rs.Code, fn)
	rewriteNumber(sideAnswer, "duration", &rs.Duration, fn)
	scalar := func(s side, p place, v *string, extra ...func(*leaf)) {
		if *v == "" && p != inStatus {
			return
		}
		l := leaf{side: s, place: p, value: *v}
		for _, e := range extra {
			e(&l)
		}
		if nv, ok := fn(l); ok {
			*v = nv
		}
	}
	scalar(sideRequest, inMethod, &rq.Method)
	scalar(sideRequest, inURL, &rq.URL)
	scalar(sideRequest, inURL, &rq.RequestURI)
	scalar(sideRequest, inHost, &rq.Host)
	scalar(sideRequest, inRemoteAddr, &rq.RemoteAddr)
	scalar(sideRequest, inProto, &rq.Proto)
	rq.TransferEncoding = rewriteList(sideRequest, rq.TransferEncoding, fn)
	rq.Headers = rewriteHeaders(sideRequest, rq.Headers, inHeaderName, inHeader, fn)
	rq.Trailer = rewriteHeaders(sideRequest, rq.Trailer, inTrailerName, inTrailer, fn)
	rq.Form = rewriteForm(rq.Form, fn)
	if note := rewriteEncodedBody(sideRequest, rq.Headers, &rq.TransferEncoding, &rq.Body, &rq.ContentLength, fn, normalize); note != "" {
		notes = append(notes, fmt.Sprintf("interaction %d: request %s", i.ID, note))
	}
	scalar(sideAnswer, inProto, &rs.Proto)
	scalar(sideAnswer, inStatus, &rs.Status, func(l *leaf) { l.code = rs.Code })
	rs.TransferEncoding = rewriteList(sideAnswer, rs.TransferEncoding, fn)
	rs.Headers = rewriteHeaders(sideAnswer, rs.Headers, inHeaderName, inHeader, fn)
	rs.Trailer = rewriteHeaders(sideAnswer, rs.Trailer, inTrailerName, inTrailer, fn)
	if note := rewriteEncodedBody(sideAnswer, rs.Headers, &rs.TransferEncoding, &rs.Body, &rs.ContentLength, fn, normalize); note != "" {
		notes = append(notes, fmt.Sprintf("interaction %d: answer %s", i.ID, note))
	}
	return notes
}

// rewriteNumber walks one number of go-vcr's layout (inNumber, named by its YAML key).
func rewriteNumber[T ~int | ~int64](s side, name string, v *T, fn rewriteFunc) {
	val := strconv.FormatInt(int64(*v), 10)
	if nv, ok := fn(leaf{side: s, place: inNumber, name: name, value: val}); ok && nv != val {
		if n, err := strconv.ParseInt(nv, 10, 64); err == nil {
			*v = T(n)
		}
	}
}

func rewriteList(s side, list []string, fn rewriteFunc) []string {
	for n, v := range list {
		if nv, ok := fn(leaf{side: s, place: inTransferEncoding, value: v}); ok {
			list[n] = nv
		}
	}
	return list
}

// rewriteHeaders walks a header map: each name (a name fn replaces moves its values to the new name, as
// recorded in its spelling otherwise), then each value under its canonical name. The map is returned, the
// same one unless a name changed.
func rewriteHeaders(s side, h map[string][]string, namePlace, valuePlace place, fn rewriteFunc) map[string][]string {
	if len(h) == 0 {
		return h
	}
	for _, k := range slices.Sorted(maps.Keys(h)) {
		name := textproto.CanonicalMIMEHeaderKey(k)
		if nn, ok := fn(leaf{side: s, place: namePlace, name: name, value: k}); ok && nn != k {
			h[nn] = append(h[nn], h[k]...)
			delete(h, k)
			k, name = nn, textproto.CanonicalMIMEHeaderKey(nn)
		}
		ctx := kindOfName(s, name)
		for n, v := range h[k] {
			if nv, ok := fn(leaf{side: s, place: valuePlace, name: name, value: v, ctx: ctx}); ok {
				h[k][n] = nv
			}
		}
	}
	return h
}

// rewriteForm walks go-vcr's recorded Form: its names, then its values.
func rewriteForm(f url.Values, fn rewriteFunc) url.Values {
	for _, k := range slices.Sorted(maps.Keys(f)) {
		if nk, ok := fn(leaf{side: sideRequest, place: inRecordedFormName, name: k, value: k}); ok && nk != k {
			f[nk] = append(f[nk], f[k]...)
			delete(f, k)
			k = nk
		}
		ctx := kindOfName(sideRequest, k)
		for n, v := range f[k] {
			if nv, ok := fn(leaf{side: sideRequest, place: inRecordedForm, name: k, value: v, ctx: ctx}); ok {
				f[k][n] = nv
			}
		}
	}
	return f
}

// rewriteEncodedBody reads a body as decode.go decodes it, walks it, and writes back what fn changed
// (encoded again in the charset it came in), or, with normalize, the decoded body when decoding undid
// something. A body that cannot be read is one leaf (unread), which fn replaces whole. note says what was
// undone or replaced, when it was written.
func rewriteEncodedBody(s side, h map[string][]string, te *[]string, body *string, length *int64, fn rewriteFunc, normalize bool) (note string) {
	d := decodeBody(h, *te, *body)
	if d.unread != "" {
		nv, ok := fn(leaf{side: s, place: inBody, value: *body, unread: d.unread})
		if !ok || nv == *body {
			return ""
		}
		*body = nv
		fixLength(length, h, nv)
		if d.framed {
			*te = dropChunked(*te)
		}
		return "body not read (" + d.unread + "): stored as its digest"
	}
	out, changed := rewriteBody(s, h, d.body, fn)
	if !changed && !(normalize && len(d.how) > 0) {
		return ""
	}
	how := d.how
	if changed || d.charset != nil {
		enc, extra := d.encode(out, h)
		out = enc
		how = append(how, extra...)
	}
	*body = out
	if d.decodedEncoding {
		wire.DeleteHeader(h, "Content-Encoding")
	}
	if d.framed {
		*te = dropChunked(*te)
		if strings.EqualFold(strings.TrimSpace(wire.HeaderValue(h, "Transfer-Encoding")), "chunked") {
			wire.DeleteHeader(h, "Transfer-Encoding")
		}
	}
	fixLength(length, h, out)
	return strings.Join(how, "; ")
}

func dropChunked(te []string) []string {
	var out []string
	for _, t := range te {
		if !strings.EqualFold(strings.TrimSpace(t), "chunked") {
			out = append(out, t)
		}
	}
	return out
}

// rewriteBody walks a body by its media type, as the matcher reads it: JSON, a form or multipart (any
// subtype) when the type says so and the body is what it says; an answer, or a request, with no such type
// whose body is a JSON object or array is read as JSON too. Anything else is one leaf.
func rewriteBody(s side, h map[string][]string, body string, fn rewriteFunc) (string, bool) {
	if body == "" {
		return body, false
	}
	if isDigest(body) {
		// A body redaction replaced whole (one it could not read under its Content-Encoding) is the
		// marker, whatever its type says: read as a form, its "bytes=…" would be a field (FuzzRedactBody).
		return fn(leaf{side: s, place: inBody, value: body})
	}
	if _, ok := cassette.ParseImageDescriptor(body); ok {
		return fn(leaf{side: s, place: inBody, value: body})
	}
	mt, params := wire.ContentType(h)
	multi := strings.HasPrefix(mt, "multipart/")
	switch {
	case wire.IsJSONMedia(mt) || mt != wire.MediaForm && !multi && wire.LooksJSON([]byte(body)):
		out, ok, valid, deep := rewriteJSON(s, body, fn)
		if deep {
			return fn(leaf{side: s, place: inBody, value: body, deep: true})
		}
		if valid {
			return out, ok
		}
	case mt == wire.MediaForm:
		if _, err := url.ParseQuery(body); err == nil {
			return rewritePairs(body, s, inFormName, inForm, fn)
		}
	case multi:
		if out, ok, valid := rewriteMultipart(s, wire.Boundary(params, []byte(body)), body, fn); valid {
			return out, ok
		}
	}
	return fn(leaf{side: s, place: inBody, value: body})
}

// rewritePairs rewrites the names and values of "k=v&k=v" text that fn replaces, leaving the others as they
// are written. A pair that does not unescape is one value.
func rewritePairs(text string, s side, namePlace, valuePlace place, fn rewriteFunc) (string, bool) {
	return eachPair(text, func(name, value string) (string, string) {
		if r, ok := fn(leaf{side: s, place: namePlace, name: name, value: name}); ok {
			name = r
		}
		if r, ok := fn(leaf{side: s, place: valuePlace, name: name, value: value, ctx: kindOfName(s, name)}); ok {
			value = r
		}
		return name, value
	})
}

// eachPair rewrites "k=v&k=v" text pair by pair: f is given each name and value unescaped (a pair that
// does not unescape as it is written) and returns them, changed or not; a changed one is escaped again,
// the others stay as written. It reports whether anything changed.
func eachPair(text string, f func(name, value string) (string, string)) (string, bool) {
	pairs := strings.Split(text, "&")
	changed := false
	for n, p := range pairs {
		if p == "" {
			continue
		}
		k, v, hasValue := strings.Cut(p, "=")
		name, err1 := url.QueryUnescape(k)
		value, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil {
			name, value = k, v
		}
		nk, nv := k, v
		newName, newValue := f(name, value)
		if newName != name {
			nk = url.QueryEscape(newName)
		}
		if newValue != value {
			nv = url.QueryEscape(newValue)
		}
		if nk != k || nv != v {
			pairs[n] = nk
			if hasValue || nv != v {
				pairs[n] += "=" + nv
			}
			changed = true
		}
	}
	return strings.Join(pairs, "&"), changed
}

// rewriteMultipart walks the parts of a multipart body of any subtype. Parts are read raw: one fn leaves
// alone stays byte for byte, headers and transfer encoding included; a changed one is written with its
// headers as fn left them, its content plain (without a Content-Transfer-Encoding) when fn replaced it.
// The boundary stays, so the Content-Type stays true. A part is judged by its decoded content, as the
// matcher reads it. valid is false when the body does not parse.
func rewriteMultipart(s side, boundary, body string, fn rewriteFunc) (out string, changed, valid bool) {
	parts, err := wire.ParseMultipart(boundary, []byte(body))
	if err != nil {
		return body, false, false
	}
	// The boundary is a place too: a sender may write anything there (a NIK), and every delimiter line
	// repeats it. One the policy does not keep is replaced by its stand-in, here and in the Content-Type
	// (cleanMediaType), so that the body still reads.
	written := boundary
	if nb, ok := fn(leaf{side: s, place: inBoundary, value: boundary}); ok && nb != boundary && nb != "" {
		written, changed = nb, true
	}
	// The preamble and the epilogue, which every reader skips, are text no contract names: judged as one
	// leaf, and not written again when it is replaced (FuzzPlantedNDJSON found an epilogue kept).
	if frame := multipartFrame(boundary, body); strings.TrimSpace(frame) != "" {
		if nv, ok := fn(leaf{side: s, place: inPartFrame, value: frame}); ok && nv != frame {
			changed = true
		}
	}
	for n := range parts {
		p := &parts[n]
		if rewritePartHeaders(s, p, fn) {
			changed = true
		}
		pl := place(inPartText)
		if p.IsFile() {
			pl = inPartFile
		}
		media, _ := wire.MediaType(p.Header.Get("Content-Type"))
		l := leaf{side: s, place: pl, name: p.Name, value: string(p.Data), ctx: kindOfName(s, p.Name), media: media}
		if nv, ok := fn(l); ok && nv != string(p.Data) {
			p.Header.Del("Content-Transfer-Encoding")
			p.Raw = []byte(nv)
			changed = true
		}
	}
	if !changed {
		return body, false, true
	}
	var b strings.Builder
	for _, p := range parts {
		b.WriteString("--" + written + "\r\n")
		for _, k := range slices.Sorted(maps.Keys(p.Header)) {
			for _, v := range p.Header[k] {
				b.WriteString(k + ": " + v + "\r\n")
			}
		}
		b.WriteString("\r\n")
		b.Write(p.Raw)
		b.WriteString("\r\n")
	}
	b.WriteString("--" + written + "--\r\n")
	return b.String(), true, true
}

// multipartFrame is the text of a multipart body before its first delimiter and after its close
// delimiter, together; the whole body when it holds no delimiter.
func multipartFrame(boundary, body string) string {
	i := strings.Index(body, "--"+boundary)
	if i < 0 {
		return body // no part at all: every byte is outside them (the reader finds none, and no error)
	}
	frame := body[:i]
	if j := strings.LastIndex(body, "--"+boundary+"--"); j >= 0 {
		frame += body[j+len(boundary)+4:]
	}
	return frame
}

// rewritePartHeaders walks a part's headers: the form name and the file name of its Content-Disposition,
// its other headers' names and values (Content-Type and Content-Transfer-Encoding are judged as values
// too). It reports whether it changed one.
func rewritePartHeaders(s side, p *wire.Part, fn rewriteFunc) bool {
	changed := false
	cd := p.Header.Get("Content-Disposition")
	if cd != "" {
		disp, params, err := parseDisposition(cd)
		if err != nil {
			if nv, ok := fn(leaf{side: s, place: inPartHeader, name: "Content-Disposition", value: cd, part: p.Name}); ok && nv != cd {
				p.Header.Set("Content-Disposition", nv)
				changed = true
			}
		} else {
			name, file := params["name"], params["filename"]
			newName, newFile := name, file
			if name != "" {
				if nv, ok := fn(leaf{side: s, place: inPartName, name: name, value: name}); ok {
					newName = nv
				}
			}
			if file != "" {
				if nv, ok := fn(leaf{side: s, place: inPartFileName, name: file, value: file, part: newName}); ok {
					newFile = nv
				}
			}
			extra := false
			for k := range params {
				if k != "name" && k != "filename" {
					extra = true
				}
			}
			if newName != name || newFile != file || extra {
				v := disp
				if newName != "" {
					v += `; name="` + quoteEscape(newName) + `"`
				}
				if newFile != "" {
					v += `; filename="` + quoteEscape(newFile) + `"`
				}
				if v != cd {
					p.Header.Set("Content-Disposition", v)
					changed = true
				}
				p.Name, p.FileName = newName, newFile
			}
		}
	}
	for _, k := range slices.Sorted(maps.Keys(p.Header)) {
		if k == "Content-Disposition" {
			continue
		}
		// A part's header names are names as a message's are (a name the sender chose may hold a person or
		// a NIK): judged by the same policy, and a replaced one takes its values along.
		if nn, ok := fn(leaf{side: s, place: inHeaderName, name: k, value: k}); ok && nn != k {
			p.Header[nn] = append(p.Header[nn], p.Header[k]...)
			delete(p.Header, k)
			k = nn
			changed = true
		}
		for n, v := range p.Header[k] {
			if nv, ok := fn(leaf{side: s, place: inPartHeader, name: k, value: v, part: p.Name}); ok && nv != v {
				if nv == "" {
					p.Header.Del(k)
					changed = true
					break
				}
				p.Header[k][n] = nv
				changed = true
			}
		}
	}
	return changed
}

func quoteEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s)
}

// parseDisposition reads a Content-Disposition value: its type and parameters (names lower-cased).
func parseDisposition(v string) (string, map[string]string, error) {
	return parseMediaParams(v)
}

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

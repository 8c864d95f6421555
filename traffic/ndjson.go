package traffic

import (
	"bufio"
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/internal/wire"
)

// ReadNDJSON streams JSON lines, one interaction a line: the method, URL, status, response headers and
// body (and, when present, the request's headers and body and the time) under any of the names of the
// field table (LogFields, traffic/logfields.yaml; the README renders it). Blank lines and lines starting
// with # are skipped. A body is a JSON string (the text), a JSON object or array (the body itself), or a
// base64 string when its encoding field says "base64"; headers are an object of strings or arrays of
// strings, or an array of {"name", "value"}; a status is a number or a string of digits.
//
// What a line does not carry is not judged, never taken as absent: a line with no response-body field (an
// access log's) is Exchange.NoBody, one with no response-headers field Exchange.NoHeader; a field that is
// there is carried, even empty (an empty body is judged as empty, a logged header set without Retry-After
// lacks it). A status of the table's aborted list (0; nginx's 499) is Exchange.Incomplete: the client got
// no answer. A line over Limits.MaxInteraction is an error naming it; no line is held after its
// interaction is delivered. It never panics.
func ReadNDJSON(r io.Reader, lim Limits, fn func(i int, ex *contract.Exchange) error) error {
	return splitNDJSON(r, lim, decodeEach(fn))
}

// splitNDJSON cuts JSON lines into records, one a line; each record decodes its own copy of the line.
func splitNDJSON(r io.Reader, lim Limits, fn func(record) error) (err error) {
	defer unreadable("NDJSON", &err)
	br := buffered(r)
	var line []byte
	for lineNo, i := 1, 0; ; lineNo++ {
		line = line[:0]
		var rerr error
		for {
			chunk, err := br.ReadSlice('\n')
			if len(line)+len(chunk) > lim.max() {
				return fmt.Errorf("NDJSON: line %d: longer than the limit of %d bytes", lineNo, lim.max())
			}
			line = append(line, chunk...)
			if err == bufio.ErrBufferFull {
				continue
			}
			rerr = err
			break
		}
		if rerr != nil && rerr != io.EOF {
			return fmt.Errorf("NDJSON: line %d: %v", lineNo, rerr)
		}
		t := bytes.TrimSpace(line)
		if len(t) > 0 && t[0] != '#' {
			own, index, no := holdBytes(t), i, lineNo
			if err := fn(record{index, len(t), func() (*contract.Exchange, error) {
				line, done := own.take()
				if done {
					return nil, errDecodedTwice
				}
				defer own.release()
				ex, err := ndjsonExchange(line, index, lim)
				if err != nil {
					return nil, fmt.Errorf("NDJSON: line %d: %v", no, err)
				}
				return ex, nil
			}}); err != nil {
				return err
			}
			i++
		}
		if rerr == io.EOF {
			return nil
		}
	}
}

// object is one log line: its members in order, for each nested name (fieldNames.nested) the members of
// the object under that name, and for each wrapper the object under it, read the same way. A name read
// twice is read as its last value, as encoding/json reads an object into a map.
type object struct {
	top  []wire.JSONMember
	sub  [][]wire.JSONMember // by ndjsonFields.nested
	wrap []*object           // by ndjsonFields.wrappers; nil where the line has none
}

// parseObject cuts a log line into its members, and each nested object and wrapper into its own, by the
// lexer (wire.JSONMembers): the line is read once, and only the fields kontrak uses are decoded.
func parseObject(line []byte) (object, error) {
	top, err := wire.JSONMembers(line, ndjsonFields.known)
	if err != nil {
		return object{}, err
	}
	o := nestedOf(top)
	for k, w := range ndjsonFields.wrappers {
		raw, found := last(top, w)
		if !found || len(raw) == 0 || raw[0] != '{' {
			continue
		}
		ms, _ := wire.JSONMembers(raw, ndjsonFields.known) // a value of a line the lexer has read: an object
		if o.wrap == nil {
			o.wrap = make([]*object, len(ndjsonFields.wrappers))
		}
		wo := nestedOf(ms)
		o.wrap[k] = &wo
	}
	return o, nil
}

// nestedOf is an object of these members, its nested objects cut.
func nestedOf(top []wire.JSONMember) object {
	o := object{top: top, sub: make([][]wire.JSONMember, len(ndjsonFields.nested))}
	for k, n := range ndjsonFields.nested {
		raw, found := last(top, n)
		if !found || len(raw) == 0 || raw[0] != '{' {
			continue
		}
		o.sub[k], _ = wire.JSONMembers(raw, ndjsonFields.known) // a value of a line the lexer has read: an object
	}
	return o
}

// last is the value of the last member of that name.
func last(ms []wire.JSONMember, name string) ([]byte, bool) {
	for i := len(ms) - 1; i >= 0; i-- {
		if ms[i].Name == name {
			return ms[i].Value, true
		}
	}
	return nil, false
}

// get finds a field by its (possibly dotted) name in the line (own), else in each of its wrappers.
func (o *object) get(name string) ([]byte, bool) {
	if v, ok := o.own(name); ok {
		return v, true
	}
	for _, w := range o.wrap {
		if w != nil {
			if v, ok := w.own(name); ok {
				return v, true
			}
		}
	}
	return nil, false
}

// own finds a field of this object: a member of that very name, else the member of a nested object
// ("request.method" is the method of the request object). A null is no value.
func (o *object) own(name string) ([]byte, bool) {
	if v, ok := last(o.top, name); ok {
		return v, !isNull(v)
	}
	for k, n := range ndjsonFields.nested {
		if len(name) > len(n) && name[len(n)] == '.' && name[:len(n)] == n {
			v, ok := last(o.sub[k], name[len(n)+1:])
			return v, ok && !isNull(v)
		}
	}
	return nil, false
}

func isNull(v []byte) bool { return len(v) == 0 || string(v) == "null" }

func (o *object) first(names []string) ([]byte, string) {
	for _, n := range names {
		if v, ok := o.get(n); ok {
			return v, n
		}
	}
	return nil, ""
}

func (o *object) str(names []string) (string, string, error) {
	v, name := o.first(names)
	if v == nil {
		return "", "", nil
	}
	s, ok := wire.JSONString(v)
	if !ok {
		return "", name, fmt.Errorf("field %s is not a string", name)
	}
	return s, name, nil
}

func ndjsonExchange(line []byte, i int, lim Limits) (*contract.Exchange, error) {
	o, err := parseObject(line)
	if err != nil {
		if strings.HasPrefix(err.Error(), "not a JSON object") { // an array or a scalar
			return nil, err
		}
		return nil, fmt.Errorf("not a JSON object: %v", err)
	}
	f := &ndjsonFields
	method, _, err := o.str(f.method)
	if err != nil {
		return nil, err
	}
	rawURL, _, err := o.str(f.url)
	if err != nil {
		return nil, err
	}
	if method == "" || rawURL == "" {
		if rl, _, _ := o.str(f.requestLine); rl != "" {
			if m, target, ok := requestLine(rl); ok {
				method, rawURL = cmp.Or(method, m), cmp.Or(rawURL, target)
			}
		}
	}
	if method == "" || rawURL == "" {
		return nil, errMethodURL
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("bad url: %s", wire.ShapeQuoted(wire.URLFault(err)))
	}
	if u.Host == "" {
		if host, _, _ := o.str(f.host); host != "" && host != "-" { // "-": a text log's "none"
			u.Host = host
			if u.Scheme == "" {
				u.Scheme = "https"
			}
		}
	}
	if u.RawQuery == "" {
		if q, _, _ := o.str(f.query); q != "" && q != "-" {
			u.RawQuery = strings.TrimPrefix(q, "?")
		}
	}
	ex := &contract.Exchange{ID: i, Method: strings.ToUpper(method), URL: u.String(), Path: u.Path}
	sv, sname := o.first(f.status)
	if sv == nil {
		return nil, errStatus
	}
	if ex.Status, err = statusOf(sv); err != nil {
		return nil, fmt.Errorf("field %s: %v", sname, err)
	}
	if f.aborted[ex.Status] {
		ex.Incomplete = contract.Aborted
	}
	if hv, hname := o.first(f.header); hv != nil {
		if ex.Header, err = headersOf(hv); err != nil {
			return nil, fmt.Errorf("field %s: %v", hname, err)
		}
	} else {
		ex.NoHeader = true // the line carries no headers: not judged, never taken as absent
	}
	if hv, hname := o.first(f.reqHeader); hv != nil {
		if ex.RequestHeader, err = headersOf(hv); err != nil {
			return nil, fmt.Errorf("field %s: %v", hname, err)
		}
	}
	enc, _, _ := o.str(f.bodyEncoding)
	if bv, bname := o.first(f.body); bv != nil {
		if ex.Body, err = bodyOf(bv, enc); err != nil {
			return nil, fmt.Errorf("field %s: %v", bname, err)
		}
	} else {
		ex.NoBody = true // an access-log line: the body is not judged, never taken as empty
	}
	if bv, bname := o.first(f.reqBody); bv != nil {
		if ex.RequestBody, err = bodyOf(bv, ""); err != nil {
			return nil, fmt.Errorf("field %s: %v", bname, err)
		}
	}
	for _, n := range f.time { // the first that reads as a time: CloudFront's "time" is a time of day alone
		if tv, ok := o.get(n); ok {
			if ex.Time = timeOf(tv); !ex.Time.IsZero() {
				break
			}
		}
	}
	normalise(ex, lim.max())
	return ex, nil
}

// The errors of a line without the parts every interaction needs, naming the first accepted names.
var (
	errMethodURL = fmt.Errorf("no method or url (accepted names: %s; %s; or a request line: %s; see the README's table)",
		hint(ndjsonFields.method), hint(ndjsonFields.url), hint(ndjsonFields.requestLine))
	errStatus = fmt.Errorf("no status (accepted names: %s; see the README's table)", hint(ndjsonFields.status))
)

// requestLine reads an HTTP request line as nginx's $request logs it: "METHOD TARGET PROTOCOL" (or, for
// HTTP/0.9, "METHOD TARGET"). Anything else is no request line.
func requestLine(s string) (method, target string, ok bool) {
	fs := strings.Fields(s)
	if len(fs) != 2 && len(fs) != 3 || fs[0] == "-" {
		return "", "", false
	}
	if len(fs) == 3 && !strings.HasPrefix(fs[2], "HTTP/") {
		return "", "", false
	}
	return fs[0], fs[1], true
}

func statusOf(v []byte) (int, error) {
	var s string
	if v[0] == '"' {
		var ok bool
		if s, ok = wire.JSONString(v); !ok {
			return 0, errors.New("not a string")
		}
	} else {
		s = string(v)
	}
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || (n < 100 || n > 599) && !ndjsonFields.aborted[n] {
		shown := wire.ShapeUnlessShort(s, 4) // a short number as it is; a name, a NIK put there by its shape
		if err != nil {
			shown = wire.Shape(s)
		}
		return 0, fmt.Errorf("not an HTTP status: %s", shown)
	}
	return n, nil
}

func headersOf(v []byte) (http.Header, error) {
	h := http.Header{}
	switch v[0] {
	case '{':
		ms, err := wire.JSONStringLists(v)
		if err != nil {
			return nil, errors.New("not a JSON object")
		}
		for i, m := range ms {
			if laterName(ms[i+1:], m.Name) {
				continue // a name given twice is its last value
			}
			switch {
			case !m.OK && m.Array:
				return nil, fmt.Errorf("header %s: not strings", contract.ShownName(m.Name))
			case !m.OK:
				return nil, fmt.Errorf("header %s: not a string", contract.ShownName(m.Name))
			case len(m.Values) == 0:
				continue // an empty array carries no value
			}
			k := textproto.CanonicalMIMEHeaderKey(m.Name) // as http.Header.Add keys it
			if vs, ok := h[k]; ok {
				h[k] = append(vs, m.Values...) // a full slice: its own array from here on
			} else {
				h[k] = m.Values[:len(m.Values):len(m.Values)] // the values read are the header's own
			}
		}
	case '[':
		var kvs []harHeader
		if err := wire.UnmarshalJSON(v, &kvs); err != nil {
			return nil, errors.New("not an array of {name, value}")
		}
		for _, kv := range kvs {
			if kv.Name != "" {
				h.Add(kv.Name, kv.Value)
			}
		}
	default:
		return nil, errors.New("headers are neither an object nor an array")
	}
	return h, nil
}

// laterName reports whether a member of that name comes in ms.
func laterName(ms []wire.JSONStrings, name string) bool {
	for _, m := range ms {
		if m.Name == name {
			return true
		}
	}
	return false
}

func bodyOf(v []byte, encoding string) ([]byte, error) {
	if v[0] != '"' {
		return append([]byte(nil), v...), nil // the body itself, as JSON
	}
	s, ok := wire.JSONString(v)
	if !ok {
		return nil, errors.New("not a string")
	}
	b, known, err := decodeEncoded(s, encoding, "", "text", "utf-8", "utf8")
	if !known {
		return nil, fmt.Errorf("unknown body encoding %s", contract.ShownName(encoding))
	}
	return b, err
}

// timeOf reads an RFC 3339 string, a common-log-format time (nginx's $time_local), or a Unix time in
// seconds or milliseconds, as a number or a string of digits; anything else is no time.
func timeOf(v []byte) time.Time {
	if v[0] == '"' {
		if s, ok := wire.JSONString(v); ok {
			return timeOfText(s)
		}
		return time.Time{}
	}
	return unixTime(string(v))
}

// clfTime is the layout of the common log format's time ("10/Oct/2000:13:55:36 -0700").
const clfTime = "02/Jan/2006:15:04:05 -0700"

// timeOfText reads a time written as text: RFC 3339, the common log format's, or a Unix time.
func timeOfText(s string) time.Time {
	for _, layout := range []string{time.RFC3339Nano, clfTime} {
		if t, err := time.Parse(layout, s); err == nil {
			return t
		}
	}
	return unixTime(s)
}

// unixTime reads a Unix time in seconds, or in milliseconds when it is too large to be seconds.
func unixTime(s string) time.Time {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || !(f > 0 && f <= 1e15) { // NaN and infinities too; beyond 1e15 is no seconds or milliseconds
		return time.Time{}
	}
	if f > 1e11 { // milliseconds
		return time.UnixMilli(int64(f))
	}
	return time.Unix(int64(f), int64((f-float64(int64(f)))*1e9))
}

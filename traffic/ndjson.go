package traffic

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/internal/wire"
)

// The field names an NDJSON line may use, in the order they are tried. A dotted name is a field of a
// nested object ("request.method" is {"request": {"method": …}}). These are the shapes of common
// access-log exporters: a flat log (method, url, status, headers, body), nginx/Apache JSON log formats
// (request_method, request_uri, status), Caddy (request.method, request.uri, request.host, status,
// resp_headers), Kong and Envoy-style nested request/response objects, and Google Cloud's httpRequest.
var ndjsonFields = struct {
	method, url, host, query, status, header, body, bodyEncoding, reqHeader, reqBody, time []string
}{
	method:       []string{"method", "request_method", "http_method", "request.method", "httpRequest.requestMethod", "req.method"},
	url:          []string{"url", "request_url", "uri", "request_uri", "path", "request.url", "request.uri", "httpRequest.requestUrl", "req.url"},
	host:         []string{"host", "request.host", "http_host"},
	query:        []string{"query", "query_string", "request.query"},
	status:       []string{"status", "status_code", "statusCode", "response_status", "response.status", "response.status_code", "httpRequest.status", "res.statusCode"},
	header:       []string{"response_headers", "resp_headers", "headers", "response.headers", "res.headers"},
	body:         []string{"response_body", "resp_body", "body", "response.body", "res.body"},
	bodyEncoding: []string{"response_body_encoding", "body_encoding", "response.body_encoding", "response.bodyEncoding"},
	reqHeader:    []string{"request_headers", "req_headers", "request.headers", "req.headers"},
	reqBody:      []string{"request_body", "req_body", "request.body", "req.body"},
	time:         []string{"time", "timestamp", "ts", "@timestamp", "started_at", "startedDateTime"},
}

// ReadNDJSON streams JSON lines, one interaction a line: the method, URL, status, response headers and
// body (and, when present, the request's headers and body and the time) under any of the accepted field
// names (see the package documentation). Blank lines and lines starting with # are skipped. A body is a
// JSON string (the text), a JSON object or array (the body itself), or a base64 string when its encoding
// field says "base64"; headers are an object of strings or arrays of strings, or an array of
// {"name", "value"}. A line over Limits.MaxInteraction is an error naming it; no line is held after its
// interaction is delivered. It never panics.
func ReadNDJSON(r io.Reader, lim Limits, fn func(i int, ex *contract.Exchange) error) error {
	return splitNDJSON(r, lim, decodeEach(fn))
}

// splitNDJSON cuts JSON lines into records, one a line; each record decodes its own copy of the line.
func splitNDJSON(r io.Reader, lim Limits, fn func(record) error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("NDJSON: unreadable (internal error: %v)", p)
		}
	}()
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
			own, index, no := append([]byte(nil), t...), i, lineNo
			if err := fn(record{index, func() (*contract.Exchange, error) {
				ex, err := ndjsonExchange(own, index, lim)
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

// object is one log line: its members in order and, for each of the nested names, the members of the
// object under that name. A name read twice is read as its last value, as encoding/json reads an object
// into a map.
type object struct {
	top []wire.JSONMember
	sub [len(nested)][]wire.JSONMember
}

// nested are the objects whose fields the accepted names reach with a dot.
var nested = [...]string{"request", "response", "httpRequest", "req", "res"}

// parseObject cuts a log line into its members, and each nested object into its own, by the lexer
// (wire.JSONMembers): the line is read once, and only the fields kontrak uses are decoded.
func parseObject(line []byte) (object, error) {
	var o object
	top, err := wire.JSONMembers(line)
	if err != nil {
		return o, err
	}
	o.top = top
	for k, n := range nested {
		raw, found := last(o.top, n)
		if !found || len(raw) == 0 || raw[0] != '{' {
			continue
		}
		o.sub[k], _ = wire.JSONMembers(raw) // a value of a line the lexer has read: an object
	}
	return o, nil
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

// get finds a field by its (possibly dotted) name: a member of the line of that very name, else the
// member of a nested object ("request.method" is the method of the line's request object).
func (o *object) get(name string) ([]byte, bool) {
	if v, ok := last(o.top, name); ok {
		return v, !isNull(v)
	}
	for k, n := range nested {
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
	method, _, err := o.str(ndjsonFields.method)
	if err != nil {
		return nil, err
	}
	rawURL, _, err := o.str(ndjsonFields.url)
	if err != nil {
		return nil, err
	}
	if method == "" || rawURL == "" {
		return nil, errors.New("no method or url (accepted names: method, request_method, request.method, …; url, uri, request_uri, path, request.url, …)")
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("bad url: %v", err)
	}
	if u.Host == "" {
		if host, _, _ := o.str(ndjsonFields.host); host != "" {
			u.Host = host
			if u.Scheme == "" {
				u.Scheme = "https"
			}
		}
	}
	if u.RawQuery == "" {
		if q, _, _ := o.str(ndjsonFields.query); q != "" {
			u.RawQuery = strings.TrimPrefix(q, "?")
		}
	}
	ex := &contract.Exchange{ID: i, Method: strings.ToUpper(method), URL: u.String(), Path: u.Path}
	sv, sname := o.first(ndjsonFields.status)
	if sv == nil {
		return nil, errors.New("no status (accepted names: status, status_code, statusCode, response.status, …)")
	}
	if ex.Status, err = statusOf(sv); err != nil {
		return nil, fmt.Errorf("field %s: %v", sname, err)
	}
	if hv, hname := o.first(ndjsonFields.header); hv != nil {
		if ex.Header, err = headersOf(hv); err != nil {
			return nil, fmt.Errorf("field %s: %v", hname, err)
		}
	}
	if hv, hname := o.first(ndjsonFields.reqHeader); hv != nil {
		if ex.RequestHeader, err = headersOf(hv); err != nil {
			return nil, fmt.Errorf("field %s: %v", hname, err)
		}
	}
	enc, _, _ := o.str(ndjsonFields.bodyEncoding)
	if bv, bname := o.first(ndjsonFields.body); bv != nil {
		if ex.Body, err = bodyOf(bv, enc); err != nil {
			return nil, fmt.Errorf("field %s: %v", bname, err)
		}
	}
	if bv, bname := o.first(ndjsonFields.reqBody); bv != nil {
		if ex.RequestBody, err = bodyOf(bv, ""); err != nil {
			return nil, fmt.Errorf("field %s: %v", bname, err)
		}
	}
	if tv, _ := o.first(ndjsonFields.time); tv != nil {
		ex.Time = timeOf(tv)
	}
	normalise(ex, lim.max())
	return ex, nil
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
	if err != nil || n < 100 || n > 599 {
		return 0, fmt.Errorf("not an HTTP status: %.20s", s)
	}
	return n, nil
}

func headersOf(v []byte) (http.Header, error) {
	h := http.Header{}
	switch v[0] {
	case '{':
		ms, err := wire.JSONMembers(v)
		if err != nil {
			return nil, errors.New("not a JSON object")
		}
		for i, m := range ms {
			if _, later := last(ms[i+1:], m.Name); later {
				continue // a name given twice is its last value
			}
			k, raw := m.Name, m.Value
			if len(raw) > 0 && raw[0] == '[' {
				vs, ok := stringsOf(raw)
				if !ok {
					return nil, fmt.Errorf("header %s: not strings", k)
				}
				for _, s := range vs {
					h.Add(k, s)
				}
				continue
			}
			var s string
			if !isNull(raw) {
				var ok bool
				if s, ok = wire.JSONString(raw); !ok {
					return nil, fmt.Errorf("header %s: not a string", k)
				}
			}
			h.Add(k, s)
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

// stringsOf reads a JSON array of strings (a null is ""), as encoding/json reads one into []string.
func stringsOf(raw []byte) ([]string, bool) {
	els, err := wire.JSONElements(raw)
	if err != nil {
		return nil, false
	}
	out := make([]string, len(els))
	for i, el := range els {
		if isNull(el) {
			continue
		}
		s, ok := wire.JSONString(el)
		if !ok {
			return nil, false
		}
		out[i] = s
	}
	return out, true
}

func bodyOf(v []byte, encoding string) ([]byte, error) {
	if v[0] != '"' {
		return append([]byte(nil), v...), nil // the body itself, as JSON
	}
	s, ok := wire.JSONString(v)
	if !ok {
		return nil, errors.New("not a string")
	}
	switch strings.ToLower(encoding) {
	case "", "text", "utf-8", "utf8":
		return []byte(s), nil
	case "base64":
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return nil, fmt.Errorf("base64: %v", err)
		}
		return b, nil
	}
	return nil, fmt.Errorf("unknown body encoding %q", encoding)
}

// timeOf reads an RFC 3339 string or a Unix time in seconds or milliseconds; anything else is no time.
func timeOf(v []byte) time.Time {
	if v[0] == '"' {
		if s, ok := wire.JSONString(v); ok {
			if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
				return t
			}
		}
		return time.Time{}
	}
	f, err := strconv.ParseFloat(string(v), 64)
	if err != nil || f <= 0 {
		return time.Time{}
	}
	if f > 1e11 { // milliseconds
		return time.UnixMilli(int64(f))
	}
	return time.Unix(int64(f), int64((f-float64(int64(f)))*1e9))
}

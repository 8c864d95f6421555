package traffic

// The NDJSON reader as it was before the lexer: every line decoded by encoding/json into a map, nested
// objects decoded again. FuzzNDJSONFast holds the reader to this oracle's reading.

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/internal/wire"
)

// oracleObject is one JSON object, its values left raw until asked for; wrap are its wrappers' objects.
type oracleObject struct {
	m    map[string]json.RawMessage
	wrap []oracleObject
}

// flatten decodes each nested object once, its fields kept under dotted names ("request.method").
func flatten(m map[string]json.RawMessage) {
	for _, n := range ndjsonFields.nested {
		raw, ok := m[n]
		if !ok || len(raw) == 0 || raw[0] != '{' {
			continue
		}
		var sub map[string]json.RawMessage
		if json.Unmarshal(raw, &sub) != nil {
			continue
		}
		for k, v := range sub {
			if _, taken := m[n+"."+k]; !taken {
				m[n+"."+k] = v
			}
		}
	}
}

// get finds a field by its (possibly dotted) name: in the line, else in its wrappers.
func (o oracleObject) get(name string) (json.RawMessage, bool) {
	if v, ok := o.m[name]; ok && !oracleIsNull(v) {
		return v, true
	}
	for _, w := range o.wrap {
		if v, ok := w.get(name); ok {
			return v, true
		}
	}
	return nil, false
}

func oracleIsNull(v json.RawMessage) bool { return len(v) == 0 || string(v) == "null" }

func (o oracleObject) first(names []string) (json.RawMessage, string) {
	for _, n := range names {
		if v, ok := o.get(n); ok {
			return v, n
		}
	}
	return nil, ""
}

func (o oracleObject) str(names []string) (string, string, error) {
	v, name := o.first(names)
	if v == nil {
		return "", "", nil
	}
	var s string
	if err := json.Unmarshal(v, &s); err != nil {
		return "", name, fmt.Errorf("field %s is not a string", name)
	}
	return s, name, nil
}

func oracleExchange(line []byte, i int, lim Limits) (*contract.Exchange, error) {
	var o oracleObject
	if err := json.Unmarshal(line, &o.m); err != nil {
		return nil, fmt.Errorf("not a JSON oracleObject: %v", err)
	}
	if o.m == nil {
		return nil, errors.New("not a JSON object: null")
	}
	flatten(o.m)
	for _, w := range ndjsonFields.wrappers {
		var wm map[string]json.RawMessage
		if raw := o.m[w]; len(raw) > 0 && raw[0] == '{' && json.Unmarshal(raw, &wm) == nil {
			flatten(wm)
			o.wrap = append(o.wrap, oracleObject{m: wm})
		}
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
				if method == "" {
					method = m
				}
				if rawURL == "" {
					rawURL = target
				}
			}
		}
	}
	if method == "" || rawURL == "" {
		return nil, errMethodURL
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("bad url: %v", err)
	}
	if u.Host == "" {
		if host, _, _ := o.str(f.host); host != "" && host != "-" {
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
	if ex.Status, err = oracleStatusOf(sv); err != nil {
		return nil, fmt.Errorf("field %s: %v", sname, err)
	}
	if f.aborted[ex.Status] {
		ex.Incomplete = contract.Aborted
	}
	if hv, hname := o.first(f.header); hv != nil {
		if ex.Header, err = oracleHeadersOf(hv); err != nil {
			return nil, fmt.Errorf("field %s: %v", hname, err)
		}
	} else {
		ex.NoHeader = true
	}
	if hv, hname := o.first(f.reqHeader); hv != nil {
		if ex.RequestHeader, err = oracleHeadersOf(hv); err != nil {
			return nil, fmt.Errorf("field %s: %v", hname, err)
		}
	}
	enc, _, _ := o.str(f.bodyEncoding)
	if bv, bname := o.first(f.body); bv != nil {
		if ex.Body, err = oracleBodyOf(bv, enc); err != nil {
			return nil, fmt.Errorf("field %s: %v", bname, err)
		}
	} else {
		ex.NoBody = true
	}
	if bv, bname := o.first(f.reqBody); bv != nil {
		if ex.RequestBody, err = oracleBodyOf(bv, ""); err != nil {
			return nil, fmt.Errorf("field %s: %v", bname, err)
		}
	}
	for _, n := range f.time {
		if tv, ok := o.get(n); ok {
			if ex.Time = oracleTimeOf(tv); !ex.Time.IsZero() {
				break
			}
		}
	}
	normalise(ex, lim.max())
	return ex, nil
}

func oracleStatusOf(v json.RawMessage) (int, error) {
	var s string
	if v[0] == '"' {
		if err := json.Unmarshal(v, &s); err != nil {
			return 0, err
		}
	} else {
		s = string(v)
	}
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || (n < 100 || n > 599) && !ndjsonFields.aborted[n] {
		return 0, fmt.Errorf("not an HTTP status: %.20s", s)
	}
	return n, nil
}

func oracleHeadersOf(v json.RawMessage) (http.Header, error) {
	h := http.Header{}
	switch v[0] {
	case '{':
		var m map[string]json.RawMessage
		if err := json.Unmarshal(v, &m); err != nil {
			return nil, err
		}
		for k, raw := range m {
			if len(raw) > 0 && raw[0] == '[' {
				var vs []string
				if err := json.Unmarshal(raw, &vs); err != nil {
					return nil, fmt.Errorf("header %s: not strings", k)
				}
				for _, s := range vs {
					h.Add(k, s)
				}
				continue
			}
			var s string
			if err := json.Unmarshal(raw, &s); err != nil {
				return nil, fmt.Errorf("header %s: not a string", k)
			}
			h.Add(k, s)
		}
	case '[':
		var kvs []harHeader
		if err := json.Unmarshal(v, &kvs); err != nil {
			return nil, errors.New("not an array of {name, value}")
		}
		for _, kv := range kvs {
			if kv.Name != "" {
				h.Add(kv.Name, kv.Value)
			}
		}
	default:
		return nil, errors.New("headers are neither an oracleObject nor an array")
	}
	return h, nil
}

func oracleBodyOf(v json.RawMessage, encoding string) ([]byte, error) {
	if v[0] != '"' {
		return append([]byte(nil), v...), nil // the body itself, as JSON
	}
	var s string
	if err := json.Unmarshal(v, &s); err != nil {
		return nil, err
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

// oracleTimeOf reads an RFC 3339 string or a Unix time in seconds or milliseconds; anything else is no time.
func oracleTimeOf(v json.RawMessage) time.Time {
	if v[0] == '"' {
		var s string
		if json.Unmarshal(v, &s) == nil {
			return timeOfText(s)
		}
		return time.Time{}
	}
	return unixTime(string(v)) // what a number means is the reader's; how it is read is the oracle's
}

// FuzzNDJSONFast: the lexer's reading of a log line is the oracle's: the same exchange, or an error
// from both; or, where the UTF-8 policy refuses what encoding/json reads as U+FFFD (invalid UTF-8, a
// lone surrogate), an error that says so. Header values are compared per name as sets: the oracle's order among names that differ only
// in case followed Go's map order. Seeds: the lines of the generated mixed log, stock access-log lines,
// and testdata/fuzz/FuzzNDJSONFast.
func FuzzNDJSONFast(f *testing.F) {
	var buf bytes.Buffer
	writeNDJSON(&buf, withOthers(corpus(f))[:40])
	for _, l := range bytes.Split(buf.Bytes(), []byte("\n")) {
		if len(bytes.TrimSpace(l)) > 0 {
			f.Add(l)
		}
	}
	f.Add([]byte(`{"method":"GET","url":"/a","status":"200","headers":{"A":null,"a":["x",null]},"body":"\ud800x\u00e9","request":{"method":"PUT"},"request.method":null}`))
	for _, l := range accessLines(busy(f)) { // stock exporters' lines: nginx, Istio, Envoy Gateway, Cloud Logging, Caddy
		f.Add([]byte(l.line(200)))
		f.Add([]byte(l.line(0)))
	}
	f.Add([]byte(`{"jsonPayload":{"method":null,"request":"GET /a HTTP/1.1","status":"499","response_body":""},"method":null,"request":{"method":"PUT"},"path":"/b"}`))
	f.Fuzz(func(t *testing.T, line []byte) {
		got, gerr := ndjsonExchange(line, 0, Limits{})
		want, werr := oracleExchange(line, 0, Limits{})
		if gerr != nil && werr == nil && json.Valid(line) && !wire.ValidJSON(line) {
			if !strings.Contains(gerr.Error(), "UTF-8") && !strings.Contains(gerr.Error(), "surrogate") {
				t.Fatalf("error %v, the oracle reads it\n%q", gerr, line)
			}
			return
		}
		if (gerr == nil) != (werr == nil) {
			t.Fatalf("error %v, the oracle's %v\n%q", gerr, werr, line)
		}
		if gerr != nil {
			return
		}
		for _, h := range []http.Header{got.Header, want.Header, got.RequestHeader, want.RequestHeader} {
			for _, vs := range h {
				sort.Strings(vs)
			}
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Fatalf("(-oracle +fast):\n%s\n%q", d, line)
		}
	})
}

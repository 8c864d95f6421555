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

// oracleObject is one JSON oracleObject, its values left raw until asked for.
type oracleObject map[string]json.RawMessage

// oracleNested are the objects whose fields the accepted names reach with a dot.
var oracleNested = []string{"request", "response", "httpRequest", "req", "res"}

// flatten decodes each oracleNested oracleObject once, its fields kept under dotted names ("request.method").
func (o oracleObject) flatten() {
	for _, n := range oracleNested {
		raw, ok := o[n]
		if !ok || len(raw) == 0 || raw[0] != '{' {
			continue
		}
		var sub oracleObject
		if json.Unmarshal(raw, &sub) != nil {
			continue
		}
		for k, v := range sub {
			if _, taken := o[n+"."+k]; !taken {
				o[n+"."+k] = v
			}
		}
	}
}

// get finds a field by its (possibly dotted) name.
func (o oracleObject) get(name string) (json.RawMessage, bool) {
	v, ok := o[name]
	return v, ok && !oracleIsNull(v)
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
	if err := json.Unmarshal(line, &o); err != nil {
		return nil, fmt.Errorf("not a JSON oracleObject: %v", err)
	}
	o.flatten()
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
	if ex.Status, err = oracleStatusOf(sv); err != nil {
		return nil, fmt.Errorf("field %s: %v", sname, err)
	}
	if hv, hname := o.first(ndjsonFields.header); hv != nil {
		if ex.Header, err = oracleHeadersOf(hv); err != nil {
			return nil, fmt.Errorf("field %s: %v", hname, err)
		}
	}
	if hv, hname := o.first(ndjsonFields.reqHeader); hv != nil {
		if ex.RequestHeader, err = oracleHeadersOf(hv); err != nil {
			return nil, fmt.Errorf("field %s: %v", hname, err)
		}
	}
	enc, _, _ := o.str(ndjsonFields.bodyEncoding)
	if bv, bname := o.first(ndjsonFields.body); bv != nil {
		if ex.Body, err = oracleBodyOf(bv, enc); err != nil {
			return nil, fmt.Errorf("field %s: %v", bname, err)
		}
	}
	if bv, bname := o.first(ndjsonFields.reqBody); bv != nil {
		if ex.RequestBody, err = oracleBodyOf(bv, ""); err != nil {
			return nil, fmt.Errorf("field %s: %v", bname, err)
		}
	}
	if tv, _ := o.first(ndjsonFields.time); tv != nil {
		ex.Time = oracleTimeOf(tv)
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
	if err != nil || n < 100 || n > 599 {
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

// FuzzNDJSONFast: the lexer's reading of a log line is the oracle's: the same exchange, or an error
// from both; or, where the UTF-8 policy refuses what encoding/json reads as U+FFFD (invalid UTF-8, a
// lone surrogate), an error that says so. Header values are compared per name as sets: the oracle's order among names that differ only
// in case followed Go's map order. Seeds: the lines of the generated mixed log, and
// testdata/fuzz/FuzzNDJSONFast.
func FuzzNDJSONFast(f *testing.F) {
	var buf bytes.Buffer
	writeNDJSON(&buf, withOthers(corpus(f))[:40])
	for _, l := range bytes.Split(buf.Bytes(), []byte("\n")) {
		if len(bytes.TrimSpace(l)) > 0 {
			f.Add(l)
		}
	}
	f.Add([]byte(`{"method":"GET","url":"/a","status":"200","headers":{"A":null,"a":["x",null]},"body":"\ud800x\u00e9","request":{"method":"PUT"},"request.method":null}`))
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

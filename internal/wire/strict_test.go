package wire

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDecodeJSONStrict(t *testing.T) {
	for _, tc := range []struct {
		reason, body string
		err          string // "" for none
		dups, oor    []string
		frac         []string
	}{
		{reason: "a plain object", body: `{"a": [1, {"b": "c"}]}`},
		{reason: "a Latin-1 É in a name is not UTF-8", body: "{\"name\": \"REN\xc9\"}", err: "invalid UTF-8 at byte 13"},
		{reason: "a UTF-8 BOM is named", body: "\xef\xbb\xbf{}", err: "a UTF-8 byte order mark (EF BB BF) opens the body at byte 0"},
		{reason: "a UTF-16 BOM is named", body: "\xff\xfe{}", err: "a UTF-16 byte order mark (FF FE) opens the body at byte 0"},
		{reason: "empty", body: " ", err: "no JSON value at byte 0"},
		{reason: "trailing data", body: `{} {}`, err: "data after the JSON value at byte 3"},
		{reason: "cut short", body: `{"a": [1`, err: "the JSON value is cut short at byte 8"},
		{reason: "syntax", body: `{"a" 1}`, err: "not JSON at byte 5"},
		{reason: "a lone surrogate is no character (encoding/json read it as U+FFFD)", body: `{"name": "\ud800"}`,
			err: "a lone surrogate escape (no character) in a string at byte 10"},
		{reason: "a low half alone", body: `["a\udc00"]`, err: "a lone surrogate escape (no character) in a string at byte 3"},
		{reason: "a high half before something else", body: `["\ud800\u0041"]`, err: "a lone surrogate escape (no character) in a string at byte 2"},
		{reason: "a pair is one character", body: `["\ud83d\ude00"]`},
		{reason: "duplicate keys are listed once each, nested ones with their place",
			body: `{"code":"SUCCESS","code":"OCR_NO_RESULT","code":"X","d":[{"a/b":1,"a/b":2}]}`,
			dups: []string{"/code", "/d/0/a~1b"}},
		{reason: "numbers beyond float64", body: `{"code":1e999,"n":[-2e400, 1e-999999999, 1E+0401, 1e400, 5e-324]}`, oor: []string{"/code", "/n/0", "/n/1", "/n/2", "/n/3"}},
		{reason: "integral numbers in fractional notation", body: `{"exp":1642580192430.0,"e":1e3,"f":1.5,"i":7}`, frac: []string{"/e", "/exp"}},
	} {
		got, err := DecodeJSONStrict([]byte(tc.body))
		if tc.err != "" {
			var je *JSONError
			if err == nil || err.Error() != tc.err || !errors.As(err, &je) {
				t.Errorf("%s: err %v, want %q", tc.reason, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.reason, err)
			continue
		}
		frac := append([]string(nil), got.Fractional...)
		sortStrings(frac)
		if diff := cmp.Diff(tc.dups, got.Duplicates); diff != "" {
			t.Errorf("%s: duplicates (-want +got):\n%s", tc.reason, diff)
		}
		if diff := cmp.Diff(tc.oor, got.OutOfRange); diff != "" {
			t.Errorf("%s: out of range (-want +got):\n%s", tc.reason, diff)
		}
		if diff := cmp.Diff(tc.frac, frac); diff != "" {
			t.Errorf("%s: fractional (-want +got):\n%s", tc.reason, diff)
		}
		dec := json.NewDecoder(strings.NewReader(tc.body))
		dec.UseNumber()
		var want any
		if err := dec.Decode(&want); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got.Doc); diff != "" {
			t.Errorf("%s: document differs from encoding/json's (-want +got):\n%s", tc.reason, diff)
		}
	}
}

func sortStrings(s []string) {
	for i := range s {
		for j := i + 1; j < len(s); j++ {
			if s[j] < s[i] {
				s[i], s[j] = s[j], s[i]
			}
		}
	}
}

func TestDecodeContentEncoding(t *testing.T) {
	plain := []byte(`{"code":"SUCCESS"}`)
	var gz, zl, raw bytes.Buffer
	w := gzip.NewWriter(&gz)
	w.Write(plain)
	w.Close()
	z := zlib.NewWriter(&zl)
	z.Write(plain)
	z.Close()
	f, _ := flate.NewWriter(&raw, flate.BestSpeed)
	f.Write(plain)
	f.Close()
	for _, tc := range []struct {
		reason, enc string
		body        []byte
		err         string
	}{
		{"no encoding", "", plain, ""},
		{"identity", "identity", plain, ""},
		{"gzip", "gzip", gz.Bytes(), ""},
		{"gzip, any case", "GZip", gz.Bytes(), ""},
		{"deflate as zlib", "deflate", zl.Bytes(), ""},
		{"deflate sent raw", "deflate", raw.Bytes(), ""},
		{"a list, undone right to left", "gzip, identity", gz.Bytes(), ""},
		{"a gzip header on a plain body", "gzip", plain, `content encoding "gzip": `},
		{"brotli is not decoded", "br", plain, `content encoding "br": not one kontrak decodes`},
	} {
		got, err := DecodeContentEncoding(tc.enc, tc.body)
		if tc.err != "" {
			if err == nil || !strings.HasPrefix(err.Error(), tc.err) {
				t.Errorf("%s: err %v, want prefix %q", tc.reason, err, tc.err)
			}
			continue
		}
		if err != nil || !bytes.Equal(got, plain) {
			t.Errorf("%s: %q, %v; want the plain body", tc.reason, got, err)
		}
	}
}

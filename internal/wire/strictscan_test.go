package wire

import (
	"bytes"
	"encoding/json"
	"math/big"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// The single pass and the token-by-token reference must give the same document, the same lists in the
// same order, and the same error, on every input; and refuse exactly what encoding/json's Valid refuses
// (once BOM and UTF-8 are judged, which Valid does not judge the same way).
func FuzzScan(f *testing.F) {
	for _, s := range []string{
		`{"a": [1, {"b": "c"}]}`, `{} {}`, `{"a": [1`, `{"a" 1}`, ``, ` `, `"x"`, `-0.0e+00`, `[1e400, 1.0, 1e-999999999]`,
		`{"code":"SUCCESS","code":"X","d":[{"a/b":1,"a/b":2,"a~b":3,"a~b":4}]}`, `{"s":"\ud83d\ude00 \ud800 \u00e9\n\"\\"}`,
		`{"exp":1642580192430.0,"e":1e3,"f":1.5,"i":7,"z":0e5,"h":100e-2,"t":1.05e1}`, `[01]`, `[1.]`, `[.5]`, `[-]`,
		`tru`, `nul`, `[true,false,null]`, `{"a":1,}`, `[1,]`, "{\"a\":\"\x01\"}", `"\x"`, `"\u12G4"`, "\xef\xbb\xbf{}",
		"{\"n\":\"REN\xc9\"}", strings.Repeat("[", 10001) + strings.Repeat("]", 10001), `{"":{"":[]}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := DecodeJSONStrict(b)
		want, werr := decodeJSONTokens(b)
		deep := err != nil && strings.HasPrefix(err.Error(), "nesting deeper")
		if utf8.Valid(b) && !bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}) && (err == nil) != json.Valid(b) {
			t.Fatalf("%q: err %v, json.Valid %v", b, err, json.Valid(b))
		}
		if deep {
			return // the reference recurses without a bound
		}
		if (err == nil) != (werr == nil) || err != nil && err.Error() != werr.Error() {
			t.Fatalf("%q: err %v, reference %v", b, err, werr)
		}
		if err != nil {
			return
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Fatalf("%q: (-reference +scan)\n%s", b, d)
		}
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		var doc any
		if dec.Decode(&doc) == nil {
			if d := cmp.Diff(doc, got.Doc); d != "" {
				t.Fatalf("%q: (-encoding/json +scan)\n%s", b, d)
			}
		}
	})
}

func TestIntegralAgreesWithRat(t *testing.T) {
	for _, s := range []string{"0", "-0", "0.0", "0e9", "1", "1.0", "1.5", "1e3", "1e-3", "100e-2", "100e-3", "1.05e1",
		"1.050e2", "-12.500e1", "0.001e3", "0.0010e2", "123456789.000000", "5e-324", "1.7976931348623157e308", "10E-1", "1E+2"} {
		r, _ := new(big.Rat).SetString(s)
		if got := integral(s); got != r.IsInt() {
			t.Errorf("integral(%q) = %v, big.Rat says %v", s, got, r.IsInt())
		}
	}
}

func TestDecodeJSONStrictDepth(t *testing.T) {
	ok := strings.Repeat("[", MaxJSONDepth) + strings.Repeat("]", MaxJSONDepth)
	if _, err := DecodeJSONStrict([]byte(ok)); err != nil {
		t.Errorf("%d levels: %v", MaxJSONDepth, err)
	}
	_, err := DecodeJSONStrict([]byte("[" + ok + "]"))
	if err == nil || err.Error() != "nesting deeper than 10000 levels at byte 10000" {
		t.Errorf("%d levels: err %v", MaxJSONDepth+1, err)
	}
}

// A document without a finding costs its tree and nothing else: no pointer, no list.
func TestDecodeJSONStrictQuiet(t *testing.T) {
	body := []byte(`{"a":{"b":[1,2.5,"x",true,null]},"c":"d"}`)
	got, err := DecodeJSONStrict(body)
	if err != nil || got.Duplicates != nil || got.OutOfRange != nil || got.Fractional != nil {
		t.Fatalf("%+v %v", got, err)
	}
}

func BenchmarkDecodeJSONStrict(b *testing.B) {
	body := []byte(`{"code":"SUCCESS","message":"OK","data":{"nik":"3171010101010001","name":"BUDI","score":0.98,` +
		`"ts":1642580192430,"rows":[{"k":"v","n":1},{"k":"w","n":2}]},"pricingStrategy":"PAY"}`)
	b.Run("scan", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := DecodeJSONStrict(body); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("tokens", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := decodeJSONTokens(body); err != nil {
				b.Fatal(err)
			}
		}
	})
}

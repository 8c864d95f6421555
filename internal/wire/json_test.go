package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v4"
)

// FuzzJSON is the one fuzz oracle of the lexer (json.go): on any input, DecodeJSONStrict gives what
// encoding/json's Decoder gives (oracleStrict: the same document, the same lists in the same order, the
// same error words), except where the UTF-8 policy refuses what encoding/json reads (a lone surrogate,
// which must then be in the input) and beyond MaxJSONDepth; it refuses exactly what json.Valid refuses,
// once a byte order mark and UTF-8 are judged; CheckJSON, WalkJSON, JSONMembers, JSONStringLists and
// JSONElements give its verdict and its words, and read what the Decoder reads, token for token. Seeds: testdata/fuzz/FuzzJSON.
func FuzzJSON(f *testing.F) {
	for _, s := range []string{
		`{"a": [1, {"b": "c"}]}`, `{} {}`, `{"a": [1`, `{"a" 1}`, ``, ` `, `"x"`, `-0.0e+00`, `[1e400, 1.0, 1e-999999999]`,
		`{"code":"SUCCESS","code":"X","d":[{"a/b":1,"a/b":2,"a~b":3,"a~b":4}]}`, `{"s":"\ud83d\ude00 \ud800 \u00e9\n\"\\"}`,
		`{"exp":1642580192430.0,"e":1e3,"f":1.5,"i":7,"z":0e5,"h":100e-2,"t":1.05e1}`, `[01]`, `[1.]`, `[.5]`, `[-]`,
		`tru`, `nul`, `[true,false,null]`, `{"a":1,}`, `[1,]`, "{\"a\":\"\x01\"}", `"\x"`, `"\u12G4"`, "\xef\xbb\xbf{}",
		"{\"n\":\"REN\xc9\"}", strings.Repeat("[", 10001) + strings.Repeat("]", 10001), `{"":{"":[]}}`,
		`"\udc00"`, `"\ud800\u0041"`, `"\\ud800"`, `{"a\u0041~/b":{"x\"y":"Siti \u004b","m":1E+2,"e":[]}}`,
		`  { "full_name" : "Siti" , "n" : [ 1 , 2.5e3 , true , null , -0 , "x" ] }  `, `{1:2}`, `[1 2]`,
		`{"A":["x",null,"y"],"B":null,"C":"z","D":[],"E":{"x":"y"},"F":["x",{}],"A":"w","G":[null]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := DecodeJSONStrict(b)
		var je *JSONError
		if err != nil && !errors.As(err, &je) {
			t.Fatalf("%q: error %T %v, want a *JSONError", b, err, err)
		}
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Fatalf("%q: error of more than one line: %q", b, err)
		}
		if utf8Valid(b) && !bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}) && !oracleLoneSurrogate(b) && (err == nil) != json.Valid(b) && (je == nil || !je.Deep) {
			t.Fatalf("%q: err %v, json.Valid %v", b, err, json.Valid(b))
		}
		if cerr := CheckJSON(b); !reflect.DeepEqual(cerr, errOrNil(err)) {
			t.Fatalf("%q: CheckJSON %v, DecodeJSONStrict %v", b, cerr, err)
		}
		var events []oracleEvent
		werr := WalkJSON(string(b), JSONVisitor{
			Open: func(name string, member bool) {
				events = append(events, oracleEvent{kind: "open", name: name, member: member})
			},
			Close: func() { events = append(events, oracleEvent{kind: "close"}) },
			Scalar: func(s *JSONScalar) {
				events = append(events, oracleEvent{kind: "scalar", ptr: string(s.Pointer), name: s.Name, member: s.Member, str: s.String, value: s.Value, start: s.Start, end: s.End})
			},
		})
		if !reflect.DeepEqual(werr, errOrNil(err)) {
			t.Fatalf("%q: WalkJSON %v, DecodeJSONStrict %v", b, werr, err)
		}
		if werr != nil && len(events) > 0 {
			t.Fatalf("%q: WalkJSON visited %d events of a text it refuses", b, len(events))
		}
		members, merr := JSONMembers(b, nil)
		// With a set of known names, the verdict is the same and the members are those of the set's names.
		known := map[string]string{"a": "a", "code": "code", "": "", "a/b": "a/b", "full_name": "full_name", "aA~/b": "aA~/b"}
		kept, kerr := JSONMembers(b, known)
		if !reflect.DeepEqual(errOrNil(kerr), errOrNil(merr)) {
			t.Fatalf("%q: JSONMembers with known names %v, without %v", b, kerr, merr)
		}
		if merr == nil {
			var want []JSONMember
			for _, m := range members {
				if _, ok := known[m.Name]; ok {
					want = append(want, m)
				}
			}
			if len(want) != len(kept) || len(want) > 0 && !reflect.DeepEqual(want, kept) {
				t.Fatalf("%q: JSONMembers with known names gives %q, want %q", b, kept, want)
			}
		}
		if isObject := err == nil && bytes.HasPrefix(bytes.TrimLeft(b, " \t\r\n"), []byte("{")); (merr == nil) != isObject {
			t.Fatalf("%q: JSONMembers %v, an object %v (DecodeJSONStrict %v)", b, merr, isObject, err)
		}
		lists, lerr := JSONStringLists(b)
		if !reflect.DeepEqual(errOrNil(lerr), errOrNil(merr)) {
			t.Fatalf("%q: JSONStringLists %v, JSONMembers %v", b, lerr, merr)
		}
		if merr == nil {
			oracleStringLists(t, b, members, lists)
		}
		elements, eerr := JSONElements(b)
		if isArray := err == nil && bytes.HasPrefix(bytes.TrimLeft(b, " \t\r\n"), []byte("[")); (eerr == nil) != isArray {
			t.Fatalf("%q: JSONElements %v, an array %v (DecodeJSONStrict %v)", b, eerr, isArray, err)
		}
		for _, e := range []error{merr, eerr} {
			if e != nil && err != nil && !reflect.DeepEqual(e, err) {
				t.Fatalf("%q: %v, DecodeJSONStrict %v", b, e, err)
			}
		}
		if je != nil && je.Deep {
			return // the oracle recurses without a bound
		}
		want, oerr := oracleStrict(b)
		if err != nil && oerr == nil {
			if je.Reason != "a lone surrogate escape (no character) in a string" || !oracleLoneSurrogate(b) {
				t.Fatalf("%q: err %v, the oracle reads it", b, err)
			}
			return
		}
		if err == nil && oerr != nil {
			t.Fatalf("%q: read, the oracle says %v", b, oerr)
		}
		if err != nil {
			var oe *JSONError
			errors.As(oerr, &oe)
			if je.Reason != oe.Reason && !(je.Reason == "a lone surrogate escape (no character) in a string" && oracleLoneSurrogate(b)) {
				t.Fatalf("%q: err %v, the oracle's %v", b, err, oerr)
			}
			if je.Reason == oe.Reason && je.Reason != "not JSON" && je.Offset != oe.Offset {
				t.Fatalf("%q: err %v, the oracle's %v", b, err, oerr)
			}
			return
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Fatalf("%q: (-oracle +lexer)\n%s", b, d)
		}
		wantEvents, wantMembers, wantElements, ok := oracleWalk(b)
		if !ok {
			t.Fatalf("%q: the oracle's walk refuses what its decode reads", b)
		}
		if d := cmp.Diff(wantEvents, events, cmp.AllowUnexported(oracleEvent{})); d != "" {
			t.Fatalf("%q: WalkJSON (-oracle +lexer)\n%s", b, d)
		}
		if merr == nil {
			if len(wantMembers) == 0 {
				wantMembers = []JSONMember{}
			}
			if d := cmp.Diff(wantMembers, members); d != "" {
				t.Fatalf("%q: JSONMembers (-oracle +lexer)\n%s", b, d)
			}
		}
		if eerr == nil {
			if len(wantElements) == 0 {
				wantElements = [][]byte{}
			}
			if d := cmp.Diff(wantElements, elements); d != "" {
				t.Fatalf("%q: JSONElements (-oracle +lexer)\n%s", b, d)
			}
		}
	})
}

// oracleStringLists: JSONStringLists reads each member as encoding/json reads its value into a string or
// a []string (a null as ""), and calls not OK what it cannot read so.
func oracleStringLists(t *testing.T, b []byte, members []JSONMember, lists []JSONStrings) {
	t.Helper()
	if len(lists) != len(members) {
		t.Fatalf("%q: JSONStringLists %d members, JSONMembers %d", b, len(lists), len(members))
	}
	for i, m := range members {
		l := lists[i]
		if l.Name != m.Name {
			t.Fatalf("%q: member %d named %q, JSONMembers %q", b, i, l.Name, m.Name)
		}
		var want []string
		ok, array := true, bytes.HasPrefix(m.Value, []byte("["))
		if array {
			var vs []*string
			ok = json.Unmarshal(m.Value, &vs) == nil
			for _, v := range vs {
				if v == nil {
					want = append(want, "")
				} else {
					want = append(want, *v)
				}
			}
		} else {
			var v *string
			if ok = json.Unmarshal(m.Value, &v) == nil; ok {
				want = []string{""}
				if v != nil {
					want = []string{*v}
				}
			}
		}
		if !ok {
			want = nil
		}
		if l.OK != ok || l.Array != array || !reflect.DeepEqual(l.Values, want) && (len(l.Values) > 0 || len(want) > 0) {
			t.Fatalf("%q: member %d read as %+v, encoding/json: ok %v, values %q", b, i, l, ok, want)
		}
	}
}

func utf8Valid(b []byte) bool { return oracleInvalidUTF8(b) == len(b) }

// errOrNil is err as an error, nil when it is a nil *JSONError or nil.
func errOrNil(err error) error {
	if je, ok := err.(*JSONError); ok && je == nil {
		return nil
	}
	return err
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

// TestOneDepthLimit: every reader of the lexer reads MaxJSONDepth levels and refuses one more, as
// deep (jsontext's own bound is the limit: a change of it fails here).
func TestOneDepthLimit(t *testing.T) {
	for _, open := range []string{"[", `{"a":`} {
		closer := "]"
		if open != "[" {
			closer = "}"
		}
		at := func(n int) []byte {
			return []byte(`{"x":` + strings.Repeat(open, n-1) + "1" + strings.Repeat(closer, n-1) + "}")
		}
		for _, n := range []int{MaxJSONDepth, MaxJSONDepth + 1} {
			b := at(n)
			deep := n > MaxJSONDepth
			check := func(reader string, err error) {
				t.Helper()
				var je *JSONError
				if deep != (err != nil) || deep && (!errors.As(err, &je) || !je.Deep) {
					t.Errorf("%s, %d levels of %s: %v", reader, n, open, err)
				}
			}
			check("CheckJSON", CheckJSON(b))
			_, err := DecodeJSONStrict(b)
			check("DecodeJSONStrict", err)
			check("WalkJSON", WalkJSON(string(b), JSONVisitor{}))
			_, err = JSONMembers(b, nil)
			check("JSONMembers", err)
			var v any
			if err := UnmarshalJSON(b, &v); deep != (err != nil) {
				t.Errorf("UnmarshalJSON, %d levels of %s: %v", n, open, err)
			}
			dec := NewJSONDecoder(bytes.NewReader(b))
			_, err = dec.ReadValue()
			if err != nil {
				err = JSONErrorOf(err, dec.InputOffset())
			}
			check("NewJSONDecoder", err)
		}
	}
}

// TestUTF8Policy: every reader of the lexer refuses invalid UTF-8 and a lone surrogate, in a name or a
// value, and reads a surrogate pair.
func TestUTF8Policy(t *testing.T) {
	for _, tc := range []struct {
		reason, body string
		ok           bool
	}{
		{"a Latin-1 byte in a value", "{\"a\":\"REN\xc9\"}", false},
		{"a Latin-1 byte in a name", "{\"REN\xc9\":1}", false},
		{"a cut UTF-8 sequence", "{\"a\":\"\xe2\x82\"}", false},
		{"a lone high surrogate", `{"a":"\ud800"}`, false},
		{"a lone low surrogate in a name", `{"\udfff":1}`, false},
		{"a high half, then a character", `{"a":"\ud800\u00e9"}`, false},
		{"a surrogate pair", `{"a":"\ud83d\ude00"}`, true},
		{"an escaped backslash before u", `{"a":"\\ud800"}`, true},
		{"U+FFFD as it is", "{\"a\":\"\xef\xbf\xbd\"}", true},
	} {
		b := []byte(tc.body)
		_, derr := DecodeJSONStrict(b)
		_, merr := JSONMembers(b, nil)
		var v map[string]any
		uerr := UnmarshalJSON(b, &v)
		dec := NewJSONDecoder(bytes.NewReader(b))
		_, serr := dec.ReadValue()
		for reader, err := range map[string]error{"CheckJSON": CheckJSON(b), "DecodeJSONStrict": derr,
			"WalkJSON": WalkJSON(tc.body, JSONVisitor{}), "JSONMembers": merr, "UnmarshalJSON": uerr, "NewJSONDecoder": serr} {
			if (err == nil) != tc.ok {
				t.Errorf("%s: %s: %v, want ok %v", tc.reason, reader, err, tc.ok)
			}
		}
	}
}

// TestLexErrors: jsontext's errors are worded by their kind, on one line, with jsontext's offset of the
// fault. The words of depth and of a surrogate are matched in lexError: a change of jsontext fails here.
func TestLexErrors(t *testing.T) {
	for _, tc := range []struct{ body, want string }{
		{`[1,]`, "not JSON at byte 3"},
		{`{"a":1,}`, "not JSON at byte 7"},
		{`{"a":tru}`, "not JSON at byte 8"},
		{`["\x"]`, "not JSON at byte 2"},
		{"[\"\x01\"]", "not JSON at byte 2"},
		{`["\ud800"]`, "a lone surrogate escape (no character) in a string at byte 2"},
		{`[1`, "the JSON value is cut short at byte 2"},
		{`[1] x`, "data after the JSON value at byte 4"},
		{strings.Repeat(`{"a":`, MaxJSONDepth+1), "nesting deeper than 10000 levels at byte 50000"},
	} {
		if err := CheckJSON([]byte(tc.body)); err == nil || err.Error() != tc.want {
			t.Errorf("%.40q: %v, want %q", tc.body, err, tc.want)
		}
	}
	if _, err := JSONMembers([]byte(` [1]`), nil); err == nil || err.Error() != "not a JSON object at byte 1" {
		t.Errorf("an array: %v", err)
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

// committedBodies are the JSON bodies kontrak's own files hold: every request and answer body of
// cassettes/** and the testdata of contract.
func committedBodies(t testing.TB) map[string][]byte {
	t.Helper()
	files, err := filepath.Glob("../../cassettes/*/*.yaml")
	if err != nil || len(files) < 100 {
		t.Fatalf("%d cassettes, %v", len(files), err)
	}
	out := map[string][]byte{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var c struct {
			Interactions []struct {
				Request  struct{ Body string } `yaml:"request"`
				Response struct{ Body string } `yaml:"response"`
			} `yaml:"interactions"`
		}
		if err := yaml.Unmarshal(data, &c); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for i, in := range c.Interactions {
			for side, body := range map[string]string{"request": in.Request.Body, "response": in.Response.Body} {
				if strings.TrimSpace(body) != "" {
					out[filepath.Base(f)+"#"+string(rune('0'+i))+" "+side] = []byte(body)
				}
			}
		}
	}
	k, err := os.ReadFile("../../contract/testdata/kredibel-success.json")
	if err != nil {
		t.Fatal(err)
	}
	out["kredibel-success.json"] = k
	return out
}

// hostile are six variants of a body that a reader must judge as the oracle does: a duplicate name, a
// lone surrogate, invalid UTF-8, the body cut in half, data after it, numbers beyond float64 and in a
// fractional notation.
func hostile(b []byte) map[string][]byte {
	t := bytes.TrimLeft(b, " \t\r\n")
	wrap := func(member string) []byte {
		if bytes.HasPrefix(t, []byte("{")) && !bytes.HasPrefix(bytes.TrimLeft(t[1:], " \t\r\n"), []byte("}")) {
			return append([]byte("{"+member+","), t[1:]...)
		}
		return []byte(`[{` + member + `},` + string(b) + `]`)
	}
	dup := wrap(`"code":"X","code":"Y"`)
	if _, members, _, ok := oracleWalk(b); ok && len(members) > 0 {
		name, _ := json.Marshal(members[0].Name)
		dup = wrap(string(name) + ":" + string(members[0].Value))
	}
	return map[string][]byte{
		"duplicate":      dup,
		"lone surrogate": wrap(`"x":"\ud800 Siti"`),
		"invalid UTF-8":  wrap("\"x\":\"REN\xc9\""),
		"cut short":      b[:len(b)/2],
		"data after":     append(append([]byte(nil), b...), " {}"...),
		"numbers":        wrap(`"n":[1e999,-2e400,1e-999999999,1.0,1e3,100e-2,0.5]`),
	}
}

// TestCommittedBodies: on every committed body and six hostile variants of each, DecodeJSONStrict gives
// the oracle's verdict, document and pointer lists; a variant with a lone surrogate is refused.
func TestCommittedBodies(t *testing.T) {
	bodies := committedBodies(t)
	n, refused := 0, 0
	for name, body := range bodies {
		cases := hostile(body)
		cases["as committed"] = body
		for variant, b := range cases {
			n++
			got, err := DecodeJSONStrict(b)
			want, werr := oracleStrict(b)
			if variant == "lone surrogate" {
				if err == nil || !strings.Contains(err.Error(), "lone surrogate") {
					t.Errorf("%s, %s: %v, want a lone surrogate refused", name, variant, err)
				}
				refused++
				continue
			}
			if (err == nil) != (werr == nil) {
				t.Errorf("%s, %s: %v, the oracle %v", name, variant, err, werr)
				continue
			}
			if err != nil {
				refused++
				if !strings.HasPrefix(err.Error(), strings.SplitN(werr.Error(), " at byte", 2)[0]) {
					t.Errorf("%s, %s: %v, the oracle %v", name, variant, err, werr)
				}
				continue
			}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("%s, %s (-oracle +lexer):\n%s", name, variant, d)
			}
		}
	}
	if n < 700 || refused < n/3 {
		t.Fatalf("%d bodies judged, %d refused: the corpus proves little", n, refused)
	}
}

// BenchmarkDecodeJSONStrict: the lexer's decode (a pooled decoder) beside encoding/json's Decoder token
// by token (the oracle) and json.Unmarshal into any (the cost unit of contract's BenchmarkRatio).
func BenchmarkDecodeJSONStrict(b *testing.B) {
	body := []byte(`{"code":"SUCCESS","message":"OK","data":{"nik":"3171010101010001","name":"BUDI","score":0.98,` +
		`"ts":1642580192430,"rows":[{"k":"v","n":1},{"k":"w","n":2}]},"pricingStrategy":"PAY"}`)
	b.Run("lexer", func(b *testing.B) {
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
			if _, err := oracleStrict(body); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("unmarshal", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var v any
			if err := json.Unmarshal(body, &v); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// UnmarshalJSON's errors say where and what kind of value came, never the value nor a name the input
// chose: encoding/json's words printed a number as written (a NIK at a number's place came out whole).
func TestUnmarshalErrorsQuoteNothing(t *testing.T) {
	type entry struct {
		Status  int                      `json:"status"`
		Headers []struct{ Value string } `json:"headers"`
		Counts  map[string]int           `json:"counts"`
	}
	for _, tc := range []struct{ in, want string }{
		{`{"status":3174051201900003.5}`, "json: a JSON number where an integer goes, at status"},
		{`{"Status":"KANARI INDAH"}`, "json: a JSON string where an integer goes, at status"},
		{`{"headers":[{"value":3174051201900003}]}`, "json: a JSON number where a string goes, at headers.0.Value"},
		{`{"counts":{"KANARI INDAH 3174051201900003":"x"}}`, "json: a JSON string where an integer goes, at counts.*"},
		{`{"status":1,`, "the JSON value is cut short"},
	} {
		var e entry
		err := UnmarshalJSON([]byte(tc.in), &e)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.in, err, tc.want)
		}
		if err != nil && (strings.Contains(err.Error(), "3174") || strings.Contains(err.Error(), "KANARI")) {
			t.Errorf("%s: the error %q prints the input", tc.in, err)
		}
	}
}

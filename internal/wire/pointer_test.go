package wire

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestEscape(t *testing.T) {
	for _, tc := range []struct{ token, escaped, reason string }{
		{"a/b", "a~1b", "a slash is ~1"},
		{"m~n", "m~0n", "a tilde is ~0"},
		{"~1", "~01", "an escaped-looking token escapes its tilde: it stays itself after Unescape"},
		{"", "", "the empty member name"},
	} {
		if got := Escape(tc.token); got != tc.escaped {
			t.Errorf("Escape(%q) = %q, want %q: %s", tc.token, got, tc.escaped, tc.reason)
		}
		if got := Unescape(tc.escaped); got != tc.token {
			t.Errorf("Unescape(%q) = %q, want %q: %s", tc.escaped, got, tc.token, tc.reason)
		}
	}
}

func TestJoinAndDisplay(t *testing.T) {
	if got := Join("/data", "a/b", "~"); got != "/data/a~1b/~0" {
		t.Errorf("Join = %q, want /data/a~1b/~0: each token is escaped", got)
	}
	if got := JoinIndex("/list", 3); got != "/list/3" {
		t.Errorf("JoinIndex = %q, want /list/3", got)
	}
	if got := Display(""); got != "/" {
		t.Errorf(`Display("") = %q, want "/": the root must be visible in a message`, got)
	}
	if got := Display("/a"); got != "/a" {
		t.Errorf("Display(/a) = %q", got)
	}
}

// rfc6901 is the example document of RFC 6901 section 5.
const rfc6901 = `{"foo": ["bar", "baz"], "": 0, "a/b": 1, "c%d": 2, "e^f": 3, "g|h": 4, "i\\j": 5, "k\"l": 6, " ": 7, "m~n": 8}`

func TestGetRFC6901(t *testing.T) {
	doc := decode(t, rfc6901)
	for _, tc := range []struct {
		ptr  string
		want string // JSON
	}{
		{"", rfc6901},
		{"/foo", `["bar", "baz"]`},
		{"/foo/0", `"bar"`},
		{"/", "0"},
		{"/a~1b", "1"},
		{"/c%d", "2"},
		{"/e^f", "3"},
		{"/g|h", "4"},
		{"/i\\j", "5"},
		{"/k\"l", "6"},
		{"/ ", "7"},
		{"/m~0n", "8"},
	} {
		got, ok := Get(doc, tc.ptr)
		if !ok {
			t.Errorf("Get(%q): not found", tc.ptr)
			continue
		}
		if diff := cmp.Diff(decode(t, tc.want), got); diff != "" {
			t.Errorf("Get(%q) (-want +got):\n%s", tc.ptr, diff)
		}
	}
	for _, tc := range []struct{ ptr, reason string }{
		{"foo", "no leading slash"},
		{"/foo/2", "past the end of the array"},
		{"/foo/01", "a leading zero is no index"},
		{"/foo/-1", "a negative index"},
		{"/foo/+1", "a sign is no index"},
		{"/foo/-", `"-" names the element after the last, which does not exist`},
		{"/missing", "an absent member"},
		{"/foo/0/x", "inside a string"},
		{"/m~2n", "~2 is no escape"},
		{"/m~", "a trailing ~"},
	} {
		if v, ok := Get(doc, tc.ptr); ok {
			t.Errorf("Get(%q) = %v, true; want not found: %s", tc.ptr, v, tc.reason)
		}
	}
}

func TestSet(t *testing.T) {
	for _, tc := range []struct {
		name, doc, ptr string
		value          any
		want           string // JSON; "" when Set must fail
		reason         string
	}{
		{"member", `{"a":1}`, "/a", "x", `{"a":"x"}`, "an existing member is replaced"},
		{"create", `{"code":"SUCCESS"}`, "/data/token", "t", `{"code":"SUCCESS","data":{"token":"t"}}`, "objects are created on the way, as a token answer needs"},
		{"null parent", `{"data":null}`, "/data/expiredTime", json.Number("1"), `{"data":{"expiredTime":1}}`, "a null on the way becomes an object"},
		{"nil doc", ``, "/a/b", true, `{"a":{"b":true}}`, "no document becomes an object"},
		{"array", `{"l":[{"x":1},{"x":2}]}`, "/l/1/x", 3.0, `{"l":[{"x":1},{"x":3}]}`, "an array is entered by an existing index"},
		{"escaped", `{}`, "/a~1b/m~0n", "v", `{"a/b":{"m~n":"v"}}`, "tokens are unescaped"},
		{"root", `{"a":1}`, "", "x", `"x"`, "the empty pointer replaces the document"},
		{"through a scalar", `{"a":"s"}`, "/a/b", 1.0, "", "Set never replaces data it was not asked to"},
		{"past an array", `{"l":[]}`, "/l/0", 1.0, "", "an index that does not exist"},
		{"no slash", `{}`, "a", 1.0, "", "not a JSON Pointer"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var doc any
			if tc.doc != "" {
				doc = decode(t, tc.doc)
			}
			got, err := Set(doc, tc.ptr, tc.value)
			if tc.want == "" {
				if err == nil {
					t.Fatalf("Set(%s, %q) = %v, want an error: %s", tc.doc, tc.ptr, got, tc.reason)
				}
				if !strings.Contains(err.Error(), tc.ptr) {
					t.Errorf("error %q does not name the pointer %q", err, tc.ptr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Set: %v (%s)", err, tc.reason)
			}
			b, _ := json.Marshal(got)
			if diff := cmp.Diff(decode(t, tc.want), decode(t, string(b))); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tc.reason, diff)
			}
		})
	}
}

func decode(t testing.TB, s string) any {
	t.Helper()
	v, err := DecodeJSON([]byte(s))
	if err != nil {
		t.Fatalf("%q: %v", s, err)
	}
	return v
}

// FuzzPointer: Split never panics; a pointer that splits joins back to itself, and Get and Set agree on
// the value Set wrote.
func FuzzPointer(f *testing.F) {
	for _, s := range []string{"", "/", "/a~1b", "/m~0n", "/foo/0", "/~", "/~2", "a", "//", "/0/-"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, ptr string) {
		tokens, err := Split(ptr)
		if err != nil {
			return
		}
		if back := Join("", tokens...); back != ptr {
			t.Fatalf("Join(Split(%q)) = %q", ptr, back)
		}
		doc, err := Set(nil, ptr, "v")
		if err != nil {
			t.Fatalf("Set(nil, %q): %v: objects are created on the way", ptr, err)
		}
		if v, ok := Get(doc, ptr); !ok || v != "v" {
			t.Fatalf("Get(Set(nil, %q, v)) = %v, %v", ptr, v, ok)
		}
	})
}

// TestCopyJSON: a copy shares no object or array with its original, and maps every string, names too,
// when asked.
func TestCopyJSON(t *testing.T) {
	doc := map[string]any{"a": []any{"x{f}", 1.5, map[string]any{"{f}": nil}}, "b": true}
	cp := CopyJSON(doc, nil).(map[string]any)
	cp["a"].([]any)[2].(map[string]any)["new"] = 1.0
	cp["b"] = false
	if _, ok := doc["a"].([]any)[2].(map[string]any)["new"]; ok || doc["b"] != true {
		t.Fatalf("the copy shares its containers with the original: %v", doc)
	}
	filled := CopyJSON(doc, strings.NewReplacer("{f}", "name").Replace)
	want := map[string]any{"a": []any{"xname", 1.5, map[string]any{"name": nil}}, "b": true}
	if !reflect.DeepEqual(filled, want) {
		t.Fatalf("CopyJSON with a mapping = %v, want %v", filled, want)
	}
}

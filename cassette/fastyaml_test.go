package cassette

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"go.yaml.in/yaml/v4"
	vcr "gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"
)

// items are the items Read decodes (the dash turned into a space), as Split cuts them.
func items(t testing.TB, data []byte) [][]byte {
	t.Helper()
	var out [][]byte
	if err := Split(bytes.NewReader(data), func(item Item) error {
		if item.doc != nil {
			out = append(out, item.doc)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// Every item of every committed cassette takes the fast path, and reads as the YAML decoder reads it:
// the fast reader is what the committed cassettes (go-vcr's own layout) actually use.
func TestFastItemReadsCommittedCassettes(t *testing.T) {
	n := 0
	for _, f := range committedCassettes(t) {
		data, _ := os.ReadFile(f)
		for i, item := range items(t, data) {
			got, ok := fastItem(item)
			if !ok {
				t.Errorf("%s item %d: the fast reader fell back:\n%s", f, i, item)
				continue
			}
			var want *vcr.Interaction
			if err := yaml.Unmarshal(item, &want); err != nil {
				t.Fatalf("%s item %d: %v", f, i, err)
			}
			if d := cmp.Diff(want, got, cmpopts.IgnoreUnexported(vcr.Interaction{})); d != "" {
				t.Errorf("%s item %d (-yaml +fast):\n%s", f, i, d)
			}
			n++
		}
	}
	if n < 100 {
		t.Fatalf("only %d items read", n)
	}
}

// The shapes of the subset, and what is left to the YAML decoder.
func TestFastItemShapes(t *testing.T) {
	base := "      id: 3\n      request:\n        method: POST\n        url: https://x.invalid/a\n        headers:\n          Accept:\n          - application/json\n      response:\n        code: 200\n        duration: 1.5s\n        body: %s\n"
	cases := []struct {
		reason, body string
		fast         bool
		want         string
	}{
		{"plain", "ok", true, "ok"},
		{"single-quoted with a doubled quote", `'it''s {"a":1}'`, true, `it's {"a":1}`},
		{"double-quoted escapes", `"a\r\nb\t\"c\" \u00e9 \x41 \N \_ \L \P \/"`, true, "a\r\nb\t\"c\" é A \u0085 \u00a0 \u2028 \u2029 /"},
		{"plain true is the text", "true", true, "true"},
		{"a literal block", "|\n            {\n              \"a\": 1\n            }\n", true, "{\n  \"a\": 1\n}\n"},
		{"a stripped literal block", "|-\n            x\n\n            y\n", true, "x\n\ny"},
		{"a kept literal block", "|+\n            x\n\n", true, "x\n\n\n"},
		{"null is the decoder's", "~", false, ""},
		{"an anchor is the decoder's", "&a x", false, "x"},
		{"a tag is the decoder's", "!!binary aGk=", false, "hi"},
		{"a folded block is the decoder's", ">\n            a\n            b\n", false, "a b\n"},
		{"a multi-line double-quoted scalar is the decoder's", "\"a\n          b\"", false, "a b"},
		{"a comment is the decoder's", "x # note", false, "x"},
	}
	for _, tc := range cases {
		t.Run(tc.reason, func(t *testing.T) {
			doc := []byte(strings.Replace(base, "%s", tc.body, 1))
			it, ok := fastItem(doc)
			if ok != tc.fast {
				t.Fatalf("fast path taken: %v, want %v", ok, tc.fast)
			}
			if !ok {
				var err error
				if it, err = decodeItem(doc); err != nil {
					t.Fatal(err)
				}
			}
			if it.Response.Body != tc.want {
				t.Fatalf("body %q, want %q", it.Response.Body, tc.want)
			}
			var want *vcr.Interaction
			if err := yaml.Unmarshal(doc, &want); err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(want, it, cmpopts.IgnoreUnexported(vcr.Interaction{})); d != "" {
				t.Errorf("(-yaml +kontrak):\n%s", d)
			}
		})
	}
	for _, bad := range []string{"      id: 1\n      id: 2\n", "      id: 1\n      request:\n        method: GET\n        method: PUT\n", "      id: 01\n", "      id: 1\n      response:\n        headers:\n          A:\n          - x\n          A:\n          - y\n"} {
		if _, ok := fastItem([]byte(bad)); ok {
			t.Errorf("fast path took %q, which the YAML decoder reads otherwise or refuses", bad)
		}
	}
}

// FuzzFastItem: whatever the fast reader accepts, the YAML decoder reads the same way. It is the proof
// that the fast path is not a second dialect. Seeds: the items of the committed cassettes, and
// testdata/fuzz/FuzzFastItem.
func FuzzFastItem(f *testing.F) {
	for _, file := range committedCassettes(f)[:12] {
		data, _ := os.ReadFile(file)
		for _, item := range items(f, data) {
			f.Add(item)
		}
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		got, ok := fastItem(doc)
		if !ok {
			return
		}
		var want *vcr.Interaction
		if err := yaml.Unmarshal(doc, &want); err != nil {
			t.Fatalf("fast path read what YAML refuses (%v):\n%q", err, doc)
		}
		if d := cmp.Diff(want, got, cmpopts.IgnoreUnexported(vcr.Interaction{})); d != "" {
			t.Fatalf("fast path reads otherwise (-yaml +fast):\n%s\n%q", d, doc)
		}
	})
}

package match

import (
	"encoding/json"
	"net/http"
	"net/textproto"
	"net/url"
	"slices"
	"strings"
	"testing"

	vcr "gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"

	"github.com/kontrak/kontrak"
	"github.com/kontrak/kontrak/contract"
)

// TestForVendor checks the builder against the specs themselves: every credential a security
// scheme names and every signature input is ignored, each name once, and a request that differs from the
// recorded one only there still matches, while one that differs elsewhere does not.
func TestForVendor(t *testing.T) {
	c, err := contract.Load(kontrak.Files)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range c.Vendors() {
		t.Run(v.ID, func(t *testing.T) {
			o := ForVendor(v)
			for _, l := range [][]string{o.IgnoredHeaders, o.IgnoredQuery, o.IgnoredFields} {
				if !slices.IsSorted(l) || len(slices.Compact(slices.Clone(l))) != len(l) {
					t.Errorf("%v: want sorted, each name once", l)
				}
			}
			var query []string
			for _, op := range v.Operations {
				for _, sc := range op.Security {
					list, name := o.IgnoredHeaders, textproto.CanonicalMIMEHeaderKey(sc.Header)
					if sc.In == "query" {
						list, name, query = o.IgnoredQuery, sc.Header, append(query, sc.Header)
					}
					if !slices.Contains(list, name) {
						t.Errorf("%s: security scheme %s (%s %s) is not ignored", op.Name(), sc.Name, sc.In, sc.Header)
					}
				}
				if s := op.Signature; s != nil {
					for _, f := range append(slices.Clone(s.Concatenation), s.Field) {
						if !slices.Contains(o.IgnoredFields, f) {
							t.Errorf("%s: signature input %s is not ignored", op.Name(), f)
						}
					}
				}
			}

			m := NewMatcher(o)
			req := func(variant string, other string) (*http.Request, vcr.Request) {
				q := url.Values{}
				for _, name := range query {
					q.Set(name, variant)
				}
				body := map[string]any{"kontrak-other": other}
				for _, f := range o.IgnoredFields {
					body[f] = variant
				}
				b, _ := json.Marshal(body)
				u := "http://live.invalid/v1/x?" + q.Encode()
				r, _ := http.NewRequest("POST", u, strings.NewReader(string(b)))
				r.Header.Set("Content-Type", "application/json")
				for _, h := range o.IgnoredHeaders {
					r.Header.Set(h, variant)
				}
				return r, vcr.Request{Method: "POST", URL: u, Headers: r.Header.Clone(), Body: string(b)}
			}
			live, _ := req("live", "same")
			_, recorded := req("recorded", "same")
			recorded.URL = strings.ReplaceAll(recorded.URL, "live.invalid", "recorded.invalid")
			if !m(live, recorded) {
				t.Errorf("a request that differs only in credentials and signature inputs must match (%+v)", o)
			}
			live, _ = req("live", "changed")
			if m(live, recorded) {
				t.Error("a request that differs in a field nobody ignores must not match")
			}
		})
	}
}

// TestVendorMatchStripsPrefix: a request sent through a base URL with a path prefix matches the same
// request recorded through the documented server, and the other way round (the prefix is stripped on
// either side); a path that names another operation does not match, whatever its prefix.
func TestVendorMatchStripsPrefix(t *testing.T) {
	c, err := contract.Load(kontrak.Files)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range c.Vendors() {
		m := NewMatcher(ForVendor(v))
		for _, op := range v.Operations {
			for _, tc := range []struct {
				live, recorded string
				want           bool
				reason         string
			}{
				{"/kontrak/vision" + op.Path, op.Path, true, "a prefixed live request, a recording without one"},
				{op.Path, "/mounted/under/a/prefix" + op.Path, true, "a recording made through a prefix, replayed without one"},
				{"/a" + op.Path, "/b/c" + op.Path, true, "two prefixes"},
				{op.Path + "/more", op.Path, false, "a path that names no operation is compared as it is"},
			} {
				r, _ := http.NewRequest(op.Method, "http://live.invalid"+tc.live, nil)
				rec := vcr.Request{Method: op.Method, URL: "https://recorded.invalid" + tc.recorded, Headers: http.Header{}}
				if got := m(r, rec); got != tc.want {
					t.Errorf("%s: %s: live %s, recorded %s: match %v, want %v", op.Name(), tc.reason, tc.live, tc.recorded, got, tc.want)
				}
			}
		}
	}
}

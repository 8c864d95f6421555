package wire

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// sameAsParseQuery fails unless ParseForm(s) gives url.ParseQuery(s)'s values and error.
func sameAsParseQuery(t *testing.T, s string) {
	t.Helper()
	want, werr := url.ParseQuery(s)
	got, gerr := ParseForm(s)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("ParseForm(%.80q) values (-url.ParseQuery +ParseForm):\n%s", s, diff)
	}
	if fmt.Sprint(werr) != fmt.Sprint(gerr) {
		t.Fatalf("ParseForm(%.80q) error %v, url.ParseQuery's %v", s, gerr, werr)
	}
}

func TestParseFormIsParseQuery(t *testing.T) {
	img := url.QueryEscape(base64.StdEncoding.EncodeToString([]byte(strings.Repeat("\xff\xd8\xfb\xef?>", 500))))
	for _, tc := range []struct{ reason, in string }{
		{"empty", ""},
		{"plain pairs, a key twice, a key without a value", "a=1&b=2&a=3&c"},
		{"escapes, plus as a space, an escaped plus stays a plus", "a=%41%2b+b%2B&k%20y=+"},
		{"a percent-encoded base64 image, as an OCR form carries it", "api_key=k&image=" + img},
		{"a malformed escape: the pair is skipped, the first error kept", "a=%4&b=%zz&c=1"},
		{"a trailing percent", "a=1%"},
		{"a semicolon refused, the rest read", "a=1;b=2&c=3"},
		{"empty pairs skipped", "&&a=1&&"},
		{"an escape right after another", "a=%25%25%2541"},
	} {
		t.Run(tc.reason, func(t *testing.T) { sameAsParseQuery(t, tc.in) })
	}
}

func TestParseFormFieldLimit(t *testing.T) {
	// net/url refuses more fields than its limit (urlmaxqueryparams, 10,000 by default); so must ParseForm.
	sameAsParseQuery(t, strings.Repeat("a=1&", 20000))
}

func FuzzParseForm(f *testing.F) {
	f.Add("a=1&b=%20+x")
	f.Add("a=%4&b=%zz;&%%41=+%2B")
	f.Add("image=" + url.QueryEscape("/9j/4AAQSkZJRgABAQ+/=="))
	f.Fuzz(sameAsParseQuery)
}

// BenchmarkParseForm is ParseForm against url.ParseQuery on an OCR form: a 128 KB JPEG in base64,
// percent-encoded (about 175 KB).
func BenchmarkParseForm(b *testing.B) {
	raw := make([]byte, 128<<10)
	for i := range raw {
		raw[i] = byte(i * 7919 >> 3)
	}
	body := "api_key=k&image=" + url.QueryEscape(base64.StdEncoding.EncodeToString(raw))
	b.Run("wire.ParseForm", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			ParseForm(body)
		}
	})
	b.Run("url.ParseQuery", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			url.ParseQuery(body)
		}
	})
}

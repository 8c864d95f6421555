package wire

import "testing"

func TestIsJSONMedia(t *testing.T) {
	for _, tc := range []struct {
		in     string
		want   bool
		reason string
	}{
		{"application/json", true, "the type itself"},
		{"application/json; charset=utf-8", true, "parameters do not change the type"},
		{"Application/JSON", true, "media types are case-insensitive (RFC 9110)"},
		{"text/json", true, "the legacy type some servers still send"},
		{"application/problem+json", true, "the +json structured syntax suffix (RFC 6839)"},
		{"application/vnd.kontrak.v1+json; q=1", true, "a vendor type with the suffix and a parameter"},
		{"application/json;charset", true, "a parameter that does not parse leaves the type readable"},
		{"", false, "no type says nothing: LooksJSON is the sniff for that"},
		{"text/plain", false, "another type"},
		{"application/jsonp", false, "a prefix of the name is not the name"},
		{"application/json-seq", false, "JSON text sequences are not one JSON value"},
		{"+json", false, "a suffix without a type"},
		{"multipart/form-data; boundary=x", false, "a form"},
	} {
		if got := IsJSONMedia(tc.in); got != tc.want {
			t.Errorf("IsJSONMedia(%q) = %v, want %v: %s", tc.in, got, tc.want, tc.reason)
		}
	}
}

func TestMediaType(t *testing.T) {
	for _, tc := range []struct {
		in, want, boundary, reason string
	}{
		{"multipart/form-data; boundary=abc", "multipart/form-data", "abc", "parameters are returned"},
		{"  TEXT/Plain ; charset=UTF-8", "text/plain", "", "lowercased and trimmed"},
		{"text/plain; ;;", "text/plain", "", "a malformed parameter list still gives the type"},
		{"", "", "", "no header"},
	} {
		got, params := MediaType(tc.in)
		if got != tc.want || params["boundary"] != tc.boundary {
			t.Errorf("MediaType(%q) = %q, %v; want %q with boundary %q: %s", tc.in, got, params, tc.want, tc.boundary, tc.reason)
		}
	}
}

func TestLooksJSON(t *testing.T) {
	for _, tc := range []struct {
		in     string
		want   bool
		reason string
	}{
		{`{"a":1}`, true, "an object"},
		{" \r\n\t[1]", true, "an array after white space"},
		{`"text"`, false, "a bare string is no body a client sends without a type"},
		{"a=1&b=2", false, "a form"},
		{"", false, "empty"},
	} {
		if got := LooksJSON([]byte(tc.in)); got != tc.want {
			t.Errorf("LooksJSON(%q) = %v, want %v: %s", tc.in, got, tc.want, tc.reason)
		}
	}
}

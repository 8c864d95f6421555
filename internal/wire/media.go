package wire

import (
	"bytes"
	"mime"
	"strings"
)

// The media types a body is parsed by.
const (
	MediaJSON      = "application/json"
	MediaForm      = "application/x-www-form-urlencoded"
	MediaMultipart = "multipart/form-data"
)

// MediaType splits a Content-Type value into its media type, lowercased and without parameters, and its
// parameters (nil when there are none or they do not parse). A value mime.ParseMediaType refuses still
// gives the text before its first ";": a sloppy header is read as a lenient server would.
func MediaType(contentType string) (string, map[string]string) {
	if strings.TrimSpace(contentType) == "" {
		return "", nil
	}
	t, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		t, _, _ = strings.Cut(contentType, ";")
		return strings.ToLower(strings.TrimSpace(t)), nil
	}
	return t, params
}

// IsJSONMedia is the one rule of a JSON media type: application/json, text/json, or any type with the
// structured syntax suffix +json (RFC 6839: application/problem+json, application/vnd.x+json), case
// insensitive, with or without parameters. contentType is a Content-Type value or a bare media type.
func IsJSONMedia(contentType string) bool {
	t, _ := MediaType(contentType)
	return t == MediaJSON || t == "text/json" || (strings.HasSuffix(t, "+json") && strings.Contains(t, "/"))
}

// LooksJSON is the body sniff for a body whose type says nothing: it opens, after white space, an object
// or an array. It says what a body is meant to be, not that it is valid: DecodeJSON says that.
func LooksJSON(body []byte) bool {
	b := bytes.TrimLeft(body, " \t\r\n")
	return len(b) > 0 && (b[0] == '{' || b[0] == '[')
}

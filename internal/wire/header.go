package wire

import "strings"

// Header names compare case-insensitively (RFC 9110 §5.1), and a recorded header map keeps names as they
// were sent ("content-type", "retry-after"): these read and change such a map whatever its spelling.

// HeaderValue returns the first value of header name in h, its name compared case-insensitively (an
// exact key first); "" when there is none.
func HeaderValue(h map[string][]string, name string) string {
	if v, ok := h[name]; ok && len(v) > 0 {
		return v[0]
	}
	for k, v := range h {
		if strings.EqualFold(k, name) && len(v) > 0 {
			return v[0]
		}
	}
	return ""
}

// DeleteHeader removes every spelling of header name from h.
func DeleteHeader(h map[string][]string, name string) {
	for k := range h {
		if strings.EqualFold(k, name) {
			delete(h, k)
		}
	}
}

// ContentType is the media type and parameters of h's Content-Type, whatever the header's spelling.
func ContentType(h map[string][]string) (string, map[string]string) {
	return MediaType(HeaderValue(h, "Content-Type"))
}

package cassette

import (
	"net/http"
	"net/textproto"
	"sort"
)

// CanonicalHeader is a recorded header map with every name in its canonical form
// (textproto.CanonicalMIMEHeaderKey), so that http.Header.Get finds a header whatever the spelling go-vcr
// recorded it in ("retry-after", "content-type": go-vcr keeps names as they were sent, and HTTP/2 sends
// them in lower case). Two spellings of one name become one, their values merged: spellings in sorted
// order (so the canonical spelling, upper case first, leads), each one's values in their recorded order.
// A map whose names are all canonical already is returned as it is, not copied; nil stays nil.
func CanonicalHeader(h map[string][]string) http.Header {
	canonical := true
	for k := range h {
		if textproto.CanonicalMIMEHeaderKey(k) != k {
			canonical = false
			break
		}
	}
	if canonical {
		return http.Header(h)
	}
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make(http.Header, len(h))
	for _, k := range keys {
		ck := textproto.CanonicalMIMEHeaderKey(k)
		out[ck] = append(out[ck], h[k]...)
	}
	return out
}

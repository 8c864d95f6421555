package wire

import (
	"errors"
	"net/url"
	"strings"
	"unsafe"
)

// ParseForm is url.ParseQuery of an application/x-www-form-urlencoded body — the same values, the same
// first error, the same limit on the number of fields — with a faster unescape of long values. Why our
// own: net/url's unescape writes a byte at a time through a strings.Builder, about 5 ns a byte; an OCR
// form carries its image as one percent-encoded base64 value of 150 to 200 KB, and cmd/kontrak-load's
// profile of `kontrak serve` under ekycpro's image request put 47% of the server's CPU there, more than
// Prism spent on the whole request. Here the escapes are found with strings.IndexByte (SIMD) and the runs
// between them copied whole. FuzzParseForm holds it to url.ParseQuery on any input.
func ParseForm(s string) (url.Values, error) {
	m := url.Values{}
	// The standard library's limit on the number of fields (GODEBUG urlmaxqueryparams) is asked of the
	// standard library itself, with as many separators and nothing else: it parses to no value.
	if n := strings.Count(s, "&"); n > 0 {
		if _, err := url.ParseQuery(strings.Repeat("&", n)); err != nil {
			return m, err
		}
	}
	var err error
	for s != "" { // net/url's parseQuery, step for step
		var key string
		key, s, _ = strings.Cut(s, "&")
		if strings.Contains(key, ";") {
			err = errors.New("invalid semicolon separator in query")
			continue
		}
		if key == "" {
			continue
		}
		key, value, _ := strings.Cut(key, "=")
		key, err1 := queryUnescape(key)
		if err1 != nil {
			if err == nil {
				err = err1
			}
			continue
		}
		value, err1 = queryUnescape(value)
		if err1 != nil {
			if err == nil {
				err = err1
			}
			continue
		}
		m[key] = append(m[key], value)
	}
	return m, err
}

// queryUnescape is url.QueryUnescape: "%XX" is the byte XX, '+' a space. A malformed escape is left to
// url.QueryUnescape, for its error. The runs between escapes are found with strings.IndexByte and copied
// whole; a '+' is looked for only in a value that has one (percent-encoded base64 has none: QueryEscape
// writes its '+' as %2B).
func queryUnescape(s string) (string, error) {
	plus := strings.IndexByte(s, '+') >= 0
	if !plus && strings.IndexByte(s, '%') < 0 {
		return s, nil
	}
	out := make([]byte, 0, len(s))
	for rest := s; ; {
		i := strings.IndexByte(rest, '%')
		run := rest
		if i >= 0 {
			run = rest[:i]
		}
		start := len(out)
		out = append(out, run...)
		if plus {
			for j := start; j < len(out); j++ {
				if out[j] == '+' {
					out[j] = ' '
				}
			}
		}
		if i < 0 {
			break
		}
		if i+2 >= len(rest) || !isHex(rest[i+1]) || !isHex(rest[i+2]) {
			return url.QueryUnescape(s)
		}
		out = append(out, unHex(rest[i+1])<<4|unHex(rest[i+2]))
		rest = rest[i+3:]
	}
	// out is never written again: a string of it, as strings.Builder makes one, saves copying the value.
	return unsafe.String(unsafe.SliceData(out), len(out)), nil
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unHex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c >= 'a':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

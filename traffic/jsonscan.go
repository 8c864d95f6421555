package traffic

import (
	"bytes"
	"encoding/json"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/kontrak/kontrak/internal/wire"
)

// A member is one name and raw value of a JSON object, in the order written.
type member struct {
	name string
	raw  json.RawMessage
}

// jscan is one validating pass over JSON, by RFC 8259's grammar as encoding/json reads it (invalid UTF-8
// inside strings is accepted, as encoding/json accepts it): it cuts an object into its members without
// decoding their values, so that a log line is read once and only the fields kontrak uses are decoded.
// ok false: not valid JSON, or nested deeper than wire.MaxJSONDepth; the caller then asks encoding/json,
// whose error names the fault.
type jscan struct {
	b     []byte
	i     int
	depth int
	// trusted: b is part of a text already validated; strings are skipped by their closing quote alone.
	trusted bool
}

func (s *jscan) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// members cuts the object at s.i into its members (names unquoted); the whole input must be that one
// object, with nothing but white space after it, when whole is set.
func (s *jscan) members(whole bool) ([]member, bool) {
	s.ws()
	if s.i >= len(s.b) || s.b[s.i] != '{' {
		return nil, false
	}
	s.i++
	out := make([]member, 0, 8)
	s.ws()
	if s.i < len(s.b) && s.b[s.i] == '}' {
		s.i++
	} else {
		for {
			s.ws()
			start := s.i
			if !s.str() {
				return nil, false
			}
			name, ok := unquote(s.b[start:s.i])
			if !ok {
				return nil, false
			}
			s.ws()
			if s.i >= len(s.b) || s.b[s.i] != ':' {
				return nil, false
			}
			s.i++
			s.ws()
			vstart := s.i
			if !s.value() {
				return nil, false
			}
			out = append(out, member{name, s.b[vstart:s.i]})
			s.ws()
			if s.i >= len(s.b) {
				return nil, false
			}
			if s.b[s.i] == '}' {
				s.i++
				break
			}
			if s.b[s.i] != ',' {
				return nil, false
			}
			s.i++
		}
	}
	if whole {
		s.ws()
		if s.i != len(s.b) {
			return nil, false
		}
	}
	return out, true
}

// value skips one value at s.i, checking it.
func (s *jscan) value() bool {
	if s.i >= len(s.b) {
		return false
	}
	switch c := s.b[s.i]; {
	case c == '"':
		return s.str()
	case c == '{', c == '[':
		return s.container(c)
	case c == 't':
		return s.word("true")
	case c == 'f':
		return s.word("false")
	case c == 'n':
		return s.word("null")
	case c == '-' || c >= '0' && c <= '9':
		return s.number()
	}
	return false
}

func (s *jscan) word(w string) bool {
	if len(s.b)-s.i < len(w) || string(s.b[s.i:s.i+len(w)]) != w {
		return false
	}
	s.i += len(w)
	return true
}

func (s *jscan) container(open byte) bool {
	s.depth++
	defer func() { s.depth-- }()
	if s.depth > wire.MaxJSONDepth {
		return false
	}
	closer := byte('}')
	if open == '[' {
		closer = ']'
	}
	s.i++
	s.ws()
	if s.i < len(s.b) && s.b[s.i] == closer {
		s.i++
		return true
	}
	for {
		s.ws()
		if open == '{' {
			if !s.str() {
				return false
			}
			s.ws()
			if s.i >= len(s.b) || s.b[s.i] != ':' {
				return false
			}
			s.i++
			s.ws()
		}
		if !s.value() {
			return false
		}
		s.ws()
		if s.i >= len(s.b) {
			return false
		}
		switch s.b[s.i] {
		case ',':
			s.i++
		case closer:
			s.i++
			return true
		default:
			return false
		}
	}
}

// str skips a string literal at s.i: its escapes well-formed, no control character in it.
func (s *jscan) str() bool {
	if s.i >= len(s.b) || s.b[s.i] != '"' {
		return false
	}
	if s.trusted {
		for j := s.i + 1; ; {
			k := bytes.IndexByte(s.b[j:], '"')
			if k < 0 {
				return false
			}
			j += k
			bs := 0
			for bs < j-s.i-1 && s.b[j-1-bs] == '\\' {
				bs++
			}
			j++
			if bs%2 == 0 {
				s.i = j
				return true
			}
		}
	}
	for j := s.i + 1; j < len(s.b); {
		switch c := s.b[j]; {
		case c == '"':
			s.i = j + 1
			return true
		case c == '\\':
			if j+1 >= len(s.b) {
				return false
			}
			switch s.b[j+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				j += 2
			case 'u':
				if j+6 > len(s.b) || hex4(s.b[j+2:j+6]) < 0 {
					return false
				}
				j += 6
			default:
				return false
			}
		case c < 0x20:
			return false
		default:
			j++
		}
	}
	return false
}

func (s *jscan) number() bool {
	b, i := s.b, s.i
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	default:
		return false
	}
	if i < len(b) && b[i] == '.' {
		i++
		if i >= len(b) || b[i] < '0' || b[i] > '9' {
			return false
		}
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i >= len(b) || b[i] < '0' || b[i] > '9' {
			return false
		}
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	}
	s.i = i
	return true
}

// hex4 is the value of four hex digits, -1 when they are not.
func hex4(b []byte) rune {
	var r rune
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		r = r*16 + rune(c)
	}
	return r
}

// unquote reads a string literal (quotes included) exactly as encoding/json does: escapes undone, a
// surrogate pair joined, a lone surrogate and each invalid UTF-8 byte read as U+FFFD. The literal is one
// jscan has checked (or encoding/json has cut): no raw quote or control character is in it. ok false: a
// malformed escape.
func unquote(lit []byte) (string, bool) {
	if len(lit) < 2 || lit[0] != '"' || lit[len(lit)-1] != '"' {
		return "", false
	}
	b := lit[1 : len(lit)-1]
	if bytes.IndexByte(b, '\\') < 0 && utf8.Valid(b) {
		return string(b), true
	}
	out := make([]byte, 0, len(b)+2*utf8.UTFMax)
	for i := 0; i < len(b); {
		// The run up to the next backslash, as it is (invalid UTF-8 read as U+FFFD).
		k := bytes.IndexByte(b[i:], '\\')
		run := b[i:]
		if k >= 0 {
			run = run[:k]
		}
		if utf8.Valid(run) {
			out = append(out, run...)
		} else {
			for j := 0; j < len(run); {
				r, size := utf8.DecodeRune(run[j:])
				out = utf8.AppendRune(out, r)
				j += size
			}
		}
		if k < 0 {
			break
		}
		i += k
		if i+1 >= len(b) {
			return "", false
		}
		switch b[i+1] {
		case '"', '\\', '/':
			out = append(out, b[i+1])
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			if i+6 > len(b) {
				return "", false
			}
			rr := hex4(b[i+2 : i+6])
			if rr < 0 {
				return "", false
			}
			i += 6
			if utf16.IsSurrogate(rr) {
				if i+6 <= len(b) && b[i] == '\\' && b[i+1] == 'u' {
					if rr1 := hex4(b[i+2 : i+6]); rr1 >= 0 {
						if dec := utf16.DecodeRune(rr, rr1); dec != unicode.ReplacementChar {
							out = utf8.AppendRune(out, dec)
							i += 6
							continue
						}
					}
				}
				rr = unicode.ReplacementChar
			}
			out = utf8.AppendRune(out, rr)
			continue
		default:
			return "", false
		}
		i += 2
	}
	return string(out), true
}

// jsonString reads a raw JSON value that must be a string.
func jsonString(raw []byte) (string, bool) {
	if len(raw) == 0 || raw[0] != '"' {
		return "", false
	}
	return unquote(raw)
}

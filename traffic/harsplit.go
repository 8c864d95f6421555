package traffic

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// jstream cuts JSON read from a buffered reader at its values' boundaries, without decoding them: the
// reader of a HAR file copies out each entry, whole, at the cost of one byte scan, and leaves the entry's
// decoding (and its validation) to Check's workers. Values it skips are validated by jscan.
type jstream struct {
	br *bufio.Reader
}

// peek is the next byte that is not white space, not consumed.
func (s *jstream) peek() (byte, error) {
	for {
		c, err := s.br.ReadByte()
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return 0, err
		}
		switch c {
		case ' ', '\t', '\n', '\r':
			continue
		}
		return c, s.br.UnreadByte()
	}
}

// expect consumes c, the next byte that is not white space.
func (s *jstream) expect(c byte) bool {
	got, err := s.peek()
	if err != nil || got != c {
		return false
	}
	_, _ = s.br.ReadByte()
	return true
}

// value appends the next value's bytes to dst: a string to its closing quote, an object or array to its
// closing bracket (strings inside tracked), anything else to the next delimiter. More than max bytes is
// an error.
func (s *jstream) value(dst []byte, limit int) ([]byte, error) {
	first, err := s.peek()
	if err != nil {
		return dst, err
	}
	start := len(dst)
	depth, inString, escaped := 0, false, false
	scalar := first != '"' && first != '{' && first != '['
	for {
		buf, err := s.br.Peek(max(1, s.br.Buffered()))
		if len(buf) == 0 {
			if err == io.EOF {
				if scalar && len(dst) > start {
					return dst, nil
				}
				err = io.ErrUnexpectedEOF
			}
			return dst, err
		}
		end := -1
	scan:
		for i := 0; i < len(buf); i++ {
			c := buf[i]
			switch {
			case inString:
				if escaped {
					escaped = false // the byte after a backslash
					continue
				}
				// Jump to the string's next quote, or to a backslash before it.
				q := bytes.IndexByte(buf[i:], '"')
				seg := buf[i:]
				if q >= 0 {
					seg = seg[:q]
				}
				if b := bytes.IndexByte(seg, '\\'); b >= 0 {
					i += b
					escaped = true
					continue
				}
				if q < 0 {
					i = len(buf) - 1 // the rest of the buffer is inside the string
					continue
				}
				i += q
				inString = false
				if depth == 0 {
					end = i + 1
					break scan
				}
			case scalar:
				switch c {
				case ',', '}', ']', ' ', '\t', '\n', '\r':
					end = i
					break scan
				}
			case c == '"':
				inString = true
			case c == '{' || c == '[':
				depth++
			case c == '}' || c == ']':
				depth--
				if depth == 0 {
					end = i + 1
					break scan
				}
			}
		}
		n := len(buf)
		if end >= 0 {
			n = end
		}
		if len(dst)-start+n > limit {
			return dst, fmt.Errorf("longer than the limit of %d bytes", limit)
		}
		dst = append(dst, buf[:n]...)
		_, _ = s.br.Discard(n)
		if end >= 0 {
			return dst, nil
		}
	}
}

// key reads an object's member name and its colon.
func (s *jstream) key() (string, error) {
	raw, err := s.value(nil, 1<<20)
	if err != nil {
		return "", err
	}
	sc := jscan{b: raw}
	if !sc.str() || sc.i != len(raw) {
		return "", fmt.Errorf("a member name is not a string: %.40q", raw)
	}
	name, ok := unquote(raw)
	if !ok {
		return "", fmt.Errorf("a member name is not a string: %.40q", raw)
	}
	if !s.expect(':') {
		return "", fmt.Errorf("no colon after %q", name)
	}
	return name, nil
}

// skip reads a value that is not used, and checks it is JSON.
func (s *jstream) skip(limit int) error {
	raw, err := s.value(nil, limit)
	if err != nil {
		return err
	}
	sc := jscan{b: raw}
	if !sc.value() || sc.i != len(raw) {
		return fmt.Errorf("not JSON: %.40q", raw)
	}
	return nil
}

// members reads the members of an object whose '{' is consumed, giving each name to fn (which must read
// its value); it consumes the closing '}'.
func (s *jstream) members(fn func(name string) error) error {
	c, err := s.peek()
	if err != nil {
		return err
	}
	if c == '}' {
		_, _ = s.br.ReadByte()
		return nil
	}
	for {
		name, err := s.key()
		if err != nil {
			return err
		}
		if err := fn(name); err != nil {
			return err
		}
		c, err := s.peek()
		if err != nil {
			return err
		}
		_, _ = s.br.ReadByte()
		switch c {
		case ',':
		case '}':
			return nil
		default:
			return fmt.Errorf("invalid character %q after a member", c)
		}
	}
}

var errNotHAR = errors.New("HAR: not a HAR file: the top level is not an object")

package cassette

import (
	"bytes"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/kontrak/kontrak/internal/wire"
	vcr "gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"
)

// fastMarshalItem writes an interaction as MarshalItem's YAML encoder writes it, for the values whose
// writing it knows exactly, and says ok = false for any other (MarshalItem then asks the encoder). Why:
// issue 24 measured the YAML encoder at 45% of a cassette's scan and most of its redaction (it writes each
// interaction to tell go-vcr's own layout from another, and to write redacted ones); this writer is some
// twenty times faster. What it costs: it restates the encoder's choices (go.yaml.in/yaml/v4's Marshal:
// indentation 4, no line width, the legacy quoting) for what an interaction holds, so it refuses rather
// than guesses: a string holding a byte past ASCII, or a line break and no other control character (the
// encoder may write it as a literal block), one the resolver might read as another type, a map key that is not a
// plain scalar. TestFastMarshalItem and FuzzFastMarshalItem hold it to the encoder byte for byte.
func fastMarshalItem(i *vcr.Interaction) ([]byte, bool) {
	e := emitPool.Get().(*emitter)
	defer emitPool.Put(e)
	e.buf = e.buf[:0]
	e.ok = true
	q, r := &i.Request, &i.Response
	e.raw("    - id: ")
	e.int(int64(i.ID))
	e.raw("\n      request:\n")
	e.str(8, "proto", q.Proto)
	e.intKey(8, "proto_major", int64(q.ProtoMajor))
	e.intKey(8, "proto_minor", int64(q.ProtoMinor))
	e.intKey(8, "content_length", q.ContentLength)
	e.seq(8, "transfer_encoding", q.TransferEncoding, true)
	e.header(8, "trailer", q.Trailer, true)
	e.str(8, "host", q.Host)
	if q.RemoteAddr != "" {
		e.str(8, "remote_addr", q.RemoteAddr)
	}
	if q.RequestURI != "" {
		e.str(8, "request_uri", q.RequestURI)
	}
	if q.Body != "" {
		e.str(8, "body", q.Body)
	}
	e.header(8, "form", http.Header(q.Form), true)
	e.header(8, "headers", q.Headers, true)
	e.str(8, "url", q.URL)
	e.str(8, "method", q.Method)
	e.raw("      response:\n")
	e.str(8, "proto", r.Proto)
	e.intKey(8, "proto_major", int64(r.ProtoMajor))
	e.intKey(8, "proto_minor", int64(r.ProtoMinor))
	e.seq(8, "transfer_encoding", r.TransferEncoding, true)
	e.header(8, "trailer", r.Trailer, true)
	e.intKey(8, "content_length", r.ContentLength)
	if r.Uncompressed {
		e.key(8, "uncompressed")
		e.raw(" true\n")
	}
	e.str(8, "body", r.Body)
	e.header(8, "headers", r.Headers, false)
	e.str(8, "status", r.Status)
	e.intKey(8, "code", int64(r.Code))
	e.str(8, "duration", r.Duration.String())
	if !e.ok {
		return nil, false
	}
	return bytes.Clone(e.buf), true
}

type emitter struct {
	buf  []byte
	ok   bool
	keys []string
}

var emitPool = sync.Pool{New: func() any { return &emitter{buf: make([]byte, 0, 4096)} }}

func (e *emitter) raw(s string) { e.buf = append(e.buf, s...) }

func (e *emitter) indent(n int) {
	for range n {
		e.buf = append(e.buf, ' ')
	}
}

func (e *emitter) int(n int64) { e.buf = strconv.AppendInt(e.buf, n, 10) }

// key writes "name:" at the indentation; name is one of go-vcr's own keys, plain.
func (e *emitter) key(ind int, name string) {
	e.indent(ind)
	e.raw(name)
	e.buf = append(e.buf, ':')
}

func (e *emitter) intKey(ind int, name string, n int64) {
	e.key(ind, name)
	e.buf = append(e.buf, ' ')
	e.int(n)
	e.buf = append(e.buf, '\n')
}

func (e *emitter) str(ind int, name, s string) {
	e.key(ind, name)
	e.buf = append(e.buf, ' ')
	e.scalar(s)
	e.buf = append(e.buf, '\n')
}

// block opens a block collection of n entries under name, and reports whether its entries follow: an
// empty one is left out (omitEmpty) or written as empty, in the encoder's flow style.
func (e *emitter) block(ind int, name string, n int, omitEmpty bool, empty string) bool {
	if n == 0 {
		if !omitEmpty {
			e.key(ind, name)
			e.raw(empty)
		}
		return false
	}
	e.key(ind, name)
	e.buf = append(e.buf, '\n')
	return true
}

// seq writes a block sequence of strings under name; an empty one is left out (omitempty) or "[]".
func (e *emitter) seq(ind int, name string, vs []string, omitEmpty bool) {
	if !e.block(ind, name, len(vs), omitEmpty, " []\n") {
		return
	}
	for _, v := range vs {
		e.indent(ind + 4)
		e.raw("- ")
		e.scalar(v)
		e.buf = append(e.buf, '\n')
	}
}

// header writes a map of string lists (a header, a form) as the encoder does: its keys in the encoder's
// order (keyLess), an empty map "{}" unless left out (omitempty).
func (e *emitter) header(ind int, name string, h http.Header, omitEmpty bool) {
	if !e.block(ind, name, len(h), omitEmpty, " {}\n") {
		return
	}
	e.keys = e.keys[:0]
	for k := range h {
		if !plainKey(k) {
			e.ok = false
			return
		}
		e.keys = append(e.keys, k)
	}
	slices.SortFunc(e.keys, func(a, b string) int {
		if keyLess(a, b) {
			return -1
		}
		if keyLess(b, a) {
			return 1
		}
		return 0
	})
	for _, k := range e.keys {
		e.seq(ind+4, k, h[k], false)
	}
}

// scalar writes a string value in block context as the encoder does, or clears ok.
func (e *emitter) scalar(s string) {
	if s == "" {
		e.raw(`""`) // resolves to null: quoted, the legacy preference's double quotes
		return
	}
	// A control character other than \n and \t allows neither plain, quoted nor block style: double
	// quotes, line breaks and all. Without one, a line break may make a literal block (not written here),
	// and a tab rules out plain and single quotes.
	special, tab, lineBreak := false, false, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= 0x80:
			e.ok = false // a code point's own rules: the encoder decides
			return
		case c == '\n':
			lineBreak = true
		case c == '\t':
			tab = true
		case c < 0x20 || c == 0x7f:
			special = true
		}
	}
	if special || tab && !lineBreak {
		e.doubleQuoted(s)
		return
	}
	if lineBreak {
		e.ok = false
		return
	}
	switch resolvesToStr(s) {
	case resolveOther:
		e.ok = false
		return
	case resolveNotStr:
		e.doubleQuoted(s) // the desolver's legacy quoting
		return
	}
	if blockPlain(s) {
		e.raw(s)
		return
	}
	e.buf = append(e.buf, '\'')
	for i := 0; i < len(s); i++ {
		if s[i] == '\'' {
			e.buf = append(e.buf, '\'')
		}
		e.buf = append(e.buf, s[i])
	}
	e.buf = append(e.buf, '\'')
}

// doubleQuoted writes printable ASCII as it is and escapes the rest as the encoder's double-quoted
// writer does (no line width: no folding).
func (e *emitter) doubleQuoted(s string) {
	e.buf = append(e.buf, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		var esc byte
		switch c {
		case 0:
			esc = '0'
		case 7:
			esc = 'a'
		case 8:
			esc = 'b'
		case 9:
			esc = 't'
		case 0xa:
			esc = 'n'
		case 0xb:
			esc = 'v'
		case 0xc:
			esc = 'f'
		case 0xd:
			esc = 'r'
		case 0x1b:
			esc = 'e'
		case '"':
			esc = '"'
		case '\\':
			esc = '\\'
		}
		switch {
		case esc != 0:
			e.buf = append(e.buf, '\\', esc)
		case c < 0x20 || c == 0x7f:
			const hex = "0123456789ABCDEF"
			e.buf = append(e.buf, '\\', 'x', hex[c>>4], hex[c&0xf])
		default:
			e.buf = append(e.buf, c)
		}
	}
	e.buf = append(e.buf, '"')
}

const (
	resolveStr    = iota // the resolver reads it as a string
	resolveNotStr        // as null, a bool or a number: the encoder quotes it
	resolveOther         // not known here (a YAML 1.1 boolean, a base 60 float, a number): ask the encoder
)

// resolvesToStr answers, for printable ASCII, what the YAML resolver makes of s written plain, as far as
// this writer needs to know: the resolver looks at s only when its first byte is a sign, a digit, a dot
// or one of yYnNtTfFoO~< (resolveTable), and then reads it as a number only if every byte could be part
// of one (a time, a hex, an infinity or NaN that strconv reads); of those, only digits are answered here.
func resolvesToStr(s string) int {
	switch s {
	case "true", "True", "TRUE", "false", "False", "FALSE", "null", "Null", "NULL", "~":
		return resolveNotStr
	case "y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "n", "N", "no", "No", "NO", "off", "Off", "OFF", "<<":
		return resolveOther
	}
	switch c := s[0]; {
	case c == '+' || c == '-' || c == '.' || c >= '0' && c <= '9':
		for i := 0; i < len(s); i++ {
			if !numberByte[s[i]] {
				return resolveStr
			}
		}
		// Digits, signed or not, are an int, or past int64 and uint64 a float (a Retry-After header).
		d := strings.TrimLeft(s[:1], "+-") + s[1:]
		if d != "" && strings.Trim(d, "0123456789") == "" {
			return resolveNotStr
		}
		return resolveOther
	}
	return resolveStr
}

// numberByte holds every byte a number, time, infinity or NaN the resolver reads can hold.
var numberByte = wire.ByteSet("0123456789_.:+- eEpPxXoObBaAcCdDfFiInNtTyYzZ")

// blockPlain is the emitter's block_plain_allowed for printable ASCII with no line break (analyzeScalar).
func blockPlain(s string) bool {
	n := len(s)
	if s[0] == ' ' || s[n-1] == ' ' {
		return false
	}
	if n >= 3 && (s[:3] == "---" || s[:3] == "...") {
		return false
	}
	for i := 0; i < n; i++ {
		c := s[i]
		followedByBlank := i+1 >= n || s[i+1] == ' '
		if i == 0 {
			switch c {
			case '#', ',', '[', ']', '{', '}', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`':
				return false
			case '?', ':', '-':
				if followedByBlank {
					return false
				}
			}
			continue
		}
		switch c {
		case ':':
			if followedByBlank {
				return false
			}
		case '#':
			if s[i-1] == ' ' {
				return false
			}
		}
	}
	return true
}

// plainKey reports a map key this writer writes: one the encoder writes plain as a simple key.
func plainKey(k string) bool {
	if k == "" || len(k) > 128 {
		return false
	}
	for i := 0; i < len(k); i++ {
		if c := k[i]; c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return resolvesToStr(k) == resolveStr && blockPlain(k)
}

// keyLess is the encoder's order of string map keys (keyList.Less), for ASCII: letters by code, a
// letter after a non-letter (before it right after a digit), runs of digits by their value.
func keyLess(a, b string) bool {
	digits := false
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] == b[i] {
			digits = isDigit(a[i])
			continue
		}
		al, bl := isLetter(a[i]), isLetter(b[i])
		if al && bl {
			return a[i] < b[i]
		}
		if al || bl {
			if digits {
				return al
			}
			return bl
		}
		var ai, bi int
		var an, bn int64
		if a[i] == '0' || b[i] == '0' {
			for j := i - 1; j >= 0 && isDigit(a[j]); j-- {
				if a[j] != '0' {
					an, bn = 1, 1
					break
				}
			}
		}
		for ai = i; ai < len(a) && isDigit(a[ai]); ai++ {
			an = an*10 + int64(a[ai]-'0')
		}
		for bi = i; bi < len(b) && isDigit(b[bi]); bi++ {
			bn = bn*10 + int64(b[bi]-'0')
		}
		if an != bn {
			return an < bn
		}
		if ai != bi {
			return ai < bi
		}
		return a[i] < b[i]
	}
	return len(a) < len(b)
}

func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

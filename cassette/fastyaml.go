package cassette

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"go.yaml.in/yaml/v4"
	vcr "gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"
)

// decodeItem decodes one interaction of a cassette (its item, the dash already turned into a space).
// It first tries fastItem, a reader of exactly the layout go-vcr writes, and falls back to the YAML
// decoder for anything else; the two agree on every item fastItem accepts (FuzzFastItem proves it
// against yaml.Unmarshal), so the fast reader is an optimisation, never a second dialect.
func decodeItem(doc []byte) (*vcr.Interaction, error) {
	if it, ok := fastItem(doc); ok {
		return it, nil
	}
	var it *vcr.Interaction
	if err := yaml.Unmarshal(doc, &it); err != nil {
		return nil, err
	}
	return it, nil
}

// A yline is one line of an item: its indentation and the text after it.
type yline struct {
	indent int
	text   []byte // without the indentation; empty for a blank line
	raw    []byte // the whole line
}

type fastParser struct {
	lines []yline
	pos   int
}

var fastPool = sync.Pool{New: func() any { return &fastParser{lines: make([]yline, 0, 64)} }}

// fastItem reads the subset of YAML go-vcr's encoder writes for an interaction: block mappings with the
// interaction's own keys, block sequences of scalars, plain, single- and double-quoted scalars on one
// line, literal block scalars (|, |-, |+), `{}` and `[]`. ok is false for anything else (tabs, control
// characters, flow collections, tags, anchors, comments, multi-line flow scalars, unknown or repeated
// keys, a value of the wrong kind): the caller then asks the YAML decoder, which reads or refuses it.
func fastItem(doc []byte) (_ *vcr.Interaction, ok bool) {
	p := fastPool.Get().(*fastParser)
	defer func() {
		p.lines = p.lines[:0]
		fastPool.Put(p)
		if recover() != nil {
			ok = false
		}
	}()
	p.pos = 0
	if !p.split(doc) {
		return nil, false
	}
	first, okFirst := p.peek()
	if !okFirst {
		return nil, false // an empty item: YAML's null, which the caller reports
	}
	it := &vcr.Interaction{}
	var seen uint8
	ok = p.mapping(first.indent, func(key, rest []byte, ind int) bool {
		var bit uint8
		switch string(key) {
		case "id":
			bit = 1
		case "request":
			bit = 2
		case "response":
			bit = 4
		}
		if bit == 0 || seen&bit != 0 {
			return false
		}
		seen |= bit
		switch bit {
		case 1:
			n, ok := p.integer(rest, ind)
			it.ID = int(n)
			return ok
		case 2:
			return p.request(&it.Request, rest, ind)
		default:
			return p.response(&it.Response, rest, ind)
		}
	})
	if !ok || p.pos != len(p.lines) {
		return nil, false
	}
	return it, true
}

// split cuts doc into lines and refuses what the subset never holds: tabs, control characters, line
// breaks other than \n (a lone \r, NEL, LS, PS), a byte order mark, invalid UTF-8 and the code points
// YAML does not allow in a stream.
func (p *fastParser) split(doc []byte) bool {
	for len(doc) > 0 {
		line := doc
		if i := bytes.IndexByte(doc, '\n'); i >= 0 {
			line, doc = doc[:i], doc[i+1:]
		} else {
			doc = nil
		}
		for i := 0; i < len(line); {
			c := line[i]
			if c >= 0x20 && c < 0x7f {
				i++
				continue
			}
			if c < 0x80 {
				return false
			}
			r, size := utf8.DecodeRune(line[i:])
			if !printableYAML(r, size) {
				return false
			}
			i += size
		}
		n := 0
		for n < len(line) && line[n] == ' ' {
			n++
		}
		p.lines = append(p.lines, yline{indent: n, text: line[n:], raw: line})
	}
	return true
}

func printableYAML(r rune, size int) bool {
	switch {
	case r == utf8.RuneError && size <= 1:
		return false
	case r == 0x85, r == 0x2028, r == 0x2029, r == 0xFEFF:
		return false // line breaks in YAML, and the byte order mark
	}
	return (r >= 0xA0 && r <= 0xD7FF) || (r >= 0xE000 && r <= 0xFFFD) || (r >= 0x10000 && r <= 0x10FFFF)
}

// peek is the next line that is not blank, without taking it.
func (p *fastParser) peek() (yline, bool) {
	for p.pos < len(p.lines) && len(p.lines[p.pos].text) == 0 {
		p.pos++
	}
	if p.pos == len(p.lines) {
		return yline{}, false
	}
	return p.lines[p.pos], true
}

// mapping reads a block mapping whose keys stand at indent: fn gets each key, the rest of its line
// after the colon, and the indentation of the mapping, and reads the value. It stops at the first line
// less indented; a line more indented that no value took is outside the subset.
func (p *fastParser) mapping(indent int, fn func(key, rest []byte, indent int) bool) bool {
	for {
		l, ok := p.peek()
		if !ok || l.indent < indent {
			return true
		}
		if l.indent > indent || l.text[0] == '#' || l.text[0] == '-' {
			return false
		}
		key, rest, ok := cutKey(l.text)
		if !ok {
			return false
		}
		p.pos++
		if !fn(key, rest, indent) {
			return false
		}
	}
}

// cutKey splits `key: rest` with a plain key of letters, digits and `_-.`.
func cutKey(text []byte) (key, rest []byte, ok bool) {
	i := bytes.IndexByte(text, ':')
	if i <= 0 || (i+1 < len(text) && text[i+1] != ' ') {
		return nil, nil, false
	}
	for _, c := range text[:i] {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.') {
			return nil, nil, false
		}
	}
	return text[:i], bytes.TrimLeft(text[i+1:], " "), true
}

// plainSafe: a plain scalar the subset reads as its own text (no indicator, comment or mapping colon).
func plainSafe(s []byte) bool {
	if len(s) == 0 || s[len(s)-1] == ' ' || s[len(s)-1] == ':' {
		return false
	}
	if strings.IndexByte("-?:,[]{}#&*!|>'\"%@`", s[0]) >= 0 {
		return false
	}
	if bytes.Contains(s, []byte(": ")) || bytes.Contains(s, []byte(" #")) {
		return false
	}
	switch string(s) {
	case "~", "null", "Null", "NULL", "<<":
		return false
	}
	return true
}

// str reads a string value: a scalar on the line, or a literal block scalar below it.
func (p *fastParser) str(rest []byte, indent int) (string, bool) {
	if len(rest) == 0 {
		return "", false // a null, or a multi-line plain scalar: the YAML decoder's business
	}
	switch rest[0] {
	case '|':
		return p.literal(rest[1:], indent)
	}
	return scalar(rest)
}

// scalar reads a one-line scalar: plain, single- or double-quoted, with nothing after it.
func scalar(s []byte) (string, bool) {
	switch s[0] {
	case '\'':
		return singleQuoted(s)
	case '"':
		return doubleQuoted(s)
	}
	if !plainSafe(s) {
		return "", false
	}
	return string(s), true
}

func singleQuoted(s []byte) (string, bool) {
	var b []byte
	from := 1
	for i := 1; i < len(s); i++ {
		if s[i] != '\'' {
			continue
		}
		if i+1 < len(s) && s[i+1] == '\'' { // '' is one quote
			b = append(b, s[from:i+1]...)
			i++
			from = i + 1
			continue
		}
		if i != len(s)-1 {
			return "", false // text after the closing quote
		}
		if b == nil {
			return string(s[1:i]), true
		}
		return string(append(b, s[from:i]...)), true
	}
	return "", false // not closed on this line
}

func doubleQuoted(s []byte) (string, bool) {
	end := -1
	esc := false
	for i := 1; i < len(s); i++ {
		if s[i] == '\\' {
			esc = true
			i++
			continue
		}
		if s[i] == '"' {
			end = i
			break
		}
	}
	if end != len(s)-1 {
		return "", false // not closed on this line, or text after it
	}
	body := s[1:end]
	if !esc {
		return string(body), true
	}
	out := make([]byte, 0, len(body))
	for i := 0; i < len(body); i++ {
		c := body[i]
		if c != '\\' {
			out = append(out, c)
			continue
		}
		i++
		if i >= len(body) {
			return "", false
		}
		var r rune
		switch body[i] {
		case '0':
			out = append(out, 0)
		case 'a':
			out = append(out, '\a')
		case 'b':
			out = append(out, '\b')
		case 't', '\t':
			out = append(out, '\t')
		case 'n':
			out = append(out, '\n')
		case 'v':
			out = append(out, '\v')
		case 'f':
			out = append(out, '\f')
		case 'r':
			out = append(out, '\r')
		case 'e':
			out = append(out, 0x1b)
		case ' ', '"', '/', '\\':
			out = append(out, body[i])
		case 'N':
			out = utf8.AppendRune(out, 0x85)
		case '_':
			out = utf8.AppendRune(out, 0xA0)
		case 'L':
			out = utf8.AppendRune(out, 0x2028)
		case 'P':
			out = utf8.AppendRune(out, 0x2029)
		case 'x', 'u', 'U':
			n := 2
			if body[i] == 'u' {
				n = 4
			} else if body[i] == 'U' {
				n = 8
			}
			if i+1+n > len(body) {
				return "", false
			}
			v, err := strconv.ParseUint(string(body[i+1:i+1+n]), 16, 32)
			if err != nil {
				return "", false
			}
			r = rune(v)
			if (r >= 0xD800 && r <= 0xDFFF) || r > 0x10FFFF {
				return "", false
			}
			out = utf8.AppendRune(out, r)
			i += n
		default:
			return "", false
		}
	}
	return string(out), true
}

// literal reads a literal block scalar (|, |- or |+; no indentation indicator) below a key of the
// mapping at indent.
func (p *fastParser) literal(header []byte, indent int) (string, bool) {
	chomp := byte(0)
	if len(header) > 0 {
		chomp = header[0]
		header = header[1:]
	}
	if (chomp != 0 && chomp != '-' && chomp != '+') || len(header) != 0 {
		return "", false
	}
	start := p.pos
	content := -1
	for i := start; i < len(p.lines); i++ {
		if len(p.lines[i].text) > 0 {
			content = p.lines[i].indent
			break
		}
	}
	if content <= indent {
		return "", false
	}
	var b strings.Builder
	end := start
	pendingBreaks := 0
	sawText := false
	for ; end < len(p.lines); end++ {
		l := p.lines[end]
		if len(l.text) == 0 {
			if len(l.raw) > content {
				return "", false // a line of spaces past the indentation: content the subset leaves alone
			}
			pendingBreaks++
			continue
		}
		if l.indent < content {
			break
		}
		if sawText {
			b.WriteByte('\n')
		}
		for ; pendingBreaks > 0; pendingBreaks-- {
			b.WriteByte('\n')
		}
		b.Write(l.raw[content:])
		sawText = true
	}
	// pendingBreaks now counts the trailing blank lines.
	switch {
	case !sawText:
		return "", false
	case chomp == '-':
	case chomp == '+':
		b.WriteByte('\n')
		for ; pendingBreaks > 0; pendingBreaks-- {
			b.WriteByte('\n')
		}
	default:
		b.WriteByte('\n')
	}
	p.pos = end
	return b.String(), true
}

// integer reads a plain decimal integer on the line.
func (p *fastParser) integer(rest []byte, _ int) (int64, bool) {
	if len(rest) == 0 || len(rest) > 18 || (rest[0] == '0' && len(rest) > 1) {
		return 0, false
	}
	var n int64
	for _, c := range rest {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

// list reads a block sequence of scalars below a key of the mapping at indent (or `[]`).
func (p *fastParser) list(rest []byte, indent int) ([]string, bool) {
	if len(rest) > 0 {
		if string(rest) == "[]" {
			return []string{}, true
		}
		return nil, false
	}
	l, ok := p.peek()
	if !ok || l.indent < indent || l.text[0] != '-' {
		return nil, false
	}
	seq := l.indent
	var out []string
	for {
		l, ok := p.peek()
		if !ok || l.indent < seq || (l.indent == seq && l.text[0] != '-') {
			return out, out != nil
		}
		if l.indent > seq || len(l.text) < 3 || l.text[1] != ' ' {
			return nil, false
		}
		v := bytes.TrimLeft(l.text[2:], " ")
		if len(v) == 0 || v[0] == '|' || v[0] == '-' {
			return nil, false
		}
		s, ok := scalar(v)
		if !ok {
			return nil, false
		}
		p.pos++
		out = append(out, s)
	}
}

// header reads a mapping of names to lists of values (headers, trailers, form values) below a key of
// the mapping at indent (or `{}`).
func (p *fastParser) header(rest []byte, indent int) (map[string][]string, bool) {
	if len(rest) > 0 {
		if string(rest) == "{}" {
			return map[string][]string{}, true
		}
		return nil, false
	}
	l, ok := p.peek()
	if !ok || l.indent <= indent {
		return nil, false
	}
	h := map[string][]string{}
	ok = p.mapping(l.indent, func(key, rest []byte, ind int) bool {
		k := string(key)
		if _, dup := h[k]; dup || !plainSafe(key) {
			return false
		}
		vs, ok := p.list(rest, ind)
		h[k] = vs
		return ok
	})
	return h, ok
}

// block finds the indentation of the mapping below a key of the mapping at indent.
func (p *fastParser) block(rest []byte, indent int) (int, bool) {
	if len(rest) > 0 {
		return 0, false
	}
	l, ok := p.peek()
	if !ok || l.indent <= indent {
		return 0, false
	}
	return l.indent, true
}

// message points at the fields requests and answers share.
type message struct {
	proto            *string
	major, minor     *int
	length           *int64
	transferEncoding *[]string
	trailer, headers *http.Header
	body             *string
}

// common reads a key requests and answers share; handled is false for another key.
func (p *fastParser) common(key string, rest []byte, ind int, m message) (handled, ok bool) {
	var n int64
	var h map[string][]string
	switch key {
	case "proto":
		*m.proto, ok = p.str(rest, ind)
	case "proto_major":
		n, ok = p.integer(rest, ind)
		*m.major = int(n)
	case "proto_minor":
		n, ok = p.integer(rest, ind)
		*m.minor = int(n)
	case "content_length":
		*m.length, ok = p.integer(rest, ind)
	case "transfer_encoding":
		*m.transferEncoding, ok = p.list(rest, ind)
	case "trailer":
		h, ok = p.header(rest, ind)
		*m.trailer = http.Header(h)
	case "headers":
		h, ok = p.header(rest, ind)
		*m.headers = http.Header(h)
	case "body":
		*m.body, ok = p.str(rest, ind)
	default:
		return false, false
	}
	return true, ok
}

// fields reads the block mapping below a key of the mapping at indent, each of its keys once, the keys
// of keys only: fn reads the value of each.
func (p *fastParser) fields(rest []byte, indent int, keys []string, fn func(key string, rest []byte, ind int) bool) bool {
	in, ok := p.block(rest, indent)
	if !ok {
		return false
	}
	var seen uint32
	return p.mapping(in, func(key, rest []byte, ind int) bool {
		k := -1
		for i, name := range keys {
			if string(key) == name {
				k = i
				break
			}
		}
		if k < 0 || seen&(1<<k) != 0 {
			return false
		}
		seen |= 1 << k
		return fn(keys[k], rest, ind)
	})
}

var requestKeys = []string{"proto", "proto_major", "proto_minor", "content_length", "transfer_encoding",
	"trailer", "host", "remote_addr", "request_uri", "body", "form", "headers", "url", "method"}

var responseKeys = []string{"proto", "proto_major", "proto_minor", "transfer_encoding", "trailer",
	"content_length", "uncompressed", "body", "headers", "status", "code", "duration"}

func (p *fastParser) request(r *vcr.Request, rest []byte, indent int) bool {
	m := message{&r.Proto, &r.ProtoMajor, &r.ProtoMinor, &r.ContentLength, &r.TransferEncoding, &r.Trailer, &r.Headers, &r.Body}
	return p.fields(rest, indent, requestKeys, func(key string, rest []byte, ind int) bool {
		if handled, ok := p.common(key, rest, ind, m); handled {
			return ok
		}
		var ok bool
		switch key {
		case "host":
			r.Host, ok = p.str(rest, ind)
		case "remote_addr":
			r.RemoteAddr, ok = p.str(rest, ind)
		case "request_uri":
			r.RequestURI, ok = p.str(rest, ind)
		case "form":
			var h map[string][]string
			h, ok = p.header(rest, ind)
			r.Form = url.Values(h)
		case "url":
			r.URL, ok = p.str(rest, ind)
		case "method":
			r.Method, ok = p.str(rest, ind)
		}
		return ok
	})
}

func (p *fastParser) response(r *vcr.Response, rest []byte, indent int) bool {
	m := message{&r.Proto, &r.ProtoMajor, &r.ProtoMinor, &r.ContentLength, &r.TransferEncoding, &r.Trailer, &r.Headers, &r.Body}
	return p.fields(rest, indent, responseKeys, func(key string, rest []byte, ind int) bool {
		if handled, ok := p.common(key, rest, ind, m); handled {
			return ok
		}
		var ok bool
		switch key {
		case "uncompressed":
			switch string(rest) {
			case "true":
				r.Uncompressed, ok = true, true
			case "false":
				ok = true
			}
		case "status":
			r.Status, ok = p.str(rest, ind)
		case "code":
			var n int64
			n, ok = p.integer(rest, ind)
			r.Code = int(n)
		case "duration":
			r.Duration, ok = duration(rest)
		}
		return ok
	})
}

// duration reads a plain Go duration with its unit ("0s", "1.5s", "150ms"), as YAML decodes a string
// into a time.Duration.
func duration(rest []byte) (time.Duration, bool) {
	if len(rest) == 0 || rest[0] < '0' || rest[0] > '9' || !plainSafe(rest) {
		return 0, false
	}
	if c := rest[len(rest)-1]; c < 'a' || c > 'z' {
		return 0, false
	}
	d, err := time.ParseDuration(string(rest))
	return d, err == nil
}

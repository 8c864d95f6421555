package redact

import (
	"bytes"
	"errors"
	"fmt"
	"mime"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/zstd"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/ianaindex"
	"golang.org/x/text/encoding/unicode"

	"github.com/kontrak/kontrak/internal/wire"
)

// A body is read as a client reads it, before anything is judged or kept: its chunk framing (left in by a
// recorder that did not undo the transfer coding), its Content-Encoding (gzip, deflate, br, zstd; a list
// right to left) and its charset (a byte order mark, UTF-16, Latin-1 and every charset IANA names) undone.
// A body that still cannot be read (an encoding no library here decodes, one that does not decode, a
// charset no one knows, binary bytes that are no image) is not kept: it becomes a digest marker, and the
// note says why. Decompressors are the maintained ones: compress/gzip and compress/flate (through wire),
// github.com/andybalholm/brotli and github.com/klauspost/compress/zstd; charsets are golang.org/x/text's.
// Decoding is bounded by wire.MaxDecodedBody, so a small bomb cannot take the memory.

// decoded is a body as it is read, and how to store it again.
type decoded struct {
	body string
	// how says what was undone, for the notes ("body was Content-Encoding br: stored decoded, the header
	// dropped"); empty when the body was read as it is stored.
	how []string
	// decodedEncoding: the Content-Encoding was undone, and goes; framed: the chunk framing was.
	decodedEncoding, framed bool
	// charset is the body's charset when it is not UTF-8: a changed body is encoded back into it, its byte
	// order mark (bom) in front, so that a charset is never silently changed.
	charset encoding.Encoding
	csName  string
	bom     []byte
	// unread says why the body cannot be read; "" when it can.
	unread string
}

const bomNote = "body opened with a UTF-8 byte order mark: stored without it"

// decodeBody reads a stored body (see above).
func decodeBody(h map[string][]string, te []string, raw string) decoded {
	d := decoded{body: raw}
	if raw == "" || isDigest(raw) {
		return d
	}
	if chunked(h, te) || looksFramed(raw) {
		if out, ok := unframe(raw); ok {
			d.body, d.framed = out, true
			d.how = append(d.how, "body held its chunk framing: stored without it")
		} else if chunked(h, te) && looksFramed(raw) {
			d.unread = "its chunk framing is broken"
			d.framed = true
			return d
		}
	}
	if enc := strings.TrimSpace(wire.HeaderValue(h, "Content-Encoding")); enc != "" && !strings.EqualFold(enc, "identity") {
		out, err := decodeContent(enc, []byte(d.body))
		if err != nil {
			d.unread = err.Error()
			return d
		}
		d.body, d.decodedEncoding = string(out), true
		d.how = append(d.how, "body was Content-Encoding "+strings.ToLower(enc)+": stored decoded, the header dropped")
	}
	// Every UTF-8 mark: one left behind would be taken on the next run.
	if b, ok := strings.CutPrefix(d.body, "\uFEFF"); ok {
		for ok {
			d.body = b
			b, ok = strings.CutPrefix(d.body, "\uFEFF")
		}
		d.how = append(d.how, bomNote)
	}
	_, params := wire.ContentType(h)
	cs := strings.ToLower(strings.Trim(params["charset"], `"' `))
	switch {
	case strings.HasPrefix(d.body, "\xFF\xFE"), strings.HasPrefix(d.body, "\xFE\xFF"):
		d.bom = []byte(d.body[:2])
		e := unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM)
		d.csName = "UTF-16LE"
		if d.body[0] == 0xFE {
			e, d.csName = unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), "UTF-16BE"
		}
		d.charset = e
	case cs == "" || cs == "utf-8" || cs == "utf8" || cs == "us-ascii" || cs == "ascii":
	case cs == "utf-16":
		d.charset, d.csName = unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), "UTF-16" // RFC 2781: big-endian without a mark
	default:
		e, err := ianaindex.IANA.Encoding(cs)
		if err != nil || e == nil {
			if !utf8.ValidString(d.body) {
				d.unread = fmt.Sprintf("charset %q is not one kontrak reads", cs)
			}
			return d
		}
		d.charset, d.csName = e, cs
	}
	if d.charset != nil {
		out, err := d.charset.NewDecoder().String(d.body[len(d.bom):])
		if err != nil {
			d.unread = fmt.Sprintf("it does not decode as %s", d.csName)
			return d
		}
		d.body = out
	}
	return d
}

// encode writes a changed body back in the charset it came in; where that charset cannot hold a character
// of it (a stand-in it has no letter for), the body is stored as UTF-8 and its Content-Type says so.
func (d decoded) encode(body string, h map[string][]string) (string, []string) {
	if d.charset == nil {
		return body, nil
	}
	out, err := d.charset.NewEncoder().String(body)
	if err == nil {
		return string(d.bom) + out, nil
	}
	for k, vs := range h {
		if strings.EqualFold(k, "Content-Type") && len(vs) > 0 {
			t, params, perr := mime.ParseMediaType(vs[0])
			if perr == nil {
				params["charset"] = "utf-8"
				vs[0] = mime.FormatMediaType(t, params)
			}
		}
	}
	return body, []string{"body was " + d.csName + ", which cannot hold its stand-ins: stored as UTF-8, its Content-Type says so"}
}

// chunked: the recording says the body travelled chunked.
func chunked(h map[string][]string, te []string) bool {
	for _, t := range te {
		if strings.EqualFold(strings.TrimSpace(t), "chunked") {
			return true
		}
	}
	return strings.Contains(strings.ToLower(wire.HeaderValue(h, "Transfer-Encoding")), "chunked")
}

// looksFramed: the body opens as a chunk does, a hexadecimal size and a CRLF.
func looksFramed(s string) bool {
	i := 0
	for i < len(s) && i < 16 && isHex(s[i]) {
		i++
	}
	if i == 0 || i == len(s) {
		return false
	}
	if s[i] == ';' {
		j := strings.Index(s[i:], "\r\n")
		return j > 0 && j < 256
	}
	return strings.HasPrefix(s[i:], "\r\n")
}

func isHex(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

// unframe undoes chunk framing (RFC 9112 §7.1): chunks of a hexadecimal size (extensions ignored), the last
// of size 0, trailer lines, an empty line, and nothing after. A body that is not exactly that is not
// unframed. It is written here, not with net/http/httputil's chunked reader, because that reader stops at
// the last chunk and says nothing of what follows it, and a body that only looks framed must stay whole.
func unframe(s string) (string, bool) {
	var out strings.Builder
	for {
		line, rest, ok := strings.Cut(s, "\r\n")
		if !ok {
			return "", false
		}
		size, _, _ := strings.Cut(line, ";")
		n, err := strconv.ParseUint(strings.TrimSpace(size), 16, 32)
		if err != nil || n > uint64(len(rest)) {
			return "", false
		}
		if n == 0 {
			s = rest
			break
		}
		out.WriteString(rest[:n])
		if !strings.HasPrefix(rest[n:], "\r\n") {
			return "", false
		}
		s = rest[n+2:]
		if out.Len() > wire.MaxDecodedBody {
			return "", false
		}
	}
	for { // trailer lines, then the empty line that ends the message
		line, rest, ok := strings.Cut(s, "\r\n")
		if !ok {
			return "", false
		}
		if line == "" {
			return out.String(), rest == ""
		}
		if !strings.Contains(line, ":") {
			return "", false
		}
		s = rest
	}
}

// decodeContent undoes a Content-Encoding list, right to left (RFC 9110 §8.4): gzip, deflate (through
// wire, which reads zlib and raw deflate), br and zstd; identity is nothing. Its error says why, in words a
// note can carry.
func decodeContent(encoding string, body []byte) ([]byte, error) {
	out, err := wire.DecodeContentEncodingWith(encoding, body, moreCodings)
	if e := (*wire.EncodingError)(nil); errors.As(err, &e) {
		if e.Unknown {
			return nil, fmt.Errorf("Content-Encoding %s is not one kontrak decodes", safeToken(e.Coding))
		}
		return nil, fmt.Errorf("Content-Encoding %s does not decode", e.Coding)
	}
	return out, err
}

// moreCodings are the codings redaction opens beyond wire's: br and zstd, each bounded by
// wire.MaxDecodedBody.
var moreCodings = wire.Decoders{
	"br": func(body []byte) ([]byte, error) { return wire.ReadBounded(brotli.NewReader(bytes.NewReader(body))) },
	"zstd": func(body []byte) ([]byte, error) {
		zr, err := zstd.NewReader(bytes.NewReader(body), zstd.WithDecoderMaxMemory(wire.MaxDecodedBody), zstd.WithDecoderConcurrency(1))
		if err != nil {
			return nil, err
		}
		defer zr.Close()
		return wire.ReadBounded(zr)
	},
}

// safeToken is a header token as a note may print it: itself when it is a short token, else its shape.
func safeToken(s string) string {
	if isHeaderToken(s) && len(s) <= 32 {
		return s
	}
	// By its shape, at most 32 characters, with what a note cannot hold (parentheses, separators: noteRE)
	// as '?': a coding named ";0(0" made a note the scan then read as text of the vendor's (FuzzRedactBody).
	shape := []rune(wire.Shape(s))
	if len(shape) > 32 {
		shape = append(shape[:32], '…')
	}
	for n, r := range shape {
		if r != '…' && !(r < 0x80 && isHeaderToken(string(r))) {
			shape[n] = '?'
		}
	}
	return string(shape)
}

package wire

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"image"
	_ "image/gif" // registered for image.DecodeConfig: Dimensions reads every format Sniff names
	_ "image/jpeg"
	_ "image/png"
	"net/http"
	"strings"
)

// base64Encodings are the alphabets and paddings an API may send an image in.
var base64Encodings = []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding}

// DecodeBase64 decodes base64 as APIs send it: the standard or the URL alphabet, padded or not, with
// white space and line breaks anywhere, after an optional "data:<type>;base64," prefix (dataURI says
// whether there was one). ok is false when s is none of those.
func DecodeBase64(s string) (b []byte, dataURI, ok bool) {
	s, dataURI, ok = stripDataURI(s)
	if !ok {
		return nil, dataURI, false
	}
	s = stripSpace(s)
	for _, enc := range base64Encodings {
		if b, err := enc.DecodeString(s); err == nil {
			return b, dataURI, true
		}
	}
	return nil, dataURI, false
}

// Base64Image decodes s when it is an image in base64 (as DecodeBase64 reads it) and returns its bytes.
// It is asked of every string of a body, so it sniffs a prefix before decoding the whole string.
func Base64Image(s string) ([]byte, bool) {
	s, _, ok := stripDataURI(s)
	if !ok {
		return nil, false
	}
	// The shortest image signature http.DetectContentType knows needs a few bytes; shorter strings are the
	// common case (ids, names, numbers) and not worth decoding.
	if len(s) < 16 || !base64Shaped(s) {
		return nil, false
	}
	s = stripSpace(s)
	if s == "" || !base64ImageLead[s[0]] {
		return nil, false
	}
	const prefix = 64 // a multiple of 4, so that it decodes without padding in either alphabet
	for _, enc := range base64Encodings {
		if len(s) > prefix {
			head, err := enc.WithPadding(base64.NoPadding).DecodeString(s[:prefix])
			if err != nil || !IsImage(head) {
				continue
			}
		}
		if b, err := enc.DecodeString(s); err == nil && IsImage(b) {
			return b, true
		}
	}
	return nil, false
}

// Base64ImageFrom is Base64Image(s) for a caller that has already decoded s with DecodeBase64 (b, ok):
// the same answer without a second decode of a large image (the sandbox decodes a request's image once,
// and the matcher hashes the same string: issue 24 measured three decodes of every OCR request). It is
// the same answer because Base64Image tries the encodings in DecodeBase64's order, and the first that
// decodes gives the bytes either way; its 48-byte head sniff sees what the whole sniff sees, every image
// signature being shorter.
func Base64ImageFrom(s string, b []byte, ok bool) ([]byte, bool) {
	if !ok || !IsImage(b) {
		return nil, false
	}
	// A string DecodeBase64 decoded holds only base64 characters and white space: it is base64Shaped.
	s, _, uri := stripDataURI(s)
	if !uri || len(s) < 16 {
		return nil, false
	}
	s = strings.TrimLeft(s, " \t\r\n")
	if s == "" || !base64ImageLead[s[0]] {
		return nil, false
	}
	return b, true
}

func stripDataURI(s string) (string, bool, bool) {
	rest, ok := strings.CutPrefix(s, "data:")
	if !ok {
		return s, false, true
	}
	_, payload, found := strings.Cut(rest, ";base64,")
	return payload, true, found
}

// base64Shaped: s holds only characters of some base64 alphabet, padding and white space; a string
// with any other (most text) decodes in none of them, and is rejected without a copy or a decode.
func base64Shaped(s string) bool {
	for i := 0; i < len(s); i++ {
		if !base64Chars[s[i]] {
			return false
		}
	}
	return true
}

// base64Chars is base64Shaped's alphabet as a table: a switch per byte cost more than the decode of a
// 100 KB image (issue 24's profile of an OCR request).
var base64Chars = ByteSet("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_= \t\r\n")

// stripSpace drops white space from s. It looks for each of the four bytes with strings.IndexByte (SIMD)
// rather than once with strings.ContainsAny (a table lookup a byte): on a 170 KB base64 image the four
// scans cost a tenth of the one (cmd/kontrak-load's profile of serve under a Kredibel OCR POST).
func stripSpace(s string) string {
	if strings.IndexByte(s, ' ') < 0 && strings.IndexByte(s, '\n') < 0 && strings.IndexByte(s, '\r') < 0 &&
		strings.IndexByte(s, '\t') < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '\t' || r == '\r' || r == '\n' {
			return -1
		}
		return r
	}, s)
}

// SniffMedia is the sniffed media type of b (http.DetectContentType) without parameters.
func SniffMedia(b []byte) string {
	t, _, _ := strings.Cut(http.DetectContentType(b), ";")
	return strings.TrimSpace(t)
}

// IsImage reports whether b sniffs as an image.
func IsImage(b []byte) bool {
	return len(b) > 0 && imageLead[b[0]] && strings.HasPrefix(SniffMedia(b), "image/")
}

// IsImageString is IsImage of s, copying no more of it than the sniffer reads: it is asked of every
// value of a body.
func IsImageString(s string) bool {
	return s != "" && imageLead[s[0]] && IsImage([]byte(s[:min(len(s), sniffLen)]))
}

// sniffLen is how much of its input http.DetectContentType considers.
const sniffLen = 512

// imageLead holds the first bytes of the image signatures http.DetectContentType knows (ICO and CUR,
// BMP, GIF, WebP's RIFF, PNG, JPEG): anything else is no image, and needs no sniffing.
var imageLead = [256]bool{0x00: true, 'B': true, 'G': true, 'R': true, 0x89: true, 0xFF: true}

// base64ImageLead holds the first characters, in either base64 alphabet, of an image in base64: the
// character that encodes the top six bits of an imageLead byte.
var base64ImageLead = func() (lead [256]bool) {
	for b := range 256 {
		if imageLead[b] {
			lead[base64Std[b>>2]] = true
			lead[base64URL[b>>2]] = true
		}
	}
	return lead
}()

const (
	base64Std = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	base64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
)

// ImageFormat names an image's format as the specs do (jpeg, png, gif, bmp, webp, ico), or "" when b is
// no image the sniffer knows.
func ImageFormat(b []byte) string {
	name, ok := strings.CutPrefix(SniffMedia(b), "image/")
	if !ok {
		return ""
	}
	if name == "x-icon" || name == "vnd.microsoft.icon" {
		return "ico"
	}
	return name
}

// Dimensions reads an image's width and height from its header (JPEG, PNG, GIF, BMP); ok is false when
// it cannot, or when either is not positive.
func Dimensions(b []byte) (w, h int, ok bool) {
	if cfg, _, err := image.DecodeConfig(bytes.NewReader(b)); err == nil {
		w, h = cfg.Width, cfg.Height
	} else {
		w, h = bmpSize(b)
	}
	if w <= 0 || h <= 0 {
		return 0, 0, false
	}
	return w, h, true
}

// bmpSize reads a BMP's size from its header: two header fields do not justify golang.org/x/image/bmp.
func bmpSize(b []byte) (int, int) {
	if len(b) < 26 || b[0] != 'B' || b[1] != 'M' {
		return 0, 0
	}
	if binary.LittleEndian.Uint32(b[14:]) == 12 { // BITMAPCOREHEADER: 16-bit unsigned sizes
		return int(binary.LittleEndian.Uint16(b[18:])), int(binary.LittleEndian.Uint16(b[20:]))
	}
	w := int64(int32(binary.LittleEndian.Uint32(b[18:])))
	h := int64(int32(binary.LittleEndian.Uint32(b[22:]))) // negative for a top-down bitmap
	if w < 0 {
		return 0, 0
	}
	if h < 0 {
		h = -h
	}
	return int(w), int(h)
}

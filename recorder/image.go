package recorder

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"image"
	_ "image/gif" // registered for image.DecodeConfig: an image's size goes into its descriptor
	_ "image/jpeg"
	_ "image/png"
	"net/http"
	"strconv"
	"strings"
)

// imageDescriptorPrefix opens the string a redacted cassette holds in place of an image.
const imageDescriptorPrefix = "kontrak-redacted-image "

// ImageDescriptor is the string a redacted cassette holds in place of the image b:
//
//	kontrak-redacted-image sha256=<hex> bytes=<n> <W>x<H> <media type>
//
// It is the one format every part of kontrak writes and reads. The sha256 is of the image's bytes (decoded
// from base64 when the image travelled as base64), so the matcher compares a live image with a redacted one
// by hash (see ParseImageDescriptor). The size and media type are there for a reader of the cassette; a
// size that cannot be read is 0x0.
func ImageDescriptor(b []byte) string {
	sum := sha256.Sum256(b)
	w, h := imageSize(b)
	return fmt.Sprintf("%ssha256=%s bytes=%d %dx%d %s", imageDescriptorPrefix, hex.EncodeToString(sum[:]), len(b), w, h, mediaType(b))
}

// ParseImageDescriptor returns the sha256 (lowercase hex) that an ImageDescriptor string names, and whether s
// is one.
func ParseImageDescriptor(s string) (sha string, ok bool) {
	rest, ok := strings.CutPrefix(strings.TrimSpace(s), imageDescriptorPrefix)
	if !ok {
		return "", false
	}
	f := strings.Fields(rest)
	if len(f) != 4 {
		return "", false
	}
	sha, ok = strings.CutPrefix(f[0], "sha256=")
	if !ok || len(sha) != sha256.Size*2 || strings.ToLower(sha) != sha {
		return "", false
	}
	if _, err := hex.DecodeString(sha); err != nil {
		return "", false
	}
	n, ok := strings.CutPrefix(f[1], "bytes=")
	if _, err := strconv.ParseUint(n, 10, 64); !ok || err != nil {
		return "", false
	}
	w, h, ok := strings.Cut(f[2], "x")
	if _, err := strconv.ParseUint(w, 10, 32); !ok || err != nil {
		return "", false
	}
	if _, err := strconv.ParseUint(h, 10, 32); err != nil {
		return "", false
	}
	if !strings.Contains(f[3], "/") {
		return "", false
	}
	return sha, true
}

// imageHash is the canonical form of an image in a match: the same for the image's bytes, its base64 and
// its descriptor.
func imageHash(b []byte) string {
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}

func isImage(b []byte) bool { return strings.HasPrefix(http.DetectContentType(b), "image/") }

// mediaType is the sniffed media type of b without its parameters, so that a descriptor stays five
// space-separated fields.
func mediaType(b []byte) string {
	t, _, _ := strings.Cut(http.DetectContentType(b), ";")
	return strings.TrimSpace(t)
}

// imageSize reads an image's width and height from its header, 0x0 when it cannot.
func imageSize(b []byte) (int, int) {
	if cfg, _, err := image.DecodeConfig(bytes.NewReader(b)); err == nil {
		return cfg.Width, cfg.Height
	}
	return bmpSize(b)
}

// bmpSize reads a BMP's size from its header. golang.org/x/image/bmp would do it, but it is not a
// requirement of the module, and two header fields do not justify one.
func bmpSize(b []byte) (int, int) {
	if len(b) < 26 || b[0] != 'B' || b[1] != 'M' {
		return 0, 0
	}
	if binary.LittleEndian.Uint32(b[14:]) == 12 { // BITMAPCOREHEADER: 16-bit unsigned sizes
		return int(binary.LittleEndian.Uint16(b[18:])), int(binary.LittleEndian.Uint16(b[20:]))
	}
	w := int32(binary.LittleEndian.Uint32(b[18:]))
	h := int32(binary.LittleEndian.Uint32(b[22:])) // negative for a top-down bitmap
	if w < 0 {
		return 0, 0
	}
	if h < 0 {
		h = -h
	}
	return int(w), int(h)
}

// base64Encodings are the alphabets and paddings an API may send an image in.
var base64Encodings = []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding}

// base64Image decodes s when it is an image in base64 (either alphabet, padded or not, line-wrapped or
// not, with or without a "data:<type>;base64," prefix).
func base64Image(s string) ([]byte, bool) {
	if rest, ok := strings.CutPrefix(s, "data:"); ok {
		_, payload, found := strings.Cut(rest, ";base64,")
		if !found {
			return nil, false
		}
		s = payload
	}
	if strings.ContainsAny(s, "\r\n") {
		s = strings.NewReplacer("\r", "", "\n", "").Replace(s)
	}
	// The shortest signature http.DetectContentType knows as an image needs a few bytes; shorter strings
	// are the common case (ids, names, numbers) and not worth decoding.
	if len(s) < 16 {
		return nil, false
	}
	// Sniff a prefix first: decoding every long string of a body in full only to find it is not an image
	// would cost as much as the rest of the match.
	const prefix = 64 // a multiple of 4, so that it decodes without padding in either alphabet
	for _, enc := range base64Encodings {
		if len(s) > prefix {
			head, err := enc.WithPadding(base64.NoPadding).DecodeString(s[:prefix])
			if err != nil || !isImage(head) {
				continue
			}
		}
		if b, err := enc.DecodeString(s); err == nil && isImage(b) {
			return b, true
		}
	}
	return nil, false
}

package specimen

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"strings"
)

// Mark is what a marked specimen says of itself: the seed of its Identity and its Variant. kontrak serve
// reads it back (ReadMark) to answer a specimen with its own identity, degraded by serve's error model; a
// vendor ignores it. See "Marked specimens" in the package documentation.
type Mark struct {
	Seed    string
	Variant Variant
}

// markKeyword begins the comment (JPEG) or names the text chunk (PNG) that carries a Mark; markVersion
// is the layout of what follows it. A change of either is a change of the documented means serve
// recognises specimens by.
const (
	markKeyword = "kontrak-specimen"
	markVersion = "v1"
	// maxMarkSeed bounds a seed: a mark is a few dozen bytes, never a carrier of anything else.
	maxMarkSeed = 128
)

// text is the mark's payload: "v1 variant=<variant> seed=<seed>", the seed last (it may hold spaces).
func (m Mark) text() string { return markVersion + " variant=" + string(m.Variant) + " seed=" + m.Seed }

func (m Mark) check() error {
	switch {
	case m.Seed == "" || len(m.Seed) > maxMarkSeed:
		return fmt.Errorf("specimen: mark: a seed of 1 to %d bytes is required, got %d", maxMarkSeed, len(m.Seed))
	case strings.ContainsFunc(m.Seed, func(r rune) bool { return r < 0x20 || r > 0x7e }):
		return errors.New("specimen: mark: the seed must be printable ASCII")
	case !knownVariant(m.Variant):
		return fmt.Errorf("specimen: mark: unknown variant %q", m.Variant)
	}
	return nil
}

func knownVariant(v Variant) bool {
	for _, k := range Variants() {
		if k == v {
			return true
		}
	}
	return false
}

// RenderMarked renders the specimen of NewIdentity(seed) under v (Render) and marks it with its seed and
// variant (AddMark). Same arguments, same bytes.
func RenderMarked(seed string, v Variant, f Format, w, h int) ([]byte, error) {
	m := Mark{Seed: seed, Variant: v}
	if err := m.check(); err != nil {
		return nil, err
	}
	img, err := Render(NewIdentity(seed), v, f, w, h)
	if err != nil {
		return nil, err
	}
	return AddMark(img, m)
}

// AddMark returns a copy of a JPEG or PNG that carries m: a JPEG gets a comment segment (COM, FF FE)
// right after its start of image, a PNG a tEXt chunk right after its IHDR. Pixels are untouched: every
// decoder skips both. Other formats are refused.
func AddMark(img []byte, m Mark) ([]byte, error) {
	if err := m.check(); err != nil {
		return nil, err
	}
	payload := []byte(markKeyword + " " + m.text())
	switch {
	case bytes.HasPrefix(img, jpegSOI):
		seg := make([]byte, 0, 4+len(payload))
		seg = append(seg, 0xFF, 0xFE)
		seg = binary.BigEndian.AppendUint16(seg, uint16(2+len(payload)))
		seg = append(seg, payload...)
		return concat(img[:2], seg, img[2:]), nil
	case bytes.HasPrefix(img, pngSignature) && len(img) >= 8+8+13+4:
		// The IHDR is the first chunk, 13 bytes of data: the mark goes right after it.
		end := 8 + 8 + 13 + 4
		data := concat([]byte(markKeyword), []byte{0}, []byte(m.text()))
		chunk := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
		chunk = append(chunk, "tEXt"...)
		chunk = append(chunk, data...)
		chunk = binary.BigEndian.AppendUint32(chunk, crc32.ChecksumIEEE(chunk[4:]))
		return concat(img[:end], chunk, img[end:]), nil
	}
	return nil, errors.New("specimen: mark: only a JPEG or a PNG can carry a mark")
}

var (
	jpegSOI      = []byte{0xFF, 0xD8}
	pngSignature = []byte("\x89PNG\r\n\x1a\n")
)

func concat(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// ReadMark reads the mark of an image, if it carries one: in a JPEG, the first comment segment before the
// start of scan that begins with the keyword; in a PNG, the first tEXt chunk of that keyword before the
// image data. It reads the headers only (never the pixels), stops at the first malformed length, and
// accepts only a well-formed mark of a known variant: anything else is no mark.
func ReadMark(img []byte) (Mark, bool) {
	switch {
	case bytes.HasPrefix(img, jpegSOI):
		return readJPEGMark(img)
	case bytes.HasPrefix(img, pngSignature):
		return readPNGMark(img)
	}
	return Mark{}, false
}

func readJPEGMark(b []byte) (Mark, bool) {
	for i := 2; i+4 <= len(b); {
		if b[i] != 0xFF {
			return Mark{}, false
		}
		marker := b[i+1]
		switch {
		case marker == 0xFF: // fill byte
			i++
			continue
		case marker == 0xD8 || (marker >= 0xD0 && marker <= 0xD7) || marker == 0x01: // no length
			i += 2
			continue
		case marker == 0xDA || marker == 0xD9: // start of scan, end of image: the headers are over
			return Mark{}, false
		}
		n := int(binary.BigEndian.Uint16(b[i+2:]))
		if n < 2 || i+2+n > len(b) {
			return Mark{}, false
		}
		if marker == 0xFE {
			if m, ok := parseMark(string(b[i+4:i+2+n]), markKeyword+" "); ok {
				return m, true
			}
		}
		i += 2 + n
	}
	return Mark{}, false
}

func readPNGMark(b []byte) (Mark, bool) {
	for i := 8; i+12 <= len(b); {
		n := int(binary.BigEndian.Uint32(b[i:]))
		if n < 0 || n > len(b)-i-12 {
			return Mark{}, false
		}
		typ := string(b[i+4 : i+8])
		if typ == "IDAT" || typ == "IEND" {
			return Mark{}, false
		}
		if typ == "tEXt" {
			data := b[i+8 : i+8+n]
			crc := binary.BigEndian.Uint32(b[i+8+n:])
			if crc == crc32.ChecksumIEEE(b[i+4:i+8+n]) {
				if m, ok := parseMark(string(data), markKeyword+"\x00"); ok {
					return m, true
				}
			}
		}
		i += 12 + n
	}
	return Mark{}, false
}

// parseMark reads "<prefix>v1 variant=<v> seed=<seed>".
func parseMark(s, prefix string) (Mark, bool) {
	rest, ok := strings.CutPrefix(s, prefix+markVersion+" variant=")
	if !ok {
		return Mark{}, false
	}
	v, seed, ok := strings.Cut(rest, " seed=")
	if !ok {
		return Mark{}, false
	}
	m := Mark{Seed: seed, Variant: Variant(v)}
	if m.check() != nil {
		return Mark{}, false
	}
	return m, true
}

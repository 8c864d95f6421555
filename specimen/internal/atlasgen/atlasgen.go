// Package atlasgen rasterises the Go fonts into the glyph atlas that package specimen composites its card
// text from. It is run once, by `go generate ./specimen` (specimen/gen_atlas.go), and its output is
// committed as specimen/atlas.bin; specimen's tests run it again and compare.
//
// Why an atlas: opentype's rasteriser (golang.org/x/image/vector) computes coverage in float32, and Go may
// fuse a*b+c into one FMA instruction on arm64, ppc64le, s390x and riscv64 but not on amd64, so the same
// glyph could differ in the last bit of a coverage byte between a laptop and CI; one bit changes an image's
// sha256, and cassettes match images by sha256. Rasterised once, on amd64, and committed, the coverage is
// data: specimen only scales it, in integers.
//
// # Format (all integers little-endian)
//
//	magic      "kontrak-atlas 1\n"
//	faces      u8
//	per face:  name (u8 length, bytes), unitsPerEm u16, ppem u16, ascent i16, descent i16, capHeight i16
//	           (the three in font units, descent positive below the baseline),
//	           glyphs u16, then per glyph: rune u16, advance i16 (font units), x0 i16, y0 i16 (pixels at
//	           ppem from the pen position on the baseline to the bitmap's top-left corner, y down, both
//	           multiples of Align), width u16, height u16 (multiples of Align), then width×height coverage
//	           bytes row by row (0 = none, 255 = full),
//
// There is no kerning: the Go fonts have none (Generate fails if that changes, rather than drop it).
//
// Align lets the reader halve a bitmap twice by 2×2 averaging with the glyph origin still on a pixel
// corner: ppem/4 is the smallest size it derives.
package atlasgen

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/draw"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// Magic opens an atlas file; the digit is the format's version.
const Magic = "kontrak-atlas 1\n"

// PPEM is the size the glyphs are rasterised at, in pixels per em: large enough that the card's biggest
// text, the NIK, is averaged down from it, not scaled up, on a card up to 3000 pixels wide (an image of
// about 3400×2100), at a cost of 1 MB of coverage (110 kB compressed).
const PPEM = 128

// Align is what every bitmap offset and side is a multiple of (see the format).
const Align = 4

// First and Last bound the runes of the atlas: printable ASCII, all a card prints.
const (
	First = 0x20
	Last  = 0x7e
)

// Faces are the faces of the atlas, in order: the name specimen asks for and the TrueType data.
var Faces = []struct {
	Name string
	TTF  []byte
}{
	{"goregular", goregular.TTF},
	{"gobold", gobold.TTF},
}

// Generate rasterises every face of Faces and returns the atlas file.
func Generate() ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(Magic)
	b.WriteByte(byte(len(Faces)))
	for _, f := range Faces {
		if err := face(&b, f.Name, f.TTF); err != nil {
			return nil, fmt.Errorf("atlasgen: %s: %w", f.Name, err)
		}
	}
	return b.Bytes(), nil
}

func face(b *bytes.Buffer, name string, ttf []byte) error {
	fnt, err := opentype.Parse(ttf)
	if err != nil {
		return err
	}
	upem := fnt.UnitsPerEm()
	var buf sfnt.Buffer
	// At ppem = unitsPerEm/64 pixels, a 26.6 value is a number of font units: exact, whatever size the
	// reader draws at.
	units := fixed.Int26_6(upem)
	m, err := fnt.Metrics(&buf, units, font.HintingNone)
	if err != nil {
		return err
	}
	face, err := opentype.NewFace(fnt, &opentype.FaceOptions{Size: PPEM, DPI: 72, Hinting: font.HintingNone})
	if err != nil {
		return err
	}
	put := func(v any) { _ = binary.Write(b, binary.LittleEndian, v) }
	b.WriteByte(byte(len(name)))
	b.WriteString(name)
	put(uint16(upem))
	put(uint16(PPEM))
	put(int16(m.Ascent))
	put(int16(m.Descent))
	put(int16(m.CapHeight))
	put(uint16(Last - First + 1))
	for r := rune(First); r <= Last; r++ {
		x, err := fnt.GlyphIndex(&buf, r)
		if err != nil || x == 0 {
			return fmt.Errorf("no glyph for %q", r)
		}
		adv, err := fnt.GlyphAdvance(&buf, x, units, font.HintingNone)
		if err != nil {
			return fmt.Errorf("advance of %q: %w", r, err)
		}
		dr, mask, mp, _, ok := face.Glyph(fixed.P(0, 0), r)
		if !ok {
			return fmt.Errorf("rasterising %q failed", r)
		}
		// Widen the bitmap to multiples of Align on every side, with no coverage in the margin.
		box := image.Rect(floorTo(dr.Min.X), floorTo(dr.Min.Y), ceilTo(dr.Max.X), ceilTo(dr.Max.Y))
		cov := image.NewAlpha(box)
		draw.Draw(cov, dr, mask, mp, draw.Src)
		put(uint16(r))
		put(int16(adv))
		put(int16(box.Min.X))
		put(int16(box.Min.Y))
		put(uint16(box.Dx()))
		put(uint16(box.Dy()))
		b.Write(cov.Pix)
	}
	for a := rune(First); a <= Last; a++ {
		for c := rune(First); c <= Last; c++ {
			xa, _ := fnt.GlyphIndex(&buf, a)
			xc, _ := fnt.GlyphIndex(&buf, c)
			k, err := fnt.Kern(&buf, xa, xc, units, font.HintingNone)
			if err != nil && !errors.Is(err, sfnt.ErrNotFound) {
				return fmt.Errorf("kerning %q%q: %w", a, c, err)
			}
			if k != 0 {
				return fmt.Errorf("kerning %q%q by %d units: the atlas format has no place for kerning", a, c, k)
			}
		}
	}
	return nil
}

func floorTo(v int) int {
	if v >= 0 {
		return v / Align * Align
	}
	return -((-v + Align - 1) / Align * Align)
}

func ceilTo(v int) int { return -floorTo(-v) }

// Compress is the atlas file as committed: gzip at the best compression, with no name and no time in the
// header (about 110 kB instead of 1 MB). Only the decompressed bytes are compared by the tests: a Go
// release may change compress/flate's choices, never what a stream decompresses to.
func Compress(atlas []byte) ([]byte, error) {
	var b bytes.Buffer
	w, err := gzip.NewWriterLevel(&b, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(atlas); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

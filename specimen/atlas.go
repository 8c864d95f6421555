package specimen

import (
	"bytes"
	"compress/gzip"
	_ "embed" // the glyph atlas
	"encoding/binary"
	"errors"
	"fmt"
	"image/color"
	"io"
	"sync"
)

//go:generate go run gen_atlas.go

// The card's text is Go Regular and Go Bold (golang.org/x/image/font/gofont), sans-serif faces close to
// the Arial-like face a KTP prints, drawn from a glyph atlas: every printable ASCII glyph of each face,
// rasterised once at 128 pixels per em by opentype and committed as atlas.bin.gz (the format and why are in
// internal/atlasgen; TestAtlasIsGenerated rasterises again and compares). Rendering never runs the
// rasteriser, whose float32 arithmetic may round differently on arm64 (FMA) than on amd64: it only scales
// the atlas's integer coverage, so a card is the same bytes on every machine.
//
// Scaling: the atlas holds 128 ppem; 64 and 32 ppem are derived from it by exact 2×2 averaging. A run of
// text is composed at the smallest of the three that is at least twice the device's pixels per em (or at
// 128 when none is), then area-averaged onto the device grid with the text's exact, rational position and
// size: 2× to 4× supersampling, with integers only. Against opentype drawing the same line directly at 10
// to 35 pixels per em, an inked pixel differs by 11 to 17 levels of 255 on average (measured once, by
// hand). Text larger than 64 device pixels per em (the NIK of a card wider than about 1500 pixels) is
// averaged down from less than twice its size or, above 128, scaled up: still smooth, slightly soft.

//go:embed atlas.bin.gz
var atlasFile []byte

const atlasMagic = "kontrak-atlas 1\n"

// atlasLevels is how many sizes a face holds: the atlas's ppem, then halved, then halved again.
const atlasLevels = 3

// Faces of the atlas, in the order atlasgen writes them.
const (
	regular = iota
	bold
	atlasFaces
)

var atlasFaceNames = [atlasFaces]string{"goregular", "gobold"}

type glyph struct {
	adv          int // font units
	x0, y0, w, h int // pixels at the level's ppem, from the pen on the baseline to the top-left corner, y down
	cov          []uint8
}

type atlasLevel struct {
	ppem   int
	glyphs []glyph // rune first+i
}

type atlasFace struct {
	upem   int
	first  rune
	levels [atlasLevels]atlasLevel // largest first
}

type atlas [atlasFaces]*atlasFace

// loadAtlas decodes the embedded atlas once a process (about 10 ms) and derives the smaller levels. Read
// only afterwards, so safe for concurrent renders.
var loadAtlas = sync.OnceValues(func() (*atlas, error) {
	a, err := decodeAtlas(atlasFile)
	if err != nil {
		return nil, fmt.Errorf("specimen: glyph atlas atlas.bin.gz: %w (regenerate it with `go generate ./specimen` on amd64)", err)
	}
	return a, nil
})

func decodeAtlas(gz []byte) (*atlas, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, err
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return nil, err
	}
	return parseAtlas(raw)
}

// atlasReader reads the atlas format, remembering the first error (a short or malformed file).
type atlasReader struct {
	b   []byte
	err error
}

func (r *atlasReader) bytes(n int) []byte {
	if r.err != nil || n < 0 || n > len(r.b) {
		if r.err == nil {
			r.err = errors.New("cut short")
		}
		return nil
	}
	out := r.b[:n]
	r.b = r.b[n:]
	return out
}

// u8, u16 and i16 read a number; 0 past the end (the reader has the error).
func (r *atlasReader) u8() int {
	if b := r.bytes(1); b != nil {
		return int(b[0])
	}
	return 0
}

func (r *atlasReader) u16() int {
	if b := r.bytes(2); b != nil {
		return int(binary.LittleEndian.Uint16(b))
	}
	return 0
}

func (r *atlasReader) i16() int { return int(int16(r.u16())) }

func parseAtlas(raw []byte) (*atlas, error) {
	r := &atlasReader{b: raw}
	if string(r.bytes(len(atlasMagic))) != atlasMagic {
		return nil, errors.New("not a kontrak atlas, or another version of the format")
	}
	if n := r.u8(); n != atlasFaces {
		return nil, fmt.Errorf("%d faces, want %d", n, atlasFaces)
	}
	var a atlas
	for i := range a {
		name := string(r.bytes(r.u8()))
		if r.err == nil && name != atlasFaceNames[i] {
			return nil, fmt.Errorf("face %d is %q, want %q", i, name, atlasFaceNames[i])
		}
		f := &atlasFace{upem: r.u16()}
		ppem := r.u16()
		r.bytes(6) // ascent, descent, cap height: the layout is in base units, not in the font's metrics
		n := r.u16()
		if r.err == nil && (f.upem == 0 || ppem%(1<<(atlasLevels-1)) != 0 || ppem == 0) {
			return nil, fmt.Errorf("%s: %d units per em, %d ppem", name, f.upem, ppem)
		}
		f.levels[0] = atlasLevel{ppem: ppem, glyphs: make([]glyph, 0, n)}
		for j := range n {
			rn := rune(r.u16())
			g := glyph{adv: r.i16(), x0: r.i16(), y0: r.i16(), w: r.u16(), h: r.u16()}
			g.cov = r.bytes(g.w * g.h)
			if r.err != nil {
				break
			}
			if j == 0 {
				f.first = rn
			}
			align := 1 << (atlasLevels - 1)
			if rn != f.first+rune(j) || g.x0%align != 0 || g.y0%align != 0 || g.w%align != 0 || g.h%align != 0 {
				return nil, fmt.Errorf("%s: glyph %d (%q) out of order or not aligned to %d pixels", name, j, rn, align)
			}
			f.levels[0].glyphs = append(f.levels[0].glyphs, g)
		}
		if r.err != nil {
			return nil, fmt.Errorf("%s: %w", name, r.err)
		}
		if f.glyphIndex('?') < 0 {
			return nil, fmt.Errorf("%s: no '?', the stand-in for a rune the atlas lacks", name)
		}
		for l := 1; l < atlasLevels; l++ {
			f.levels[l] = halve(f.levels[l-1])
		}
		a[i] = f
	}
	if len(r.b) != 0 {
		return nil, fmt.Errorf("%d bytes after the last face", len(r.b))
	}
	return &a, nil
}

// halve derives the level of half the ppem: every coverage is the rounded mean of a 2×2 block, and since
// offsets and sides are even, the glyph origin stays on a pixel corner.
func halve(l atlasLevel) atlasLevel {
	out := atlasLevel{ppem: l.ppem / 2, glyphs: make([]glyph, len(l.glyphs))}
	for i, g := range l.glyphs {
		h := glyph{adv: g.adv, x0: g.x0 / 2, y0: g.y0 / 2, w: g.w / 2, h: g.h / 2}
		h.cov = make([]uint8, h.w*h.h)
		for y := range h.h {
			a, b := g.cov[2*y*g.w:], g.cov[(2*y+1)*g.w:]
			for x := range h.w {
				s := int(a[2*x]) + int(a[2*x+1]) + int(b[2*x]) + int(b[2*x+1])
				h.cov[y*h.w+x] = uint8((s + 2) / 4)
			}
		}
		out.glyphs[i] = h
	}
	return out
}

// glyphIndex is r's index in the face's glyphs, or -1.
func (f *atlasFace) glyphIndex(r rune) int {
	if i := int(r - f.first); r >= f.first && i < len(f.levels[0].glyphs) {
		return i
	}
	return -1
}

// index is r's glyph, '?' standing in for a rune the atlas lacks (a card prints ASCII; an Identity built
// by hand may hold anything).
func (f *atlasFace) index(r rune) int {
	if i := f.glyphIndex(r); i >= 0 {
		return i
	}
	return f.glyphIndex('?')
}

// advance is the width of s in font units.
func (f *atlasFace) advance(s string) int {
	n := 0
	for _, r := range s {
		n += f.levels[0].glyphs[f.index(r)].adv
	}
	return n
}

// style is a face at a size: em is in eighths of a base unit of the card layout (see cardImage), so sizes
// and the narrowing of a long value are exact fractions.
type style struct {
	face *atlasFace
	em   int
}

// width is the advance of s in base units, rounded up.
func (t style) width(s string) int {
	d := 8 * t.face.upem
	return (t.face.advance(s)*t.em + d - 1) / d
}

// maxLine is the most runes a line of text draws, more than any row of a card holds: the rest of a longer
// value (only a hand-made Identity has one) is cut, which bounds the memory a line takes.
const maxLine = 64

// text draws s with the pen starting at base unit x on the baseline at base unit y. A maxW above zero
// narrows the text horizontally, if need be, to at most maxW base units (as a card printer fits a long
// address); the height stays.
func (p painter) text(x, y int, s string, t style, maxW int, c color.RGBA) {
	if n := 0; len(s) > maxLine {
		for i := range s { // cut at a rune boundary
			if n++; n > maxLine {
				s = s[:i]
				break
			}
		}
	}
	f := t.face
	units := f.advance(s)
	if units <= 0 {
		return
	}
	emX := t.em
	if maxW > 0 && units*t.em > maxW*8*f.upem {
		emX = max(maxW*8*f.upem/units, 1)
	}
	// The level: the smallest at least twice the device's pixels per em, t.em·w / (8·bw).
	lv := &f.levels[0]
	for l := atlasLevels - 1; l >= 0; l-- {
		if f.levels[l].ppem*8*p.bw >= 2*t.em*p.w {
			lv = &f.levels[l]
			break
		}
	}
	L := lv.ppem

	// Compose the run's coverage at the level: pens rounded to the level's pixels (a quarter of a device
	// pixel at most), glyphs added, saturating.
	type placed struct {
		g    *glyph
		x, y int
	}
	var run []placed
	pen := 0
	minX, minY, maxX, maxY := 0, 0, 0, 0
	for _, r := range s {
		g := &lv.glyphs[f.index(r)]
		gx := (pen*L+f.upem/2)/f.upem + g.x0
		pen += g.adv
		if g.w == 0 || g.h == 0 {
			continue
		}
		if len(run) == 0 {
			minX, minY, maxX, maxY = gx, g.y0, gx+g.w, g.y0+g.h
		}
		minX, minY, maxX, maxY = min(minX, gx), min(minY, g.y0), max(maxX, gx+g.w), max(maxY, g.y0+g.h)
		run = append(run, placed{g, gx, g.y0})
	}
	if len(run) == 0 {
		return
	}
	mw, mh := maxX-minX, maxY-minY
	mask := make([]uint8, mw*mh)
	for _, q := range run {
		for gy := range q.g.h {
			row := mask[(q.y-minY+gy)*mw+q.x-minX:]
			for gx, v := range q.g.cov[gy*q.g.w : (gy+1)*q.g.w] {
				row[gx] = uint8(min(int(row[gx])+int(v), 255))
			}
		}
	}

	// Area-average the mask onto device pixels. In common units a device pixel is u long and a mask
	// pixel sx (sy) long: u = 8·bw·L, sx = emX·w, since a mask pixel is emX/8 base units / L and a base
	// unit w/bw device pixels. int64: u² reaches 10¹¹.
	u := int64(8 * p.bw * L)
	sx, sy := int64(emX)*int64(p.w), int64(t.em)*int64(p.w)
	ox := int64(x)*int64(p.w)*int64(8*L) + int64(minX)*sx
	oy := int64(p.y(y))*u + int64(minY)*sy
	xt, yt := spanTaps(ox, sx, u, mw), spanTaps(oy, sy, u, mh)
	nx := xt.n()
	// The horizontal pass: each mask row at device columns. A sum is at most u·255 < 2³¹.
	rows := make([]int32, mh*nx)
	for my := range mh {
		src := mask[my*mw : (my+1)*mw]
		out := rows[my*nx : (my+1)*nx]
		for i := range out {
			var acc int64
			for _, t := range xt.of(i) {
				acc += t.w * int64(src[t.j])
			}
			out[i] = int32(acc)
		}
	}
	full := u * u
	for i := range yt.n() {
		py := yt.first + i
		if py < 0 || py >= p.img.Rect.Dy() {
			continue
		}
		ts := yt.of(i)
		for k := range nx {
			px := xt.first + k
			if px < 0 || px >= p.img.Rect.Dx() {
				continue
			}
			var acc int64
			for _, t := range ts {
				acc += t.w * int64(rows[int(t.j)*nx+k])
			}
			a := int((acc + full/2) / full) // 0…255
			if a == 0 {
				continue
			}
			o := p.img.PixOffset(px, py)
			pix := p.img.Pix[o : o+3]
			pix[0] = uint8((int(pix[0])*(255-a) + int(c.R)*a + 127) / 255)
			pix[1] = uint8((int(pix[1])*(255-a) + int(c.G)*a + 127) / 255)
			pix[2] = uint8((int(pix[2])*(255-a) + int(c.B)*a + 127) / 255)
		}
	}
}

// tap64 is one source pixel j and its overlap w with a destination pixel, in common units.
type tap64 struct{ j, w int64 }

// spans are the taps of consecutive destination pixels, first and on: those of pixel first+i are
// taps[at[i]:at[i+1]]. One flat slice, not one a pixel: a card's text would otherwise make 17 000
// allocations.
type spans struct {
	first int
	at    []int
	taps  []tap64
}

func (s spans) n() int           { return len(s.at) - 1 }
func (s spans) of(i int) []tap64 { return s.taps[s.at[i]:s.at[i+1]] }

// spanTaps maps n source pixels of length s, the first starting at o, onto destination pixels of length
// u (all in common units, o possibly negative): the destination pixels touched, from the first, and the
// source pixels each overlaps and by how much.
func spanTaps(o, s, u int64, n int) spans {
	lo, hi := floorDiv(o, u), floorDiv(o+int64(n)*s-1, u)
	out := spans{first: int(lo), at: make([]int, 0, hi-lo+2), taps: make([]tap64, 0, (hi-lo+1)*(u/s+2))}
	for d := lo; d <= hi; d++ {
		out.at = append(out.at, len(out.taps))
		a, b := d*u, (d+1)*u
		j0, j1 := max(floorDiv(a-o, s), 0), min(floorDiv(b-1-o, s), int64(n-1))
		for j := j0; j <= j1; j++ {
			out.taps = append(out.taps, tap64{j, min(b, o+(j+1)*s) - max(a, o+j*s)})
		}
	}
	out.at = append(out.at, len(out.taps))
	return out
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

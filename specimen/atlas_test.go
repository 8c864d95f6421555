package specimen

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"image"
	"image/color"
	"io"
	"runtime"
	"testing"

	"github.com/kontrak/kontrak/specimen/internal/atlasgen"
)

// TestAtlasIsGenerated rasterises the Go fonts again and compares with the committed atlas, so that the
// atlas is what gen_atlas.go makes from the fonts of the golang.org/x/image in go.mod, and nothing else.
// Only on amd64: the atlas is amd64's rasterisation, and opentype's float32 arithmetic may round otherwise
// elsewhere (FMA), which would prove nothing about the atlas.
func TestAtlasIsGenerated(t *testing.T) {
	if runtime.GOARCH != "amd64" {
		t.Skipf("the committed atlas is the amd64 rasterisation; on %s opentype's float32 arithmetic may round "+
			"differently (FMA), so a difference would say nothing about the atlas", runtime.GOARCH)
	}
	want, err := atlasgen.Generate()
	if err != nil {
		t.Fatal(err)
	}
	if got := committedAtlas(t); !bytes.Equal(got, want) {
		t.Errorf("atlas.bin.gz (%d bytes decompressed) is not what atlasgen makes now (%d bytes): the fonts or "+
			"the rasteriser of golang.org/x/image changed. Run `go generate ./specimen`, then "+
			"`go test ./specimen -update` and `make cassettes`: every image hash changes", len(got), len(want))
	}
}

// committedAtlas is atlas.bin.gz decompressed.
func committedAtlas(t *testing.T) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(atlasFile))
	if err != nil {
		t.Fatalf("atlas.bin.gz: %v", err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("atlas.bin.gz: %v", err)
	}
	return raw
}

func TestAtlasRejects(t *testing.T) {
	raw := committedAtlas(t)
	if _, err := parseAtlas(raw); err != nil {
		t.Fatalf("the committed atlas does not parse: %v", err)
	}
	bad := func(f func([]byte) []byte) []byte { return f(bytes.Clone(raw)) }
	tests := []struct {
		raw    []byte
		reason string
	}{
		{nil, "empty"},
		{raw[:len(raw)/2], "cut short in a glyph"},
		{raw[:len(atlasMagic)+1], "cut short after the face count"},
		{append(bytes.Clone(raw), 0), "a byte after the last face"},
		{bad(func(b []byte) []byte { b[len(atlasMagic)-2] = '9'; return b }), "another version of the format"},
		{bad(func(b []byte) []byte { b[len(atlasMagic)] = 3; return b }), "three faces"},
		{bad(func(b []byte) []byte { b[len(atlasMagic)+2] = 'x'; return b }), "a face of another name"},
		{bad(func(b []byte) []byte {
			// the first glyph's rune, after magic, face count, name, upem, ppem, 3 metrics and the count
			b[len(atlasMagic)+1+1+len("goregular")+2+2+6+2] = 'A'
			return b
		}), "glyphs out of order"},
		{bad(func(b []byte) []byte {
			b[len(atlasMagic)+1+1+len("goregular")+2+2+6+2+4] = 1 // x0 of the first glyph
			return b
		}), "a glyph offset that halving cannot keep on a pixel corner"},
	}
	for _, tt := range tests {
		if _, err := parseAtlas(tt.raw); err == nil {
			t.Errorf("parseAtlas accepted an atlas: %s", tt.reason)
		}
	}
	if _, err := decodeAtlas([]byte("not gzip")); err == nil {
		t.Errorf("decodeAtlas accepted bytes that are not gzip")
	}
}

// TestHalvedLevels: each derived level holds the same glyphs at half the size, and the same ink.
func TestHalvedLevels(t *testing.T) {
	a, err := loadAtlas()
	if err != nil {
		t.Fatal(err)
	}
	for fi, f := range a {
		for l := 1; l < atlasLevels; l++ {
			big, small := f.levels[l-1], f.levels[l]
			if small.ppem*2 != big.ppem || len(small.glyphs) != len(big.glyphs) {
				t.Fatalf("face %d level %d: %d ppem, %d glyphs; level above %d ppem, %d glyphs", fi, l, small.ppem, len(small.glyphs), big.ppem, len(big.glyphs))
			}
			for i := range big.glyphs {
				g, h := big.glyphs[i], small.glyphs[i]
				if h.w*2 != g.w || h.h*2 != g.h || h.x0*2 != g.x0 || h.y0*2 != g.y0 || h.adv != g.adv {
					t.Fatalf("face %d level %d glyph %q: %+v from %+v", fi, l, f.first+rune(i), h, g)
				}
				if coverage(g.cov) == 0 {
					continue
				}
				// 4 pixels become 1, rounding each mean: the ink, over 4, agrees within half a level a pixel.
				if d := coverage(g.cov) - 4*coverage(h.cov); d < -2*len(h.cov) || d > 2*len(h.cov) {
					t.Errorf("face %d level %d glyph %q: ink %d, from %d above", fi, l, f.first+rune(i), coverage(h.cov), coverage(g.cov))
				}
			}
		}
	}
}

func coverage(cov []uint8) int {
	n := 0
	for _, v := range cov {
		n += int(v)
	}
	return n
}

// TestTextScales draws one line at many device sizes and checks it against the atlas's own numbers: the
// ink (the sum of coverage) is the master glyphs' ink scaled by the area, and the line begins and ends
// where the advances and bearings say; at every size, whichever level it is composed from.
func TestTextScales(t *testing.T) {
	a, err := loadAtlas()
	if err != nil {
		t.Fatal(err)
	}
	const s = "NIK : 0012345678901234 Hg/j,"
	for _, face := range []int{regular, bold} {
		f := a[face]
		master := f.levels[0]
		want := 0 // ink at the master's ppem, in 1/255 of a pixel
		for _, r := range s {
			want += coverage(master.glyphs[f.index(r)].cov)
		}
		first, last := master.glyphs[f.index('N')], master.glyphs[f.index(',')]
		for _, w := range []int{baseW, 500, 901, 1408, 2600} {
			for _, em := range []int{9 * 8, 84, 18 * 8} {
				name := fmt.Sprintf("%s %d/8 units on a card %d wide", atlasFaceNames[face], em, w)
				h := w * 40 / baseW // a band of the card 40 units high, at the card's scale
				img := image.NewRGBA(image.Rect(0, 0, w, h))
				for i := range img.Pix {
					img.Pix[i] = 255
				}
				p := painter{img: img, w: w, h: h, bw: baseW, bh: 40}
				const x, y = 10, 24
				p.text(x, y, s, style{f, em}, 0, color.RGBA{0, 0, 0, 255})
				got, x0, x1 := 0, w, 0
				for py := range h {
					for px := range w {
						if d := 255 - int(img.Pix[img.PixOffset(px, py)]); d > 0 {
							got += d
							x0, x1 = min(x0, px), max(x1, px+1)
						}
					}
				}
				// device pixels per master pixel: em/8 base units per em, w/baseW pixels a unit, master.ppem pixels an em
				num, den := em*w, 8*baseW*master.ppem
				if exp := want * num / den * num / den; got < exp*97/100 || got > exp*103/100 {
					t.Errorf("%s: ink %d, want %d ± 3%%", name, got, exp)
				}
				// The ink's horizontal extent, from the first glyph's left bearing to the last one's right edge.
				adv := f.advance(s[:len(s)-1])
				// In units of 1/den device pixel: the pen starts at x base units, x·w/baseW pixels.
				left := x*w*8*master.ppem + first.x0*num
				right := x*w*8*master.ppem + (adv*master.ppem/f.upem+last.x0+last.w)*num
				lo, hi := left/den, (right+den-1)/den
				// Bitmaps are padded with up to Align-1 empty master pixels a side; pens round to a level pixel.
				slack := (atlasgen.Align-1)*num/den + 1
				if x0 < lo-1 || x0 > lo+slack || x1 < hi-slack || x1 > hi+1 {
					t.Errorf("%s: ink from x %d to %d, want about %d to %d", name, x0, x1, lo, hi)
				}
			}
		}
	}
}

// TestTextNarrows: a line given a width it does not fit is narrowed to it, and keeps its height.
func TestTextNarrows(t *testing.T) {
	a, err := loadAtlas()
	if err != nil {
		t.Fatal(err)
	}
	const w, h = 856, 80
	const s = "KOMP. PERAGA BLOK A NO. 120 KOTA SINTETIS"
	st := style{a[regular], 84}
	extent := func(maxW int) (x0, x1, y0, y1 int) {
		img := image.NewRGBA(image.Rect(0, 0, w, h))
		p := painter{img: img, w: w, h: h, bw: baseW, bh: 40}
		p.text(10, 24, s, st, maxW, color.RGBA{255, 255, 255, 255})
		x0, y0 = w, h
		for py := range h {
			for px := range w {
				if img.Pix[img.PixOffset(px, py)] > 0 {
					x0, x1, y0, y1 = min(x0, px), max(x1, px+1), min(y0, py), max(y1, py+1)
				}
			}
		}
		return x0, x1, y0, y1
	}
	scale := w / baseW // device pixels a base unit
	fx0, fx1, fy0, fy1 := extent(0)
	if full := st.width(s); fx1-fx0 < (full-4)*scale || fx1-fx0 > full*scale+2 {
		t.Fatalf("unnarrowed: ink %d pixels wide, want about %d", fx1-fx0, full*scale)
	}
	for _, maxW := range []int{st.width(s) + 20, 150, 100} {
		x0, x1, y0, y1 := extent(maxW)
		if x1 > (10+maxW)*scale+1 || x0 < fx0-1 {
			t.Errorf("maxW %d units: ink from x %d to %d, want within %d to %d", maxW, x0, x1, fx0, (10+maxW)*scale)
		}
		if maxW < st.width(s) && x1 < (10+maxW-4)*scale {
			t.Errorf("maxW %d units: ink ends at x %d, narrower than asked (%d)", maxW, x1, (10+maxW)*scale)
		}
		if y0 != fy0 || y1 != fy1 {
			t.Errorf("maxW %d units: ink from y %d to %d, want the unnarrowed %d to %d", maxW, y0, y1, fy0, fy1)
		}
	}
}

package specimen

import (
	"image"
	"image/color"
)

// Everything in this file is integer arithmetic on *image.RGBA pixels. Floating point is avoided on
// purpose: Go may fuse a*b+c into one FMA instruction on arm64, ppc64le, s390x and riscv64 but not on
// amd64, so float pipelines can differ in the last bit between a developer's laptop and CI, and one bit
// changes an image's sha256. Integer code gives the same bytes everywhere.

// painter draws in base units of the card layout onto an image of w×h device pixels: base unit u maps to
// device pixel u*w/bw horizontally and u*h/bh vertically, so any card size at least the base size is drawn
// directly, with no resampling.
type painter struct {
	img    *image.RGBA
	w, h   int // device size
	bw, bh int // base size
}

func (p painter) x(u int) int { return u * p.w / p.bw }
func (p painter) y(u int) int { return u * p.h / p.bh }

// fill paints the base-unit rectangle [x0,x1)×[y0,y1).
func (p painter) fill(x0, y0, x1, y1 int, c color.RGBA) {
	fillPx(p.img, p.x(x0), p.y(y0), p.x(x1), p.y(y1), c)
}

// ellipse paints the ellipse of radii rx, ry (base units) centred at (cx, cy), clipped to the base-unit
// rectangle clip.
func (p painter) ellipse(cx, cy, rx, ry int, clip image.Rectangle, c color.RGBA) {
	dx0, dy0 := p.x(rx), p.y(ry)
	if dx0 <= 0 || dy0 <= 0 {
		return
	}
	b := image.Rect(p.x(clip.Min.X), p.y(clip.Min.Y), p.x(clip.Max.X), p.y(clip.Max.Y)).Intersect(p.img.Rect)
	ellipsePx(p.img, p.x(cx), p.y(cy), dx0, dy0, b, c)
}

// ellipsePx paints, within b, the device-pixel ellipse of radii rx, ry centred at (cx, cy).
func ellipsePx(img *image.RGBA, cx, cy, rx, ry int, b image.Rectangle, c color.RGBA) {
	for y := b.Min.Y; y < b.Max.Y; y++ {
		dy := y - cy
		for x := b.Min.X; x < b.Max.X; x++ {
			dx := x - cx
			// (dx/rx)² + (dy/ry)² ≤ 1, in integers
			if dx*dx*ry*ry+dy*dy*rx*rx <= rx*rx*ry*ry {
				setPx(img, x, y, c)
			}
		}
	}
}

func fillPx(img *image.RGBA, x0, y0, x1, y1 int, c color.RGBA) {
	r := image.Rect(x0, y0, x1, y1).Intersect(img.Rect)
	if r.Empty() {
		return
	}
	for x := r.Min.X; x < r.Max.X; x++ {
		setPx(img, x, r.Min.Y, c)
	}
	row := img.Pix[img.PixOffset(r.Min.X, r.Min.Y):img.PixOffset(r.Max.X, r.Min.Y)]
	for y := r.Min.Y + 1; y < r.Max.Y; y++ {
		copy(img.Pix[img.PixOffset(r.Min.X, y):], row)
	}
}

func setPx(img *image.RGBA, x, y int, c color.RGBA) {
	i := img.PixOffset(x, y)
	img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = c.R, c.G, c.B, 255
}

// resample scales src (origin at 0,0) to dw×dh by exact area averaging, separably, in integers: in a common
// space where a source pixel is dw (or dh) long and a destination pixel sw (or sh), each destination pixel
// is the overlap-weighted mean of the source pixels it covers. Downscaling averages; the card is only ever
// downscaled (it is drawn directly when at least its base size).
func resample(src *image.RGBA, dw, dh int) *image.RGBA {
	sw, sh := src.Rect.Dx(), src.Rect.Dy()
	if sw == dw && sh == dh {
		return src
	}
	tmp := make([]uint8, dw*sh*4)
	xt := taps(sw, dw)
	for y := range sh {
		row := src.Pix[y*src.Stride:]
		out := tmp[y*dw*4:]
		for i, ts := range xt {
			var r, g, b, a int
			for _, t := range ts {
				p := row[t.j*4 : t.j*4+4]
				r, g, b, a = r+t.w*int(p[0]), g+t.w*int(p[1]), b+t.w*int(p[2]), a+t.w*int(p[3])
			}
			o := out[i*4 : i*4+4]
			o[0], o[1], o[2], o[3] = uint8((r+sw/2)/sw), uint8((g+sw/2)/sw), uint8((b+sw/2)/sw), uint8((a+sw/2)/sw)
		}
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	acc := make([]int, dw*4)
	for i, ts := range taps(sh, dh) {
		clear(acc)
		for _, t := range ts {
			in := tmp[t.j*dw*4 : (t.j+1)*dw*4]
			for k, v := range in {
				acc[k] += t.w * int(v)
			}
		}
		out := dst.Pix[i*dst.Stride : i*dst.Stride+dw*4]
		for k := range out {
			out[k] = uint8((acc[k] + sh/2) / sh)
		}
	}
	return dst
}

// tap is one source pixel j and its weight w in a destination pixel.
type tap struct{ j, w int }

// taps lists, for each of the d destination pixels of a line of s source pixels, the source pixels it
// covers and their overlaps; the weights of each destination pixel sum to s.
func taps(s, d int) [][]tap {
	out := make([][]tap, d)
	for i := range d {
		lo, hi := i*s, (i+1)*s
		for j := lo / d; j <= (hi-1)/d; j++ {
			out[i] = append(out[i], tap{j, min(hi, (j+1)*d) - max(lo, j*d)})
		}
	}
	return out
}

// boxBlur blurs img in place: three passes of a (2r+1)-wide box, horizontally then vertically, which
// approximates a Gaussian. Edges clamp. Alpha is left alone (always opaque here).
func boxBlur(img *image.RGBA, r int) {
	if r <= 0 {
		return
	}
	w, h := img.Rect.Dx(), img.Rect.Dy()
	line := make([]int, (max(w, h)+2*r+1)*3)
	for range 3 {
		for y := range h {
			blurLine(img.Pix, y*img.Stride, 4, w, r, line)
		}
		for x := range w {
			blurLine(img.Pix, x*4, img.Stride, h, r, line)
		}
	}
}

// blurLine box-blurs the RGB of n pixels starting at off, step bytes apart, with a running sum. line holds
// the n pixels padded with r+1 copies of the first and r of the last (edges clamp), interleaved RGB.
func blurLine(pix []uint8, off, step, n, r int, line []int) {
	pad := r + 1
	for i := -pad; i < n+r; i++ {
		j := off + min(max(i, 0), n-1)*step
		k := (i + pad) * 3
		line[k], line[k+1], line[k+2] = int(pix[j]), int(pix[j+1]), int(pix[j+2])
	}
	win := 2*r + 1
	var s0, s1, s2 int
	for i := 1; i <= win; i++ { // the window of pixel 0: padded indexes 1 … 2r+1
		s0, s1, s2 = s0+line[i*3], s1+line[i*3+1], s2+line[i*3+2]
	}
	for i := range n {
		j := off + i*step
		pix[j], pix[j+1], pix[j+2] = uint8((s0+win/2)/win), uint8((s1+win/2)/win), uint8((s2+win/2)/win)
		in, out := (i+win+1)*3, (i+1)*3 // enter pixel i+r+1, leave pixel i-r
		if i+win+1 < n+r+pad {
			s0, s1, s2 = s0+line[in]-line[out], s1+line[in+1]-line[out+1], s2+line[in+2]-line[out+2]
		}
	}
}

// hash32 is a small integer hash for deterministic texture noise.
func hash32(x, y int, seed uint32) uint32 {
	h := uint32(x)*0x9E3779B1 ^ uint32(y)*0x85EBCA77 ^ seed
	h ^= h >> 15
	h *= 0x2C1B3C6D
	h ^= h >> 12
	h *= 0x297A2D39
	h ^= h >> 15
	return h
}

func clamp8(v int) uint8 { return uint8(min(max(v, 0), 255)) }

package specimen

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"time"

	"golang.org/x/image/bmp"
)

// Variant is a photographic condition of the scene.
type Variant string

const (
	Clean     Variant = "clean"     // the card on a desk, evenly lit
	Blur      Variant = "blur"      // out of focus: three box-blur passes of radius min(w,h)/64
	Dark      Variant = "dark"      // underexposed: about a fifth of the light, with sensor noise
	Glare     Variant = "glare"     // a flashlight's white blob over the fields, saturated at its core
	Grayscale Variant = "grayscale" // one channel: encoded as a grayscale image (R = G = B on decoding)
	BlurDark  Variant = "blur-dark" // Blur, then Dark
	NoCard    Variant = "no-card"   // the desk with a mug, a coin and a pen, and no card
)

// Variants lists every Variant in a stable order, for tables.
func Variants() []Variant {
	return []Variant{Clean, Blur, Dark, Glare, Grayscale, BlurDark, NoCard}
}

// Format is an image encoding.
type Format string

const (
	JPEG Format = "jpeg" // baseline, quality 90, 4:2:0 (grayscale: one component)
	PNG  Format = "png"  // 8-bit, unfiltered, deflate stored blocks (no compression): ~3 bytes a pixel
	GIF  Format = "gif"  // 6×6×6 colour cube, 4×4 ordered dithering (grayscale: 256 grays, exact)
	BMP  Format = "bmp"  // 24-bit (grayscale: 8-bit gray palette)
)

// Formats lists every Format in a stable order, for tables.
func Formats() []Format { return []Format{JPEG, PNG, GIF, BMP} }

// MIMEType is the media type of f, as a multipart part or a data URI names it.
func (f Format) MIMEType() string {
	switch f {
	case JPEG:
		return "image/jpeg"
	case PNG:
		return "image/png"
	case GIF:
		return "image/gif"
	case BMP:
		return "image/bmp"
	}
	return "application/octet-stream"
}

// Size limits of Render. MinSide keeps the scene drawable; MaxPixels keeps memory in check (the scene is
// held as RGBA, 4 bytes a pixel, plus the encoded bytes).
const (
	MinSide   = 16
	MaxPixels = 40_000_000
)

// jpegQuality is fixed: the bytes, and so the sha256 a cassette matches on, depend on it.
const jpegQuality = 90

// Render draws id's KTP on a desk under variant v and encodes it as f, w×h pixels. The output is a pure
// function of its arguments: the same arguments give the same bytes on every run and every platform (for
// a given Go release and golang.org/x/image version, whose encoders could change).
func Render(id Identity, v Variant, f Format, w, h int) ([]byte, error) {
	if w < MinSide || h < MinSide || w > MaxPixels/h {
		return nil, fmt.Errorf("specimen: size %dx%d: each side must be at least %d and the area at most %d pixels", w, h, MinSide, MaxPixels)
	}
	switch v {
	case Clean, Blur, Dark, Glare, Grayscale, BlurDark, NoCard:
	default:
		return nil, fmt.Errorf("specimen: unknown variant %q", v)
	}
	switch f {
	case JPEG, PNG, GIF, BMP:
	default:
		return nil, fmt.Errorf("specimen: unknown format %q", f)
	}
	a, err := loadAtlas()
	if err != nil {
		return nil, err
	}
	return encode(scene(id, v, w, h, a), f)
}

// Sized is Render of the Clean variant at w×h: for size limits (a side under a minimum, a side over a
// maximum). The caller passes the numbers the specs give.
func Sized(id Identity, f Format, w, h int) ([]byte, error) { return Render(id, Clean, f, w, h) }

// OverSize returns a valid PNG of id's card of at least minBytes bytes, for a maximum-file-size limit.
// Unfiltered, uncompressed PNG is about 3 bytes a pixel, so the canvas is sized from minBytes (3:2) and
// grown until the file is large enough. minBytes up to about 100 MB fit within MaxPixels.
func OverSize(id Identity, minBytes int) ([]byte, error) {
	pixels := max(minBytes/3+1, MinSide*MinSide)
	h := max(isqrt(pixels*2/3)+1, MinSide)
	for {
		w := h * 3 / 2
		b, err := Render(id, Clean, PNG, w, h)
		if err != nil {
			return nil, fmt.Errorf("specimen: over-size PNG of %d bytes: %w", minBytes, err)
		}
		if len(b) >= minBytes {
			return b, nil
		}
		h += h/32 + 1
	}
}

// CorruptBase64 returns a string that no base64 decoder accepts (standard or URL alphabet, padded or
// raw): it starts like a base64 JPEG and then holds '!' and '~', which no alphabet has.
func CorruptBase64() string { return "/9j/4AAQSkZJRgABAQ!!NOT~BASE64~~=" }

// Card geometry, in base units: an ID-1 card (85.60 × 53.98 mm) at 5 units a millimetre. The layout is
// written in these units; a card at least this size is drawn at its own size, a smaller one at this size
// and averaged down.
const (
	baseW = 428
	baseH = 270
)

var (
	ink       = color.RGBA{20, 20, 30, 255}
	photoBG   = color.RGBA{168, 170, 172, 255}
	photoFG   = color.RGBA{104, 106, 110, 255}
	signature = color.RGBA{30, 40, 110, 255}
)

// scene composes the desk, the card (unless NoCard) and the variant's effect.
func scene(id Identity, v Variant, w, h int, a *atlas) image.Image {
	seed := identitySeed(id)
	img := desk(w, h, seed)
	if v == NoCard {
		props(img)
		return img
	}
	// The card fills 88% of the limiting side, centred, at the ID-1 aspect ratio.
	cw := max(w*88/100, 1)
	ch := max(cw*baseH/baseW, 1)
	if ch > h*88/100 {
		ch = max(h*88/100, 1)
		cw = max(ch*baseW/baseH, 1)
	}
	x0, y0 := (w-cw)/2, (h-ch)/2
	radius := max(ch/18, 1)
	shadow := max(ch/40, 1)
	card := cardImage(id, cw, ch, a)
	for y := range ch {
		a, b := roundedSpan(y, cw, ch, radius)
		// the shadow: the card's outline shifted down and right, darkened
		if sy := y0 + y + shadow; sy < h {
			for x := x0 + a + shadow; x < min(x0+b+shadow, w); x++ {
				i := img.PixOffset(x, sy)
				for c := range 3 {
					img.Pix[i+c] = uint8(int(img.Pix[i+c]) * 5 / 8)
				}
			}
		}
	}
	for y := range ch {
		a, b := roundedSpan(y, cw, ch, radius)
		copy(img.Pix[img.PixOffset(x0+a, y0+y):img.PixOffset(x0+b, y0+y)], card.Pix[card.PixOffset(a, y):card.PixOffset(b, y)])
	}
	switch v {
	case Blur:
		boxBlur(img, max(min(w, h)/64, 1))
	case Dark:
		darken(img, seed)
	case BlurDark:
		boxBlur(img, max(min(w, h)/64, 1))
		darken(img, seed)
	case Glare:
		glare(img, x0+cw*40/100, y0+ch*55/100, max(ch*42/100, 2))
	case Grayscale:
		return gray(img)
	}
	return img
}

// identitySeed is a texture seed that follows the identity, so two identities' scenes differ everywhere.
func identitySeed(id Identity) uint32 {
	sum := sha256.Sum256([]byte(id.NIK + "\x00" + id.Name + "\x00" + id.BirthDate))
	return binary.BigEndian.Uint32(sum[:4])
}

// roundedSpan is the columns [a, b) of row y inside a w×h rectangle with corners of radius r.
func roundedSpan(y, w, h, r int) (a, b int) {
	dy := 0
	switch {
	case y < r:
		dy = r - y
	case y >= h-r:
		dy = y - (h - r - 1)
	}
	ext := isqrt(r*r - dy*dy)
	return r - ext, w - r + ext
}

// desk is a wooden table top: planks of slightly different shades, wavy grain lines, seams, fine noise.
func desk(w, h int, seed uint32) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	plankH := max(h/5, 4)
	wave := max(w/6, 8)
	for y := range h {
		plank, yy := y/plankH, y%plankH
		shade := int(hash32(plank, 0, seed)%24) - 12
		phase := int(hash32(plank, 1, seed) % uint32(wave))
		for x := range w {
			// a triangle wave of period `wave` and amplitude 6 bends the grain
			t := (x + phase) % wave
			bend := min(t, wave-t) * 12 / wave
			d := shade + int(hash32(x, y, seed)%9) - 4
			if (yy+bend)%11 < 2 {
				d -= 16
			}
			if yy < 2 {
				d -= 40 // the seam between planks
			}
			i := img.PixOffset(x, y)
			img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = clamp8(150+d), clamp8(108+d*3/4), clamp8(72+d/2), 255
		}
	}
	return img
}

// props puts a mug, a coin and a pen on the desk: a scene with objects but no card and no text.
func props(img *image.RGBA) {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	all := img.Rect
	r := max(min(w, h)*22/100, 3)
	mx, my := w*30/100, h*48/100
	circle := func(x, y, r int, c color.RGBA) { ellipsePx(img, x, y, r, r, all, c) }
	circle(mx+r, my, r/3, color.RGBA{225, 225, 218, 255}) // handle
	circle(mx+r, my, r/6, color.RGBA{140, 100, 66, 255})
	circle(mx, my, r, color.RGBA{232, 232, 226, 255})
	circle(mx, my, r*4/5, color.RGBA{70, 44, 26, 255}) // coffee
	circle(w*75/100, h*28/100, max(min(w, h)*6/100, 2), color.RGBA{192, 190, 178, 255})
	t := max(h/40, 2)
	py := h * 74 / 100
	fillPx(img, w*52/100, py, w*86/100, py+t, color.RGBA{28, 40, 120, 255})
	fillPx(img, w*86/100, py, w*90/100, py+t, color.RGBA{200, 170, 60, 255})
}

// cardImage draws the card at cw×ch: directly when that is at least the base size, else at the base size
// and then averaged down (the photo and the signature are drawn on whole pixels, and would lose their
// shape below it). Positions and sizes are in base units, a fifth of a millimetre, measured on the layout
// of a KTP-el: the header centred and bold; "NIK" and its digits large and bold; twelve rows of label,
// colon and value in the card's order, the blood type on the gender's row; the photo on the right, with
// the place and date of issue and the signature under it. A value too long for its row is narrowed, not
// cut, so that what is printed is what the identity holds (up to maxLine characters).
func cardImage(id Identity, cw, ch int, a *atlas) *image.RGBA {
	dw, dh := cw, ch
	if cw < baseW || ch < baseH {
		dw, dh = baseW, baseH
	}
	img := image.NewRGBA(image.Rect(0, 0, dw, dh))
	p := painter{img: img, w: dw, h: dh, bw: baseW, bh: baseH}
	cardBackground(img)

	// Sizes in eighths of a base unit: a field's em is 10.5 units (2.1 mm, capitals 1.5 mm high).
	var (
		header = style{a[bold], 13 * 8}
		nik    = style{a[bold], 18 * 8}
		field  = style{a[regular], 84}
		issue  = style{a[regular], 76}
		mark   = style{a[bold], 10 * 8}
	)
	const (
		photoX0, photoY0, photoX1, photoY1 = 318, 48, 412, 168
		labelX, colonX, valueX             = 12, 108, 116
		rowY, rowH                         = 84, 13 // the first row's baseline, and the pitch
		bloodX                             = 214    // "Gol. Darah" on the gender's row
	)
	center := func(y int, s string, t style, mid, maxW int) {
		p.text(mid-min(t.width(s), maxW)/2, y, s, t, maxW, ink)
	}
	center(19, "PROVINSI "+id.Province, header, baseW/2, baseW-24)
	center(35, "KOTA "+id.City, header, baseW/2, baseW-24)
	p.text(labelX, 62, "NIK", nik, 0, ink)
	p.text(64, 62, ":", nik, 0, ink)
	p.text(76, 62, id.NIK, nik, photoX0-6-76, ink)

	rows := []struct{ label, value string }{
		{"Nama", id.Name},
		{"Tempat/Tgl Lahir", id.BirthPlace + ", " + id.BirthDate},
		{"Jenis Kelamin", id.Gender},
		{"Alamat", id.Address},
		{"RT/RW", id.RTRW},
		{"Kel/Desa", id.Village},
		{"Kecamatan", id.District},
		{"Agama", id.Religion},
		{"Status Perkawinan", id.MaritalStatus},
		{"Pekerjaan", id.Occupation},
		{"Kewarganegaraan", id.Nationality},
		{"Berlaku Hingga", id.ExpiryDate},
	}
	for i, r := range rows {
		y := rowY + i*rowH
		x := labelX
		if i >= 4 && i <= 6 {
			x += 8 // RT/RW, Kel/Desa and Kecamatan are the address's own lines, indented
		}
		p.text(x, y, r.label, field, colonX-4-x, ink)
		p.text(colonX, y, ":", field, 0, ink)
		maxW := photoX0 - 6 - valueX
		if i == 2 {
			maxW = bloodX - 6 - valueX
		}
		p.text(valueX, y, r.value, field, maxW, ink)
	}
	p.text(bloodX, rowY+2*rowH, "Gol. Darah : "+id.BloodType, field, photoX0-6-bloodX, ink)

	// The photo: a grey box with a head and shoulders, no face.
	box := image.Rect(photoX0, photoY0, photoX1, photoY1)
	p.fill(photoX0, photoY0, photoX1, photoY1, photoBG)
	mid := (photoX0 + photoX1) / 2
	p.ellipse(mid, photoY1+8, 40, 46, box, photoFG) // shoulders, cut by the box
	p.ellipse(mid, 96, 21, 27, box, photoFG)        // head

	// Place and date of issue, and a signature, under the photo.
	center(182, id.City, issue, mid, photoX1-photoX0+12)
	center(195, issueDate(id), issue, mid, photoX1-photoX0+12)
	for x := range 60 {
		t := x % 16
		y := 214 + min(t, 16-t) - 4 + (x/16)%2*3
		p.fill(mid-30+x, y, mid-29+x, y+2, signature)
	}

	// Marked as what it is, for anyone who finds the image out of context.
	p.text(labelX, 254, "SPESIMEN - DATA SINTETIS", mark, 0, color.RGBA{150, 60, 60, 255})
	return resample(img, cw, ch)
}

// cardBackground: light blue, darker towards the bottom, with faint concentric bands around the centre
// (where a real card has its emblem watermark). The bands narrow outwards: band = d² / const.
func cardBackground(img *image.RGBA) {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	cx, cy := w/2, h*56/100
	unit := max(150*w*w/(baseW*baseW), 1)
	limit := (110 * w / baseW) * (110 * w / baseW)
	for y := range h {
		g := y * 26 / h
		for x := range w {
			r, gg, b := 198-g, 226-g*3/4, 246-g/2
			dx, dy := x-cx, y-cy
			if d2 := dx*dx + dy*dy; d2 < limit && (d2/unit)%2 == 0 {
				r, gg, b = r-10, gg-7, b-4
			}
			i := img.PixOffset(x, y)
			img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = uint8(r), uint8(gg), uint8(b), 255
		}
	}
}

// issueDate is the card's date of issue, derived from the identity (it is not an Identity field: no API
// returns it): a day from the holder's 17th birthday, or from 2012 if that is later (the KTP-el had
// replaced the paper card by then), to the day before referenceDate.
func issueDate(id Identity) string {
	r := newStream("issue", id.NIK+"\x00"+id.Name)
	from := time.Date(2012, time.January, 1, 0, 0, 0, 0, time.UTC)
	if born, err := time.Parse("02-01-2006", id.BirthDate); err == nil {
		from = later(from, born.AddDate(minAge, 0, 0))
	}
	to := referenceDate().AddDate(0, 0, -1)
	days := max(int(to.Sub(from).Hours())/24, 0)
	return from.AddDate(0, 0, r.intn(days+1)).Format("02-01-2006")
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// darken keeps about a fifth of the light and adds a little sensor noise, as an underexposed phone photo.
func darken(img *image.RGBA, seed uint32) {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	for y := range h {
		for x := range w {
			i := img.PixOffset(x, y)
			n := int(hash32(x, y, seed^0xDA4C)%7) - 3
			for c := range 3 {
				img.Pix[i+c] = clamp8(int(img.Pix[i+c])*48/256 + 4 + n)
			}
		}
	}
}

// glare adds a white blob of radius r at (cx, cy): strength falls with the square of the distance, and the
// inner part saturates to pure white, which is what erases text under a flashlight.
func glare(img *image.RGBA, cx, cy, r int) {
	r2 := r * r
	b := image.Rect(cx-r, cy-r, cx+r+1, cy+r+1).Intersect(img.Rect)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			dx, dy := x-cx, y-cy
			d2 := dx*dx + dy*dy
			if d2 >= r2 {
				continue
			}
			t := (r2 - d2) * 256 / r2 // 256 at the centre, 0 at the rim
			a := min(t*t/256*3/2, 256)
			i := img.PixOffset(x, y)
			for c := range 3 {
				v := int(img.Pix[i+c])
				img.Pix[i+c] = uint8(v + (255-v)*a/256)
			}
		}
	}
}

// gray converts to one channel with the ITU-R BT.601 weights color.GrayModel uses.
func gray(img *image.RGBA) *image.Gray {
	g := image.NewGray(img.Rect)
	for y := range img.Rect.Dy() {
		for x := range img.Rect.Dx() {
			i := img.PixOffset(x, y)
			r, gg, b := int(img.Pix[i]), int(img.Pix[i+1]), int(img.Pix[i+2])
			g.Pix[g.PixOffset(x, y)] = uint8((19595*r + 38470*gg + 7471*b + 1<<15) >> 16)
		}
	}
	return g
}

// cube quantises to the 216-colour 6×6×6 cube with 4×4 ordered (Bayer) dithering: each channel level is
// floor(v·5/255 + threshold), the threshold (b+½)/16 taken from the Bayer matrix at the pixel, in integers.
// It is ours rather than gif.Encode's default (Plan 9 palette, Floyd–Steinberg) for speed (an index is
// computed, not searched: ~1 ms instead of ~90 ms at 320×200) and so that the GIF bytes depend on nothing
// but the LZW writer.
func cube(img *image.RGBA) *image.Paletted {
	pm := image.NewPaletted(img.Rect, cubePalette)
	bayer := [4][4]int{{0, 8, 2, 10}, {12, 4, 14, 6}, {3, 11, 1, 9}, {15, 7, 13, 5}}
	for y := range img.Rect.Dy() {
		for x := range img.Rect.Dx() {
			i := img.PixOffset(x, y)
			t := (2*bayer[y%4][x%4] + 1) * 255
			var q [3]int
			for c := range 3 {
				q[c] = min((int(img.Pix[i+c])*5*32+t)/(255*32), 5)
			}
			pm.Pix[pm.PixOffset(x, y)] = uint8(q[0]*36 + q[1]*6 + q[2])
		}
	}
	return pm
}

var cubePalette = func() color.Palette {
	p := make(color.Palette, 0, 216)
	for r := range 6 {
		for g := range 6 {
			for b := range 6 {
				p = append(p, color.RGBA{uint8(r * 51), uint8(g * 51), uint8(b * 51), 255})
			}
		}
	}
	return p
}()

var grays = func() color.Palette {
	p := make(color.Palette, 256)
	for i := range p {
		p[i] = color.Gray{Y: uint8(i)}
	}
	return p
}()

func encode(img image.Image, f Format) ([]byte, error) {
	var buf bytes.Buffer
	var err error
	switch f {
	case JPEG:
		err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: jpegQuality})
	case PNG:
		err = (&png.Encoder{CompressionLevel: png.NoCompression}).Encode(&buf, img)
	case GIF:
		if g, ok := img.(*image.Gray); ok {
			// 256 grays hold a gray image exactly: no quantisation, no dithering.
			pm := image.NewPaletted(g.Rect, grays)
			copy(pm.Pix, g.Pix)
			err = gif.Encode(&buf, pm, &gif.Options{NumColors: 256})
			break
		}
		err = gif.Encode(&buf, cube(img.(*image.RGBA)), &gif.Options{NumColors: 256})
	case BMP:
		err = bmp.Encode(&buf, img)
	}
	if err != nil {
		return nil, fmt.Errorf("specimen: encode %s: %w", f, err)
	}
	return buf.Bytes(), nil
}

func isqrt(n int) int {
	if n <= 0 {
		return 0
	}
	x := n
	y := (x + 1) / 2
	for y < x {
		x = y
		y = (x + n/x) / 2
	}
	return x
}

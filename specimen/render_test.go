package specimen

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"flag"
	"fmt"
	"image"
	"image/color"
	_ "image/gif"
	_ "image/jpeg"
	_ "image/png"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	_ "golang.org/x/image/bmp"
)

var update = flag.Bool("update", false, "rewrite testdata/render.sha256 from the current renders")

// Small sizes keep the race-detector run quick; the code paths are the same at any size, except the card
// drawn directly (≥ 428×270) versus averaged down, and both are covered.
const tw, th = 320, 200

func decode(t *testing.T, b []byte) (image.Image, string) {
	t.Helper()
	img, name, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	return img, name
}

func render(t *testing.T, id Identity, v Variant, f Format, w, h int) []byte {
	t.Helper()
	b, err := Render(id, v, f, w, h)
	if err != nil {
		t.Fatalf("Render(%s, %s, %dx%d): %v", v, f, w, h, err)
	}
	return b
}

// rendered is every variant in every format at tw×th, rendered twice, once per test binary: the decode,
// determinism and golden tests read the same renders (rendering is what costs, above all under -race).
type rendered struct {
	v     Variant
	f     Format
	first []byte
	again []byte
}

var renders = sync.OnceValues(func() ([]rendered, error) {
	id := NewIdentity("golden")
	var out []rendered
	for _, v := range Variants() {
		for _, f := range Formats() {
			a, err := Render(id, v, f, tw, th)
			if err != nil {
				return nil, fmt.Errorf("Render(%s, %s): %w", v, f, err)
			}
			b, err := Render(id, v, f, tw, th)
			if err != nil {
				return nil, fmt.Errorf("Render(%s, %s): %w", v, f, err)
			}
			out = append(out, rendered{v, f, a, b})
		}
	}
	return out, nil
})

func allRenders(t *testing.T) []rendered {
	t.Helper()
	rs, err := renders()
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func TestRenderDecodesToRequestedSize(t *testing.T) {
	t.Parallel()
	for _, r := range allRenders(t) {
		img, name := decode(t, r.first)
		if name != string(r.f) {
			t.Errorf("%s %s decodes as %q", r.v, r.f, name)
		}
		if got := img.Bounds().Size(); got != image.Pt(tw, th) {
			t.Errorf("%s %s: decoded size %v, want %dx%d", r.v, r.f, got, tw, th)
		}
	}
	// The other size paths: the smallest accepted, and a card drawn directly rather than averaged down.
	id := NewIdentity("decode")
	sizes := []struct {
		w, h   int
		reason string
	}{
		{MinSide, MinSide, "the smallest accepted"},
		{500, 320, "a card of at least 428×270 is drawn directly, not averaged down"},
	}
	for _, sz := range sizes {
		for _, v := range Variants() {
			img, _ := decode(t, render(t, id, v, PNG, sz.w, sz.h))
			if got := img.Bounds().Size(); got != image.Pt(sz.w, sz.h) {
				t.Errorf("%s png: decoded size %v, want %dx%d (%s)", v, got, sz.w, sz.h, sz.reason)
			}
		}
		for _, f := range Formats() {
			img, _ := decode(t, render(t, id, Clean, f, sz.w, sz.h))
			if got := img.Bounds().Size(); got != image.Pt(sz.w, sz.h) {
				t.Errorf("clean %s: decoded size %v, want %dx%d (%s)", f, got, sz.w, sz.h, sz.reason)
			}
		}
	}
}

func TestRenderIsDeterministic(t *testing.T) {
	t.Parallel()
	for _, r := range allRenders(t) {
		if a, b := sha256.Sum256(r.first), sha256.Sum256(r.again); a != b {
			t.Errorf("%s %s: two renders differ: %x, %x", r.v, r.f, a, b)
		}
	}
	// Concurrent renders share nothing mutable (run with -race) and still agree.
	id := NewIdentity("determinism")
	want := sha256.Sum256(render(t, id, Glare, JPEG, tw, th))
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() {
			b, err := Render(id, Glare, JPEG, tw, th)
			if err != nil || sha256.Sum256(b) != want {
				t.Errorf("concurrent render: err %v or hash differs", err)
			}
		})
	}
	wg.Wait()
	if sha256.Sum256(render(t, NewIdentity("other"), Glare, JPEG, tw, th)) == want {
		t.Errorf("two identities render the same image")
	}
}

// TestRenderGolden pins the sha256 of every variant and format. Cassettes match images by hash, so a change
// here (our drawing, or a Go or x/image release that changes an encoder) invalidates recorded image hashes:
// it must be deliberate. Refresh with `go test ./specimen -update`.
func TestRenderGolden(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	for _, r := range allRenders(t) {
		fmt.Fprintf(&b, "%x  %s.%s %dx%d\n", sha256.Sum256(r.first), r.v, r.f, tw, th)
	}
	big := render(t, NewIdentity("golden"), Clean, JPEG, 1024, 640)
	fmt.Fprintf(&b, "%x  %s.%s %dx%d\n", sha256.Sum256(big), Clean, JPEG, 1024, 640)
	got := b.String()
	path := filepath.Join("testdata", "render.sha256")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run `go test ./specimen -update` to create it)", err)
	}
	if got != string(want) {
		t.Errorf("render hashes changed; cassettes holding image hashes would no longer match.\n"+
			"If the change is intended, run `go test ./specimen -update` and re-derive those cassettes.\n--- want\n%s+++ got\n%s", want, got)
	}
}

func TestGrayscaleIsGray(t *testing.T) {
	t.Parallel()
	id := NewIdentity("gray")
	for _, f := range Formats() {
		img, _ := decode(t, render(t, id, Grayscale, f, tw, th))
		b := img.Bounds()
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				r, g, bl, _ := img.At(x, y).RGBA()
				if r != g || g != bl {
					t.Fatalf("%s: pixel (%d,%d) = (%d,%d,%d), want R = G = B", f, x, y, r>>8, g>>8, bl>>8)
				}
			}
		}
	}
}

// luminance is the mean 8-bit luma of img.
func luminance(img image.Image) int {
	b := img.Bounds()
	sum := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			sum += int(color.GrayModel.Convert(img.At(x, y)).(color.Gray).Y)
		}
	}
	return sum / (b.Dx() * b.Dy())
}

// sharpness is the mean absolute horizontal luma difference between neighbours: blur lowers it.
func sharpness(img image.Image) int {
	b := img.Bounds()
	sum := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		prev := -1
		for x := b.Min.X; x < b.Max.X; x++ {
			l := int(color.GrayModel.Convert(img.At(x, y)).(color.Gray).Y)
			if prev >= 0 {
				sum += max(l-prev, prev-l)
			}
			prev = l
		}
	}
	return sum * 100 / (b.Dx() * b.Dy())
}

// cardBlue counts pixels of the card's light blue: blue above 200 and well above red.
func cardBlue(img image.Image) int {
	b := img.Bounds()
	n := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, _, bl, _ := img.At(x, y).RGBA()
			if bl>>8 > 200 && bl>>8 > r>>8+25 {
				n++
			}
		}
	}
	return n
}

// white counts pixels at least 250 in every channel.
func white(img image.Image) int {
	b := img.Bounds()
	n := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if r>>8 >= 250 && g>>8 >= 250 && bl>>8 >= 250 {
				n++
			}
		}
	}
	return n
}

func TestVariantsDoWhatTheySay(t *testing.T) {
	t.Parallel()
	id := NewIdentity("variants")
	img := map[Variant]image.Image{}
	for _, v := range Variants() {
		img[v], _ = decode(t, render(t, id, v, PNG, 480, 300))
	}
	clean := img[Clean]
	checks := []struct {
		ok     bool
		reason string
	}{
		{luminance(img[Dark]) < luminance(clean)/2, fmt.Sprintf("Dark mean luma %d, want under half of Clean's %d", luminance(img[Dark]), luminance(clean))},
		{luminance(img[BlurDark]) < luminance(img[Blur])/2, fmt.Sprintf("BlurDark mean luma %d, want under half of Blur's %d", luminance(img[BlurDark]), luminance(img[Blur]))},
		{sharpness(img[Blur]) < sharpness(clean)/2, fmt.Sprintf("Blur sharpness %d, want under half of Clean's %d", sharpness(img[Blur]), sharpness(clean))},
		{white(img[Glare]) > white(clean)+500, fmt.Sprintf("Glare has %d pure-white pixels, Clean %d: want a saturated blob", white(img[Glare]), white(clean))},
		{cardBlue(clean) > 480*300/4, fmt.Sprintf("Clean has %d card-blue pixels, want the card to cover over a quarter", cardBlue(clean))},
		{cardBlue(img[NoCard]) == 0, fmt.Sprintf("NoCard has %d card-blue pixels, want none", cardBlue(img[NoCard]))},
	}
	for _, c := range checks {
		if !c.ok {
			t.Error(c.reason)
		}
	}
}

func TestSized(t *testing.T) {
	t.Parallel()
	id := NewIdentity("sized")
	tests := []struct {
		w, h   int
		reason string
	}{
		{200, 150, "under a minimum side"},
		{4200, 300, "over a maximum side, with memory in check"},
	}
	for _, tt := range tests {
		for _, f := range []Format{JPEG, PNG} {
			b, err := Sized(id, f, tt.w, tt.h)
			if err != nil {
				t.Fatalf("Sized(%s, %dx%d): %v", f, tt.w, tt.h, err)
			}
			img, _ := decode(t, b)
			if got := img.Bounds().Size(); got != image.Pt(tt.w, tt.h) {
				t.Errorf("Sized(%s, %dx%d) decodes to %v (%s)", f, tt.w, tt.h, got, tt.reason)
			}
		}
	}
}

func TestOverSize(t *testing.T) {
	t.Parallel()
	id := NewIdentity("oversize")
	for _, min := range []int{1, 100_000, 1 << 20, 3_000_001} {
		b, err := OverSize(id, min)
		if err != nil {
			t.Fatalf("OverSize(%d): %v", min, err)
		}
		if len(b) < min {
			t.Errorf("OverSize(%d) is %d bytes", min, len(b))
		}
		if _, name := decode(t, b); name != "png" {
			t.Errorf("OverSize(%d) decodes as %q, want png", min, name)
		}
		if min > 1000 && len(b) > min*11/10+100_000 {
			t.Errorf("OverSize(%d) is %d bytes: far more than asked", min, len(b))
		}
	}
}

func TestCorruptBase64(t *testing.T) {
	s := CorruptBase64()
	for name, enc := range map[string]*base64.Encoding{
		"std": base64.StdEncoding, "url": base64.URLEncoding, "raw std": base64.RawStdEncoding, "raw url": base64.RawURLEncoding,
	} {
		if _, err := enc.DecodeString(s); err == nil {
			t.Errorf("%s base64 decodes %q", name, s)
		}
	}
	if CorruptBase64() != s {
		t.Errorf("CorruptBase64 is not constant")
	}
}

// TestRenderOddIdentity: an Identity made by hand may hold anything; the card still renders, in bounded
// time and memory: runes outside the atlas print as '?', a value longer than a row is narrowed, and one
// longer than maxLine is cut.
func TestRenderOddIdentity(t *testing.T) {
	id := NewIdentity("odd")
	id.Name = "ÄNNA ŻÓŁĆ 名前 \x00\t"
	id.Address = strings.Repeat("JL. PANJANG SEKALI ", 50_000)
	id.Province = ""
	allocated := func(id Identity, w, h int) (uint64, image.Image) {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		b := render(t, id, Clean, PNG, w, h)
		runtime.ReadMemStats(&after)
		img, _ := decode(t, b)
		return after.TotalAlloc - before.TotalAlloc, img
	}
	for _, sz := range [][2]int{{tw, th}, {1024, 640}} {
		normal, _ := allocated(NewIdentity("odd"), sz[0], sz[1])
		odd, img := allocated(id, sz[0], sz[1])
		if got := img.Bounds().Size(); got != image.Pt(sz[0], sz[1]) {
			t.Errorf("decoded size %v, want %dx%d", got, sz[0], sz[1])
		}
		// Not parallel, so no other test allocates meanwhile.
		if odd > 2*normal {
			t.Errorf("%dx%d: a card with a 950 000-character address allocates %d kB, a normal one %d kB: want at most twice",
				sz[0], sz[1], odd>>10, normal>>10)
		}
	}
}

func TestRenderRejects(t *testing.T) {
	id := NewIdentity("reject")
	tests := []struct {
		v      Variant
		f      Format
		w, h   int
		reason string
	}{
		{Clean, PNG, MinSide - 1, 100, "a side under MinSide"},
		{Clean, PNG, 100, 0, "a zero side"},
		{Clean, PNG, -5, 100, "a negative side"},
		{Clean, PNG, 10_000, 10_000, "over MaxPixels"},
		{"sepia", PNG, 100, 100, "an unknown variant"},
		{Clean, "webp", 100, 100, "an unknown format"},
	}
	for _, tt := range tests {
		if _, err := Render(id, tt.v, tt.f, tt.w, tt.h); err == nil {
			t.Errorf("Render(%q, %q, %dx%d) succeeded: want an error for %s", tt.v, tt.f, tt.w, tt.h, tt.reason)
		}
	}
}

func TestFormatMIMEType(t *testing.T) {
	for _, f := range Formats() {
		if got, want := f.MIMEType(), "image/"+string(f); got != want {
			t.Errorf("%s.MIMEType() = %q, want %q", f, got, want)
		}
	}
}

func BenchmarkRender(b *testing.B) {
	id := NewIdentity("bench")
	for _, v := range []Variant{Clean, Blur} {
		b.Run(fmt.Sprintf("%s-jpeg-1024x640", v), func(b *testing.B) {
			for b.Loop() {
				if _, err := Render(id, v, JPEG, 1024, 640); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

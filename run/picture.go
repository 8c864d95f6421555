package run

import (
	"sync"

	"github.com/kontrak/kontrak/scenario"
	"github.com/kontrak/kontrak/specimen"
)

// Identity is the synthetic identity every specimen image shows.
var Identity = specimen.NewIdentity("kontrak")

// picture is one distinct render: a specimen variant in a format and size, or an oversized PNG.
type picture struct {
	variant  specimen.Variant
	format   specimen.Format
	w, h     int
	minBytes int
}

type rendered struct {
	once sync.Once
	b    []byte
	err  error
}

var pictures sync.Map // picture -> *rendered: renders are deterministic, so one a process

// Picture renders a scenario image: deterministic, synthetic, never committed. Each distinct (variant,
// format, size) is rendered once a process, however many scenarios and goroutines ask for it (a render
// costs ~15 ms; the four suites ask for ~80 images of ~15 kinds). The bytes are shared: do not modify them.
func Picture(img scenario.Image) ([]byte, error) {
	key := picture{specimen.Variant(img.Variant), specimen.Format(img.Format), img.Width, img.Height, img.MinBytes}
	if key.w == 0 || key.h == 0 {
		key.w, key.h = 640, 400 // above every documented minimum that applies to a picture (ADVANCE 256 px); small enough to render in ~15 ms
	}
	if key.variant == "" {
		key.variant = specimen.Clean
	}
	if key.format == "" {
		key.format = specimen.JPEG
	}
	if key.minBytes > 0 {
		key = picture{minBytes: key.minBytes} // an oversized PNG: its size is its only parameter
	}
	v, _ := pictures.LoadOrStore(key, &rendered{})
	r := v.(*rendered)
	r.once.Do(func() {
		if key.minBytes > 0 {
			r.b, r.err = specimen.OverSize(Identity, key.minBytes)
		} else {
			r.b, r.err = specimen.Render(Identity, key.variant, key.format, key.w, key.h)
		}
	})
	return r.b, r.err
}

func corruptBase64() string { return specimen.CorruptBase64() }

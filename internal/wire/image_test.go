package wire

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"
)

// Synthetic images, drawn here: nothing of a person.
func pic(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x * 7), uint8(y * 13), uint8(x ^ y), 255})
		}
	}
	return img
}

func encoded(t testing.TB, format string, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	var err error
	switch format {
	case "png":
		err = png.Encode(&buf, pic(w, h))
	case "jpeg":
		err = jpeg.Encode(&buf, pic(w, h), nil)
	case "gif":
		err = gif.Encode(&buf, pic(w, h), nil)
	case "bmp":
		return bmpHeader(int32(w), int32(h))
	case "webp": // a VP8L header: enough for the sniffer
		return append([]byte("RIFF\x1a\x00\x00\x00WEBPVP8L"), make([]byte, 16)...)
	}
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func bmpHeader(w, h int32) []byte {
	b := make([]byte, 54)
	copy(b, "BM")
	binary.LittleEndian.PutUint32(b[14:], 40) // BITMAPINFOHEADER
	binary.LittleEndian.PutUint32(b[18:], uint32(w))
	binary.LittleEndian.PutUint32(b[22:], uint32(h))
	return b
}

func TestImageFormatAndDimensions(t *testing.T) {
	for _, tc := range []struct {
		format string
		w, h   int
		wantOK bool
		reason string
	}{
		{"png", 5, 3, true, "image.DecodeConfig reads a PNG header"},
		{"jpeg", 17, 9, true, "and a JPEG's"},
		{"gif", 4, 6, true, "and a GIF's"},
		{"bmp", 7, 2, true, "a BMP's size is read from its header, without golang.org/x/image"},
		{"webp", 0, 0, false, "a WebP is sniffed; its size is not read (no decoder in the standard library)"},
	} {
		b := encoded(t, tc.format, tc.w, tc.h)
		if got := ImageFormat(b); got != tc.format {
			t.Errorf("ImageFormat(%s) = %q", tc.format, got)
		}
		if !IsImage(b) || SniffMedia(b) != "image/"+tc.format {
			t.Errorf("%s: IsImage %v, SniffMedia %q", tc.format, IsImage(b), SniffMedia(b))
		}
		w, h, ok := Dimensions(b)
		if ok != tc.wantOK || w != tc.w || h != tc.h {
			t.Errorf("Dimensions(%s) = %d, %d, %v; want %d, %d, %v: %s", tc.format, w, h, ok, tc.w, tc.h, tc.wantOK, tc.reason)
		}
	}
	if w, h, ok := Dimensions(bmpHeader(7, -2)); !ok || w != 7 || h != 2 {
		t.Errorf("a top-down BMP (negative height) is 7x2, got %dx%d %v", w, h, ok)
	}
	if _, _, ok := Dimensions(bmpHeader(-7, 2)); ok {
		t.Error("a negative BMP width is no size")
	}
	if ImageFormat([]byte("plain text")) != "" || IsImage([]byte("plain text")) || SniffMedia([]byte("plain text")) != "text/plain" {
		t.Error("text is no image, and its media type has no parameters")
	}
	if got := ImageFormat([]byte("\x00\x00\x01\x00\x01\x00\x10\x10")); got != "ico" {
		t.Errorf("an icon is %q, want ico", got)
	}
}

func TestDecodeBase64(t *testing.T) {
	img := encoded(t, "png", 4, 4)
	std := base64.StdEncoding.EncodeToString(img)
	wrapped := ""
	for s := std; s != ""; {
		n := min(len(s), 20)
		wrapped, s = wrapped+s[:n]+"\r\n", s[n:]
	}
	for _, tc := range []struct {
		name, in string
		dataURI  bool
		reason   string
	}{
		{"std", std, false, "the standard alphabet, padded"},
		{"raw std", base64.RawStdEncoding.EncodeToString(img), false, "padding left out"},
		{"url", base64.URLEncoding.EncodeToString(img), false, "the URL alphabet"},
		{"raw url", base64.RawURLEncoding.EncodeToString(img), false, "the URL alphabet, unpadded"},
		{"wrapped", wrapped, false, "line-wrapped, as MIME writes it"},
		{"spaces", strings.Join(strings.SplitAfter(std, "A"), " \t"), false, "white space anywhere"},
		{"data uri", "data:image/png;base64," + std, true, "a data: URI prefix is reported"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, dataURI, ok := DecodeBase64(tc.in)
			if !ok || !bytes.Equal(b, img) || dataURI != tc.dataURI {
				t.Fatalf("DecodeBase64: ok %v, equal %v, dataURI %v; %s", ok, bytes.Equal(b, img), dataURI, tc.reason)
			}
			if b, ok := Base64Image(tc.in); !ok || !bytes.Equal(b, img) {
				t.Fatalf("Base64Image: ok %v: %s", ok, tc.reason)
			}
		})
	}
	for _, tc := range []struct{ in, reason string }{
		{"/9j/4AAQSkZJRgABAQ!!NOT~BASE64~~=", "characters no alphabet has"},
		{"data:image/png,iVBORw0KGgo=", "a data URI that is not base64"},
		{"a", "a length no encoding gives"},
	} {
		if _, _, ok := DecodeBase64(tc.in); ok {
			t.Errorf("DecodeBase64(%q) ok: %s", tc.in, tc.reason)
		}
	}
	for _, tc := range []struct{ in, reason string }{
		{base64.StdEncoding.EncodeToString([]byte(strings.Repeat("not a picture ", 20))), "base64 of text is no image"},
		{"SGVsbG8=", "short strings are never images"},
		{"3171234567890123", "a NIK is no image, though it is valid base64"},
	} {
		if _, ok := Base64Image(tc.in); ok {
			t.Errorf("Base64Image(%q) ok: %s", tc.in, tc.reason)
		}
	}
}

// FuzzDecodeBase64: no string makes the decoders panic, and an image Base64Image finds is one
// DecodeBase64 finds too, with the same bytes.
func FuzzDecodeBase64(f *testing.F) {
	f.Add(base64.StdEncoding.EncodeToString(encoded(f, "png", 2, 2)))
	f.Add("data:image/png;base64,iVBORw0KGgo=")
	f.Add("data:;base64,")
	f.Add("/9j/4AAQSkZJRgABAQ!!NOT~BASE64~~=")
	f.Add(" \n" + base64.URLEncoding.EncodeToString(encoded(f, "gif", 3, 2)))
	f.Add(base64.RawStdEncoding.EncodeToString(encoded(f, "jpeg", 4, 4)))
	f.Fuzz(func(t *testing.T, s string) {
		d, _, dok := DecodeBase64(s)
		b, ok := Base64Image(s)
		if ok && (!dok || !bytes.Equal(b, d)) {
			t.Fatalf("Base64Image found an image DecodeBase64 does not decode the same")
		}
		// Base64ImageFrom gives Base64Image's answer from DecodeBase64's (the sandbox decodes once).
		if fb, fok := Base64ImageFrom(s, d, dok); fok != ok || !bytes.Equal(fb, b) {
			t.Fatalf("Base64ImageFrom = %v, Base64Image = %v", fok, ok)
		}
	})
}

// FuzzDimensions: no bytes make the header readers panic, and a size they give is positive.
func FuzzDimensions(f *testing.F) {
	for _, format := range []string{"png", "jpeg", "gif", "bmp", "webp"} {
		f.Add(encoded(f, format, 3, 2))
	}
	f.Add([]byte("BM"))
	f.Fuzz(func(t *testing.T, b []byte) {
		ImageFormat(b)
		if w, h, ok := Dimensions(b); ok && (w <= 0 || h <= 0) {
			t.Fatalf("Dimensions = %d, %d, true", w, h)
		}
	})
}

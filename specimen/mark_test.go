package specimen

import (
	"bytes"
	"image"
	_ "image/jpeg"
	_ "image/png"
	"testing"
)

func TestMarkRoundTrip(t *testing.T) {
	for _, f := range []Format{JPEG, PNG} {
		for _, v := range []Variant{Clean, Blur, Grayscale} {
			seed := "kontrak-scorecard-3"
			plain, err := Render(NewIdentity(seed), v, f, 64, 40)
			if err != nil {
				t.Fatal(err)
			}
			marked, err := RenderMarked(seed, v, f, 64, 40)
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Equal(plain, marked) {
				t.Fatalf("%s %s: the marked render is the plain one", f, v)
			}
			m, ok := ReadMark(marked)
			if !ok || m.Seed != seed || m.Variant != v {
				t.Fatalf("%s %s: ReadMark = %+v, %v; want seed %q variant %s", f, v, m, ok, seed, v)
			}
			if _, ok := ReadMark(plain); ok {
				t.Fatalf("%s %s: an unmarked render reads as marked", f, v)
			}
			// The pixels are the plain render's: every decoder skips the mark.
			a, _, err := image.Decode(bytes.NewReader(plain))
			if err != nil {
				t.Fatal(err)
			}
			b, _, err := image.Decode(bytes.NewReader(marked))
			if err != nil {
				t.Fatalf("%s %s: the marked image does not decode: %v", f, v, err)
			}
			if a.Bounds() != b.Bounds() || a.At(30, 20) != b.At(30, 20) {
				t.Fatalf("%s %s: the mark changed the picture", f, v)
			}
			again, _ := RenderMarked(seed, v, f, 64, 40)
			if !bytes.Equal(again, marked) {
				t.Fatalf("%s %s: RenderMarked is not deterministic", f, v)
			}
		}
	}
}

func TestMarkRefuses(t *testing.T) {
	img, _ := Render(NewIdentity("x"), Clean, GIF, 32, 32)
	for _, c := range []struct {
		reason string
		img    []byte
		m      Mark
	}{
		{"a GIF has no place for a mark", img, Mark{"s", Clean}},
		{"an empty seed names no identity", []byte{0xFF, 0xD8, 0xFF, 0xD9}, Mark{"", Clean}},
		{"an unknown variant", []byte{0xFF, 0xD8, 0xFF, 0xD9}, Mark{"s", "foggy"}},
		{"a seed with a control byte", []byte{0xFF, 0xD8, 0xFF, 0xD9}, Mark{"a\nb", Clean}},
	} {
		if _, err := AddMark(c.img, c.m); err == nil {
			t.Errorf("%s: AddMark accepted it", c.reason)
		}
	}
}

func TestTruthIsTheCard(t *testing.T) {
	id := NewIdentity("kontrak")
	got := map[string]string{}
	for _, f := range Truth(id) {
		got[f.Name] = f.Value
	}
	want := id.BirthDate[6:] + "-" + id.BirthDate[3:5] + "-" + id.BirthDate[:2]
	if got["birthDate"] != want || got["rt"]+"/"+got["rw"] != id.RTRW || got["nik"] != id.NIK {
		t.Fatalf("Truth(%+v) = %v", id, got)
	}
}

func FuzzReadMark(f *testing.F) {
	j, _ := RenderMarked("seed", Clean, JPEG, 32, 32)
	p, _ := RenderMarked("seed", Dark, PNG, 32, 32)
	f.Add(j[:200])
	f.Add(p[:120])
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xFE, 0x00, 0x01})
	f.Add([]byte("\x89PNG\r\n\x1a\n\x7f\xff\xff\xfftEXt"))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, ok := ReadMark(b)
		if ok && m.check() != nil {
			t.Fatalf("ReadMark accepted an invalid mark %+v", m)
		}
	})
}

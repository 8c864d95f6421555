package cassette

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"

	"github.com/kontrak/kontrak/specimen"
)

func TestImageDescriptor(t *testing.T) {
	pngImg := synthPNG(t, 5, 3, false)
	bmpImg, err := specimen.Sized(specimen.NewIdentity("descriptor"), specimen.BMP, 23, 17)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, reason string
		in           []byte
		wantTail     string // after the sha256
	}{
		{"png", "a PNG's size comes from image.DecodeConfig", pngImg, fmt.Sprintf("bytes=%d 5x3 image/png", len(pngImg))},
		{"bmp", "a BMP's size comes from its header (wire.Dimensions; its top-down case is tested there)", bmpImg, fmt.Sprintf("bytes=%d 23x17 image/bmp", len(bmpImg))},
		{"not an image", "bytes that are no image still get a descriptor, 0x0 and their sniffed type", []byte("plain text"), "bytes=10 0x0 text/plain"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sum := sha256.Sum256(tc.in)
			want := "kontrak-redacted-image sha256=" + hex.EncodeToString(sum[:]) + " " + tc.wantTail
			got := ImageDescriptor(tc.in)
			if got != want {
				t.Fatalf("%s\ngot  %q\nwant %q", tc.reason, got, want)
			}
			sha, ok := ParseImageDescriptor(got)
			if !ok || sha != hex.EncodeToString(sum[:]) {
				t.Fatalf("ParseImageDescriptor(ImageDescriptor(b)) = %q, %v; want the sha256 of b", sha, ok)
			}
		})
	}
}

func TestParseImageDescriptorRejects(t *testing.T) {
	sha := strings.Repeat("ab", 32)
	for _, tc := range []struct{ in, reason string }{
		{"", "empty"},
		{"kontrak-redacted-image", "the prefix alone"},
		{"redacted-image sha256=" + sha + " bytes=1 1x1 image/png", "another prefix: only kontrak's own format is trusted"},
		{"kontrak-redacted-image sha256=" + sha[:62] + " bytes=1 1x1 image/png", "a short hash"},
		{"kontrak-redacted-image sha256=" + strings.ToUpper(sha) + " bytes=1 1x1 image/png", "upper-case hex: ImageDescriptor writes lower case, and two spellings would be two hashes"},
		{"kontrak-redacted-image sha256=" + strings.Repeat("zz", 32) + " bytes=1 1x1 image/png", "not hex"},
		{"kontrak-redacted-image sha256=" + sha + " bytes=x 1x1 image/png", "a size that is no number"},
		{"kontrak-redacted-image sha256=" + sha + " bytes=1 1by1 image/png", "no WxH"},
		{"kontrak-redacted-image sha256=" + sha + " bytes=1 1x1", "no media type"},
		{"kontrak-redacted-image sha256=" + sha + " bytes=1 1x1 png", "a media type without a slash"},
		{"kontrak-redacted-image sha256=" + sha + " bytes=1 1x1 image/png extra", "a sixth field"},
	} {
		if sha, ok := ParseImageDescriptor(tc.in); ok {
			t.Errorf("ParseImageDescriptor(%q) = %q, true; want false: %s", tc.in, sha, tc.reason)
		}
	}
	if _, ok := ParseImageDescriptor("  kontrak-redacted-image sha256=" + sha + " bytes=1 1x1 image/png\n"); !ok {
		t.Error("surrounding whitespace (a YAML block scalar's newline) must not hide a descriptor")
	}
}

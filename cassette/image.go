package cassette

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"

	"github.com/kontrak/kontrak/internal/wire"
)

// imageDescriptorPrefix opens the string a redacted cassette holds in place of an image.
const imageDescriptorPrefix = "kontrak-redacted-image "

// ImageDescriptor is the string a redacted cassette holds in place of the image b:
//
//	kontrak-redacted-image sha256=<hex> bytes=<n> <W>x<H> <media type>
//
// It is the one format every part of kontrak writes and reads. The sha256 is of the image's bytes (decoded
// from base64 when the image travelled as base64), so the matcher compares a live image with a redacted one
// by hash (see ParseImageDescriptor). The size and media type are there for a reader of the cassette; a
// size that cannot be read is 0x0.
func ImageDescriptor(b []byte) string {
	sum := sha256.Sum256(b)
	w, h, _ := wire.Dimensions(b) // 0x0 when it cannot be read
	return fmt.Sprintf("%ssha256=%s bytes=%d %dx%d %s", imageDescriptorPrefix, hex.EncodeToString(sum[:]), len(b), w, h, wire.SniffMedia(b))
}

// ParseImageDescriptor returns the sha256 (lowercase hex) that an ImageDescriptor string names, and whether s
// is one.
func ParseImageDescriptor(s string) (sha string, ok bool) {
	rest, ok := strings.CutPrefix(strings.TrimSpace(s), imageDescriptorPrefix)
	if !ok {
		return "", false
	}
	f := strings.Fields(rest)
	if len(f) != 4 {
		return "", false
	}
	sha, ok = strings.CutPrefix(f[0], "sha256=")
	if !ok || len(sha) != sha256.Size*2 || strings.ToLower(sha) != sha {
		return "", false
	}
	if _, err := hex.DecodeString(sha); err != nil {
		return "", false
	}
	n, ok := strings.CutPrefix(f[1], "bytes=")
	if _, err := strconv.ParseUint(n, 10, 64); !ok || err != nil {
		return "", false
	}
	w, h, ok := strings.Cut(f[2], "x")
	if _, err := strconv.ParseUint(w, 10, 32); !ok || err != nil {
		return "", false
	}
	if _, err := strconv.ParseUint(h, 10, 32); err != nil {
		return "", false
	}
	if !strings.Contains(f[3], "/") {
		return "", false
	}
	return sha, true
}

// ImageHash is the canonical form of an image in a match: the same for the image's bytes, its base64 and
// its descriptor.
func ImageHash(b []byte) string {
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}

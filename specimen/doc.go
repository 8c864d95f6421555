// Package specimen makes the synthetic KTP holders and KTP card images that kontrak sends to OCR APIs, and
// the synthetic values that redaction writes in place of personal data.
//
// # Nothing real, nothing stored
//
// A KTP (Kartu Tanda Penduduk) carries personal data: a NIK, a name, a birth date, an address. None of it
// may enter the repository. So the suites never use a photo of a real card: they generate an image from a
// synthetic Identity at test time, send it, and discard it. No image this package makes is committed;
// cassettes refer to images by their sha256, and a test regenerates them.
//
// Every value is fictional by construction and recognisable as such:
//
//   - Surnames, places and streets are words meaning "example", "synthetic", "trial", "fictitious",
//     "imitation" in Indonesian (BUDI CONTOH, KOTA SINTETIS, JL. PERCOBAAN NO. 7). Given names are common
//     ones, which alone identify nobody.
//   - A NIK is 16 digits laid out as a real one: province (2), regency (2), district (2), birth date DDMMYY
//     with 40 added to the day for women, serial (4). The province code is always "00". Province codes
//     run from 11 (Aceh) upwards; none is 00. So a synthetic NIK is valid-looking to a format check, yet can
//     never be a person's, and IsSyntheticNIK tells one from a real one with no list to consult: the leak
//     scanner fails the build on any NIK-shaped value in a cassette that does not start with "00".
//   - The card prints "SPESIMEN - DATA SINTETIS", so an image found out of context says what it is.
//
// The one value chosen to be plausible rather than recognisable is the date of birth: a holder is 17 to 80
// years old on a fixed reference date, 1 January 2026 (fixed, not the clock, so that identities and image
// hashes do not change on a birthday), every day of that span equally likely, and the NIK encodes it. A
// date of birth alone identifies nobody; the NIK beside it says "synthetic". SyntheticLike's dates stay in
// 1900–1909 (below): if an OCR API reads a card's date of birth back, redaction replaces it like any date.
//
// # Redaction and the leak scanner
//
// SyntheticLike(kind, original) is the replacement redaction writes: same format as original (a masked NIK
// keeps its mask, a date its layout, a masked name its mask pattern), content synthetic, chosen by a hash of
// original. IsSyntheticValue(kind, s) is its inverse test, asked by the scanner of every personal value in
// a cassette: true means s could have come from this package; false means possibly real. For any value x,
// IsSyntheticValue(kind, SyntheticLike(kind, x)) holds. Kinds: "nik", "name", "place", "address", "date",
// "text", and the contact and tax data found beside a KTP, "phone", "email" (at the reserved domain
// contoh.invalid) and "taxid"; the literals "", "-" and "null" pass through both unchanged.
//
// # Determinism, and why it matters
//
// Every function is a pure function of its arguments. NewIdentity(seed) gives the same Identity for the same
// seed; SyntheticLike gives the same replacement for the same value; Render gives the same bytes for the
// same arguments. This is not a convenience:
//
//   - Cassettes match a request's image by sha256. A replayed scenario regenerates its image and must get the
//     very bytes recorded, or strict replay finds no interaction.
//   - Redaction must be stable, or re-recording a cassette rewrites every line of it, and two occurrences of
//     one NIK in a response must redact to one synthetic NIK, or a consistency check between them breaks.
//
// What it takes: randomness comes from this package's own SplitMix64 generator seeded with SHA-256, not
// math/rand, whose sequences Go does not promise to keep; dates are computed by package time, in integers.
// Rendering is integer arithmetic only: Go may fuse a*b+c into an FMA instruction on arm64 but not on amd64,
// so floating point could change the last bit of a pixel between a laptop and CI. That includes the text: a
// TrueType rasteriser computes in floating point, so glyphs are rasterised once, on amd64, into an integer
// coverage atlas that is committed (atlas.bin.gz, made by `go generate ./specimen`; a test makes it again and
// compares, on amd64), and Render only scales and composites that coverage. Encoders run with fixed settings:
// JPEG quality 90; PNG unfiltered with uncompressed (stored) deflate blocks, which leaves the compressor no
// choices to change between releases; GIF with our own 6×6×6 colour cube and ordered dithering; BMP 24-bit.
// The remaining dependency is on the encoders themselves: a Go release or a golang.org/x/image version that
// changes the output of image/jpeg (the likeliest), image/png, image/gif's LZW writer or x/image/bmp changes
// the hashes; a golang.org/x/image version that changes the Go fonts or their rasterisation fails the atlas
// test instead, until the atlas is generated again (which changes the hashes). The golden file
// testdata/render.sha256 pins them, so such a change fails this package's tests, loudly and first, before it
// fails replay: refresh the golden file with `go test ./specimen -update` and re-derive the cassettes that
// hold image hashes (`make cassettes`).
//
// # Images
//
// Render(id, variant, format, w, h) draws the card on a wooden desk, laid out as a KTP-el: light blue,
// "PROVINSI …" and "KOTA …" centred and bold, "NIK : …" large and bold, the twelve fields in the KTP's order
// with their labels and a column of colons (the blood type on the gender's row), a grey photo box with a
// head-and-shoulders silhouette on the right, and under it the place and date of issue and a signature. The
// card fills 88% of the limiting side at the ID-1 aspect ratio (85.60 × 53.98 mm); the layout is in fifths of
// a millimetre, 428×270 units. Text is Go Regular and Go Bold (golang.org/x/image/font/gofont), sans-serif
// faces close to the card's own, at the card's sizes (a field's capitals 1.5 mm high, the NIK's 2.6 mm); a
// value too long for its row is narrowed, not cut (past 64 characters, more than a row ever holds, the rest
// is dropped). The atlas holds the glyphs at 128 pixels per em, and 64 and 32 derived by 2×2 averaging; a
// line is composed at the smallest of these that is at least twice its device size and area-averaged onto the
// device grid at its exact position and size (atlas.go). A card at least 428×270 pixels is drawn directly at
// its size; a smaller one is drawn at 428×270 and averaged down.
//
// Variants are photographic conditions an OCR API is expected to meet or reject: Clean, Blur, Dark, Glare
// (a flashlight's saturated white blob over the fields), Grayscale (a one-channel image), BlurDark, and
// NoCard (the desk with a mug, a coin and a pen). Limits are tested with Sized (a size from the specs),
// OverSize (a valid PNG of at least n bytes) and CorruptBase64. No vendor's numbers are written here:
// callers take them from specs/.
//
// Cost: a 1024×640 JPEG takes about 40 ms (Clean) to 90 ms (Blur) of CPU on a 2-vCPU AMD EPYC server
// (BenchmarkRender), of which the text is about 8 ms; the first render of a process also decodes the atlas
// (about 10 ms; 1.3 MB held for the process). Memory is 4 bytes a pixel for the scene and the card, plus the
// encoded output; Render refuses more than MaxPixels. PNG is uncompressed, about 3 bytes a pixel (2 MB at
// 1024×640): use JPEG where only the content matters, PNG where a large or lossless file is the point.//
// # Marked specimens
//
// RenderMarked(seed, v, f, w, h) is Render of NewIdentity(seed), marked with its seed and variant
// (AddMark): a JPEG carries the mark in a comment segment (COM, FF FE) right after its start of image, a
// PNG in a tEXt chunk of keyword "kontrak-specimen" right after its IHDR; the text is "v1 variant=<v>
// seed=<seed>" (a JPEG's comment begins with the keyword and a space). ReadMark reads it back from the
// bytes alone, without decoding a pixel. This is how kontrak serve recognises its own specimens (the
// scorecard's): deterministic, free, and exact. A table of render hashes was the other way: serve would
// have to render every seed a scorecard may send (about 40 ms each) and would still not know a seed it
// never rendered. The mark leaves Render's own bytes alone (cassettes match images by hash: none
// changes), no decoder draws it, and a vendor ignores it; it tells a vendor nothing but a synthetic seed.
// Truth(id) is what the card prints, under the canonical record's field names: what a reading is scored
// against.
package specimen

// Package cassette is kontrak's cassette format: go-vcr v4's file, unchanged, under a comment block that
// records its provenance.
//
// A cassette is cassettes/<vendor>/<scenario>.yaml, version 2, opened by a comment block that says where its
// answers come from (see Provenance): copied from a documented example, derived from a documented table, or
// recorded live on a date. A file that is not such a cassette (unreadable, not YAML, no version or another
// version) is refused with one line that names it.
//
//   - Load and Parse read a cassette whole with go-vcr's own loader; Exchanges lists its interactions as the
//     contract judges them (contract.Exchange).
//   - Read and Split stream a cassette interaction by interaction, so that memory is bounded by the largest
//     interaction, not by the file. Split cuts the file into items with a line scan; an item is decoded by a
//     fast reader of go-vcr's own layout (fastyaml.go, 17 times faster than the YAML decoder and fuzzed
//     against it), falling back to the YAML decoder for any other layout.
//   - Marshal, MarshalItem and the comment-block helpers write a cassette as go-vcr's Save does.
//   - ImageDescriptor is the one string a redacted cassette holds in place of an image
//     ("kontrak-redacted-image sha256=<hex> bytes=<n> <W>x<H> <media type>"); ImageHash is an image's
//     canonical form in a request match, the same for its bytes, its base64 and its descriptor.
//
// The package knows no vendor fact and no behaviour: replay and record are the recorder's, redaction and the
// leak scan redact's. Every entry point that reads outside input recovers its own panics into a one-line
// error naming the file.
package cassette

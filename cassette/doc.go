// Package cassette is kontrak's cassette format: go-vcr v4's file, unchanged, under a comment block that
// records its provenance.
//
// A cassette is cassettes/<vendor>/<scenario>.yaml, version 2, opened by a comment block that says where its
// answers come from (see Provenance): copied from a documented example, derived from a documented table, or
// recorded live on a date. Every reader here reads exactly what go-vcr v4's own loader reads (yaml.Unmarshal
// of the file's first YAML document): go-vcr's block layout, and also a cassette written as JSON, in flow
// style, with anchors and aliases anywhere (an interaction that aliases another's headers, or a whole earlier
// interaction), merge keys, comments and document markers. A file go-vcr would not read, or that is not a
// cassette (no version or another version, no interaction), is refused with one line that names it.
//
//   - Load and Parse read a cassette whole with go-vcr's own loader; Exchanges lists its interactions as the
//     contract judges them (contract.Exchange).
//   - Read and Split stream a cassette interaction by interaction. For go-vcr's own layout memory is bounded
//     by the largest interaction, not by the file: Split cuts the `interactions` sequence into items with a
//     line scan, where a lexer of YAML's indicators (cut.go) finds the cut safe, and an item is decoded by a
//     fast reader of go-vcr's own layout (fastyaml.go, 17 times faster than the YAML decoder and fuzzed
//     against it), falling back to the YAML decoder for any other layout of the item. Where the scan cannot
//     cut (JSON, a flow-style document, an anchor a later interaction may alias), the rest of the file is
//     decoded whole by the YAML decoder, up to MaxWholeBytes; beyond, ErrTooLarge. Everything outside the
//     items (the version, other keys, what follows the first document) is decoded by the YAML decoder too,
//     so the verdict is go-vcr's (FuzzReadCassette holds Read to Parse on any bytes).
//   - ExchangeOf and Exchanges give header names in canonical form (CanonicalHeader): go-vcr records them as
//     they were sent ("retry-after" from an HTTP/2 server), and the contract reads them with Header.Get.
//   - Marshal, MarshalItem and the comment-block helpers write a cassette as go-vcr's Save does.
//   - ImageDescriptor is the one string a redacted cassette holds in place of an image
//     ("kontrak-redacted-image sha256=<hex> bytes=<n> <W>x<H> <media type>"); ImageHash is an image's
//     canonical form in a request match, the same for its bytes, its base64 and its descriptor.
//
// The package knows no vendor fact and no behaviour: replay and record are the recorder's, redaction and the
// leak scan redact's. Every entry point that reads outside input recovers its own panics into a one-line
// error naming the file.
package cassette

// Package recorder replays, records and redacts kontrak's cassettes, on go-vcr v4.
//
// The file format is go-vcr's, unchanged: a cassette is cassettes/<vendor>/<scenario>.yaml, version 2,
// opened by a comment block that records its provenance (see Provenance): copied from a documented
// example, derived from a documented table, or recorded live on a date. A file that is not such a cassette
// (unreadable, not YAML, no version or another version) is refused with one line that names it.
//
// Behaviour is go-vcr's recorder with kontrak's options (New, then Client, then Stop):
//
//   - Replay (the default) is strict: ModeReplayOnly, no replayed latency, each interaction answers once,
//     and a request that matches no interaction fails with a *MissError that gives its METHOD and URL, the
//     cassette it was looked for in, and where the nearest interaction differs.
//   - Live passes every request to the real transport; there is no cassette.
//   - Record passes every request to the real transport and, on Stop, replaces the cassette in one
//     rename: the provenance header, then go-vcr's YAML, written to a temporary file beside it and synced
//     first. A run that was discarded (Discard, or a request that never reached the server), that
//     recorded nothing, whose save failed (a redactor, a hook, the disk) or that was never stopped leaves
//     the cassette byte for byte as it was. Redaction plugs in with WithRedactor, which runs just before
//     the save.
//   - The request matcher (NewMatcher) compares method, URL path and query, the media type of
//     Content-Type, and the body by content: JSON bodies as JSON, forms as forms, multipart bodies part by
//     part whatever the boundary, images by the sha256 of their bytes. The host is not compared, nor any
//     other header: credentials never take part in a match. Fields, query parameters and headers named by
//     the caller are ignored; VendorMatchOptions names them from a vendor's spec, the one builder that
//     replay and `kontrak serve` share (pass it with WithMatchOptions). Both compare canonical forms
//     (CanonicalRequest): a request is parsed and its images hashed once, not once per candidate; serve
//     holds them itself (RequestMatcher), replay's go-vcr hook caches them.
//   - Redaction and scan read a body once a pass, in place (walkJSON), and cost time and memory linear in
//     its size: no per-value regexp over whole texts, no per-value copy, no search per known value.
//   - A redacted cassette holds, in place of an image, its ImageDescriptor
//     ("kontrak-redacted-image sha256=<hex> bytes=<n> <W>x<H> <media type>"); the matcher takes it for
//     the image it describes, so a live request with the image matches it.
//   - Redaction (Redactor, for WithRedactor; RedactFile, for a cassette on disk) takes out what
//     RedactRules name (credential headers, query parameters and body fields; an answer's secrets and
//     personal data, by JSON Pointer) and, wherever else it appears, what pii_rules.yaml finds by name
//     (credentials, cookies, personal fields such as full_address or addressDetail.street, free text) and
//     by content (images by their bytes, JWTs, high-entropy tokens, NIKs also with separators, dates in
//     free text, personal values an interaction's free text quotes). A gzip or deflate body, or one with a
//     byte order mark, is read decoded and stored decoded, which the X-Kontrak-Redaction answer header (and
//     RedactFile's provenance note) says. It keeps formats (synthetic values from specimen), member order,
//     boundaries and matchability; it is deterministic and idempotent. A JSON body nested deeper than
//     MaxDepth is refused, not recursed, so cost stays linear.
//   - Scan is redaction's dry run: it lists (Leak, by place and kind, never by value) every place
//     Redactor would change, so a cassette Redactor has seen scans clean; ScanRules.Public lets a vendor
//     document's own example values through. ScanFiles is the gate a recording passes before promotion.
//
// The package never imports a vendor package or a suite, and knows no vendor fact: header and field names
// arrive as options, from the specs (VendorMatchOptions reads them from a contract.Vendor).
package recorder

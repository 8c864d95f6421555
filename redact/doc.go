// Package redact is kontrak's privacy room: it takes secrets, images and personal data out of recorded
// exchanges (Redactor, for the recorder's WithRedactor; RedactFile, for a cassette on disk), and scans
// cassettes for what is left (Scan, ScanFile, ScanFiles: the gate a recording passes before promotion).
//
// Redaction takes out what RedactRules name (credential headers, query parameters and body fields; an
// answer's secrets and personal data, by JSON Pointer, read from the specs by the contract) and, wherever
// else it appears, what pii_rules.yaml finds by name (credentials, cookies, personal fields such as
// full_address or addressDetail.street, free text) and by content (images by their bytes, JWTs,
// high-entropy tokens, NIKs also with separators, dates in free text, personal values an interaction's free
// text quotes). A gzip or deflate body, or one with a byte order mark, is read decoded and stored decoded,
// which the X-Kontrak-Redaction answer header (and RedactFile's provenance note) says. It keeps formats
// (synthetic values from specimen), member order, boundaries and matchability; it is deterministic and
// idempotent. A JSON body nested deeper than MaxDepth (kontrak's one depth limit, wire.MaxJSONDepth) is
// refused, not read; the walk does not recurse, so cost stays linear up to it.
//
// RedactFile, ScanFile and CheckFile stream a cassette (cassette.Split) and read every cassette go-vcr v4
// reads; RedactFile and ScanFile redact or scan its interactions on every core, a few per core in flight,
// and write or report them in the file's order (parallel.go): one written as JSON, in flow style or with anchors is rewritten by RedactFile whole in go-vcr's own
// block layout, its aliases written out, and its provenance note says the layout was normalised
// (LayoutNote). Header names are compared case-insensitively throughout, as recorded in any spelling.
//
// An interaction is read, for redaction and for the scan alike, as a list of leaves (leaf.go): one walk
// serves both, so that the scan looks exactly where redaction writes. A JSON body is read by kontrak's one
// lexer (wire.WalkJSON, under its UTF-8 policy: a body with invalid UTF-8 or a lone surrogate escape is
// not JSON, and is read whole, as one leaf), in place, and costs time and memory linear in its size; the
// name rules of pii_rules.yaml are applied here, to the members and containers the walk reports
// (jsonwalk.go), never inside the lexer.
//
// Scan is redaction's dry run: it lists (Leak, by place and kind, never by value) every place Redactor
// would change, so a cassette Redactor has seen scans clean; ScanRules.Public lets a vendor document's own
// example values through.
//
// The package knows no vendor fact: header and field names arrive as rules, from the specs.
package redact

// Package redact is kontrak's privacy room. It keeps a recorded value only where the contract says it is
// safe and needed, and replaces every other value by a stand-in of its shape (Redactor, for the recorder's
// WithRedactor; RedactFile for a cassette on disk; RedactTraffic for a HAR 1.2 file or an NDJSON log). The
// leak scan (Scan, ScanFile, ScanFiles, ScanReader, ScanTraffic) is the same policy's dry run: the gate a
// recording passes before it is promoted, and the check `make test` runs on every committed cassette.
//
// # What is kept: an allow-list from the contract
//
// Every value of an exchange is a leaf (leaf.go): the method, the URL and each of its parts, the host, the
// status line, every header and trailer name and value, every cookie, every JSON member name and scalar,
// every form field and multipart part (its name, file name, headers, content; the text around the parts,
// a preamble or an epilogue, which no reader reads, is never kept), a whole body that is none
// of these, and the cassette's own comment block. Names are values too. For each leaf policy.go asks one
// question of the operation's privacy view (contract.Privacy, through RulesFor; a request of no documented
// operation gets none, and keeps nothing but its structure): is this a documented place, and is it not
// personal? A value is kept as it is only at
//
//   - a documented non-personal place of the operation's request or answer schema (codes, statuses, billing
//     flags, booleans, scores, ids) holding a value written as one (no white space; at an id's place no
//     upper-case word the documents lack, no word of a personal value the exchange holds: "KANARI INDAH"
//     as a client's reference_id is not kept), a documented query parameter or request header, or a
//     response header the spec names (a 16-digit number there still becomes a synthetic NIK); at a
//     personal place of a closed set (a religion, a gender), a value of the set;
//   - the numbers of go-vcr's layout (id, protocol version, content length, code, duration) within their
//     field's range;
//   - the protocol headers whose grammar is checked rather than their content (Content-Type and Accept: a
//     registered top-level type, a subtype and parameters that are safe names or short tokens holding no
//     NIK, phone, e-mail, encoded text or upper-case name, a charset IANA registers, a random boundary;
//     Content-Length, Content-Encoding, Transfer-Encoding, Accept-Encoding, Retry-After), a status line
//     that is the code and its standard reason, a method and protocol of their grammar;
//   - the documented route: a path segment the operation's path or a server's prefix gives, or a safe name;
//     a host the documents name, a reserved name (localhost, *.invalid, *.test, example.com…) or a loopback
//     or documentation address;
//   - a name (a JSON member, a parameter, a form field, a part, a header, a cookie, a file name without its
//     short extension) the documents give, or a safe name: identifier-like (contract.SafeName), no token,
//     not base64 of text, holding no word of a personal value the exchange holds that is not a word of
//     the documents ("kanarindah_score" when the holder is "RAHAYU KANARINDAH"), and not an upper-case word
//     that no vendor's documents use ("KANARINDAH" as a key is a name written as a KTP writes it);
//   - free text at a documented place of free text (a vendor's message) that is one of the documents' texts
//     or made only of the documents' words and HTTP's reason phrases;
//   - a stand-in (below): redaction leaves its own output alone.
//
// A kept value is still looked into by the content rules of pii_rules.yaml (the second line of defence,
// content.go): a JWT, a high-entropy token, a NIK in any notation (16 digits, with separators, full-width
// digits, O for 0), an e-mail address, a phone number, a date in free text, or a value the exchange holds
// at a personal place is replaced where it stands and the rest of the value stays.
//
// # Stand-ins, by shape
//
// What is not kept is replaced by a stand-in that is a pure function of what it replaces, recognisable as a
// stand-in (so redacting twice is redacting once, and the scan passes it) and of the same shape, so that a
// redacted cassette still conforms (strict mode included) and still replays:
//
//   - a credential (the specs' security schemes, Authorization, a secret pointer of an answer, a name the
//     name rules call a credential, every cookie value) becomes REDACTED; a cookie keeps a safe name and the
//     Set-Cookie attributes of known grammar;
//   - a documented personal value (x-kontrak-pii: NIK, name, address, date, place, text) becomes specimen's
//     synthetic value of its kind in the same format (synthetic NIKs start with 00, a province code no
//     province has); a value of a closed set (a religion, a gender) one of the set, chosen by its hash; "",
//     "-", "null" and synthetic values stay;
//   - an image (bytes, base64, a data URI, hex, TIFF, HEIC, at any place) becomes cassette.ImageDescriptor
//     ("kontrak-redacted-image sha256=… bytes=… WxH type"), which the request matcher takes for the image it
//     describes; an image URL a synthetic one; a file part that is no image its descriptor too;
//   - an undocumented string becomes specimen's text of its shape (letters from CONTOH, digits 0), or, past
//     64 bytes, a digest marker; an undocumented number a zero of its length class (standInNumber); true,
//     false and null stay; where the name rules give an undocumented value a personal kind (full_address,
//     a phone), it gets that kind's synthetic value;
//   - free text that is not the documents' own, an undocumented header or trailer value, a part header, a
//     fragment that is no safe name, and a body that is none of JSON, a form or multipart becomes a digest
//     marker, "kontrak-redacted-text bytes=N sha256=XXXXXXXX": its length and 32 bits of its SHA-256, enough
//     for message-changed to tell a changed message, too few to confirm a guess;
//   - a name that is not safe becomes "x" and ten letters of its hash (a header X-Kontrak- and ten letters,
//     a file name file- and eight, keeping a short extension); a host the documents do not name a stand-in
//     under kontrak-redacted.invalid, its port kept; URL user info REDACTED.
//
// What stays is byte for byte what was: a JSON body keeps its member order and spacing (only the replaced
// tokens change), a form its field order, multipart its boundary, a URL its escaping and order.
// content_length and Content-Length follow a changed body.
//
// # Containers are opened, what cannot be read is not kept
//
// A body is read as a client reads it (decode.go): chunk framing left in, Content-Encoding gzip, deflate, br
// (github.com/andybalholm/brotli) and zstd (github.com/klauspost/compress/zstd), a UTF-8 byte order mark,
// and its charset (UTF-16 by its mark or its Content-Type, Latin-1 and every charset IANA names, through
// golang.org/x/text) are undone, bounded by wire.MaxDecodedBody. A decoded encoding or framing is stored
// decoded, and the X-Kontrak-Redaction answer header (RedactionHeader) says so. A charset is never silently
// changed: a changed body is written back in the charset it came in, with its mark; only when that charset
// cannot hold a stand-in is it stored as UTF-8, its Content-Type saying charset=utf-8 and the header saying
// why. Inside values the same policy is applied to what they hold: JSON in a string (a body encoded twice is
// read as the body it holds), base64 (either alphabet, canonical) of JSON or of text, a URL (url.go: its
// user info, host, segments, query names and values, fragment), JSON in a form field or a multipart part,
// multipart of any subtype; up to four levels deep (maxNesting), a deeper container is replaced by a digest
// marker. A body or value it still cannot read (an encoding no library here decodes or that does not
// decode, an unknown charset, binary bytes that are no image) is never kept: it becomes a digest marker and
// the header says why ("body not read (…): stored as its digest").
//
// Redaction refuses, and leaves a file byte-identical, only what it cannot place: a request URL that does
// not parse (its operation cannot be known), a JSON body nested deeper than MaxDepth (kontrak's one depth
// limit, wire.MaxJSONDepth: the walk does not recurse, and costs time and memory linear in the body up to
// it), or a file that is not a cassette, HAR file or NDJSON log. Each error is one line naming the file.
//
// # The cassette's own text
//
// RedactFile, ScanFile and CheckFile stream a cassette (cassette.Split) and read every cassette go-vcr v4
// reads; RedactFile and ScanFile redact or scan its interactions on every core, at most 4 MiB a core in flight,
// and write or report them in the file's order (parallel.go). The comment block keeps only kontrak's provenance lines (# kontrak: key=value), each value by its
// grammar (comment.go): the kind of provenance, the scenario (a safe name), the source URL (by the URL
// policy), the recording date, the kind of host, and the note: free text people write, which becomes a
// digest marker when it holds an upper-case word no vendor's documents use (a name), and is otherwise
// looked into by the content rules and for the values the cassette holds at personal places; any other
// line is dropped
// (CommentNote). A cassette written as JSON, in flow style, with anchors, or holding text go-vcr does not
// read (a comment between interactions, an unknown key) is written again whole in go-vcr's own block
// layout, its aliases written out, and its note says so (LayoutNote). The result is written to a temporary
// file beside the original, synced and renamed over it; an unchanged cassette is not written.
//
// # HAR and NDJSON
//
// RedactTraffic and ScanTraffic take a HAR 1.2 file or an NDJSON log (traffic.go), read one exchange at a
// time by package traffic, and apply the same policy to each exchange as to a cassette's interaction. What
// kontrak does not read of such a file (a HAR's pages, timings, cookies arrays and custom fields; a log
// line's other fields) is not understood, so never kept: the file is written again from its exchanges
// alone, in one fixed form, and the scan reports a file that holds more (layout).
//
// # The scan is the dry run
//
// Scan asks of every leaf what Redactor asks, and reports (Leak: file, interaction, place and kind, never
// the value) every leaf whose redacted value differs from what is there, so a cassette Redactor has seen
// scans clean, and one it has not is flagged wherever redaction would write. A place whose name holds a
// personal word is printed by its shape. ScanRules.Public lets a vendor document's own example values
// through (an image excepted). A cassette the scan could not read to its end is a leak (unscannable): fail
// closed.
//
// Redaction is deterministic (the same input always redacts to the same bytes) and idempotent (redacting
// twice is redacting once). The package knows no vendor fact: names, places and texts arrive from the
// specs, through RulesFor and ScanRulesFor; pii_rules.yaml holds the name and content rules no spec can
// give, each with its reason.
package redact

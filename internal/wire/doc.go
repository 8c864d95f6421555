// Package wire holds the one copy of each small protocol helper kontrak needs: the one JSON lexer, what a
// JSON media type is, RFC 6901 JSON Pointers, reading a body by its media type (JSON, form — ParseForm,
// url.ParseQuery's answer with a faster unescape of long values — multipart form-data) or whole and put
// back for a transport that passes it on (BufferBody, RoundTripWhole), images in base64, sniffing an image
// and reading its dimensions, writing a file atomically, the epoch units (seconds, milliseconds) the
// vendors' documents use, header maps as recorded (HeaderValue, case-insensitive), a panic turned into a
// one-line error (Recovered), and text on one line (OneLine) or in one cell of a Markdown table
// (MarkdownCell), and a list as a set (SetOf).
//
// Every other package asks here, so that one question has one answer everywhere: "is this JSON?" is
// IsJSONMedia (a declared type), LooksJSON (a body without one) and CheckJSON (the text itself); "is this
// string an image?" is Base64Image; a pointer's tokens are escaped by Escape and nowhere else.
//
// JSON is read through one lexer, jsontext from github.com/go-json-experiment/json (the staging copy of
// Go's encoding/json/v2), with one depth limit (MaxJSONDepth, jsontext's own 10,000 levels) and one
// UTF-8 policy: invalid UTF-8 and a lone surrogate escape are refused, never read as U+FFFD; a byte order
// mark is refused; duplicate names are read (the last wins) and listed where a reader asks. Its readers
// are thin: DecodeJSONStrict and DecodeJSON (the document, numbers as json.Number, and the duplicates,
// numbers beyond float64 and integers written as fractions, by pointer), CheckJSON (the verdict, and the
// words of every refusal: one line, *JSONError, with the byte offset), WalkJSON (each scalar with its
// pointer and byte span, for a rewriter), JSONMembers and JSONElements (an object's members, an array's
// elements, values raw), UnmarshalJSON (into a Go value, with encoding/json's semantics) and
// NewJSONDecoder (a stream). No package keeps a grammar of its own. FuzzJSON holds the readers to
// encoding/json's Decoder plus the checks it does not make, on any input.
//
// The package knows no vendor and no kontrak type. It uses the standard library and github.com/go-json-experiment/json
// only, and every parser of outside input here (JSON, pointers, bodies, base64, image headers) has a fuzz target:
// none panics, on any input.
package wire

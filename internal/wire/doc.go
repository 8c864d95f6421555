// Package wire holds the one copy of each small protocol helper kontrak needs: what a JSON media type
// is, RFC 6901 JSON Pointers, reading a body by its media type (JSON, form, multipart form-data),
// images in base64, sniffing an image and reading its dimensions, writing a file atomically, the
// epoch units (seconds, milliseconds) the vendors' documents use, and text on one line (OneLine) or in one
// cell of a Markdown table (MarkdownCell).
//
// Every other package asks here, so that one question has one answer everywhere: "is this JSON?" is
// IsJSONMedia (a declared type) or LooksJSON (a body without one); "is this string an image?" is
// Base64Image; a pointer's tokens are escaped by Escape and nowhere else.
//
// The package knows no vendor and no kontrak type. It uses the standard library only, and every parser
// of outside input here (pointers, bodies, base64, image headers) has a fuzz target: none panics, on any
// input.
package wire

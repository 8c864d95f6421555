// Package recorder replays, records and redacts kontrak's cassettes, on go-vcr v4.
//
// The file format is go-vcr's, unchanged: a cassette is cassettes/<vendor>/<scenario>.yaml, version 2,
// opened by a comment block that records its provenance (see Provenance): copied from a documented
// example, derived from a documented table, or recorded live on a date.
//
// Behaviour is go-vcr's recorder with kontrak's options:
//
//   - Replay (the default) is strict: ModeReplayOnly, no replayed latency, a request that matches no
//     interaction fails with its METHOD and URL and the cassette it was looked for in.
//   - The request matcher compares method, URL path and query, and the body by content: JSON bodies as
//     JSON, forms as forms, multipart bodies part by part whatever the boundary, images by the sha256 of
//     their bytes. Credentials never take part in a match.
//
// The package never imports a vendor package or a suite, and knows no vendor fact.
package recorder

// Package recorder replays and records kontrak's cassettes, on go-vcr v4: the behaviour; the file format is
// package cassette, and redaction (which plugs in with WithRedactor) package redact.
//
// Behaviour is go-vcr's recorder with kontrak's options (New, then Client, then Stop):
//
//   - Replay (the default) is strict: ModeReplayOnly, no replayed latency, each interaction answers once,
//     and a request that matches no interaction fails with a *MissError that gives its METHOD and URL, the
//     cassette it was looked for in, and where the nearest interaction differs. It reads every cassette
//     go-vcr v4 reads (JSON-written, anchors and aliases), and answers with header names in canonical form
//     whatever their recorded spelling, as net/http gives them from the wire.
//   - Live passes every request to the real transport; there is no cassette.
//   - Record passes every request to the real transport and, on Stop, replaces the cassette in one
//     rename: the provenance header, then go-vcr's YAML, written to a temporary file beside it and synced
//     first. A run that was discarded (Discard, or a request that never reached the server), that
//     recorded nothing, whose save failed (a redactor, a hook, the disk) or that was never stopped leaves
//     the cassette byte for byte as it was. Redaction plugs in with WithRedactor, which runs just before
//     the save.
//   - Requests are matched by package match (match.NewMatcher's rules: method, path, query, media type and
//     the body by content, images by hash, credentials never); WithMatchOptions passes what a match
//     ignores, match.ForVendor of the cassette's vendor, the one builder that replay and `kontrak serve`
//     share. A miss is explained by place, never by value (match.Matcher.Explain).
//
// The package never imports a vendor package or a suite, and knows no vendor fact: header and field names
// arrive as options, from the specs.
package recorder

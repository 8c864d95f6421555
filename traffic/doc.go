// Package traffic brings real traffic to the contract: go-vcr cassettes, HAR 1.2 files and NDJSON logs,
// read one interaction at a time and judged on every core into a drift report (report.Traffic).
//
// The four shapes of traffic — a body, a cassette, a HAR file, NDJSON lines — become one Exchange before
// contract judges them. Readers (ReadCassette, ReadHAR, ReadNDJSON, Read with Detect) stream: memory is
// bounded by the largest single interaction, never by the file; each reader never panics and names the
// entry or line it could not read. Check runs the readers of its inputs in order, judges on Workers
// goroutines (each reader only cuts its input into records: an NDJSON line, a HAR entry's bytes, a
// cassette's item; the records are decoded on the workers, so decoding uses every core too), and
// aggregates the findings by vendor, operation, finding id and pointer, with counts, first and last seen
// (input and index, and the time where the input records one) and what was billed — never a value. A request whose route is no vendor operation (another API in a mixed log) is counted and
// skipped, unless Options.StrictRoutes.
//
// JSON is read by kontrak's one lexer (internal/wire, jsontext), under its depth limit and UTF-8 policy: a
// HAR file as a stream (its top-level object, log and entries token by token, each entry cut whole, each
// value bounded by Limits as it is read), each entry decoded by wire.UnmarshalJSON with encoding/json's
// semantics, each NDJSON line cut into its members by wire.JSONMembers. A HAR file is one JSON object and
// nothing more: data or a second JSON value after it is an error with its byte offset. A line or entry with
// invalid UTF-8 or a lone surrogate escape is refused. FuzzNDJSONFast, FuzzHARSplit and FuzzFastEntry hold
// the readers to encoding/json's reading (the oracles of ndjson_oracle_test.go and har_oracle_test.go),
// and cassette's FuzzFastItem holds the cassette reader to the YAML decoder's.
//
// NDJSON field names: see ndjsonFields and the README's table (flat logs, nginx/Apache, Caddy, Kong/Envoy
// request/response objects, Google Cloud's httpRequest). A gzip or deflate answer is decoded before it is
// judged.
package traffic

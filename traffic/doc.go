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
// What an input does not carry is not judged, never taken as absent (contract.Exchange): an NDJSON line
// without a response-body field is NoBody (an access log's: judged on its route, status and, where logged,
// headers — never body-not-json), one without a response-headers field NoHeader; a HAR entry without
// content.text is NoBody, one without headers NoHeader. A field that is there is carried, even empty: an
// empty body is judged as empty, a logged header set without Retry-After lacks it (header-missing). A
// request that got no answer — a HAR status 0, a logged status of the table's aborted list (0; nginx's
// 499) — is Incomplete (aborted): inconclusive, counted, never drift; a HAR answer that began and failed
// (a status and Chrome's _error) is judged on its status and headers, not on its body. A cassette whose
// provenance comment block is one kontrak writes (cassette.ParseProvenance, complete for its kind) holds
// kontrak's own synthetic values: its exchanges are Synthetic; no other input's are.
//
// NDJSON field names are data: logfields.yaml (LogFieldsFile), embedded and read once, strictly, when the
// package loads; LogFields hands it out, and `kontrak docs` renders it into the README (livedoc.Readme).
// For each part of an interaction it lists the accepted names in the order they are tried, each group
// with its exporters (kontrak's flat form, nginx, Istio and Envoy Gateway, Caddy, Kong, pino, Google Cloud
// Logging) and the page that documents them; a dotted name reaches one nested object; a wrapper
// (Cloud Logging's jsonPayload) is read as the line where the line lacks a name. A status is a number or
// a string of digits; a time is RFC 3339, the common log format's, or Unix seconds or milliseconds. A
// gzip or deflate answer is decoded before it is judged. FuzzNDJSONFieldNames plants every part under
// names of the table, chosen by the fuzzer, and holds the reader to reading back what it planted.
package traffic

// Package traffic brings real traffic to the contract: go-vcr cassettes, HAR 1.2 files and NDJSON logs,
// read one interaction at a time and judged on every core into a drift report (report.Traffic).
//
// The four shapes of traffic — a body, a cassette, a HAR file, NDJSON lines — become one Exchange before
// contract judges them. Readers (ReadCassette, ReadHAR, ReadNDJSON, Read with Detect) stream: memory is
// bounded by the largest single interaction, never by the file; each reader never panics and names the
// entry or line it could not read. Check runs the readers of its inputs in order, judges on Workers
// goroutines (each reader only cuts its input into records, by a line or byte scan: an NDJSON line, a
// HAR entry's bytes, a cassette's item; the records are decoded on the workers, so decoding uses every
// core too; FuzzNDJSONFast, FuzzHARSplit, FuzzFastEntry and recorder's FuzzFastItem hold the one-pass
// readers to encoding/json's and the YAML decoder's reading), and aggregates the findings by vendor, operation, finding id and pointer, with counts,
// first and last seen (input and index, and the time where the input records one) and what was billed —
// never a value. A request whose route is no vendor operation (another API in a mixed log) is counted and
// skipped, unless Options.StrictRoutes.
//
// NDJSON field names: see ndjsonFields and the README's table (flat logs, nginx/Apache, Caddy, Kong/Envoy
// request/response objects, Google Cloud's httpRequest). A gzip or deflate answer is decoded before it is
// judged.
package traffic

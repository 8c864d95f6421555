// Command kontrak-load is the side-by-side load test of `kontrak serve` against Prism (`prism mock`, the
// reference mock server of the same OpenAPI files), run by `make loadtest` and never by `make test`: it
// needs Prism (npm) and several minutes of both cores. It is not part of the kontrak binary.
//
// The request is each vendor's documented image request, as the real client (client.New) sends it, with a
// synthetic JPEG of about 100 KB (specimen.Render of a clean card, unmarked, so that serve answers from its
// cassettes and tables and not from its OCR model). It is built once against serve, with synthetic test
// credentials that serve is started with (the environment variables the specs name, each set to
// "kontrak-load-<variable>"): a vendor whose image operation takes a token gets one from serve first, and
// the request is rebuilt before every round of serve so that the token never expires under load. Prism gets
// the same bytes and headers on the operation's documented path (Prism serves the spec's paths without a
// server prefix); it checks that the security headers are present, not their values.
//
// Before measuring, each server must answer the request 2XX; a vendor either does not is reported and left
// out, with the status and the first bytes of the answer. Under load every non-2XX answer and every
// transport error is counted apart, never among the measured requests.
//
// For every vendor (--vendors) and number of connections (--conns), the two servers are measured in turn for
// --duration each, for --rounds rounds, the order alternating from round to round so that both see the same
// load on a shared machine; the table gives the medians over the rounds of requests per second, p50 and
// p99, the server's CPU per request (utime+stime from /proc) and its resident memory after the run (VmRSS),
// the ratio of serve's rate to Prism's, and the load average (/proc/loadavg) at the start and end.
// Both servers run with their per-request log off (serve --log off, prism --verboseLevel warn): a log line a
// request would measure the terminal.
package main

// Package monitor checks production traffic against the vendor contracts as it passes, without changing
// it: a validating http.RoundTripper for the answers a client gets from a vendor (NewTransport) and an
// http.Handler wrapper for the callbacks a vendor posts to a service (NewHandler).
//
// Like otelhttp, a monitor observes and reports; it never alters or breaks the exchange. The caller of a
// monitored client receives exactly the status, headers and bytes the vendor sent, and the same error at
// the same place when the vendor's connection fails. A body is re-buffered to be judged, up to a size cap
// (WithMaxBody, 1 MiB by default); a larger answer is passed on untouched and counted as not judged. A
// panic inside the monitor is recovered and counted; it never reaches the caller.
//
// What a monitor reports, for each judged answer:
//
//   - to the callback (WithCallback), an Event: vendor, operation, status, the contract's findings and
//     what the answer costs (billable or not, from the vendor's billing flag or tables);
//   - to the logger (WithLogger, log/slog), one record a finding, at Warn for breaking and Info for a
//     notice, with the finding's id, severity, vendor, operation, pointer, want and got — the got in the
//     contract's words (a code, a type, a status, the shape of a value), never a value of personal data;
//   - to its counters (Stats): calls, judged, not judged, billed, and findings by vendor × operation ×
//     finding id.
//
// Sampling (WithSample) judges one answer in n; the others pass with no work beyond a counter. Requests
// whose route matches no vendor operation pass untouched and are counted as unrouted.
//
// Cost: an answer that conforms costs what Operation.Check and Classify need, plus two small allocations
// (62 bytes: the handle of the caller's body, so that a body read after Close can never read another
// answer's pooled bytes) — the body buffer is pooled and the route lookup cached (BenchmarkTransport:
// 595 allocs/op against Check's 593). The check runs on the caller's goroutine, after the vendor answered and before
// RoundTrip returns: a check's latency is added to the call's.
package monitor

// Package monitor checks production traffic against the vendor contracts as it passes, without changing
// it: a validating http.RoundTripper for the answers a client gets from a vendor (NewTransport) and an
// http.Handler wrapper for the callbacks a vendor posts to a service (NewHandler).
//
// Like otelhttp, a monitor observes and reports; it never alters, breaks or delays the exchange. The caller
// of a monitored client receives exactly the status, headers and bytes the vendor sent, when the vendor sent
// them, and the same error at the same place when the vendor's connection fails: RoundTrip returns as soon
// as the next RoundTripper returned the headers, and the body the caller reads is the vendor's own, passed
// through as it arrives while a copy is kept, up to a size cap (WithMaxBody, 1 MiB by default: the most the
// monitor holds of one answer). The answer is judged when the caller reaches the body's end (in the Read
// that returns io.EOF) or closes it — at Close only when all of a declared Content-Length was read; a body
// closed before its end, broken, or longer than the cap is counted as not judged, never judged cut short. A
// Read after Close returns an error. A callback's receiver is called at once the same way (Handler). A
// panic inside the monitor is recovered and counted; it never reaches the caller.
//
// What a monitor reports, for each judged answer:
//
//   - to the callback (WithCallback), an Event: the request's context, vendor, operation, status, the
//     contract's findings and what the answer costs (billable or not, from the vendor's billing flag or
//     tables);
//   - to the logger (WithLogger, log/slog), one record a finding, written with the request's context (so a
//     handler can add its trace), at Warn for breaking and Info for a notice or a waived finding, with the
//     finding's id, severity, vendor, operation, pointer, want and got — the got in the contract's words (a
//     code, a type, a status, the shape of a value), never a value of personal data, and never the
//     request's path or query (which may hold a NIK);
//   - to OpenTelemetry (WithMeterProvider; default the global provider, as otelhttp does — the monitor
//     depends on the OpenTelemetry API only), four instruments of the meter ScopeName:
//     kontrak.monitor.calls (counter; kontrak.vendor, kontrak.operation, kontrak.outcome = judged |
//     not_judged | sampled_out | unrouted — an unrouted call has no vendor or operation),
//     kontrak.monitor.findings (counter; also kontrak.finding, kontrak.severity, kontrak.waived),
//     kontrak.monitor.billed (counter; vendor, operation) and kontrak.monitor.check.duration (histogram, in
//     seconds: judging, counting and logging, the callback left out; vendor, operation). Attributes are ids
//     from the specs, never values of an answer, so the series are bounded by vendors × operations × finding
//     ids. A call is counted once its outcome is known: at RoundTrip when it is unrouted, sampled out or
//     declares a length over the cap, else at the body's end or Close (a body the caller never closes is
//     never counted). Measurements carry the request's context (exemplars link them to its trace);
//   - to its counters (Stats, for programs without OpenTelemetry): calls, judged, not judged, sampled out,
//     billed, drifted, and findings by vendor × operation × finding id.
//
// Sampling (WithSample) judges one answer in n; the others pass with no work beyond a counter. Requests
// whose route matches no vendor operation pass untouched and are counted as unrouted.
//
// Cost: the check runs on the caller's goroutine in the Read that reaches the body's end (or in Close): what
// contract.Judge costs, plus one allocation (the handle of the caller's body, so that a body read after
// Close never reads anything) — the copy's buffer is pooled, the route lookup cached and the attribute sets
// built once (BenchmarkTransport: 43 allocs/op against Judge's 42, with or without the OpenTelemetry SDK).
// Memory: at most the cap a call in flight, however long the body (TestBodyMemoryBound: 64 MiB read through
// the monitor allocate about 2 MiB).
package monitor

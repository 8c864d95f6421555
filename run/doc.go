// Package run is kontrak's engine: it runs one scenario (package scenario) in a mode and judges what came
// back. It imports neither Ginkgo nor Gomega and reads no environment variable: an Engine is an explicit
// configuration. FromEnvironment, ConfigureLive and MissingEnv build one from a getenv the caller passes
// (the suites pass os.Getenv, tests a map).
//
// Engine.Run builds the scenario's request (fields, a sandbox value, a synthetic image from Picture,
// wrong credentials), sends it through the real client (package client) by the mode's strategy, then asks
// contract/ about every interaction, token calls included, and compares the answer with the documented
// outcome. One small strategy a mode:
//
//   - replay: strict replay of the scenario's cassette (package recorder); a request it does not hold is
//     an error naming METHOD, URL and the cassette.
//   - live: real HTTP through the live transport — the Budget is asked before every call that may be
//     billed, and 429s and codes marked retryAfter are retried by Retry (a delay longer than its MaxWait
//     is not waited for: the scenario is inconclusive, rate-limited, with the vendor's value); an answer
//     is read up to client.MaxAnswerBytes, and one over it is inconclusive; a redirect to another host or
//     round a loop is refused by the client and fails the scenario, saying so; one client for the run, so
//     a token is fetched once.
//   - record: live, the exchanges redacted and written to the cassette when the scenario got an answer,
//     its provenance saying the kind of host it came from (contract.Vendor.HostKind); a Staging directory
//     holds the recording until the whole run passed, and is promoted only then — never over a cassette
//     recorded live from the vendor when the recording is from a local or another host, unless
//     ReplaceLive (KONTRAK_REPLACE_LIVE=1). NewStaging first removes the staging directories killed runs
//     left (an owner file names each one's pid and host; without one that can be asked, age decides).
//   - derive: the answer built from the specs (scenario.Answer), with a fixed clock and boundary, so that
//     make cassettes is byte-stable; a cassette recorded live is kept and replayed instead.
//
// A Result lists the Exchanges (contract.Exchange with the operation and the findings) and Failures, one
// line each, that say where: vendor, operation, scenario, cassette and interaction, JSON Pointer, want and
// got. Result.Entry is what a report reads (ReportEntry). A Tally follows a live run and fails one that
// proved nothing (every call refused, rate-limited or a server error); a run the budget cut says how many
// scenarios it skipped and the budget that runs them all (Tally.Summary, with NeedOf's figure).
//
// Which environment variables, headers and body fields carry credentials or change on every call is the
// contract's to say (contract.Vendor.CredentialVars, Secrets): the engine, kontrak serve, the request matcher
// and redaction all ask it.
package run

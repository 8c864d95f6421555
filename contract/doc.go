// Package contract answers one question: does this HTTP exchange conform to what its vendor documented?
//
// It loads the vendor specs (specs/*.yaml, OpenAPI 3.1, read with libopenapi) and the JSON Schemas they
// reference (schemas/, draft-07, validated with gojsonschema) once, with Load. It is the only room that
// reads them: every other package asks it, and it never restates a vendor fact — field names, codes,
// statuses and billing flags all come from the specs.
//
// # One entry judges an exchange
//
// Contract.Judge takes an Exchange (what a cassette, a HAR entry, an NDJSON line or a live call carried) and
// returns a Verdict: the operation it answers, its findings and its classification (code, billable). It
// routes the exchange by method and path (Lookup; a base URL's path prefix is allowed), judges the answer
// in one decode of its body (Operation.Judge), applies strict mode and the waivers (waiver.go), and marks
// each finding with its vendor and operation. The engine, traffic, the monitor, diff's re-judging, selftest
// and `kontrak check` all call it; Operation.Check and Classify are its parts.
//
// A finding has a stable kebab-case id (see Rules), a severity, the JSON Pointer (RFC 6901) of the
// offending place — for a missing field, the place where it belongs — what was expected, what arrived, a
// message and the source of the rule (the vendor page, documented or inferred, and the schema file).
// Finding.String is its one-line form.
//
// # The rules
//
// A rule is a row of the table in rules.yaml (id, severity, summary, basis, the stage whose handler gives it, its
// messages as data); each stage is a handler in a file of its own, run in this order:
//
//   - route (judge.go): the method and path MUST be a documented operation's (route-undocumented).
//   - status (rule_status.go): the HTTP status MUST be documented for the operation, exactly or by range
//     (4XX) (status-undocumented).
//   - encoding (rule_body.go): the body MUST decode by its Content-Encoding (content-encoding-undecodable);
//     nothing else is judged of one that does not.
//   - body (rule_body.go): where JSON is documented the body MUST be JSON (body-not-json), served as the
//     documented media type (content-type-mismatch), each key once (duplicate-key), every number one a
//     client reads (number-out-of-range).
//   - schema (rule_schema.go): the body MUST validate against the status's schema: documented fields
//     present (field-missing), JSON types kept (type-mismatch), values inside documented closed sets
//     (value-not-in-set), documented formats kept (format-violation), integers written as integers
//     (number-not-integer), other constraints (schema-violation). A field the documents do not know is a
//     notice (field-undocumented).
//   - codes (rule_codes.go): a code at the operation's code pointer MUST be in its table
//     (error-code-undocumented) and arrive with one of the table's statuses (error-code-status-mismatch); a
//     documented message that changed is a notice (message-changed), since vendors say messages change
//     without notice. A billing flag in the body MUST agree with the table (billing-flag-mismatch).
//   - ktp (rule_ktp.go): what a KTP means, against the canonical record and the vocabulary: a documented NIK
//     is 16 digits (nik-malformed), a token expiry in its documented unit (epoch-unit-mismatch), a success
//     body only on a success status (success-body-on-error-status); notices where only the KTP itself says
//     so: an unknown province (nik-province-unknown) or regency (nik-regency-unknown), a NIK that disagrees
//     with the date of birth (nik-birthdate-mismatch) or the gender (nik-gender-mismatch), a date of birth
//     after the day of the check or a holder younger than the KTP age (ktp-birthdate-implausible), a value
//     outside a vocabulary set (ktp-value-unusual), RT/RW not written as the KTP writes it (rtrw-notation),
//     two fields of one answer that disagree (canonical-sources-disagree). A NIK with kontrak's synthetic
//     prefix is exempt only in kontrak's own values (Exchange.Synthetic).
//   - headers (rule_headers.go): a documented response header MUST be there (header-missing) and in its
//     documented form (header-malformed).
//   - callback (callback.go): an inbound callback MUST carry the documented credential
//     (callback-auth-missing).
//   - fault (check.go): a fault of kontrak's own is one finding naming the input, never a pass
//     (check-failed).
//
// A test fails while this list and Rules() differ, and the package's tests fail while a rule of the table
// is produced by no test case. With strict mode every notice counts as breaking.
//
// Each fact is stated once. A code's closed set is its operation's x-kontrak-codes table and a billing
// flag's is x-kontrak-billing.values: the schemas type those fields but list no values, so a code outside
// the table is one error-code-undocumented (never also a schema value-not-in-set) and a new vendor code
// is one table row. A flag outside the billing values is value-not-in-set, reported from the table.
//
// # Views of the spec
//
// What other rooms need of a spec is derived here once: the environment variables of a vendor's
// credentials (Vendor.CredentialVars), the places of its secrets and what a request match ignores
// (Secrets, MatchIgnores), an answer's secret pointers, the values the documents publish (Published), a
// schema's fields (Contract.Fields) and sandbox entries (Operation.SandboxEntry).
//
// Load is strict about the spec format: every x-kontrak-* extension, wherever it stands, is held to its
// Go type (ExtensionNames lists them), and an unknown extension or key is a one-line error naming the
// file, the JSON Pointer and the key. A misspelt key is never a silently missing fact.
//
// Cost. Judge decodes the body once (wire.DecodeJSONStrict, numbers as json.Number) and hands that tree to
// gojsonschema through a JSONLoader of our own; gojsonschema's NewGoLoader would marshal the tree back
// to JSON and decode it again, which was nearly half of a Check. The code and billing rules read the same
// tree. Schemas avoid const, enum and not on the success path where a pattern says the same: gojsonschema
// re-marshals a value three times for each const or enum, and formats an error for every failed inner
// schema, even one a not or an if discards. BenchmarkCheck and BenchmarkDecode (make bench) keep the
// ratio in view.
//
// Dependencies. libopenapi (v0.42) parses the specs into github.com/pb33f/go-yaml nodes, a fork of
// yaml/v4 with the same API; the extensions are decoded from those nodes. The rest of the module (go-vcr
// cassettes, scenarios) uses go.yaml.in/yaml/v4. TestVerdictsUnchanged holds the verdict of every
// committed cassette and spec example to testdata/verdicts.golden, so that an upgrade of any of them
// cannot change a verdict unnoticed (-update rewrites it, for review).
//
// The package never imports a vendor package or a suite.
package contract

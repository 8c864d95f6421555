// Package contract answers one question: does this HTTP interaction conform to what its vendor documented?
//
// It loads the vendor specs (specs/*.yaml, OpenAPI 3.1, read with libopenapi) and the JSON Schemas they
// reference (schemas/, draft-07, validated with gojsonschema) once, with Load. Check then judges one
// interaction — vendor, operation, HTTP status, headers and body — and returns findings. It never restates
// a vendor fact: field names, codes, statuses and billing flags all come from the specs.
//
// A finding has a stable kebab-case id (see Rules), a severity, the JSON Pointer (RFC 6901) of the
// offending place — for a missing field, the place where it belongs — what was expected, what arrived, a
// message and the source of the rule (the vendor page, documented or inferred, and the schema file).
//
// The rules, in the order Check applies them:
//
//   - The HTTP status MUST be documented for the operation, exactly or by range (4XX) (status-undocumented).
//   - Where JSON is documented the body MUST be JSON (body-not-json).
//   - The body MUST validate against the status's schema: documented fields present (field-missing), JSON
//     types kept (type-mismatch), values inside documented closed sets (value-not-in-set), documented
//     formats kept (format-violation), other constraints (schema-violation). A field the documents do not
//     know is a notice (field-undocumented).
//   - A code at the operation's code pointer MUST be in its table (error-code-undocumented) and arrive
//     with one of the table's statuses (error-code-status-mismatch); a documented message that changed is
//     a notice (message-changed), since vendors say messages change without notice.
//   - A billing flag in the body MUST agree with the table (billing-flag-mismatch).
//
// With CheckOptions.Strict every notice counts as breaking.
//
// Each fact is stated once. A code's closed set is its operation's x-kontrak-codes table and a billing
// flag's is x-kontrak-billing.values: the schemas type those fields but list no values, so a code outside
// the table is one error-code-undocumented (never also a schema value-not-in-set) and a new vendor code
// is one table row. A flag outside the billing values is value-not-in-set, reported from the table.
//
// Load is strict about the spec format: every x-kontrak-* extension, wherever it stands, is held to its
// Go type (ExtensionNames lists them), and an unknown extension or key is a one-line error naming the
// file, the JSON Pointer and the key. A misspelt key is never a silently missing fact.
//
// Cost. Check decodes the body once (encoding/json, numbers as json.Number) and hands that tree to
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
// Besides Check, the package tells what an answer means (Classify: code, billable) and looks an
// operation up by method and URL path (Lookup), so that suites, the recorder's callers and the CLI never
// need to know a vendor's field names. The package never imports a vendor package or a suite.
package contract

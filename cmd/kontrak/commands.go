package main

// commands is kontrak's command line, one row a command: what kontrak help lists, what COMMAND -h says
// above its flags, and the function that runs it (each in its own file, with its flags and output).
var commands = map[string]command{
	"budget": {
		synopsis: "[--vendor V] [--format text|json]",
		example:  "kontrak budget --vendor verihubs",
		summary:  "the billable calls a full live run or recording of each vendor needs (KONTRAK_MAX_BILLABLE), from its scenarios and billing tables, retries (KONTRAK_RETRIES) included; with --vendor, text is the number alone",
		run:      runBudget,
	},
	"check": {
		synopsis: "[--vendor V --operation OP --status N] [--strict] [--waivers FILE] [--format F] [--input F] [--report] [--specs DIR] FILE...|-",
		example:  "kontrak check cassettes/advance/ocr-no-result.yaml",
		summary:  "check a response body (--vendor --operation --status FILE|-), or traffic: go-vcr cassettes, HAR files, NDJSON logs (FILE...|-)",
		run:      runCheck,
	},
	"diff": {
		synopsis: "[--format text|json|markdown] [--cassettes] OLD NEW",
		example:  "kontrak diff git:main:specs/advance.yaml specs/advance.yaml",
		summary:  "compare two versions of a vendor spec (FILE or git:REV:path): operations, statuses, schemas, x-kontrak tables; exit 1 when a change breaks a client",
		run:      runDiff,
	},
	"docs": {
		synopsis: "[--out DIR] [--check]",
		example:  "kontrak docs --check",
		summary:  "generate the living documentation (docs/: one page a vendor and an index) from specs/ and the scenarios, and the README's generated tables; --check: exit 1 when one is stale",
		run:      runDocs,
	},
	"redact": {
		synopsis: "FILE...",
		example:  "kontrak redact cassettes/verihubs/recorded.yaml",
		summary:  "redact go-vcr cassettes, HAR files and NDJSON logs in place: only what the contract documents as safe is kept (FILE...)",
		run:      runRedact,
	},
	"report": {
		synopsis: "[--format F] [--root DIR] REPORT.json",
		example:  "kontrak report --format markdown reports/report.json",
		summary:  "summarise a suite run's Ginkgo JSON report (reports/report.json): per vendor, scenarios, drift, notices, billed calls (--format: kontrak help lists them)",
		run:      runReport,
	},
	"scan": {
		synopsis: "PATH...|- [--format text|json] [--specs DIR]",
		example:  "kontrak scan cassettes",
		summary:  "scan cassettes, HAR files and NDJSON logs for what redaction would not keep: credentials, personal data, anything the contract does not allow (PATH...: files or directories; - reads one input from stdin, told by its bytes)",
		run:      runScan,
	},
	"scorecard": {
		synopsis: "[--vendors a,b] [--samples N] [--variants clean,blur,dark,glare,grayscale] [--golden DIR] [--format text|json|markdown|svg] [--out FILE]",
		example:  "kontrak scorecard --samples 8 --format markdown",
		summary:  "what each vendor configured for live mode reads right, how fast and at what cost: specimens of known identity (or --golden, a team's own set) sent under the live budget (KONTRAK_MAX_BILLABLE; said before anything is sent: --samples 8 is 40 billable calls a vendor; unset, exactly the need against a local host such as kontrak serve, the live default against a vendor's), each answer's canonical KTP scored by field (exact share, character error rate) and variant; scores measured against kontrak serve say so",
		run:      runScorecard,
	},
	"selftest": {
		synopsis: "[--vendor V] [--format text|json] [--specs DIR]",
		example:  "kontrak selftest --vendor advance",
		summary:  "mutate every documented example and report each mutant the contract misses, each harmless variant it flags, and a score per operation; exit 1 on either",
		run:      runSelftest,
	},
	"serve": {
		synopsis: "[flags]",
		example:  "kontrak serve --addr 127.0.0.1:8080 --log json",
		summary:  "serve a local sandbox of every vendor on one port, from the specs and cassettes ([--addr 127.0.0.1:8080] [--cassettes DIR])",
		run:      runServe,
	},
	"version": {
		synopsis: "[--format text|json] [--specs DIR]",
		example:  "kontrak version --format json",
		summary:  "the module version (from the build info), the Go version, the contract judged by (embedded, or a directory, and its digest) and each vendor spec's info.version",
		run:      runVersion,
	},
	"waive": {
		synopsis: "--vendor V --operation OP --finding ID --pointer P --reason TEXT (--ticket T | --link URL) [--days N | --expires YYYY-MM-DD] [--file waivers.yaml]",
		example:  `kontrak waive --vendor advance --operation ocrKtpCheck --finding billing-flag-mismatch --pointer /pricingStrategy --reason "ADVANCE bills this image error" --ticket SUP-1234`,
		summary:  "write a waiver of one finding (as check reports it: vendor, operation, id, pointer) into waivers.yaml, with its reason, its ticket or link and an expiry (default 30 days)",
		run:      runWaive,
	},
}

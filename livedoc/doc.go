// Package livedoc generates docs/, the living documentation, from the specs and the scenarios.
//
// Generate renders one page a vendor (docs/<vendor>.md: its servers, credentials by name, operations with
// their request, signature, token, responses, error-code table, billing, sandbox codes and personal data,
// the contradictions of its documents, and its scenarios) and an index (docs/README.md: vendors,
// operations, finding ids). The layout is in text/template files embedded from templates/*.md.tmpl; the Go
// code only shapes the data (counts, table rows) and escapes it for GitHub-flavoured Markdown: a cell is one
// line with every `|` escaped, prose never turns into an HTML tag, code spans hold any backticks.
//
// The pages depend on the contract and the scenario files only, never on the clock, the environment (no
// credential value is ever written, only variable names) or map order, so they are byte-stable and can be
// committed: TestDocsFresh fails while the committed docs/ differs from what Generate writes.
//
// Readme renders the README's generated sections, each between its marker comments (<!-- kontrak:NAME -->
// … <!-- /kontrak:NAME -->), from data: the NDJSON field table from traffic.LogFields, and the sections a
// caller adds (Section: the command line its format matrix, finding ids, credentials, refusals). The rest of the
// README is written by people; TestReadmeFresh fails while a section is stale, and `kontrak docs` (without
// --out) refreshes them (CheckReadme, WriteReadme).
//
// Every generated page opens with GeneratedMark. Diff, Check and Write compare a directory with the
// generated files; Write rewrites only what changed, atomically, and removes only files that carry the mark
// and that nothing generates any more. HandWritten names the exceptions: docs/ARCHITECTURE.md, written by
// people; contract-changelog.md, written by `make changelog`; and scorecard.json, written by `kontrak
// scorecard`, which vendors.md reads (its scores and their provenance) and nothing here writes or reports.
package livedoc

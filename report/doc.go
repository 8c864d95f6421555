// Package report renders what kontrak found — a suite run, a check's verdicts, a body of traffic — through
// one registry of formats, keyed by the kind of report and the format's name.
//
// A run is what the vendor suites leave behind: Ginkgo's JSON report (reports/report.json, live.json),
// in which every scenario spec carries one report entry named EntryName holding its Entry as JSON. Read
// turns that file into a Summary: per vendor, how many scenarios ran, passed, failed and were skipped (each
// skip with its reason), how many had breaking drift, how many notices, how many calls would have been
// billed had the run been live, and every failure as structured data — vendor, operation, scenario,
// cassette, interaction, rule, JSON Pointer, want and got, source of the rule — beside the line the suite
// printed. Read never imports Ginkgo: it decodes the few fields of the report it needs, so that
// cmd/kontrak does not link the test framework.
//
// `kontrak check` lists its verdicts (Verdict, one an answer) through a Listing: one line a finding
// (text), one object an answer (json), or in the other formats the Summary of the verdicts
// (CheckSummary), one case an answer. A listing is held — in memory up to a few MiB, then in a temporary
// file — until every input has been read, so that an unreadable input leaves nothing half-said.
//
// Traffic is the drift report of a body of real traffic (cassettes, HAR files, NDJSON logs): findings
// aggregated by vendor, operation, finding id and pointer. Reports of shards of one log merge into the
// report of the whole (Merge, ReadTrafficReports).
//
// The kinds and their formats (the registry; TestDocListsTheRegistry holds this list to it):
//
//   - summary: text, json, markdown, junit, github
//   - traffic: text, json, markdown
//
// A kind is a Kind value (SummaryReport renders a *Summary, TrafficReport a *Traffic). Lookup(kind,
// format) finds a format; the error of an unknown one lists the formats of that kind, and Formats(kind)
// lists them for help. Adding a format is a function that renders the kind's value, its Register row in
// format.go's table, and its golden file under testdata/.
//
// The kinds of the command line's own reports (kontrak diff's, selftest's, scan's, version's) are declared
// where they are rendered, with NewKind, so that one registry holds every command's formats; FormatsOf
// lists a kind's formats by its name.
//
// A report says its verdict — VerdictConform, VerdictDrift, or VerdictInconclusive for a run that proved
// nothing (RunVerdict of a Summary, a Traffic, a Listing) — in its json ("verdict") and its title, and
// names the Contract it was judged by, when known: embedded, or a directory, with the digest of its files.
//
// The vendor facts behind the numbers (which code is billable, which finding is breaking) are decided by
// the suites and contract.Check; this package only counts and renders what the run reported.
package report

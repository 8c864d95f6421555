// Package report reads a suite run into a Summary and renders it through one Formatter interface.
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
// A Summary is rendered by a Formatter, looked up by name (Lookup). Two are registered today, "text" (the
// table `make conformance` prints) and "json" (the Summary itself, which Decode reads back). Adding a format
// is one new file: a type with a Format method and a Register call in its init.
//
// The vendor facts behind the numbers (which code is billable, which finding is breaking) are decided by
// the suites and contract.Check; this package only counts and renders what the run reported.
package report

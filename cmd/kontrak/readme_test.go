package main

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/report"
	"github.com/kontrak/kontrak/specdiff"
)

func readme(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// codeWords are the `ids` of a piece of Markdown, sorted.
func codeWords(s string) []string {
	var out []string
	for _, m := range regexp.MustCompile("`([a-z][a-z-]*)`").FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	slices.Sort(out)
	return out
}

// TestReadmeFindingIDs: the README's list of finding ids is contract.Rules(), each under its severity.
func TestReadmeFindingIDs(t *testing.T) {
	doc := readme(t)
	m := regexp.MustCompile(`(?s)The finding ids are stable: (.*?) \(breaking\); (.*?) \(notices\)\.`).FindStringSubmatch(doc)
	if m == nil {
		t.Fatal(`README.md: no "The finding ids are stable: … (breaking); … (notices)." paragraph`)
	}
	listed := map[contract.Severity][]string{contract.Breaking: codeWords(m[1]), contract.Notice: codeWords(m[2])}
	rules := map[contract.Severity][]string{}
	for _, r := range contract.Rules() {
		rules[r.Severity] = append(rules[r.Severity], r.ID)
	}
	for sev, ids := range rules {
		slices.Sort(ids)
		if !slices.Equal(listed[sev], ids) {
			t.Errorf("README.md lists the %s ids\n  %v\ncontract.Rules() has\n  %v", sev, listed[sev], ids)
		}
	}
}

// TestReadmeFormats: every list of output formats in the README is the registry's (report.Formats of
// its kind, or specdiff.Formats for kontrak diff), and each list is still there to be checked.
func TestReadmeFormats(t *testing.T) {
	doc := readme(t)
	summary, traffic := report.Formats(report.SummaryReport), report.Formats(report.TrafficReport)
	var notTraffic []string
	for _, f := range summary {
		if !slices.Contains(traffic, f) {
			notTraffic = append(notTraffic, f)
		}
	}
	formats := func(s string) []string { // "text\|json\|markdown" or "`text`, `json` or `markdown`"
		out := strings.FieldsFunc(s, func(r rune) bool { return r < 'a' || r > 'z' })
		out = slices.DeleteFunc(out, func(w string) bool { return w == "or" || w == "and" })
		slices.Sort(out)
		return out
	}
	for _, tc := range []struct {
		where string
		re    string
		want  [][]string // one a group of the expression
	}{
		{"the F of the command line", "`F` is one of ([^;]+); another exits 2", [][]string{summary}},
		{"the row of kontrak check over traffic", "\\| `kontrak check \\[--input [^`]*\\[--format ([a-z\\\\|]+)\\] FILE", [][]string{traffic}},
		{"the row of kontrak check over traffic, its formats not taken", "prints the drift report \\(see \\*Checking real traffic\\*\\); the drift report has no ([^)]+?) format \\(exit 2\\)", [][]string{notTraffic}},
		{"the row of kontrak report --merge", "\\| `kontrak report --merge \\[--format ([a-z\\\\|]+)\\]", [][]string{traffic}},
		{"the row of kontrak report", "\\| `kontrak report \\[--format F\\][^`]*` \\| the summary of a suite run: the table, then each failure (.*?); exit 1 when the run failed \\|", [][]string{summary}},
		{"Checking real traffic", "what was billed — in ([^(]+) \\(the drift report has no ([^)]+?) form", [][]string{traffic, notTraffic}},
		{"the layout row of report/", "\\| `report/` \\| [^\\n]*?`Summary` [^\\n]*? in ([^;]+); the traffic drift report [^\\n]*? in ([^;]+);", [][]string{summary, traffic}},
		{"the row of kontrak diff", "\\| `kontrak diff \\[--format ([a-z\\\\|]+)\\]", [][]string{append([]string(nil), specdiff.Formats...)}},
	} {
		m := regexp.MustCompile(tc.re).FindStringSubmatch(doc)
		if m == nil {
			t.Errorf("README.md: %s is not found (/%s/): the list moved, or this test's pattern is stale", tc.where, tc.re)
			continue
		}
		for i, want := range tc.want {
			want = slices.Sorted(slices.Values(want))
			// Only the words that name formats count: the row of kontrak report describes each one.
			got := formats(m[i+1])
			if tc.where == "the row of kontrak report" {
				got = codeWords(m[i+1])
			}
			if !slices.Equal(got, want) {
				t.Errorf("README.md, %s: lists %v, the registry has %v", tc.where, got, want)
			}
		}
	}
}

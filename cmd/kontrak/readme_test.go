package main

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/livedoc"
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

// TestReadmeGenerated: the README's tables whose truth is data (readmeSections: the format matrix and
// exit statuses, the finding ids, the credentials, the sandbox's refusals) are what the data gives today
// (make docs, kontrak docs, rewrites them; so does go test ./cmd/kontrak -run TestReadmeGenerated -update).
func TestReadmeGenerated(t *testing.T) {
	path := filepath.Join("..", "..", "README.md")
	doc := readme(t)
	c := testContract(t)
	b, err := livedoc.Readme([]byte(doc), readmeSections(c)...)
	if err != nil {
		t.Fatal(err)
	}
	fresh := string(b)
	if fresh == doc {
		return
	}
	if *update {
		if err := os.WriteFile(path, []byte(fresh), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("README.md's generated tables are stale (go test ./cmd/kontrak -run TestReadmeGenerated -update, or make docs)")
}

// TestReadmeFindingIDs: the README's table of finding ids is contract.Rules(), each under its severity.
func TestReadmeFindingIDs(t *testing.T) {
	doc := readme(t)
	m := regexp.MustCompile(`(?s)<!-- kontrak:findings -->\n(.*?)<!-- /kontrak:findings -->`).FindStringSubmatch(doc)
	if m == nil {
		t.Fatal("README.md: no kontrak:findings section")
	}
	listed := map[contract.Severity][]string{}
	for _, row := range regexp.MustCompile("(?m)^\\| `([a-z-]+)` \\| (breaking|notice) \\|").FindAllStringSubmatch(m[1], -1) {
		listed[contract.Severity(row[2])] = append(listed[contract.Severity(row[2])], row[1])
	}
	rules := map[contract.Severity][]string{}
	for _, r := range contract.Rules() {
		rules[r.Severity] = append(rules[r.Severity], r.ID)
	}
	for sev, ids := range rules {
		slices.Sort(ids)
		slices.Sort(listed[sev])
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
		{"the row of kontrak check over traffic", "\\| `kontrak check \\[--input [^`]*\\[--format ([a-z\\\\|]+)\\] FILE", [][]string{traffic}},
		{"the row of kontrak check over traffic, its formats not taken", "prints the drift report \\(see \\*Checking real traffic\\*\\); the drift report has no ([^)]+?) format \\(exit 2\\)", [][]string{notTraffic}},
		{"the row of kontrak report --merge", "\\| `kontrak report --merge \\[--format ([a-z\\\\|]+)\\]", [][]string{traffic}},
		{"the row of kontrak report", "\\| `kontrak report \\[--format F\\][^`]*` \\| the summary of a suite run: the table, then each failure (.*?); exit 1 when the run failed, 3 when it proved nothing \\|", [][]string{summary}},
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

// TestChangelogSections: CHANGELOG.md is in version sections, newest first: [Unreleased] at most once and
// on top, then "[X.Y.Z] - YYYY-MM-DD", versions and dates descending.
func TestChangelogSections(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "CHANGELOG.md"))
	if err != nil {
		t.Fatal(err)
	}
	section := regexp.MustCompile(`^## \[(\d+)\.(\d+)\.(\d+)\] - (\d{4}-\d{2}-\d{2})$`)
	var prev []int
	prevDate := "9999-12-31"
	versions := 0
	for i, line := range strings.Split(string(b), "\n") {
		if !strings.HasPrefix(line, "## ") {
			continue
		}
		if line == "## [Unreleased]" {
			if prev != nil || versions > 0 {
				t.Errorf("CHANGELOG.md:%d: [Unreleased] below a version", i+1)
			}
			continue
		}
		m := section.FindStringSubmatch(line)
		if m == nil {
			t.Errorf("CHANGELOG.md:%d: %q is not a dated version section (## [X.Y.Z] - YYYY-MM-DD)", i+1, line)
			continue
		}
		v := []int{atoi(m[1]), atoi(m[2]), atoi(m[3])}
		if prev != nil && slices.Compare(v, prev) >= 0 {
			t.Errorf("CHANGELOG.md:%d: %v after %v: newest first", i+1, v, prev)
		}
		if m[4] > prevDate {
			t.Errorf("CHANGELOG.md:%d: dated %s after a section dated %s", i+1, m[4], prevDate)
		}
		prev, prevDate = v, m[4]
		versions++
	}
	if versions == 0 {
		t.Errorf("CHANGELOG.md has no dated version section")
	}
}

func atoi(s string) int {
	n := 0
	for _, r := range s {
		n = n*10 + int(r-'0')
	}
	return n
}

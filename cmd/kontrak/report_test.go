package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReportCommand: exit status and one-line errors of kontrak report (the Summary and its formats are
// tested in report/).
func TestReportCommand(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	ok := write("ok.json", `[{"SuiteDescription":"x","SpecReports":[{"LeafNodeType":"It","ContainerHierarchyLabels":[["vendor:x"]],"State":"passed",
		"ReportEntries":[{"Name":"kontrak","Value":{"AsJSON":"{\"vendor\":\"x\",\"scenario\":\"s\",\"billed\":true}"}}]}]}]`)
	failed := write("failed.json", `[{"SuiteDescription":"x","SpecReports":[{"LeafNodeType":"It","ContainerHierarchyLabels":[["vendor:x"]],"State":"failed",
		"Failure":{"Message":"x op scenario s, cassette c.yaml interaction 0: field-missing at /a: want present, got absent"},
		"ReportEntries":[{"Name":"kontrak","Value":{"AsJSON":"{\"vendor\":\"x\",\"scenario\":\"s\",\"breaking\":1}"}}]}]}]`)
	bad := write("bad.json", `{"not":"a report"}`)
	for _, tc := range []struct {
		reason string
		args   []string
		code   int
		out    string // in stdout
		errs   string // in stderr
	}{
		{"a passing run exits 0", []string{"report", ok}, 0, "x          1       1", ""},
		{"a failing run exits 1 and names the failure", []string{"report", failed}, 1, "FAIL x op scenario s, cassette c.yaml interaction 0: field-missing", ""},
		{"json is the Summary", []string{"report", "--format", "json", failed}, 1, `"rule": "field-missing"`, ""},
		{"an unknown format lists the known ones", []string{"report", "--format", "xml", ok}, 2, "", `unknown format "xml": known formats are github, json, junit, markdown, text`},
		{"a file that is not a report names the file", []string{"report", bad}, 2, "", bad + ": not a Ginkgo JSON report"},
		{"one report, not two", []string{"report", ok, ok}, 2, "", "give one Ginkgo JSON report"},
	} {
		t.Run(tc.reason, func(t *testing.T) {
			code, out, errs := runKontrak(t, "", tc.args...)
			if code != tc.code || !strings.Contains(out, tc.out) || !strings.Contains(errs, tc.errs) {
				t.Errorf("exit %d, stdout %q, stderr %q; want %d, %q, %q", code, out, errs, tc.code, tc.out, tc.errs)
			}
			if strings.Count(errs, "\n") > 1 {
				t.Errorf("stderr is more than one line: %q", errs)
			}
		})
	}
}

package main

import (
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// TestContractChangelog is the golden test of docs/contract-changelog.md (make changelog): every section is
// what `kontrak diff --format markdown` says today between the named commit and the working tree. The
// commits come from git log, so the test needs the history: CI checks it out whole (fetch-depth: 0 in
// .github/workflows/kontrak.yml, which TestWorkflowFetchesHistory holds). The test never fetches it itself
// (make test needs no network). A clone without a named commit fails under CI (CI set, as GitHub Actions
// and most CI systems set it), so that the check is never silently lost; elsewhere it skips, naming the
// commit and the fix.
func TestContractChangelog(t *testing.T) {
	const file = "../../docs/contract-changelog.md"
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	head := regexp.MustCompile("(?m)^#### ([a-z]+): `git:([0-9a-f]+):(specs/[a-z]+\\.yaml)` → `specs/[a-z]+\\.yaml`\n")
	ms := head.FindAllStringSubmatchIndex(doc, -1)
	if len(ms) == 0 {
		t.Fatalf("%s: no section: run make changelog", file)
	}
	for i, m := range ms {
		rev, spec := doc[m[4]:m[5]], doc[m[6]:m[7]]
		end := len(doc)
		if i+1 < len(ms) {
			end = ms[i+1][0]
		}
		body := doc[m[1]:end]
		if j := strings.Index(body, "\n## "); j >= 0 {
			body = body[:j+1]
		}
		if j := strings.Index(body, "\nSince "); j >= 0 {
			body = body[:j+1]
		}
		if exec.Command("git", "cat-file", "-e", rev+"^{commit}").Run() != nil {
			msg := fmt.Sprintf("commit %s of %s is not in this clone (a shallow clone, or no git): the changelog cannot be checked; "+
				"fetch the history (git fetch --unshallow; in GitHub Actions, actions/checkout with fetch-depth: 0)", rev, file)
			if os.Getenv("CI") != "" {
				t.Fatal(msg)
			}
			t.Skip(msg)
		}
		_, out, errs := runKontrak(t, "", "diff", "--format", "markdown", "git:"+rev+":"+spec, "../../"+spec)
		if errs != "" {
			t.Fatalf("kontrak diff %s: %s", spec, errs)
		}
		_, got, _ := strings.Cut(out, "\n")
		if strings.TrimSpace(got) != strings.TrimSpace(body) {
			t.Errorf("%s: the section for %s since %s is stale: run make changelog", file, spec, rev)
		}
	}
}

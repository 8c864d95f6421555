package contract_test

import (
	"flag"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/kontrak/kontrak/contract"
)

// TestMain fails the package's tests when a rule of the table was produced by no test case: a row whose
// handler never fires is a rule nobody proved. It holds only for a whole run (no -run filter), since a
// filtered run produces what it selects.
func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	if f := flag.Lookup("test.run"); code == 0 && (f == nil || f.Value.String() == "") && !testing.Short() {
		var missing []string
		for _, r := range contract.Rules() {
			if contract.Fired()[r.ID] == 0 {
				missing = append(missing, r.ID)
			}
		}
		if len(missing) > 0 {
			fmt.Fprintf(os.Stderr, "FAIL: no test case of package contract produces these rules of the table: %s\n", strings.Join(missing, ", "))
			code = 1
		}
	}
	os.Exit(code)
}

// Every row of the rules table is whole: a kebab-case id given once, a severity, a summary, a stage of
// judging whose handler gives it, and a message (the usual one, variant "") whose format is used.
func TestRulesTable(t *testing.T) {
	seen := map[string]bool{}
	stages := []string{"route", "status", "encoding", "body", "schema", "codes", "ktp", "headers", "callback", "fault"}
	for _, r := range contract.Rules() {
		switch {
		case seen[r.ID]:
			t.Errorf("%s: the id is given twice", r.ID)
		case r.ID != strings.ToLower(r.ID) || strings.ContainsAny(r.ID, " _"):
			t.Errorf("%s: not kebab-case", r.ID)
		case r.Severity != contract.Breaking && r.Severity != contract.Notice:
			t.Errorf("%s: severity %q", r.ID, r.Severity)
		case r.Summary == "" || !strings.HasSuffix(r.Summary, "."):
			t.Errorf("%s: the summary %q is not a sentence", r.ID, r.Summary)
		case !slices.Contains(stages, r.Stage):
			t.Errorf("%s: stage %q is none of %v", r.ID, r.Stage, stages)
		case r.Messages[""] == "":
			t.Errorf("%s: no message", r.ID)
		}
		seen[r.ID] = true
	}
}

// A fault of kontrak's own while judging is one check-failed finding that names the input, never a pass
// and never a panic in the caller.
func TestCheckFailedNamesTheInput(t *testing.T) {
	op := contract.FaultyOperation()
	fs, cl := op.Judge(200, nil, []byte(`{"a":1}`), contract.CheckOptions{})
	if len(fs) != 1 || fs[0].ID != contract.CheckFailed || fs[0].Severity != contract.Breaking {
		t.Fatalf("findings %+v, want one breaking check-failed", fs)
	}
	if !strings.Contains(fs[0].Message, "test faulty: HTTP 200, a body of 7 bytes") || cl.Known {
		t.Errorf("message %q (classification %+v): want the operation, status and size, and nothing known", fs[0].Message, cl)
	}
}

// The package documentation lists every rule of the table, in parentheses, and no other.
func TestDocListsEveryRule(t *testing.T) {
	doc, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	var listed []string
	for _, m := range docRule.FindAllStringSubmatch(string(doc), -1) {
		if !slices.Contains(listed, m[1]) {
			listed = append(listed, m[1])
		}
	}
	var ids []string
	for _, r := range contract.Rules() {
		ids = append(ids, r.ID)
	}
	slices.Sort(listed)
	slices.Sort(ids)
	if d := cmp.Diff(ids, listed); d != "" {
		t.Errorf("contract/doc.go's rules differ from Rules() (-table +doc):\n%s", d)
	}
}

var docRule = regexp.MustCompile(`\(([a-z]+(?:-[a-z]+)+)\)`)

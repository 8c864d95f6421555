package selftest

import (
	"encoding/json"
	"flag"
	"io/fs"
	"os"
	"strings"
	"testing"

	kontrak "github.com/kontrak/kontrak"
	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/specdiff"
)

var update = flag.Bool("update", false, "rewrite testdata/baseline.json from today's specs (for review)")

const baselineFile = "testdata/baseline.json"

func run(t *testing.T, fsys fs.FS) *Result {
	t.Helper()
	c, err := contract.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Run(c, "")
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestScoresHold is the gate of make test: a spec edit that lowers an operation's score below the
// committed baseline, or a new survivor without a reason, fails here.
func TestScoresHold(t *testing.T) {
	r := run(t, kontrak.Files)
	if *update {
		prev, _ := ReadBaseline(baselineFile)
		b, _ := json.MarshalIndent(r.Baseline(prev), "", "  ")
		if err := os.WriteFile(baselineFile, append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	bl, err := ReadBaseline(baselineFile)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range r.Compare(bl) {
		t.Error(p)
	}
}

// TestEveryOperatorIsExercised keeps the operator set honest: each operator makes at least one mutant
// on today's specs, and each is caught wherever it is applied.
func TestEveryOperatorIsExercised(t *testing.T) {
	r := run(t, kontrak.Files)
	seen := map[string]int{}
	for _, m := range r.Mutants {
		seen[m.Operator]++
		if m.Bad() {
			t.Errorf("%s: caught=%t harmless=%t findings %v", m.Key(), m.Caught, m.Harmless, m.Findings)
		}
	}
	for _, op := range append(append([]string{}, Operators...), Harmless...) {
		if seen[op] == 0 {
			t.Errorf("operator %s made no mutant on today's specs", op)
		}
	}
}

// TestLoosenedSchemaLowersTheScore: a schema that forgets a date format and lets the NIK be any type
// catches fewer mutants, and Compare says so, naming the operation.
func TestLoosenedSchemaLowersTheScore(t *testing.T) {
	const file = "schemas/ekycpro/idOcrGeneral.200.json"
	b, err := fs.ReadFile(kontrak.Files, file)
	if err != nil {
		t.Fatal(err)
	}
	loose := string(b)
	for _, e := range [][2]string{
		{`, "if": {"minLength": 1}, "then": {"format": "dd-mm-yyyy", "pattern": "^(0[1-9]|[12][0-9]|3[01])-(0[1-9]|1[0-2])-[0-9]{4}$"}`, ``},
		{`"id": {"type": "string", "description": "ID card number, NIK"}`, `"id": {"description": "ID card number, NIK"}`},
	} {
		if strings.Count(loose, e[0]) != 1 {
			t.Fatalf("%s: %q is not once in the schema", file, e[0])
		}
		loose = strings.Replace(loose, e[0], e[1], 1)
	}
	bl, err := ReadBaseline(baselineFile)
	if err != nil {
		t.Fatal(err)
	}
	r := run(t, specdiff.Overlay(kontrak.Files, map[string][]byte{file: []byte(loose)}))
	problems := r.Compare(bl)
	if len(problems) != 1 || !strings.HasPrefix(problems[0], "ekycpro idOcrGeneral: score lowered") {
		t.Fatalf("Compare = %q, want one problem: ekycpro idOcrGeneral: score lowered", problems)
	}
}

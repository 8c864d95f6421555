package contract_test

import (
	"flag"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	vcr "gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"

	"github.com/kontrak/kontrak/contract"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/")

// verdictsGolden holds the verdict of every committed cassette interaction and every spec example, as they
// were judged before the dependency upgrade of issue 7 (libopenapi, yaml/v4, go-vcr). A library upgrade, a
// loader change or a schema edit that changes any verdict fails here, naming the interaction.
const verdictsGolden = "testdata/verdicts.golden"

// TestVerdictsUnchanged judges every interaction of cassettes/** and every example of every spec, and
// compares the findings (id, severity, pointer) and the classification (code, billable) with the golden
// file. `go test ./contract -run TestVerdictsUnchanged -update` rewrites it: review the diff.
func TestVerdictsUnchanged(t *testing.T) {
	c := load(t)
	var lines []string
	files, err := filepath.Glob(filepath.Join("..", "cassettes", "*", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 100 {
		t.Fatalf("only %d cassettes under ../cassettes; the catalogue has more than 100", len(files))
	}
	for _, f := range files {
		cas, err := vcr.Load(strings.TrimSuffix(f, ".yaml"))
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		name := filepath.ToSlash(strings.TrimPrefix(f, ".."+string(filepath.Separator)))
		for _, in := range cas.Interactions {
			where := fmt.Sprintf("%s#%d", name, in.ID)
			u, err := url.Parse(in.Request.URL)
			if err != nil {
				t.Fatalf("%s: url: %v", where, err)
			}
			op, ok := c.Lookup(in.Request.Method, u.Path)
			if !ok {
				lines = append(lines, where+" no operation")
				continue
			}
			h := in.Response.Headers
			body := []byte(in.Response.Body)
			// a committed cassette is kontrak's own (derived, or recorded and redacted): its values are synthetic
			lines = append(lines, verdictLine(where, op, in.Response.Code, op.Check(in.Response.Code, h, body, contract.CheckOptions{Synthetic: true}), op.Classify(in.Response.Code, body)))
		}
	}
	for _, v := range c.Vendors() {
		for _, op := range v.Operations {
			for _, r := range op.Responses {
				for _, ex := range r.Examples {
					st := exampleStatus(t, r.Status)
					where := fmt.Sprintf("example %s/%s/%s", v.ID, r.Status, ex.Name)
					// an inferred example is kontrak's own: its values are synthetic
					own := contract.CheckOptions{Synthetic: ex.Source.Basis == contract.BasisInferred}
					lines = append(lines, verdictLine(where, op, st, op.Check(st, nil, ex.Value, own), op.Classify(st, ex.Value)))
				}
			}
		}
	}
	sort.Strings(lines)
	got := strings.Join(lines, "\n") + "\n"
	if *update {
		if err := os.WriteFile(verdictsGolden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(verdictsGolden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("verdicts changed (-golden +now):\n%s", diff)
	}
}

func verdictLine(where string, op *contract.Operation, status int, fs []contract.Finding, cl contract.Classification) string {
	verdict := "conform"
	if contract.HasBreaking(fs) {
		verdict = "drift"
	}
	parts := []string{where, op.Name(), fmt.Sprint(status), verdict,
		fmt.Sprintf("code=%q billable=%t known=%t flag=%q", cl.Code, cl.Billable, cl.Known, cl.Flag)}
	for _, f := range fs {
		parts = append(parts, fmt.Sprintf("%s(%s)@%s", f.ID, f.Severity, f.Pointer))
	}
	return strings.Join(parts, " ")
}

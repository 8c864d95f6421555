package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the output goldens of testdata/output/")

// TestOutputsGolden holds what check and report print, in every format of both kinds of report, byte for
// byte: exit status, stdout and stderr of each command line (go test ./cmd/kontrak -run OutputsGolden
// -update rewrites testdata/output/, for review). The inputs are committed fixtures: a body and cassettes
// with a notice, a route of no operation, a new code holding a pipe, a retyped message, a waiver that
// matches and one that is stale; a HAR file and an NDJSON log; and two shards' drift reports to merge.
func TestOutputsGolden(t *testing.T) {
	const waivers = "testdata/golden-waivers.yaml"
	body := []string{"check", "--waivers", waivers, "--vendor", "ekycpro", "--operation", "idOcrGeneral", "--status", "200", "-"}
	cassettes := []string{"check", "--waivers", waivers, "testdata/drifted.yaml", "testdata/listing.yaml"}
	type run struct {
		name  string
		stdin string
		args  []string
	}
	var runs []run
	for _, f := range []string{"text", "json", "markdown", "junit", "github"} {
		runs = append(runs,
			run{"check-body." + f, `{"status": "A|B", "message": 5}`, append(append([]string{}, body...), "--format", f)},
			run{"check-listing." + f, "", append(append([]string{}, cassettes...), "--format", f)})
	}
	for _, f := range []string{"text", "json", "markdown"} {
		runs = append(runs,
			run{"check-report." + f, "", append(append([]string{}, cassettes...), "--report", "--format", f)},
			run{"check-har." + f, "", []string{"check", "--format", f, "testdata/traffic.har"}},
			run{"report-merge." + f, "", []string{"report", "--merge", "--format", f, "testdata/shard-har.json", "testdata/shard-ndjson.json"}})
	}
	runs = append(runs, run{"check-ndjson.json", "", []string{"check", "--format", "json", "testdata/traffic.ndjson"}})
	for _, r := range runs {
		t.Run(r.name, func(t *testing.T) {
			code, out, errs := runKontrak(t, r.stdin, r.args...)
			got := stableContract(t, fmt.Sprintf("kontrak %q\nexit %d\n--- stdout\n%s--- stderr\n%s", r.args, code, out, errs))
			golden := filepath.Join("testdata", "output", r.name)
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (go test ./cmd/kontrak -run OutputsGolden -update writes it)", err)
			}
			if got != string(want) {
				t.Errorf("kontrak %q differs from %s (go test ./cmd/kontrak -run OutputsGolden -update, and review the diff):\n got:\n%s\nwant:\n%s", r.args, golden, got, want)
			}
		})
	}
}

// stableContract writes the contract a report names as the goldens hold it: the repository's directory
// as REPO, its digest as sha256:DIGEST (both change with the checkout and every edit of a spec;
// TestContractNamed holds them).
func stableContract(t *testing.T, out string) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	out = strings.ReplaceAll(out, root, "REPO")
	return regexp.MustCompile(`sha256:[0-9a-f]{12,64}`).ReplaceAllString(out, "sha256:DIGEST")
}

package redact_test

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	kontrak "github.com/kontrak/kontrak"
	"github.com/kontrak/kontrak/cassette"
	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/redact"
	"github.com/kontrak/kontrak/run"
	"github.com/kontrak/kontrak/scenario"
)

// TestRedactedCassettesKeepTheirVerdicts: every committed cassette (cassettes/**.yaml), redacted by kontrak
// redact's rules, is judged as it was, in strict mode too (a synthetic value keeps the format and the
// vocabulary of the value it replaces), and scans clean; redacting it again leaves it byte for byte as it
// was; and every scenario, replayed strictly from the redacted cassettes as the suites replay them with
// KONTRAK_STRICT=1, passes or fails as it does from the committed ones, with the same status, code,
// billing and sandbox outcome: the documented fields the scenarios assert are unchanged.
func TestRedactedCassettesKeepTheirVerdicts(t *testing.T) {
	c, err := contract.Load(kontrak.Files)
	if err != nil {
		t.Fatal(err)
	}
	rules, scan := redact.RulesFor(c), redact.ScanRulesFor(c)
	const committed = "../cassettes"
	var files []string
	filepath.WalkDir(committed, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".yaml") {
			files = append(files, p)
		}
		return err
	})
	if len(files) == 0 {
		t.Fatal("no committed cassettes")
	}
	dir := t.TempDir()
	verdicts := func(file string) []string {
		xs, err := cassette.ReadExchanges(file)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, x := range xs {
			x.Synthetic = true
			for _, strict := range []bool{false, true} {
				for _, f := range c.Judge(x, contract.JudgeOptions{Strict: strict}).Findings {
					out = append(out, f.ID+" "+f.Pointer+" "+string(f.Severity))
				}
			}
		}
		slices.Sort(out)
		return out
	}
	for _, f := range files {
		rel, _ := filepath.Rel(committed, f)
		cp := filepath.Join(dir, rel)
		data, _ := os.ReadFile(f)
		os.MkdirAll(filepath.Dir(cp), 0o755)
		os.WriteFile(cp, data, 0o644)
		if _, err := redact.RedactFile(cp, rules); err != nil {
			t.Fatal(err)
		}
		want, got := verdicts(f), verdicts(cp)
		// A NIK's encoding (its province, its birth date, its gender) is not judged on kontrak's synthetic
		// NIKs: the findings a vendor example's real NIK gave go with it. Nothing else may change.
		want = slices.DeleteFunc(want, func(s string) bool {
			return !slices.Contains(got, s) && strings.HasPrefix(s, "nik-") && !strings.HasPrefix(s, "nik-malformed")
		})
		if !slices.Equal(want, got) {
			t.Errorf("%s: the redacted cassette is judged otherwise:\nwas %q\nnow %q", f, want, got)
		}
		if ls, err := redact.ScanFile(cp, scan); err != nil || len(ls) > 0 {
			t.Errorf("%s: the redacted cassette scans dirty: %v %v", f, ls, err)
		}
		once, _ := os.ReadFile(cp)
		changed, err := redact.RedactFile(cp, rules)
		again, _ := os.ReadFile(cp)
		if err != nil || changed || !bytes.Equal(once, again) {
			t.Errorf("%s: redacting twice changed it (changed=%v, %v):\n%s\n%s", f, changed, err, once, again)
		}
	}

	// Replay every scenario strictly, from the committed cassettes and from the redacted ones.
	root, _ := filepath.Abs("..")
	scenarios := 0
	for _, v := range c.Vendors() {
		sf, err := scenario.Load(root, c, v.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range sf.Scenarios {
			if _, err := os.Stat(s.CassetteFile(committed)); err != nil {
				continue // a scenario whose cassette is not committed replays nothing either way
			}
			scenarios++
			was := (&run.Engine{Contract: c, Cassettes: committed, Mode: run.Replay, Strict: true}).Run(context.Background(), s)
			now := (&run.Engine{Contract: c, Cassettes: dir, Mode: run.Replay, Strict: true}).Run(context.Background(), s)
			if was.Failed() != now.Failed() || was.Got != now.Got || len(was.Exchanges) != len(now.Exchanges) {
				t.Errorf("%s %s: strict replay from the redacted cassette differs: was failed=%v got %+v (%d exchanges); now failed=%v got %+v (%d exchanges): %s",
					v.ID, s.Name, was.Failed(), was.Got, len(was.Exchanges), now.Failed(), now.Got, len(now.Exchanges), now.Message())
			}
		}
	}
	if scenarios == 0 {
		t.Fatal("no scenario replayed: the test proved nothing")
	}
	t.Logf("%d cassettes redacted twice, %d scenarios replayed strictly from them", len(files), scenarios)
}

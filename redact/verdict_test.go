package redact_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	kontrak "github.com/kontrak/kontrak"
	"github.com/kontrak/kontrak/cassette"
	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/redact"
)

// TestRedactedCassettesKeepTheirVerdicts: every committed cassette, redacted by kontrak redact's rules,
// is judged as it was, in strict mode too (a synthetic value keeps the format and the vocabulary of the
// value it replaces), and scans clean; redacting it again changes nothing.
func TestRedactedCassettesKeepTheirVerdicts(t *testing.T) {
	c, err := contract.Load(kontrak.Files)
	if err != nil {
		t.Fatal(err)
	}
	rules, scan := redact.RulesFor(c), redact.ScanRulesFor(c)
	files, _ := filepath.Glob("../cassettes/*/*.yaml")
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
		cp := filepath.Join(dir, strings.ReplaceAll(strings.TrimPrefix(f, "../cassettes/"), "/", "-"))
		data, _ := os.ReadFile(f)
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
		if changed, err := redact.RedactFile(cp, rules); err != nil || changed {
			again, _ := os.ReadFile(cp)
			t.Errorf("%s: redacting twice changed it (%v):\n%s\n%s", f, err, once, again)
		}
	}
}

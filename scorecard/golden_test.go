package scorecard_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kontrak/kontrak/report"
	"github.com/kontrak/kontrak/scorecard"
	"github.com/kontrak/kontrak/specimen"
)

// A golden set on disk is scored, and no value of its truth appears in any format: the output holds
// scores and sample indexes only.
func TestGoldenSetLeaksNothing(t *testing.T) {
	c := setup(t)
	dir := t.TempDir()
	// Distinctive planted values, none of which a score or an index could spell by chance.
	planted := map[string]string{
		"nik": "0012345678909876", "name": "ZEBULON QUIXOTEVANDERBERG", "birthPlace": "XYLOPHONIA",
		"address": "JL. KWARTZPLAKAT NO. 99", "village": "SUKAQWERTY", "birthDate": "17-08-1961",
	}
	img, err := specimen.Render(specimen.NewIdentity("golden"), specimen.Clean, specimen.JPEG, 720, 480)
	if err != nil {
		t.Fatal(err)
	}
	var truth strings.Builder
	truth.WriteString("version: 1\ncards:\n")
	for _, name := range []string{"zebulon-quixotevanderberg.jpg", "second.jpg"} {
		if err := os.WriteFile(filepath.Join(dir, name), img, 0o600); err != nil {
			t.Fatal(err)
		}
		truth.WriteString("  - image: " + name + "\n    variant: desk-lamp\n    fields:\n")
		for k, v := range planted {
			truth.WriteString("      " + k + ": \"" + v + "\"\n")
		}
	}
	if err := os.WriteFile(filepath.Join(dir, scorecard.TruthFile), []byte(truth.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	o := options(c, serve(t, c, 10), 0)
	o.Golden = dir
	card, err := scorecard.Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if card.Set != "golden" || card.Scored() != 2*len(card.Vendors) {
		t.Fatalf("set %q, %d scored: want golden, 2 a vendor", card.Set, card.Scored())
	}
	for _, f := range report.Formats(scorecard.Report) {
		render, _ := report.Lookup(scorecard.Report, f)
		var b bytes.Buffer
		if err := render(&b, card); err != nil {
			t.Fatal(err)
		}
		out := strings.ToUpper(b.String())
		for k, v := range planted {
			for _, frag := range append(strings.Fields(v), v, "1961-08-17", "ZEBULON-QUIXOTEVANDERBERG") {
				if len(frag) >= 4 && strings.Contains(out, strings.ToUpper(frag)) {
					t.Errorf("--format %s holds %q of the truth's %s", f, frag, k)
				}
			}
		}
		if f != "svg" && !strings.Contains(b.String(), "desk-lamp") { // the chart is fields × vendors
			t.Errorf("--format %s lacks the set's variant label", f)
		}
	}
}

func TestParseTruthErrorsNameNoValue(t *testing.T) {
	for _, c := range []struct{ reason, doc, want string }{
		{"a date in no documented notation", "version: 1\ncards:\n  - image: a.jpg\n    fields: {birthDate: \"SECRETDATE\"}\n", "card 1: fields.birthDate"},
		{"an unknown field", "version: 1\ncards:\n  - image: a.jpg\n    fields: {mothersName: \"SECRETNAME\"}\n", `unknown canonical field "mothersName"`},
		{"an image outside the set", "version: 1\ncards:\n  - image: ../SECRET.jpg\n    fields: {name: x}\n", "card 1: image"},
		{"an unknown key", "version: 1\ncards:\n  - image: a.jpg\n    secret: SECRETVALUE\n    fields: {name: x}\n", "not a truth file"},
		{"no cards", "version: 1\n", "cards: 1 to"},
	} {
		_, err := scorecard.ParseTruth("truth.yaml", []byte(c.doc))
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "SECRET") {
			t.Errorf("%s: err %v, want one naming %q and no value", c.reason, err, c.want)
		}
	}
}

func FuzzParseTruth(f *testing.F) {
	f.Add([]byte("version: 1\ncards:\n  - image: a.jpg\n    variant: clean\n    fields: {nik: \"0012345678901234\", birthDate: 01-02-1990}\n"))
	f.Add([]byte("version: 1\ncards: [{image: b.png, fields: {birthDate: 1990/02/01, name: BUDI}}]\n"))
	f.Add([]byte("cards: {}\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		tr, err := scorecard.ParseTruth("truth.yaml", b)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("a multi-line error: %q", err)
			}
			return
		}
		for _, c := range tr.Cards {
			if c.Variant == "" || c.Image == "" || len(c.Fields) == 0 {
				t.Fatalf("an accepted card lacks what scoring needs: %+v", c)
			}
		}
	})
}

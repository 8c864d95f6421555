package selftest

import (
	"fmt"
	"maps"
	"os"
	"slices"
	"sort"
	"strings"

	"github.com/kontrak/kontrak/internal/wire"
)

// Baseline is the committed sensitivity: each operation's score, and each known survivor (a mutant the
// contract lets through, or a harmless variant it flags) with the reason it is accepted.
type Baseline struct {
	Scores    map[string]Score  `json:"scores"`
	Survivors map[string]string `json:"survivors"`
}

// ReadBaseline reads a committed baseline file.
func ReadBaseline(file string) (*Baseline, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var bl Baseline
	if err := wire.UnmarshalJSON(b, &bl); err != nil {
		return nil, fmt.Errorf("%s: %v", file, err)
	}
	return &bl, nil
}

// Baseline is the result as a baseline to commit; known survivors keep their reasons, new ones get an
// empty reason, for a reviewer to fill.
func (r *Result) Baseline(prev *Baseline) *Baseline {
	bl := &Baseline{Scores: r.Scores, Survivors: map[string]string{}}
	for _, m := range r.Mutants {
		if m.Bad() {
			reason := ""
			if prev != nil {
				reason = prev.Survivors[m.Key()]
			}
			bl.Survivors[m.Key()] = reason
		}
	}
	return bl
}

// Compare lists every way r is worse than the baseline: an operation that catches fewer mutants or
// passes fewer harmless variants than committed, or a lower ratio; a survivor the baseline does not list
// with a reason; a listed survivor that no longer survives (a stale entry). Empty means no worse.
func (r *Result) Compare(bl *Baseline) []string {
	var out []string
	for _, name := range slices.Sorted(maps.Keys(bl.Scores)) {
		want := bl.Scores[name]
		got, ok := r.Scores[name]
		switch {
		case !ok:
			out = append(out, fmt.Sprintf("%s: operation gone (committed %s)", name, want))
		case got.Caught < want.Caught || got.Passed < want.Passed ||
			ratio(got.Caught, got.Mutants) < ratio(want.Caught, want.Mutants) || ratio(got.Passed, got.Harmless) < ratio(want.Passed, want.Harmless):
			out = append(out, fmt.Sprintf("%s: score lowered: %s, committed %s", name, got, want))
		}
	}
	bad := map[string]bool{}
	for _, m := range r.Mutants {
		if !m.Bad() {
			continue
		}
		bad[m.Key()] = true
		if reason := strings.TrimSpace(bl.Survivors[m.Key()]); reason == "" {
			what := "survives"
			if m.Harmless {
				what = "is flagged (" + strings.Join(m.Findings, "; ") + ")"
			}
			out = append(out, fmt.Sprintf("%s %s, and the baseline gives no reason", m.Key(), what))
		}
	}
	for k := range bl.Survivors {
		if !bad[k] {
			out = append(out, fmt.Sprintf("%s: listed as a survivor but caught now: remove it from the baseline", k))
		}
	}
	sort.Strings(out)
	return out
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

package specdiff

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/kontrak/kontrak/cassette"
	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/internal/wire"
)

// Rejudged is one cassette interaction whose verdict, or whose findings, differ between the two versions.
type Rejudged struct {
	Cassette    string   `json:"cassette"`
	Interaction int      `json:"interaction"`
	Operation   string   `json:"operation"`
	Old         string   `json:"old"` // conform, notice or drift
	New         string   `json:"new"`
	OldFindings []string `json:"oldFindings,omitempty"`
	NewFindings []string `json:"newFindings,omitempty"`
}

// Rejudge judges every interaction of the cassette files under both versions and lists those whose
// verdict or finding ids differ. A cassette of another vendor is skipped; an interaction that matches no
// operation of a version is judged "unmatched" there.
func Rejudge(old, new *Spec, files []string) ([]Rejudged, error) {
	var out []Rejudged
	for _, f := range files {
		ixs, err := cassette.ReadExchanges(f)
		if err != nil {
			return nil, err
		}
		for _, ix := range ixs {
			ov, of, oop := judge(old, ix)
			nv, nf, nop := judge(new, ix)
			if oop == "" && nop == "" {
				continue // not this vendor's
			}
			if ov == nv && slices.Equal(of, nf) {
				continue
			}
			op := nop
			if op == "" {
				op = oop
			}
			out = append(out, Rejudged{Cassette: f, Interaction: ix.ID, Operation: op, Old: ov, New: nv, OldFindings: of, NewFindings: nf})
		}
	}
	return out, nil
}

func judge(s *Spec, ix contract.Exchange) (verdict string, ids []string, op string) {
	v := s.Contract.Judge(ix, contract.JudgeOptions{})
	if !v.Routed() {
		return "unmatched", nil, ""
	}
	for _, f := range v.Findings {
		ids = append(ids, f.ID+" "+wire.Display(f.Pointer))
	}
	slices.Sort(ids)
	return v.State(), ids, v.Operation.ID
}

// String is "cassette#n operation: old → new (findings)".
func (j Rejudged) String() string {
	return fmt.Sprintf("%s#%s %s: %s → %s (%s)", j.Cassette, strconv.Itoa(j.Interaction), j.Operation, j.Old, j.New, strings.Join(j.NewFindings, "; "))
}

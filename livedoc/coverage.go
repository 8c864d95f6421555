package livedoc

import (
	"bufio"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/kontrak/kontrak/cassette"
	"github.com/kontrak/kontrak/scenario"
)

// Coverage is the coverage matrix of a vendor page: every code of every table and every sandbox value,
// the scenarios that exercise it, and the provenance of their cassettes (the `# kontrak: provenance=` line:
// copied from an example, derived from a table, or recorded live). A row without a scenario says so.
func (p *page) Coverage() *table {
	t := newTable("operation", "kind", "value", "scenarios", "cassette provenance")
	type key struct{ op, kind, value string }
	by := map[key][]*scenario.Scenario{}
	for _, s := range p.F.Scenarios {
		op := p.V.Operation(s.Operation)
		if op == nil {
			continue
		}
		seen := map[string]bool{}
		codes := append([]string{s.Expected(op).Code}, s.Covers...)
		for _, c := range codes {
			if c != "" && !seen[c] {
				seen[c] = true
				by[key{op.ID, "code", c}] = append(by[key{op.ID, "code", c}], s)
			}
		}
		if s.Sandbox != "" {
			by[key{op.ID, "sandbox", s.Sandbox}] = append(by[key{op.ID, "sandbox", s.Sandbox}], s)
		}
	}
	row := func(op, kind, value string) {
		ss := by[key{op, kind, value}]
		var names, provs []string
		seen := map[string]bool{}
		for _, s := range ss {
			names = append(names, mdCode(s.Name))
			if pr := p.provenance(s); !seen[pr] {
				seen[pr] = true
				provs = append(provs, pr)
			}
		}
		if len(ss) == 0 {
			names, provs = []string{"**none**"}, []string{"—"}
		}
		t.add(mdLink(mdCode(op), "#"+mdAnchor(op)), kind, mdCode(value), strings.Join(names, ", "), strings.Join(provs, ", "))
	}
	for _, op := range p.V.Operations {
		for _, c := range op.Codes.Codes {
			row(op.ID, "code", c.Code)
		}
		for _, sp := range op.Sandbox {
			for _, sc := range sp.Codes {
				row(op.ID, "sandbox", sc.Value)
			}
		}
	}
	return t
}

// provenance is the provenance a scenario's cassette declares, "unknown" when it has none or is missing.
func (p *page) provenance(s *scenario.Scenario) string {
	f, err := p.FS.Open(filepath.ToSlash(s.CassetteFile("cassettes")))
	if err != nil {
		return "no cassette"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "#") {
			break
		}
		if v, ok := strings.CutPrefix(line, "# kontrak: provenance="); ok {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

// CassetteProvenance says how many of the vendor's cassettes were recorded live and how many were derived
// from the documents (copied from an example, derived from a table or a recipe), each cassette once, by
// its `# kontrak: provenance=` line.
func (p *page) CassetteProvenance() string {
	seen := map[string]bool{}
	live, documents, other := 0, 0, 0
	for _, s := range p.F.Scenarios {
		file := s.CassetteFile("cassettes")
		if seen[file] {
			continue
		}
		seen[file] = true
		switch pr := p.provenance(s); {
		case pr == cassette.ProvenanceRecorded:
			live++
		case pr == "no cassette" || pr == "unknown":
			other++
		default:
			documents++
		}
	}
	out := fmt.Sprintf("Of its %d cassettes, %d were recorded live from the vendor and %d derived from the documents", live+documents+other, live, documents)
	if other > 0 {
		out += fmt.Sprintf(" (%d scenarios have none, or one without a provenance line)", other)
	}
	return out + "."
}

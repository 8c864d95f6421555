package livedoc

import (
	"io/fs"
	"maps"
	"path/filepath"
	"slices"
	"strings"

	"github.com/go-json-experiment/json"

	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/scorecard/card"
	"github.com/kontrak/kontrak/selftest"
)

// across is the data of docs/vendors.md: what the four contracts say side by side.
type across []*page

// canonicalOps are the operations that map a KTP (x-kontrak-canonical), in page order.
func (ps across) canonicalOps() []*contract.Operation {
	var ops []*contract.Operation
	for _, p := range ps {
		for _, op := range p.V.Operations {
			if op.Canonical != nil {
				ops = append(ops, op)
			}
		}
	}
	return ops
}

// FieldMap is the canonical field map: one row a canonical field, one column an operation carrying a KTP,
// each cell the vendor's pointer (with its split, when the value is joined).
func (ps across) FieldMap() *table {
	ops := ps.canonicalOps()
	head := []string{"canonical field"}
	names := map[string]bool{}
	for _, op := range ops {
		head = append(head, op.Vendor.Name+" "+mdCode(op.ID))
		for k := range op.Canonical.Fields {
			names[k] = true
		}
	}
	t := newTable(head...)
	for _, name := range slices.Sorted(maps.Keys(names)) {
		row := []string{mdCode(name)}
		for _, op := range ops {
			fm := op.Canonical.Fields[name]
			if fm == nil {
				row = append(row, "—")
				continue
			}
			cell := mdCode(fm.Pointer)
			if fm.Split != nil {
				cell += " split on " + mdCode(fm.Split.Separator) + ", part " + docItoa(fm.Split.Index)
			}
			if len(fm.Nulls) > 0 {
				cell += "; no value: " + mdCodes(fm.Nulls)
			}
			row = append(row, cell)
		}
		t.add(row...)
	}
	return t
}

// FieldMapSources are the sources of the maps, one a column.
func (ps across) FieldMapSources() *table {
	t := newTable("operation", "a KTP when", "source")
	for _, op := range ps.canonicalOps() {
		when := "HTTP " + strings.Join(op.Canonical.When.Statuses, ", ")
		if op.Canonical.When.Code != "" {
			when += " with code " + mdCode(op.Canonical.When.Code)
		}
		t.add(op.Vendor.Name+" "+mdCode(op.ID), when, docSource(op.Canonical.Source))
	}
	return t
}

// Dates are the date notations: every canonical date field, its pointer and notation.
func (ps across) Dates() *table {
	t := newTable("operation", "canonical field", "pointer", "notation")
	for _, op := range ps.canonicalOps() {
		for _, name := range slices.Sorted(maps.Keys(op.Canonical.Fields)) {
			if fm := op.Canonical.Fields[name]; fm.Notation != "" {
				t.add(op.Vendor.Name+" "+mdCode(op.ID), mdCode(name), mdCode(fm.Pointer), mdCode(fm.Notation))
			}
		}
	}
	return t
}

// Billing is how each operation bills: where the flag is, how answers without a code are billed, and which
// failure codes are charged (a code whose row's billing is inferred is marked).
func (ps across) Billing() *table {
	t := newTable("operation", "billing flag", "answers without a code", "charged codes", "free codes", "source")
	for _, p := range ps {
		for _, op := range p.V.Operations {
			flag := "none: from the code table"
			if op.Billing.Pointer != "" {
				flag = mdCode(op.Billing.Pointer) + " (" + billingValues(op.Billing) + ")"
			}
			var pay, free []string
			for _, c := range op.Codes.Codes {
				cell := mdCode(c.Code)
				if c.BillableSource != nil && c.BillableSource.Basis == "inferred" {
					cell += " " + inferredMark
				}
				if c.Billable {
					pay = append(pay, cell)
				} else {
					free = append(free, cell)
				}
			}
			t.add(p.V.Name+" "+mdCode(op.ID), flag, docOrDash(billingStatuses(op.Billing)),
				docOrDash(strings.Join(pay, ", ")), docOrDash(strings.Join(free, ", ")), docSource(op.Billing.Source))
		}
	}
	return t
}

// Retryable are the answers a live run retries: a code whose row carries retryAfter, and any HTTP 429
// (run's rule, whatever the vendor).
func (ps across) Retryable() *table {
	t := newTable("operation", "code", "HTTP", "wait read from", "source")
	for _, p := range ps {
		for _, op := range p.V.Operations {
			for _, c := range op.Codes.Codes {
				if c.RetryAfter == nil {
					continue
				}
				wait := mdCode(c.RetryAfter.Header)
				if c.RetryAfter.Example != "" {
					wait += " (e.g. " + mdCode(c.RetryAfter.Example) + ")"
				}
				t.add(p.V.Name+" "+mdCode(op.ID), mdCode(c.Code), strings.Join(c.Statuses, ", "), wait, docSource(c.Source))
			}
		}
	}
	return t
}

// SelftestScores are the contract's own sensitivity per operation, from the committed baseline of
// `kontrak selftest` (selftest/testdata/baseline.json); nil when it cannot be read.
func (ps index) SelftestScores() *table {
	if len(ps) == 0 {
		return nil
	}
	bl, err := selftest.ReadBaseline(filepath.Join(ps[0].Root, "selftest", "testdata", "baseline.json"))
	if err != nil {
		return nil
	}
	t := newTable("operation", "mutants", "caught", "harmless variants", "passed")
	for _, p := range ps {
		for _, op := range p.V.Operations {
			s, ok := bl.Scores[op.Name()]
			if !ok {
				t.add(p.V.Name+" "+mdCode(op.ID), "—", "—", "—", "—")
				continue
			}
			t.add(p.V.Name+" "+mdCode(op.ID), docItoa(s.Mutants), docItoa(s.Caught), docItoa(s.Harmless), docItoa(s.Passed))
		}
	}
	return t
}

// AtAGlance is the side-by-side of the operations that carry a KTP: how a reading is had (sync, or an
// asynchronous flow's submit and result), how a call authenticates, whether a sandbox answers codes, the
// image limits of the operation that takes the image, the codes by class and how many canonical fields
// the answer maps. Every cell is read from the specs.
func (ps across) AtAGlance() *table {
	t := newTable("vendor", "operation", "flow", "auth", "sandbox codes", "image limits", "codes by class", "canonical fields")
	for _, op := range ps.canonicalOps() {
		v := op.Vendor
		takes, flow := op, "synchronous"
		for _, s := range v.Operations {
			if f, err := s.Flow(); err == nil && f != nil && f.ResultOperation() == op {
				takes, flow = s, "asynchronous: "+mdCode(s.ID)+" then "+mdCode(op.ID)
			}
		}
		var auth []string
		for _, sc := range takes.Security {
			a := sc.Type
			if sc.Scheme != "" {
				a += " " + sc.Scheme
			}
			if sc.Header != "" {
				a += " " + mdCode(sc.Header)
			}
			if sc.TokenOperation != "" {
				a += " (token from " + mdCode(sc.TokenOperation) + ")"
			}
			auth = append(auth, a)
		}
		sandbox := 0
		for _, o := range []*contract.Operation{takes, op} {
			for _, sp := range o.Sandbox {
				sandbox += len(sp.Codes)
			}
			if takes == op {
				break
			}
		}
		limits := "—"
		if _, r := takes.ImageField(); r != nil {
			var l []string
			if len(r.Formats) > 0 {
				l = append(l, strings.Join(r.Formats, ", "))
			}
			if r.MaxBytes > 0 {
				l = append(l, "≤ "+docItoa(r.MaxBytes)+" bytes")
			}
			if r.MinWidth > 0 || r.MinHeight > 0 {
				l = append(l, "≥ "+docItoa(r.MinWidth)+"×"+docItoa(r.MinHeight))
			}
			if r.MaxWidth > 0 || r.MaxHeight > 0 {
				l = append(l, "≤ "+docItoa(r.MaxWidth)+"×"+docItoa(r.MaxHeight))
			}
			if r.Encoding != "" {
				l = append(l, r.Encoding)
			}
			limits = strings.Join(l, "; ")
		}
		classes := map[string]int{}
		for _, o := range []*contract.Operation{takes, op} {
			for _, c := range o.Codes.Codes {
				k := c.Class
				if k == "" {
					k = "outcome"
				}
				classes[k]++
			}
			if takes == op {
				break
			}
		}
		var cc []string
		for _, k := range slices.Sorted(maps.Keys(classes)) {
			cc = append(cc, k+" "+docItoa(classes[k]))
		}
		t.add(v.Name, mdCode(op.ID), flow, strings.Join(auth, "; "), docItoa(sandbox), limits, strings.Join(cc, ", "),
			docItoa(len(op.Canonical.Fields))+" of "+docItoa(len(card.CanonicalFields())))
	}
	return t
}

// scorecardFile is the last committed scorecard, from which docs/vendors.md shows the scores.
const scorecardFile = "docs/scorecard.json"

// Scorecard is the committed scorecard's provenance and tables, "" when none is committed.
func (ps across) Scorecard() string {
	if len(ps) == 0 {
		return ""
	}
	b, err := fs.ReadFile(ps[0].FS, scorecardFile)
	if err != nil {
		return ""
	}
	var c card.Card
	if err := json.Unmarshal(b, &c); err != nil || c.Kind != card.Kind {
		return "`" + scorecardFile + "` is not a scorecard: run `kontrak scorecard --format json --out " + scorecardFile + "` again.\n"
	}
	samples := 0
	for _, v := range c.Vendors {
		samples = max(samples, v.Planned)
	}
	var out strings.Builder
	out.WriteString("Provenance: measured against **" + c.Source + "**, " + c.MeasuredAt + ", on " + c.Set + ", " + docItoa(samples) +
		" samples a vendor (`" + scorecardFile + "`, written by `kontrak scorecard --samples 8 --format json --out " + scorecardFile + "`).")
	if c.Source == card.SourceServe {
		out.WriteString(" These numbers are kontrak serve's OCR error model (`sandbox/ocrmodel.yaml`) read back through each vendor's documented answer: they test the scorecard and the mappings, and say nothing of any vendor's accuracy.")
	}
	out.WriteString("\n\n" + card.MarkdownTables(&c) + "\n")
	return out.String()
}

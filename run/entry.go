package run

import (
	"errors"
	"fmt"

	"github.com/kontrak/kontrak/report"
	"github.com/kontrak/kontrak/scenario"
)

// ReportEntry is the name of the report entry every scenario spec adds: its report.Entry as JSON, read by
// `kontrak report` for the summary.
const ReportEntry = report.EntryName

// Entry is the result as the report reads it. A live run names no cassette; the cassette is named as
// CassetteName names it. The entry says where the scenario is written (suites/<vendor>/scenarios.yaml:LINE,
// relative to the engine's Root), why it was skipped, the findings a waiver accepted, and the budget.
func (e *Engine) Entry(r *Result) report.Entry {
	s := r.Scenario
	x := report.Entry{Vendor: s.Vendor(), Scenario: s.Name, Operation: s.Operation, Kind: s.Kind,
		Mode: string(e.Mode), Status: r.Expected.Status, Code: r.Got.Code, Billed: r.Billed(), Breaking: r.Breaking(),
		Notices: r.Notices(), Failed: r.Failed(), At: e.At(s)}
	if e.Mode != Live {
		x.Cassette = r.CassetteName()
	}
	if r.Got.Status != 0 {
		x.Status = r.Got.Status
	}
	var budget *BudgetError
	switch {
	case errors.As(r.Err, &budget):
		x.Skip = report.SkipBudget
	case r.Inconclusive != "":
		x.Skip = report.SkipInconclusive
	}
	if e.Budget != nil {
		x.BudgetUsed, x.BudgetMax = e.Budget.Used(), e.Budget.Max
	}
	for _, w := range r.Waived {
		id := w.Interaction
		x.Waived = append(x.Waived, report.Failure{Vendor: s.Vendor(), Operation: s.Operation, Scenario: s.Name,
			Cassette: x.Cassette, Interaction: &id, Rule: w.Finding.ID, Pointer: w.Finding.Pointer, Want: w.Finding.Expected,
			Got: w.Finding.Actual, Source: w.Finding.Source, Message: w.Line, Waiver: w.Finding.Waived.String()})
	}
	return x
}

// At is where a scenario is written: its file relative to the engine's Root, and its line.
func (e *Engine) At(s *scenario.Scenario) string {
	file, line := s.Location(e.Root)
	return fmt.Sprintf("%s:%d", file, line)
}

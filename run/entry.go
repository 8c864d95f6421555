package run

import "github.com/kontrak/kontrak/report"

// ReportEntry is the name of the report entry every scenario spec adds: its report.Entry as JSON, read by
// `kontrak report` for the summary.
const ReportEntry = report.EntryName

// Entry is the result as the report reads it. A live run names no cassette; the cassette is named as
// CassetteName names it.
func (r *Result) Entry(mode Mode) report.Entry {
	s := r.Scenario
	x := report.Entry{Vendor: s.Vendor(), Scenario: s.Name, Operation: s.Operation, Kind: s.Kind,
		Mode: string(mode), Status: r.Expected.Status, Code: r.Got.Code, Billed: r.Billed(), Breaking: r.Breaking(),
		Notices: r.Notices(), Failed: r.Failed()}
	if mode != Live {
		x.Cassette = r.CassetteName()
	}
	if r.Got.Status != 0 {
		x.Status = r.Got.Status
	}
	return x
}

package run

// ReportEntry is the name of the report entry every scenario spec adds: its Entry as JSON, read by
// `kontrak report` for the summary table.
const ReportEntry = "kontrak"

// Entry is what a scenario's run reports: the suite attaches it to the scenario's spec, the report reads it.
type Entry struct {
	Vendor    string `json:"vendor"`
	Scenario  string `json:"scenario"`
	Operation string `json:"operation"`
	Kind      string `json:"kind"`
	Mode      string `json:"mode"`
	Cassette  string `json:"cassette,omitempty"`
	Status    int    `json:"status"`
	Code      string `json:"code,omitempty"`
	Billed    bool   `json:"billed"`
	Breaking  int    `json:"breaking"`
	Notices   int    `json:"notices"`
	Failed    bool   `json:"failed"`
}

// Entry is the result as the report reads it. A live run names no cassette; the cassette is named as
// CassetteName names it.
func (r *Result) Entry(mode Mode) Entry {
	s := r.Scenario
	x := Entry{Vendor: s.Vendor(), Scenario: s.Name, Operation: s.Operation, Kind: s.Kind,
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

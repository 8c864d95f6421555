package contract

// Fired is how many findings of each rule this test process made (see fired).
func Fired() map[string]int64 {
	out := map[string]int64{}
	for i, r := range rules {
		out[r.ID] = fired[i].Load()
	}
	return out
}

// FaultyOperation is an operation whose judging faults (a nil response in its table): what check-failed
// reports, since no real input makes kontrak fault.
func FaultyOperation() *Operation {
	return &Operation{Vendor: &Vendor{ID: "test"}, ID: "faulty", Responses: []*Response{nil}}
}

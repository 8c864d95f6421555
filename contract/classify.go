package contract

// Outcome of an answer, as the tables read it.
type Classification struct {
	Status int    `json:"status"`
	Code   string `json:"code,omitempty"`
	// Billable says whether the call is charged: the body's billing flag where there is one, else the
	// code's row, else the table by status. Known is false when none of them says.
	Billable bool   `json:"billable"`
	Known    bool   `json:"known"`
	Flag     string `json:"flag,omitempty"`
}

// Classify reads what an answer means: its code and whether it is billed.
func (o *Operation) Classify(status int, body []byte) (cl Classification) {
	defer func() {
		if r := recover(); r != nil {
			cl = Classification{Status: status} // a fault of kontrak: nothing known, never a guess
		}
	}()
	doc, ok := decodeJSON(body)
	return o.classify(status, doc, ok)
}

// classify is Classify of a decoded body (ok false: not JSON).
func (o *Operation) classify(status int, doc any, ok bool) (cl Classification) {
	cl = Classification{Status: status}
	if ok {
		cl.Code, _ = lookupString(doc, o.Codes.Pointer)
		if o.Billing.Pointer != "" {
			if f, ok := lookupString(doc, o.Billing.Pointer); ok {
				if b, known := o.Billing.Values[f]; known {
					cl.Flag, cl.Billable, cl.Known = f, b, true
					return cl
				}
			}
		}
	}
	if cl.Code != "" {
		// A code on a status its table does not give it (a Kredibel error type on a 5XX) is judged by the
		// status: "for every 5XX http code response, there will be no charge".
		if row := o.Codes.Lookup(cl.Code); row != nil && row.AllowsStatus(status) {
			cl.Billable, cl.Known = row.Billable, true
			return cl
		}
	}
	cl.Billable, cl.Known = o.Billing.ByStatus(status)
	return cl
}

// MaxBillable is the worst case of a call: whether any answer it may get is billable. A live run counts
// it against its budget before the call.
func (o *Operation) MaxBillable() bool {
	for _, c := range o.Codes.Codes {
		if c.Billable {
			return true
		}
	}
	for _, v := range o.Billing.Statuses {
		if v {
			return true
		}
	}
	// The flag's values say nothing of this operation's answers: a token call's table is all free even
	// though its flag could say PAY.
	return false
}

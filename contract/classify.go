package contract

import (
	"slices"
	"strings"
)

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

// RetryRow is the code row of an answer that asks to be retried after a delay: its code's row carries
// retryAfter, and the answer's message is one that carries the delay (retryAfter.messages; any message
// where none are listed). A daily quota the document shows without a delay is not retried.
func (o *Operation) RetryRow(status int, body []byte) (*Code, bool) {
	doc, ok := decodeJSON(body)
	if !ok {
		return nil, false
	}
	code, _ := lookupString(doc, o.Codes.Pointer)
	row := o.Codes.Lookup(code)
	if row == nil || row.RetryAfter == nil {
		return nil, false
	}
	if ra := row.RetryAfter; len(ra.Messages) > 0 {
		msg, _ := lookupString(doc, o.Codes.MessagePointer)
		if o.Codes.MessagePointer == "" || !slices.Contains(ra.Messages, msg) {
			return nil, false
		}
	}
	return row, true
}

// SameAnswer reports whether an answer of status got is the answer documented for status want: the same
// status, or one documented status class (4XX) covers both — a client built from the documents reads them
// alike. A status that cannot carry the class's documented body (204) is not.
func (o *Operation) SameAnswer(want, got int) bool {
	if want == got {
		return true
	}
	r := o.Response(want)
	if r == nil || r != o.Response(got) || len(r.Status) != 3 || !strings.HasSuffix(r.Status, "XX") {
		return false
	}
	return !(noContent[got] && r.ContentType != "")
}

// SameCode reports whether an answer's code got, with its message, is the documented answer of code
// want: the same code, or a code whose table row documents that very message too (a document that lists
// one message under two codes, as a contradiction of the spec records it, allows either).
func (t *CodeTable) SameCode(want, got, message string) bool {
	if want == got {
		return true
	}
	a, b := t.Lookup(want), t.Lookup(got)
	return a != nil && b != nil && message != "" && slices.Contains(a.Messages, message) && slices.Contains(b.Messages, message)
}

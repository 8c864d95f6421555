package run

import (
	"net/http"

	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/scenario"
)

// Need is the budget of billable calls a full live run (or recording) of one vendor's scenarios needs:
// what Budget.Take will be asked for in the worst case, computed from the same data before anything is
// spent, so that `make record` and the workflow set KONTRAK_MAX_BILLABLE from it instead of a constant.
type Need struct {
	Vendor string `json:"vendor"`
	// Calls is the budget: every billable call the run may make, retries included.
	Calls int `json:"calls"`
	// Scenarios is how many scenarios run live; Billable how many of them call an operation that may be
	// billed; Retried how many expect an answer that asks to be retried (each retry is a call).
	Scenarios int `json:"scenarios"`
	Billable  int `json:"billable"`
	Retried   int `json:"retried"`
	// Retries is the retry count the bound assumes (KONTRAK_RETRIES).
	Retries int `json:"retries"`
}

// NeedOf bounds the billable calls of the vendor's live scenarios (replay-only ones never run live): one
// call each whose operation may be billed (Operation.MaxBillable, as Budget.Take counts it), plus retries
// calls for each whose expected answer is a 429 or a code whose row carries a delay (RetryRow), plus one
// for each whose expected code is the one a refused token gets (the client fetches a token anew and calls
// once more). It is an upper bound: a vendor that answers otherwise spends less.
func NeedOf(c *contract.Contract, f *scenario.File, retries int) Need {
	v := c.Vendor(f.Vendor)
	n := Need{Vendor: f.Vendor, Retries: retries}
	for _, s := range f.Scenarios {
		if s.Live.ReplayOnly {
			continue
		}
		n.Scenarios++
		op := v.Operation(s.Operation)
		if op == nil || !op.MaxBillable() {
			continue
		}
		n.Billable++
		calls := 1
		want := s.Expected(op)
		row := op.Codes.Lookup(want.Code)
		if want.Status == http.StatusTooManyRequests || (row != nil && row.RetryAfter != nil) {
			n.Retried++
			calls += retries
		}
		if tokenRefusal(v, op, want.Code) {
			calls *= 2
		}
		n.Calls += calls
	}
	return n
}

// tokenRefusal reports whether code is the documented answer to a refused token of op's security.
func tokenRefusal(v *contract.Vendor, op *contract.Operation, code string) bool {
	if code == "" {
		return false
	}
	for _, sc := range op.Security {
		if t := v.Operation(sc.TokenOperation); sc.TokenOperation != "" && t != nil && t.Token != nil && t.Token.Refused != nil && t.Token.Refused.Code == code {
			return true
		}
	}
	return false
}

package card

import (
	"reflect"
	"strings"

	"github.com/kontrak/kontrak/contract"
)

// Kind is the "kind" of a scorecard's JSON.
const Kind = "kontrak-scorecard"

// SourceServe is the source of scores measured against kontrak serve: its OCR model, never a vendor.
const SourceServe = "serve (kontrak's sandbox model, not a vendor)"

// Card is a scorecard: the JSON written by --format json.
type Card struct {
	Kind string `json:"kind"`
	// Source says where the scores were measured, for the card as a whole: SourceServe when every vendor's
	// were, else "vendors" or "mixed" (each vendor says its own).
	Source     string `json:"source"`
	MeasuredAt string `json:"measuredAt"`
	// Set is "specimens" (kontrak's synthetic cards) or "golden" (a team's own set).
	Set     string        `json:"set"`
	Vendors []VendorScore `json:"vendors"`
}

// VendorScore is one vendor's operation that carries a KTP, scored.
type VendorScore struct {
	Vendor    string `json:"vendor"`
	Operation string `json:"operation"`
	// Source: SourceServe, or "<host kind> host <host>" (contract.Vendor.HostKind of the base URL).
	Source string `json:"source"`
	// Samples is how many samples got an answer and were scored; Planned how many were to be sent.
	Samples int `json:"samples"`
	Planned int `json:"planned"`
	// Billed is how many calls were billed, by the billing tables (contract classify).
	Billed    int     `json:"billed"`
	LatencyMs Latency `json:"latencyMs"`
	// Failed are the samples whose answer was no success (a failed read: every field counts as unread),
	// by their index; FailedBilled how many of those were billed all the same: what a failed read cost.
	Failed       []int          `json:"failed,omitempty"`
	FailedBilled int            `json:"failedBilled"`
	Fields       []FieldScore   `json:"fields"`
	Variants     []VariantScore `json:"variants"`
	// Cut says why samples were not scored: the budget, a transport failure. Empty when none was lost.
	Cut string `json:"cut,omitempty"`
	// Budget is what the run needed and was allowed, said before anything was sent.
	Budget Need `json:"budget"`
}

// Need is the budget of billable calls one vendor's scorecard needs, from the billing tables before
// anything is spent (as run.NeedOf bounds a live run's): every sample sent once, each call that may be
// billed (contract.Operation.MaxBillable, as the budget counts it) counted — a flow's submit, and its
// result as many times as it may be asked (Options.Polls) when the result may be billed.
type Need struct {
	// Calls is the need: Samples × PerSample.
	Calls     int `json:"calls"`
	Samples   int `json:"samples"`
	PerSample int `json:"perSample"`
	// Max is the budget the run used (KONTRAK_MAX_BILLABLE), and MaxFrom where it comes from: the
	// variable, the need itself (unset, against a local host: nothing real is billed), or the live default
	// (unset, against a vendor's host).
	Max     int    `json:"max"`
	MaxFrom string `json:"maxFrom"`
}

// Latency of a sample's reading, end to end (an asynchronous flow's submit and result together).
type Latency struct {
	P50 int64 `json:"p50"`
	P95 int64 `json:"p95"`
}

// FieldScore is one canonical field: the share of exact readings and the character error rate.
type FieldScore struct {
	Field string  `json:"field"`
	Exact float64 `json:"exact"`
	CER   float64 `json:"cer"`
}

// VariantScore is one variant: the share of exact fields over every field of every sample.
type VariantScore struct {
	Variant string  `json:"variant"`
	Exact   float64 `json:"exact"`
}

// Scored is how many samples were scored, over every vendor.
func (c *Card) Scored() int {
	n := 0
	for _, v := range c.Vendors {
		n += v.Samples
	}
	return n
}

// CanonicalFields lists contract.KTP's field names in its order: the fields a scorecard may score.
func CanonicalFields() []string {
	rt := reflect.TypeOf(contract.KTP{})
	out := make([]string, rt.NumField())
	for i := range out {
		out[i] = strings.Split(rt.Field(i).Tag.Get("json"), ",")[0]
	}
	return out
}

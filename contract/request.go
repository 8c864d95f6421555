package contract

// extRequest is the operation extension that says what a vendor answers to a request that breaks its
// documented request (specs/README.md, "What a vendor refuses").
const extRequest = "x-kontrak-request"

// RequestRules is x-kontrak-request: the answer of each kind of violation of the documented request, and
// what a conforming request that no sandbox code or recording answers gets. `kontrak serve` enforces it.
type RequestRules struct {
	// Answers are looked up by violation kind and field, the entry naming the field first.
	Answers []ViolationAnswer `yaml:"answers" json:"answers"`
	// Unmatched answers a conforming request that no sandbox code or recording answers: Success (the
	// documented success, for any valid input) or a code.
	Unmatched *ViolationAnswer `yaml:"unmatched,omitempty" json:"unmatched,omitempty"`
	Source    Source           `yaml:"source" json:"source"`
}

// ViolationAnswer is the answer of one kind of violation: a code of the table (answered as the vendor
// answers that code), or a status and a body template whose "{field}" and "{text}" (keys and strings) are
// the violating field and Text; or Accept, when the vendor lets it through.
type ViolationAnswer struct {
	// Violation is the kind: contentType, malformed, unknown, type, missing, value, bodySize, and the
	// image rules (encoding, dataURIPrefix, partContentType, format, size, dimensions).
	Violation string `yaml:"violation,omitempty" json:"violation,omitempty"`
	Field     string `yaml:"field,omitempty" json:"field,omitempty"`
	Code      string `yaml:"code,omitempty" json:"code,omitempty"`
	Status    int    `yaml:"status,omitempty" json:"status,omitempty"`
	Body      any    `yaml:"body,omitempty" json:"body,omitempty"`
	Text      string `yaml:"text,omitempty" json:"text,omitempty"`
	Accept    bool   `yaml:"accept,omitempty" json:"accept,omitempty"`
	Success   bool   `yaml:"success,omitempty" json:"success,omitempty"`
	Source    Source `yaml:"source" json:"source"`
}

// ViolationKinds are the kinds of x-kontrak-request.answers, in the order `kontrak serve` checks a request.
var ViolationKinds = []string{
	"bodySize", "contentType", "malformed", "unknown", "type", "missing", "encoding", "dataURIPrefix",
	"partContentType", "format", "size", "dimensions", "value",
}

// Answer returns the answer of a violation of kind on field: the entry that names the field, else the one
// for every field of that kind; nil when the spec gives none.
func (r *RequestRules) Answer(kind, field string) *ViolationAnswer {
	if r == nil {
		return nil
	}
	var general *ViolationAnswer
	for i := range r.Answers {
		a := &r.Answers[i]
		if a.Violation != kind {
			continue
		}
		if a.Field == field && field != "" {
			return a
		}
		if a.Field == "" && general == nil {
			general = a
		}
	}
	return general
}

package contract

// Severity is how much a finding matters: breaking fails a run; notice fails it only in strict mode.
type Severity string

const (
	Breaking Severity = "breaking"
	Notice   Severity = "notice"
)

// Finding is one way an interaction departs from its contract.
type Finding struct {
	ID       string   `json:"id"`
	Severity Severity `json:"severity"`
	Pointer  string   `json:"pointer"`
	Expected string   `json:"expected"`
	Actual   string   `json:"actual"`
	Message  string   `json:"message"`
	Source   string   `json:"source"`
	// Waived is the waiver in force that accepts this finding (waiver.go); a waived finding is reported,
	// marked, and fails nothing.
	Waived *Waiver `json:"waived,omitempty"`
}

// Rule is one kind of finding. Ids are stable: tools, waivers and reports key on them.
type Rule struct {
	ID       string   `json:"id"`
	Severity Severity `json:"severity"`
	Summary  string   `json:"summary"`
}

// The finding ids. One table, like oasdiff's rules: adding a rule is adding a row here and its check.
const (
	StatusUndocumented      = "status-undocumented"
	BodyNotJSON             = "body-not-json"
	FieldMissing            = "field-missing"
	TypeMismatch            = "type-mismatch"
	ValueNotInSet           = "value-not-in-set"
	FormatViolation         = "format-violation"
	SchemaViolation         = "schema-violation"
	ErrorCodeUndocumented   = "error-code-undocumented"
	ErrorCodeStatusMismatch = "error-code-status-mismatch"
	BillingFlagMismatch     = "billing-flag-mismatch"
	FieldUndocumented       = "field-undocumented"
	MessageChanged          = "message-changed"
)

var rules = []Rule{
	{StatusUndocumented, Breaking, "The HTTP status is not documented for the operation."},
	{BodyNotJSON, Breaking, "The body is not JSON where JSON is documented."},
	{FieldMissing, Breaking, "A documented field is missing."},
	{TypeMismatch, Breaking, "A field has another JSON type than documented."},
	{ValueNotInSet, Breaking, "A value is outside a documented closed set."},
	{FormatViolation, Breaking, "A value breaks its documented format (a date notation, a pattern)."},
	{SchemaViolation, Breaking, "The body breaks another documented constraint of its schema."},
	{ErrorCodeUndocumented, Breaking, "A code is absent from the vendor's code table."},
	{ErrorCodeStatusMismatch, Breaking, "A code arrives with an HTTP status other than its table's."},
	{BillingFlagMismatch, Breaking, "The billing flag in the body contradicts the code table."},
	{FieldUndocumented, Notice, "A field the documents do not know."},
	{MessageChanged, Notice, "A documented message text changed (vendors say messages change without notice)."},
}

// Rules lists every finding id with its severity, for docs and reports.
func Rules() []Rule { return append([]Rule(nil), rules...) }

func severityOf(id string) Severity {
	for _, r := range rules {
		if r.ID == id {
			return r.Severity
		}
	}
	return Breaking
}

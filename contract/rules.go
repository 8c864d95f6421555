package contract

// Severity is how much a finding matters: breaking fails a run; notice fails it only in strict mode.
type Severity string

const (
	Breaking Severity = "breaking"
	Notice   Severity = "notice"
)

// Finding is one way an interaction departs from its contract.
type Finding struct {
	// Vendor and Operation name the operation whose contract the finding is of (Contract.Judge sets them;
	// empty for route-undocumented).
	Vendor    string   `json:"-"`
	Operation string   `json:"-"`
	ID        string   `json:"id"`
	Severity  Severity `json:"severity"`
	Pointer   string   `json:"pointer"`
	Expected  string   `json:"expected"`
	Actual    string   `json:"actual"`
	Message   string   `json:"message"`
	Source    string   `json:"source"`
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
	RouteUndocumented       = "route-undocumented" // Contract.Judge routes every exchange
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
	CallbackAuthMissing     = "callback-auth-missing"

	// Byte-exact judging (strict.go): what a lenient decoder lets through and a client may read otherwise.
	DuplicateKey               = "duplicate-key"
	NumberOutOfRange           = "number-out-of-range"
	NumberNotInteger           = "number-not-integer"
	ContentEncodingUndecodable = "content-encoding-undecodable"
	ContentTypeMismatch        = "content-type-mismatch"
	HeaderMissing              = "header-missing"
	HeaderMalformed            = "header-malformed"
	CheckFailed                = "check-failed"

	// The semantic rules (semantic.go): a KTP's meaning, against the canonical record and the vocabulary.
	NIKMalformed             = "nik-malformed"
	EpochUnitMismatch        = "epoch-unit-mismatch"
	SuccessBodyOnErrorStatus = "success-body-on-error-status"
	NIKProvinceUnknown       = "nik-province-unknown"
	NIKBirthDateMismatch     = "nik-birthdate-mismatch"
	NIKGenderMismatch        = "nik-gender-mismatch"
	KTPValueUnusual          = "ktp-value-unusual"
	RTRWNotation             = "rtrw-notation"
	CanonicalSourcesDisagree = "canonical-sources-disagree"
)

var rules = []Rule{
	{StatusUndocumented, Breaking, "The HTTP status is not documented for the operation."},
	{RouteUndocumented, Breaking, "An interaction's method and path match no documented operation of any vendor."},
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
	{CallbackAuthMissing, Breaking, "An inbound callback lacks the documented credential (HTTP Basic auth)."},
	{MessageChanged, Notice, "A documented message text changed (vendors say messages change without notice)."},
	{DuplicateKey, Breaking, "An object writes a key twice: clients disagree on which value wins."},
	{NumberOutOfRange, Breaking, "A number is beyond the range of a double (±1.8e308): no JSON client reads it."},
	{NumberNotInteger, Breaking, "A documented integer is written with a fraction or exponent (1.0, 1e3)."},
	{ContentEncodingUndecodable, Breaking, "The body does not decode by its Content-Encoding (or the encoding is not gzip or deflate)."},
	{ContentTypeMismatch, Breaking, "The answer's Content-Type is not the documented media type (JSON served as text/html)."},
	{HeaderMissing, Breaking, "A documented response header is missing (Retry-After on a rate-limit answer)."},
	{HeaderMalformed, Breaking, "A documented response header is not in its documented form."},
	{CheckFailed, Breaking, "kontrak could not judge the answer (a fault of kontrak, reported, never a pass)."},
	{NIKMalformed, Breaking, "A documented NIK is not 16 digits (a vendor's documented mask excepted)."},
	{EpochUnitMismatch, Breaking, "A token expiry is not in its documented epoch unit (milliseconds: 13 digits)."},
	{SuccessBodyOnErrorStatus, Breaking, "A success body arrives with a status outside the success statuses."},
	{NIKProvinceUnknown, Notice, "Digits 1–2 of a NIK are no province's code (KTP vocabulary)."},
	{NIKBirthDateMismatch, Notice, "Digits 7–12 of a NIK disagree with the date of birth, or are no date."},
	{NIKGenderMismatch, Notice, "Digits 7–8 of a NIK (day + 40 for women) disagree with the gender."},
	{KTPValueUnusual, Notice, "A KTP field holds a value outside its vocabulary set (gender, religion, blood type, ...)."},
	{RTRWNotation, Notice, "RT or RW is not written as the KTP writes it (three digits each)."},
	{CanonicalSourcesDisagree, Notice, "Two fields of one answer that carry the same KTP fact disagree."},
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

package contract

import (
	"fmt"
	"strconv"
	"sync/atomic"
)

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
	// Inferred says the finding is of a breaking rule at a fact the documents do not state (an inferred
	// fact, a field the document says may be empty): it would break a client built from the documents were
	// the fact documented, and is reported as a notice (the severity policy, Policy).
	Inferred bool `json:"inferred,omitempty"`
	// Waived is the waiver in force that accepts this finding (waiver.go); a waived finding is reported,
	// marked, and fails nothing.
	Waived *Waiver `json:"waived,omitempty"`
}

// Rule is one kind of finding: a row of the rules table, with the stage of judging whose handler gives it
// (stages.go names them, each in a file of its own: rule_body.go, rule_schema.go, …) and its messages as
// data. Ids are stable: tools, waivers and reports key on them.
type Rule struct {
	ID       string   `json:"id"`
	Severity Severity `json:"severity"`
	Summary  string   `json:"summary"`
	// Basis is the evidence a finding of the rule rests on: the documents (what a client built from them
	// breaks on: breaking) or outside knowledge and inference (a notice), as Policy says.
	Basis string `json:"basis"`
	// Stage is the step of judging whose handler gives the rule (see stages).
	Stage string `json:"-"`
	// Messages are the finding's message, a fmt format of the handler's arguments, by variant ("" the
	// usual one): what the finding says after "vendor operation: error at "pointer": ".
	Messages map[string]string `json:"-"`
}

// The finding ids. One table, like oasdiff's rules: adding a rule is adding a row here and its check in
// the handler of its stage; TestEveryRuleFires fails until a test case produces it.
const (
	StatusUndocumented      = "status-undocumented"
	RouteUndocumented       = "route-undocumented"
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

	// Byte-exact judging (rule_body.go, rule_headers.go): what a lenient decoder lets through and a client
	// may read otherwise.
	DuplicateKey               = "duplicate-key"
	NumberOutOfRange           = "number-out-of-range"
	NumberNotInteger           = "number-not-integer"
	ContentEncodingUndecodable = "content-encoding-undecodable"
	ContentTypeMismatch        = "content-type-mismatch"
	HeaderMissing              = "header-missing"
	HeaderMalformed            = "header-malformed"
	CheckFailed                = "check-failed"

	// The semantic rules (rule_ktp.go): a KTP's meaning, against the canonical record and the vocabulary.
	NIKMalformed             = "nik-malformed"
	EpochUnitMismatch        = "epoch-unit-mismatch"
	SuccessBodyOnErrorStatus = "success-body-on-error-status"
	NIKProvinceUnknown       = "nik-province-unknown"
	NIKRegencyUnknown        = "nik-regency-unknown"
	KTPBirthDateImplausible  = "ktp-birthdate-implausible"
	NIKBirthDateMismatch     = "nik-birthdate-mismatch"
	NIKGenderMismatch        = "nik-gender-mismatch"
	KTPValueUnusual          = "ktp-value-unusual"
	RTRWNotation             = "rtrw-notation"
	CanonicalSourcesDisagree = "canonical-sources-disagree"
)

// Policy is how a finding's severity follows its evidence: written once, here, rendered in the docs, and
// applied by the rules (each row's Severity and Basis) and by Judge (a finding at an inferred fact).
const Policy = `Breaking is what a client built from the vendor's documents breaks on: a documented field missing or
retyped, a status or code outside the documented tables (status classes such as 2XX included; a 2XX that
cannot carry the documented body, like 204, is breaking), a billing flag against the table, a format the
document pins by its field table or by every example it shows. Notice is what only outside knowledge or an
inference says: the KTP vocabulary, NIK encodings and regional codes, cross-field agreement, media types no
document states, fields the document says may be empty, and every inferred fact: a breaking rule's finding at
a fact the spec marks inferred (x-kontrak-source basis: inferred, or x-kontrak-basis in a schema) is a notice
marked inferred. Where the documents contradict each other, the contract accepts every reading they allow and
records the contradiction. What the input does not carry (headers of a body checked alone, the body of an
access-log line) is not judged, and is counted as such; an exchange without a whole answer (an aborted
request, a body cut by the network) is inconclusive: it proves nothing either way.`

// msg is the Messages of a rule with one message.
func msg(s string) map[string]string { return map[string]string{"": s} }

// rules is the table. Its order is the order findings are reported in (then by pointer), and the order
// docs list the rules in.
var rules = []Rule{
	{StatusUndocumented, Breaking, "The HTTP status is not documented for the operation.", "the statuses the documents give the operation, a class such as 4XX included", stageStatus,
		map[string]string{"": "HTTP %d is not documented for %s", "nocontent": "HTTP %d carries no content, and the documented %s answer has a body"}},
	{RouteUndocumented, Breaking, "An interaction's method and path match no documented operation of any vendor.", "the operations the documents give every vendor", stageRoute,
		msg("%s matches no documented operation")},
	{BodyNotJSON, Breaking, "The body is not JSON where JSON is documented.", "the documents show every answer of the status as JSON", stageBody,
		msg("the body is not JSON%s")},
	{FieldMissing, Breaking, "A documented field is missing.", "the documents' field tables and examples", stageSchema,
		map[string]string{"": "documented field is missing", "code": "the code is missing from an error answer"}},
	{TypeMismatch, Breaking, "A field has another JSON type than documented.", "the documents' field tables and examples", stageSchema,
		msg("wrong JSON type")},
	{ValueNotInSet, Breaking, "A value is outside a documented closed set.", "a closed set the documents give (a billing flag's values, a documented enumeration)", stageSchema,
		map[string]string{"": "value outside the documented set", "billing": "billing flag outside the documented set"}},
	{FormatViolation, Breaking, "A value breaks its documented format (a date notation, a pattern).", "a notation the documents pin by a field table or by every example they show", stageSchema,
		msg("value breaks its documented format")},
	{SchemaViolation, Breaking, "The body breaks another documented constraint of its schema.", "a constraint the documents state (a range, a length)", stageSchema,
		msg("%s")},
	{ErrorCodeUndocumented, Breaking, "A code is absent from the vendor's code table.", "the documents' code table", stageCodes,
		msg("code %q is not in %s's table")},
	{ErrorCodeStatusMismatch, Breaking, "A code arrives with an HTTP status other than its table's.", "the status the documents' code table gives the code", stageCodes,
		msg("code %s arrived with HTTP %d")},
	{BillingFlagMismatch, Breaking, "The billing flag in the body contradicts the code table.", "the documents' billing table", stageCodes,
		msg("%s is billed %s by the table, the body says %s")},
	{FieldUndocumented, Notice, "A field the documents do not know.", "no document names the field, nor says a client must refuse an unknown one", stageSchema,
		msg("a field the documents do not know")},
	{CallbackAuthMissing, Breaking, "An inbound callback lacks the documented credential (HTTP Basic auth).", "the credential the documents give the callback", stageCallback,
		msg("the callback carries no HTTP Basic credential")},
	{MessageChanged, Notice, "A documented message text changed (vendors say messages change without notice).", "the documents' message, which vendors say changes without notice", stageCodes,
		msg("the message of %s changed")},
	{DuplicateKey, Breaking, "An object writes a key twice: clients disagree on which value wins.", "RFC 8259 §4: JSON parsers disagree on a repeated name, so a client may read either value", stageBody,
		msg("a duplicate key: clients disagree on which value wins (this check reads the last)")},
	{NumberOutOfRange, Breaking, "A number is beyond the range of a double (±1.8e308): no JSON client reads it.", "RFC 8259 §6 and IEEE 754: no JSON client reads the number", stageBody,
		msg("a number no JSON client reads as a number")},
	{NumberNotInteger, Breaking, "A documented integer is written with a fraction or exponent (1.0, 1e3).", "the documents' integer type: an integer parser refuses a fraction or an exponent", stageSchema,
		msg("an integer written as a fraction: a client's integer parser refuses it")},
	{ContentEncodingUndecodable, Breaking, "The body does not decode by its Content-Encoding (or the encoding is not gzip or deflate).", "RFC 9110 §8.4: the body must decode by its Content-Encoding", stageEncoding,
		msg("the body cannot be decoded: %s")},
	{ContentTypeMismatch, Notice, "The answer's Content-Type is not the media type the spec gives (JSON served as text/html).", "no document states a response media type: application/json is our inference", stageBody,
		msg("the body is served as %s, documented as %s")},
	{HeaderMissing, Breaking, "A documented response header is missing (Retry-After on a rate-limit answer).", "a response header the documents give the status or the code", stageHeaders,
		msg("a documented response header is missing")},
	{HeaderMalformed, Breaking, "A documented response header is not in its documented form.", "RFC 9110's form of the header, or the form of the documents' example", stageHeaders,
		msg("the header does not say how long to wait")},
	{CheckFailed, Breaking, "kontrak could not judge the answer (a fault of kontrak, reported, never a pass).", "a fault of kontrak's own: a verdict was not reached, so it is never a pass", stageFault,
		msg("HTTP %d, a body of %d bytes: kontrak could not judge it (%v); please report it")},
	{NIKMalformed, Breaking, "A documented NIK is not 16 digits (a vendor's documented mask excepted).", "every example the documents show: 16 digits, or the vendor's documented mask", stageKTP,
		map[string]string{"": "the NIK is not %d digits", "mask": "the NIK is neither digits nor the vendor's mask"}},
	{EpochUnitMismatch, Breaking, "A token expiry is not in its documented epoch unit (milliseconds: 13 digits).", "the unit the documents give the expiry", stageKTP,
		msg("the token expiry is not in its documented unit")},
	{SuccessBodyOnErrorStatus, Breaking, "A success body arrives with a status outside the success statuses.", "the statuses the documents give a success", stageKTP,
		msg("HTTP %d carries the success shape of HTTP %s")},
	{NIKProvinceUnknown, Notice, "Digits 1–2 of a NIK are no province's code (KTP vocabulary).", "outside knowledge: Kemendagri's province codes (the KTP vocabulary)", stageKTP,
		msg("digits 1–2 of the NIK are no province's code")},
	{NIKRegencyUnknown, Notice, "Digits 3–4 of a NIK are no regency or city of its province (KTP vocabulary).", "outside knowledge: Kemendagri's regency and city codes, and the superseded ones older NIKs keep", stageKTP,
		msg("digits 3–4 of the NIK are no regency or city of its province")},
	{KTPBirthDateImplausible, Notice, "The date of birth is after the day of the check, or makes the holder younger than the KTP age.", "outside knowledge: the KTP age of the law, and the calendar", stageKTP,
		map[string]string{"": "the date of birth is after the day of the check", "young": "the holder is younger than the KTP age (%d) on the day of the check"}},
	{NIKBirthDateMismatch, Notice, "Digits 7–12 of a NIK disagree with the date of birth, or are no date.", "outside knowledge: the NIK's encoding of the date of birth", stageKTP,
		map[string]string{"": "the NIK's birth digits disagree with the date of birth", "date": "the NIK's birth digits are not a date"}},
	{NIKGenderMismatch, Notice, "Digits 7–8 of a NIK (day + 40 for women) disagree with the gender.", "outside knowledge: the NIK's encoding of the gender (day + 40)", stageKTP,
		msg("the NIK's birth day disagrees with the gender")},
	{KTPValueUnusual, Notice, "A KTP field holds a value outside its vocabulary set (gender, religion, blood type, ...).", "outside knowledge: the values a KTP prints (the KTP vocabulary)", stageKTP,
		msg("%s is outside the KTP's %s values")},
	{RTRWNotation, Notice, "RT or RW is not written as the KTP writes it (three digits each).", "outside knowledge: how a KTP writes RT and RW", stageKTP,
		msg("%s %s breaks the KTP's RT/RW notation")},
	{CanonicalSourcesDisagree, Notice, "Two fields of one answer that carry the same KTP fact disagree.", "cross-field agreement: two places of one answer that carry one fact", stageKTP,
		msg("%s and %s of one answer give different %s")},
}

// Rules lists every finding id with its severity, for docs and reports.
func Rules() []Rule { return append([]Rule(nil), rules...) }

// ruleOf returns the row of id; an unknown id is a fault of kontrak's own code, found by every test.
func ruleOf(id string) *Rule {
	for i := range rules {
		if rules[i].ID == id {
			return &rules[i]
		}
	}
	panic("contract: no rule " + id)
}

// ruleIndex is the row of id in the table (len(rules) for an unknown id).
func ruleIndex(id string) int {
	for i, r := range rules {
		if r.ID == id {
			return i
		}
	}
	return len(rules)
}

func severityOf(id string) Severity { return ruleOf(id).Severity }

// fired counts the findings of each rule this process made, by the rule's index: the tests ask it whether
// every rule of the table is produced by some test case (TestMain), so that a row without a working
// handler cannot hide. One atomic add a finding.
var fired = make([]atomic.Int64, len(rules))

func fire(id string) { fired[ruleIndex(id)].Add(1) }

// message is the rule's message of variant, formatted with args.
func message(id, variant string, args ...any) string {
	f, ok := ruleOf(id).Messages[variant]
	if !ok {
		panic("contract: rule " + id + " has no message " + strconv.Quote(variant))
	}
	if len(args) == 0 {
		return f
	}
	return fmt.Sprintf(f, args...)
}

package contract

import (
	"bytes"
	_ "embed"
	"fmt"
	"strconv"
	"sync/atomic"

	"go.yaml.in/yaml/v4"
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
	ID       string   `json:"id" yaml:"id"`
	Severity Severity `json:"severity" yaml:"severity"`
	Summary  string   `json:"summary" yaml:"summary"`
	// Basis is the evidence a finding of the rule rests on: the documents (what a client built from them
	// breaks on: breaking) or outside knowledge and inference (a notice), as Policy says.
	Basis string `json:"basis" yaml:"basis"`
	// Stage is the step of judging whose handler gives the rule (see stages).
	Stage string `json:"-" yaml:"stage"`
	// Messages are the finding's message, a fmt format of the handler's arguments, by variant ("" the
	// usual one): what the finding says after "vendor operation: error at "pointer": ".
	Messages map[string]string `json:"-" yaml:"messages"`
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

// rulesFile is the rules table and the severity policy, as data (rules.yaml).
//
//go:embed rules.yaml
var rulesFile []byte

// rules is the table, and Policy how a finding's severity follows its evidence: written once, in
// rules.yaml, rendered in the docs, and applied by the rules (each row's Severity and Basis) and by Judge (a
// finding at an inferred fact). A table that does not load is a fault of this package, found by every test.
var rules, Policy = mustLoadRules(rulesFile)

func mustLoadRules(data []byte) ([]Rule, string) {
	var doc struct {
		Policy string `yaml:"policy"`
		Rules  []Rule `yaml:"rules"`
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&doc); err != nil {
		panic("contract/rules.yaml: " + oneLine(err.Error()))
	}
	for _, r := range doc.Rules {
		if r.ID == "" || (r.Severity != Breaking && r.Severity != Notice) || r.Messages[""] == "" {
			panic("contract/rules.yaml: rule " + strconv.Quote(r.ID) + " needs an id, a severity (breaking or notice) and a message")
		}
	}
	return doc.Rules, doc.Policy
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

// Package selftest measures the contract's own sensitivity: it mutates every documented example of every
// operation by a set of operators and checks that the contract catches each mutant (a breaking finding),
// and that it lets each harmless variant pass (no breaking finding).
//
// Operators (Operators): delete or rename a required field, retype a typed field, reformat a date into
// ISO 8601, put a value outside a closed set or a code outside the table, send a code on a status its
// row does not allow, flip the billing flag, wrap the body in an envelope or unwrap it, send a body that
// is not JSON. Harmless variants: an added field, and "" in a field whose schema says "maybe empty".
//
// A mutant is derived from the schema (the fields Fields flattens) and the x-kontrak tables, never from a
// vendor's field names written in Go. The score of an operation is caught/mutants and passed/harmless;
// a committed scores file holds today's, and CompareScores fails when a spec edit lowers one.
package selftest

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/internal/wire"
)

// Operators are the mutation operators, in the order they are applied.
var Operators = []string{"delete", "rename", "retype", "reformat-date", "out-of-set", "code-on-other-status",
	"billing-flipped", "envelope-wrapped", "envelope-unwrapped", "not-json"}

// Harmless are the variants that must pass.
var Harmless = []string{"field-added", "maybe-empty"}

// Mutant is one mutated example and what the contract said of it.
type Mutant struct {
	Vendor    string `json:"vendor"`
	Operation string `json:"operation"`
	Status    string `json:"status"`
	Example   string `json:"example"`
	Operator  string `json:"operator"`
	Pointer   string `json:"pointer,omitempty"`
	Harmless  bool   `json:"harmless,omitempty"`
	// Caught says a breaking finding came, or a notice of a breaking rule at a fact the documents only let
	// us infer (contract.Finding.Inferred: the severity policy); for a harmless variant that is a false
	// alarm.
	Caught   bool     `json:"caught"`
	Findings []string `json:"findings,omitempty"`
}

// Key names a mutant stably: "vendor operation status example operator pointer".
func (m Mutant) Key() string {
	return strings.Join([]string{m.Vendor, m.Operation, m.Status, m.Example, m.Operator, wire.Display(m.Pointer)}, " ")
}

// Bad is a mutant the contract fails to catch, or a harmless variant it flags.
func (m Mutant) Bad() bool { return m.Caught == m.Harmless }

// Score is one operation's sensitivity.
type Score struct {
	Mutants  int `json:"mutants"`
	Caught   int `json:"caught"`
	Harmless int `json:"harmless"`
	Passed   int `json:"passed"`
}

// Ratio is caught/mutants and passed/harmless, as percentages with one decimal.
func (s Score) String() string {
	return fmt.Sprintf("%d/%d mutants caught (%s), %d/%d harmless variants pass", s.Caught, s.Mutants, pct(s.Caught, s.Mutants), s.Passed, s.Harmless)
}

func pct(a, b int) string {
	if b == 0 {
		return "n/a"
	}
	return strconv.FormatFloat(100*float64(a)/float64(b), 'f', 1, 64) + "%"
}

// Result is a self-test run.
type Result struct {
	Mutants []Mutant `json:"mutants"`
	// Scores by "vendor operation".
	Scores map[string]Score `json:"scores"`
}

// Run mutates every example of every operation of c (vendor "" for all) and judges each mutant; the
// schemas' fields (contract.Fields) say what to mutate.
func Run(c *contract.Contract, vendor string) (*Result, error) {
	res := &Result{Scores: map[string]Score{}}
	for _, v := range c.Vendors() {
		if vendor != "" && v.ID != vendor {
			continue
		}
		for _, o := range v.Operations {
			sc := Score{}
			for _, r := range o.Responses {
				st, ok := statusOf(r.Status)
				if !ok || r.SchemaFile == "" {
					continue
				}
				fields, err := c.Fields(r)
				if err != nil {
					return nil, fmt.Errorf("%s %s: %v", v.ID, o.ID, err)
				}
				for _, ex := range r.Examples {
					for _, m := range mutate(c, o, r, st, ex, fields) {
						res.Mutants = append(res.Mutants, m)
						if m.Harmless {
							sc.Harmless++
							if !m.Caught {
								sc.Passed++
							}
						} else {
							sc.Mutants++
							if m.Caught {
								sc.Caught++
							}
						}
					}
				}
			}
			res.Scores[o.Name()] = sc
		}
	}
	if vendor != "" && len(res.Scores) == 0 {
		return nil, fmt.Errorf("unknown vendor %q (known: %s)", vendor, strings.Join(c.VendorIDs(), ", "))
	}
	return res, nil
}

// statusOf is a status to send for a documented key: the number, or the first of a range.
func statusOf(key string) (int, bool) {
	if len(key) == 3 && strings.HasSuffix(key, "XX") {
		return int(key[0]-'0') * 100, true
	}
	n, err := strconv.Atoi(key)
	return n, err == nil
}

type variant struct {
	operator, pointer string
	harmless          bool
	status            int
	body              []byte
}

func mutate(c *contract.Contract, o *contract.Operation, r *contract.Response, st int, ex contract.Example, fields []contract.Field) []Mutant {
	var doc any
	if err := wire.UnmarshalJSON(ex.Value, &doc); err != nil {
		return nil
	}
	var vs []variant
	add := func(op, ptr string, harmless bool, status int, v any) {
		b, _ := json.Marshal(v)
		vs = append(vs, variant{op, ptr, harmless, status, b})
	}
	codePtr := o.Codes.Pointer
	for _, f := range fields {
		if f.Pointer == "" || strings.Contains(f.Pointer, "/*") {
			continue
		}
		val, present := wire.Get(doc, f.Pointer)
		if !present {
			continue
		}
		parent, name := splitLast(f.Pointer)
		if f.Required != "no" {
			if m, ok := wire.Get(doc, parent); ok && isObject(m) {
				add("delete", f.Pointer, false, st, without(doc, parent, name, ""))
				add("rename", f.Pointer, false, st, without(doc, parent, name, name+"_renamed"))
			}
		}
		if len(f.Types) > 0 {
			if other, ok := retype(val, f.Types); ok {
				add("retype", f.Pointer, false, st, set(doc, f.Pointer, other))
			}
		}
		if s, ok := val.(string); ok && s != "" {
			for _, fm := range f.Formats {
				if _, isDate := contract.DateFormats[fm]; isDate {
					add("reformat-date", f.Pointer, false, st, set(doc, f.Pointer, isoOf(s, contract.DateFormats[fm])))
				}
			}
		}
		if f.Set != nil || f.Pointer == codePtr || f.Pointer == o.Billing.Pointer && len(o.Billing.Values) > 0 {
			if _, ok := val.(string); ok {
				add("out-of-set", f.Pointer, false, st, set(doc, f.Pointer, "KONTRAK_NOT_IN_SET"))
			}
		}
		if _, ok := val.(string); ok && strings.Contains(strings.ToLower(f.Description), "maybe empty") {
			add("maybe-empty", f.Pointer, true, st, set(doc, f.Pointer, ""))
		}
	}
	if code, ok := lookupString(doc, codePtr); ok && codePtr != "" {
		if row := o.Codes.Lookup(code); row != nil {
			for _, other := range o.Responses {
				ost, ok := statusOf(other.Status)
				if ok && !row.AllowsStatus(ost) {
					add("code-on-other-status", codePtr, false, ost, doc)
					break
				}
			}
			if o.Billing.Pointer != "" {
				if flag, ok := lookupString(doc, o.Billing.Pointer); ok {
					// Flip to a value the row does not allow: where the row allows every value (ADVANCE's
					// SUCCESS may be PAY or FREE) the flipped body is a documented variant, not a mutant.
					for _, other := range sortedFlags(o.Billing.Values) {
						if other.value != o.Billing.Values[flag] && (len(row.Flags) == 0 || !slices.Contains(row.Flags, other.name)) {
							add("billing-flipped", o.Billing.Pointer, false, st, set(doc, o.Billing.Pointer, other.name))
							break
						}
					}
				}
			}
		}
	}
	if m, ok := doc.(map[string]any); ok {
		add("envelope-wrapped", "", false, st, map[string]any{"data": doc})
		for _, k := range slices.Sorted(maps.Keys(m)) {
			if inner, ok := m[k].(map[string]any); ok && len(inner) > 0 {
				add("envelope-unwrapped", "/"+wire.Escape(k), false, st, inner)
				break
			}
		}
		add("field-added", "/kontrakAddedField", true, st, set(doc, "/kontrakAddedField", "added"))
	}
	vs = append(vs, variant{"not-json", "", false, st, []byte("<html><body>502 Bad Gateway</body></html>")})

	header := http.Header{}
	if r.ContentType != "" {
		header.Set("Content-Type", r.ContentType)
	}
	var out []Mutant
	for _, v := range vs {
		fs := c.Judge(contract.Exchange{Status: v.status, Header: header, Body: v.body}, contract.JudgeOptions{Operation: o}).Findings
		m := Mutant{Vendor: o.Vendor.ID, Operation: o.ID, Status: r.Status, Example: ex.Name, Operator: v.operator, Pointer: v.pointer,
			Harmless: v.harmless}
		for _, f := range fs {
			switch {
			case f.Severity == contract.Breaking:
				m.Findings = append(m.Findings, f.ID+" "+wire.Display(f.Pointer))
			case f.Inferred:
				m.Findings = append(m.Findings, f.ID+" "+wire.Display(f.Pointer)+" (inferred)")
			default:
				continue
			}
			m.Caught = true
		}
		out = append(out, m)
	}
	return out
}

type billingValue struct {
	name  string
	value bool
}

func sortedFlags(m map[string]bool) []billingValue {
	var out []billingValue
	for k, v := range m {
		out = append(out, billingValue{k, v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

func isObject(v any) bool { _, ok := v.(map[string]any); return ok }

func splitLast(ptr string) (parent, name string) {
	i := strings.LastIndex(ptr, "/")
	return ptr[:i], wire.Unescape(ptr[i+1:])
}

// deepCopy copies a decoded JSON tree.
func deepCopy(v any) any {
	b, _ := json.Marshal(v)
	var out any
	_ = wire.UnmarshalJSON(b, &out)
	return out
}

// without removes name from the object at parent, or renames it to rename.
func without(doc any, parent, name, rename string) any {
	c := deepCopy(doc)
	m, _ := wire.Get(c, parent)
	obj := m.(map[string]any)
	v := obj[name]
	delete(obj, name)
	if rename != "" {
		obj[rename] = v
	}
	return c
}

func set(doc any, ptr string, v any) any {
	c := deepCopy(doc)
	out, err := wire.Set(c, ptr, v)
	if err != nil {
		return c
	}
	return out
}

// retype returns a value of a JSON type the field does not allow.
func retype(val any, types []string) (any, bool) {
	allowed := map[string]bool{}
	for _, t := range types {
		allowed[t] = true
	}
	if allowed["number"] {
		allowed["integer"] = true
	}
	for _, c := range []struct {
		t string
		v any
	}{{"integer", 12345}, {"string", "12345"}, {"boolean", true}, {"array", []any{"x"}}} {
		if !allowed[c.t] && !(c.t == "integer" && allowed["number"]) {
			if _, isStr := val.(string); isStr && c.t == "string" {
				continue
			}
			return c.v, true
		}
	}
	return nil, false
}

// isoOf rewrites a date of a layout as ISO 8601 (yyyy-mm-dd), the notation a careless client sends.
func isoOf(s, layout string) string {
	if t, err := time.Parse(layout, s); err == nil {
		return t.Format("2006-01-02")
	}
	return "1989-06-01"
}

func lookupString(doc any, ptr string) (string, bool) {
	if ptr == "" {
		return "", false
	}
	v, ok := wire.Get(doc, ptr)
	if !ok {
		return "", false
	}
	s, ok := v.(string)
	return s, ok
}

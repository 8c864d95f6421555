package contract

import (
	"encoding/json"
	"fmt"
	"math/big"
	"strings"

	"github.com/kontrak/kontrak/internal/wire"
)

// The schema stage: the body against the JSON Schema of its documented status (gojsonschema), one finding
// per cause and place.

// schemaStage judges a JSON body by the schema of the response that judges it (checker.judged).
func (c *checker) schemaStage() {
	if !c.isJSON || c.judged == nil || c.judged.schema == nil {
		return
	}
	resp, sj := c.judged, c.sj
	doc := validationDoc(sj)
	vs, err := resp.schema.validate(doc)
	if err == nil && len(vs) == 0 && len(sj.Fractional) == 0 {
		return // a conforming body: nothing below would speak, and its source is not worth joining
	}
	src := from(resp.Source).cite(resp.SchemaFile)
	if err != nil {
		c.add(SchemaViolation, "", "", "a body the schema can judge", "a schema error", src, oneLine(err.Error()))
		return
	}
	if c.discriminated(resp, doc, vs, src) {
		return
	}
	c.integers(resp, doc, sj.Fractional, src)
	seen := map[string]bool{}
	// A date field carries a pattern beside its format, for the tools that know no custom format; a value
	// breaking both is one finding, the format's, as before the patterns were added.
	formatAt := map[string]bool{}
	for _, v := range vs {
		if v.kind == "format" {
			formatAt[v.pointer] = true
		}
	}
	for _, v := range vs {
		if v.kind == "pattern" && formatAt[v.pointer] {
			continue
		}
		var f Finding
		var args []any
		switch v.kind {
		case "required":
			p := v.pointer + "/" + wire.Escape(v.field)
			f = Finding{ID: FieldMissing, Pointer: p, Expected: "field " + v.field, Actual: "absent"}
		case "additional_property_not_allowed":
			p := v.pointer + "/" + wire.Escape(v.field)
			f = Finding{ID: FieldUndocumented, Pointer: p, Expected: "no field " + v.field, Actual: "field " + v.field + " present"}
		case "invalid_type":
			f = Finding{ID: TypeMismatch, Pointer: v.pointer, Expected: fmt.Sprint(v.details["expected"]), Actual: fmt.Sprint(v.details["given"])}
		case "enum", "const":
			want := fmt.Sprint(v.details["allowed"])
			f = Finding{ID: ValueNotInSet, Pointer: v.pointer, Expected: want, Actual: c.valueText(v.pointer, v.value)}
		case "format", "pattern":
			want := fmt.Sprint(v.details["format"])
			if v.kind == "pattern" {
				want = "pattern " + fmt.Sprint(v.details["pattern"])
			}
			f = Finding{ID: FormatViolation, Pointer: v.pointer, Expected: want, Actual: shapeOf(v.value)}
		case "condition_then", "condition_else", "number_any_of", "number_one_of", "number_all_of":
			continue // summaryKinds
		default:
			f = Finding{ID: SchemaViolation, Pointer: v.pointer, Expected: constraintText(v), Actual: shapeOf(v.value)}
			args = []any{v.desc}
		}
		key := f.ID + "\x00" + f.Pointer
		if seen[key] {
			continue
		}
		seen[key] = true
		c.add(f.ID, "", f.Pointer, f.Expected, f.Actual, src.at(resp, f.ID, f.Pointer, v.value), args...)
	}
}

// fallback is the response whose schema judges a body on an undocumented status, so that the body is
// still judged (a missing billing flag is not hidden): the status its code's table row documents, else
// the documented body it breaks least.
func (c *checker) fallback(doc any) *Response {
	o := c.op
	if code, ok := lookupString(doc, o.Codes.Pointer); ok {
		if row := o.Codes.Lookup(code); row != nil {
			for _, st := range row.Statuses {
				for _, r := range o.Responses {
					if strings.EqualFold(r.Status, strings.TrimSpace(st)) && r.schema != nil {
						return r
					}
				}
			}
		}
	}
	var best *Response
	least := -1
	for _, r := range o.Responses {
		if r.schema == nil {
			continue
		}
		vs, err := r.schema.validate(validationDoc(wire.StrictJSON{Doc: doc}))
		if err != nil {
			continue
		}
		if least < 0 || len(vs) < least {
			best, least = r, len(vs)
		}
	}
	return best
}

// summaryKinds are gojsonschema's errors that sum up a branch's own: the branch's errors are reported, these
// add nothing.
var summaryKinds = map[string]bool{"condition_then": true, "condition_else": true, "number_any_of": true, "number_one_of": true, "number_all_of": true}

// discriminated reports, at the code, the one cause of a body that matches no documented branch because of
// its code — instead of every field of a branch the body never claimed (issue: one cause, one finding):
//
//   - the code is missing, and the body is, code aside, an answer of the schema (a Verihubs in-200 error
//     whose error_code was renamed or moved): one field-missing at the code's pointer;
//   - the code is outside the table, and with one of the table's codes the body conforms: the codes stage's
//     error-code-undocumented is the one finding, the schema's are its consequences.
//
// Such a reading holds only where it explains more than it adds: every other violation gone, and fewer
// members the schema does not know than the violations it removes (a success body with one wrong date is
// not an error answer with sixteen unknown members). What the body carries that the schema does not know is
// still reported (field-undocumented: what came). It reports whether it judged the body so.
func (c *checker) discriminated(resp *Response, doc any, vs []violation, src evidence) bool {
	ptr := c.op.Codes.Pointer
	if len(vs) < 2 || ptr == "" {
		return false
	}
	// What the body breaks as it came, sums aside: a reading by another code must explain more than it adds.
	broken := 0
	for _, v := range vs {
		if !summaryKinds[v.kind] && v.kind != "additional_property_not_allowed" {
			broken++
		}
	}
	cur, has := wire.Get(doc, ptr)
	var tries []string
	switch code, isText := cur.(string); {
	case !has:
		tries = []string{""}
	case isText && c.op.Codes.Lookup(code) == nil:
		tries = c.op.codeList()
	default:
		return false
	}
	for _, try := range tries {
		with, err := wire.Set(wire.CopyJSON(doc, nil), ptr, try)
		if err != nil {
			return false
		}
		vs2, err := resp.schema.validate(with)
		if err != nil {
			return false
		}
		var extra []violation
		ok := true
		for _, v := range vs2 {
			switch {
			case summaryKinds[v.kind]:
			case v.kind == "additional_property_not_allowed":
				extra = append(extra, v)
			case !has && (v.pointer == ptr || strings.HasPrefix(v.pointer, ptr+"/")):
			default:
				ok = false
			}
		}
		if !ok || len(extra) >= broken {
			continue
		}
		if !has {
			field := ptr[strings.LastIndex(ptr, "/")+1:]
			c.add(FieldMissing, "code", ptr, "field "+wire.Unescape(field)+" (the rest of the body is an error answer)", "absent", src.at(resp, FieldMissing, ptr, nil))
		}
		for _, v := range extra {
			p := v.pointer + "/" + wire.Escape(v.field)
			c.add(FieldUndocumented, "", p, "no field "+v.field, "field "+v.field+" present", src.at(resp, FieldUndocumented, p, nil))
		}
		return true
	}
	return false
}

// integers reports integral numbers written with a fraction or an exponent where the schema documents an
// integer: gojsonschema judges "integer" by value, and 1642580192430.0 passes it; a client's integer parser
// refuses it. The body is judged a second time with each such number made non-integral: the type errors
// that appear at those places are the ones the notation hides. Only bodies that carry such a number pay.
func (c *checker) integers(resp *Response, doc any, fractional []string, src evidence) {
	if len(fractional) == 0 {
		return
	}
	alt := wire.CopyJSON(doc, nil)
	at := map[string]string{}
	for _, p := range fractional {
		v, _ := wire.Get(alt, p)
		n, _ := v.(json.Number)
		r, ok := new(big.Rat).SetString(n.String())
		if !ok {
			continue
		}
		r.Add(r, big.NewRat(1, 2))
		alt, _ = wire.Set(alt, p, json.Number(r.FloatString(1)))
		at[p] = n.String()
	}
	vs, err := resp.schema.validate(alt)
	if err != nil {
		return
	}
	seen := map[string]bool{}
	for _, v := range vs {
		written, ok := at[v.pointer]
		if !ok || v.kind != "invalid_type" || seen[v.pointer] || !strings.Contains(fmt.Sprint(v.details["expected"]), "integer") {
			continue
		}
		seen[v.pointer] = true
		c.add(NumberNotInteger, "", v.pointer, "an integer, written without fraction or exponent", "a number written as "+wire.Shape(written), src.at(resp, NumberNotInteger, v.pointer, nil))
	}
}

// validationDoc is the document the schema judges: numbers beyond float64 are clamped to its range (they
// are reported by strictNotes), since gojsonschema's const and enum re-decode a value into float64 and
// crash on one that does not fit. The document itself is left as it came.
func validationDoc(sj wire.StrictJSON) any {
	if len(sj.OutOfRange) == 0 {
		return sj.Doc
	}
	doc := wire.CopyJSON(sj.Doc, nil)
	for _, p := range sj.OutOfRange {
		v, _ := wire.Get(doc, p)
		n, _ := v.(json.Number)
		clamped := json.Number("1.7976931348623157e308")
		if strings.HasPrefix(n.String(), "-") {
			clamped = "-" + clamped
		}
		if strings.Contains(strings.ToLower(n.String()), "e-") {
			clamped = "0"
		}
		doc, _ = wire.Set(doc, p, clamped)
	}
	return doc
}

// valueText is a value as a finding may print it: quoted, unless its place holds personal data.
func (c *checker) valueText(pointer string, v any) string {
	if _, pii := c.op.PII[pointer]; pii {
		return shapeOf(v)
	}
	if _, ok := v.(string); !ok {
		return kindOf(v)
	}
	return quoteValue(v)
}

// constraints say in words what each schema constraint asks, by gojsonschema's error kind: the words, and the
// detail (gojsonschema's ErrorDetails key) that completes them.
var constraints = map[string][2]string{
	"number_gte":                {"a number of at least %s", "min"},
	"number_gt":                 {"a number greater than %s", "min"},
	"number_lte":                {"a number of at most %s", "max"},
	"number_lt":                 {"a number less than %s", "max"},
	"multiple_of":               {"a multiple of %s", "multiple"},
	"string_gte":                {"a text of at least %s characters", "min"},
	"string_lte":                {"a text of at most %s characters", "max"},
	"array_min_items":           {"at least %s items", "min"},
	"array_max_items":           {"at most %s items", "max"},
	"unique":                    {"items each unique"},
	"array_min_properties":      {"at least %s fields", "min"},
	"array_max_properties":      {"at most %s fields", "max"},
	"missing_dependency":        {"field %s alongside", "dependency"},
	"number_not":                {"a value the schema excludes (not)"},
	"contains":                  {"an item of the documented shape"},
	"array_no_additional_items": {"no items beyond the documented ones"},
	"invalid_property_name":     {"field names of the documented form"},
	"invalid_property_pattern":  {"field names of the documented form"},
	"false":                     {"no value here"},
}

// constraintText says in words what a schema constraint asks, from gojsonschema's error kind and details.
func constraintText(v violation) string {
	c, ok := constraints[v.kind]
	switch {
	case !ok:
		return "the schema's constraint"
	case c[1] == "":
		return c[0]
	}
	return fmt.Sprintf(c[0], fmt.Sprint(v.details[c[1]]))
}

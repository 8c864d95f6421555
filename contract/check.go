package contract

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xeipuuv/gojsonpointer"

	"github.com/kontrak/kontrak/internal/wire"
)

// Interaction is one HTTP exchange, as far as the contract judges it: the answer of an operation.
type Interaction struct {
	Vendor    string
	Operation string
	Status    int
	Header    http.Header
	Body      []byte
}

// CheckOptions tune a check.
type CheckOptions struct {
	// Strict counts notices as breaking: their severity is reported as breaking.
	Strict bool
}

// Check judges one interaction. The error is for input that cannot be judged at all (an unknown vendor or
// operation); everything the vendor answered, however broken, is a finding.
func (c *Contract) Check(in Interaction, opts CheckOptions) (fs []Finding, err error) {
	defer recoverInto(&err, "check of %s %s HTTP %d (%d bytes)", in.Vendor, in.Operation, in.Status, len(in.Body))
	op, err := c.Operation(in.Vendor, in.Operation)
	if err != nil {
		return nil, err
	}
	x := Exchange{Method: op.Method, Path: op.Path, Status: in.Status, Header: in.Header, Body: in.Body}
	return c.Judge(x, JudgeOptions{Operation: op, Strict: opts.Strict}).Findings, nil
}

// Check judges one answer of the operation. Findings come in a stable order: by rule, then pointer. It
// never panics: a fault of kontrak itself is one check-failed finding naming the input, never a pass.
func (o *Operation) Check(status int, header http.Header, body []byte, opts CheckOptions) []Finding {
	fs, _ := o.judge(status, header, body, opts, false)
	return fs
}

// Judge is Check and Classify of one answer at the cost of one decode of its body: what a monitor of
// traffic asks of every answer. The classification is Classify's of the body as read (after its
// Content-Encoding); Judge never panics either.
func (o *Operation) Judge(status int, header http.Header, body []byte, opts CheckOptions) ([]Finding, Classification) {
	return o.judge(status, header, body, opts, true)
}

func (o *Operation) judge(status int, header http.Header, raw []byte, opts CheckOptions, classify bool) (out []Finding, cl Classification) {
	defer func() {
		if r := recover(); r != nil {
			cl = Classification{Status: status} // a fault of kontrak: nothing known, never a guess
			body := raw
			out = []Finding{{ID: CheckFailed, Severity: severityOf(CheckFailed), Expected: "a verdict",
				Actual: fmt.Sprintf("a fault of kontrak: %v", r), Source: o.Source.String(),
				Message: fmt.Sprintf("%s: HTTP %d, a body of %d bytes: kontrak could not judge it (%v); please report it", o.Name(), status, len(body), r)}}
		}
	}()
	ck := checker{op: o, status: status}
	resp := o.Response(status)
	if resp == nil {
		ck.add(StatusUndocumented, "", "one of "+strings.Join(o.Statuses(), ", "), fmt.Sprint(status),
			fmt.Sprintf("HTTP %d is not documented for %s", status, o.Route()), o.Source.String())
	}
	body, decoded := ck.contentEncoding(resp, header, raw)
	if !decoded {
		if classify {
			cl = o.Classify(status, raw)
		}
		return ck.done(opts), cl
	}
	sj, jerr := wire.DecodeJSONStrict(body)
	isJSON := jerr == nil
	if resp != nil && resp.ContentType != "" && wire.IsJSONMedia(resp.ContentType) && !isJSON {
		actual := "empty body"
		why := "the body is not JSON"
		if len(bytes.TrimSpace(body)) > 0 {
			actual = fmt.Sprintf("non-JSON body of %d bytes", len(body))
			if ct := header.Get("Content-Type"); ct != "" {
				actual += " (" + ct + ")"
			}
			actual += ": " + jerr.Error()
			why += ": " + jerr.Error()
		}
		ck.add(BodyNotJSON, "", resp.ContentType, actual, why, resp.Source.String())
	}
	if isJSON {
		judged := resp
		if judged == nil {
			judged = ck.fallback(sj.Doc)
		}
		ck.contentType(judged, header)
		ck.strictNotes(sj)
		if judged != nil && judged.schema != nil {
			ck.schema(judged, sj)
		}
		ck.codes(sj.Doc)
		ck.semantic(sj.Doc)
	}
	ck.headers(resp, header, sj.Doc)
	if classify {
		cl = o.classify(status, sj.Doc, isJSON)
	}
	return ck.done(opts), cl
}

func (c *checker) done(opts CheckOptions) []Finding {
	out := c.findings
	slices.SortStableFunc(out, func(a, b Finding) int {
		if ri, rj := ruleIndex(a.ID), ruleIndex(b.ID); ri != rj {
			return cmp.Compare(ri, rj)
		}
		return strings.Compare(a.Pointer, b.Pointer)
	})
	if opts.Strict {
		for i := range out {
			out[i].Severity = Breaking
		}
	}
	return out
}

// HasBreaking reports whether any finding is breaking and not waived.
func HasBreaking(fs []Finding) bool {
	for _, f := range fs {
		if f.Severity == Breaking && f.Waived == nil {
			return true
		}
	}
	return false
}

func ruleIndex(id string) int {
	for i, r := range rules {
		if r.ID == id {
			return i
		}
	}
	return len(rules)
}

type checker struct {
	op       *Operation
	status   int
	findings []Finding
}

func (c *checker) add(id, pointer, expected, actual, message, source string) {
	c.findings = append(c.findings, Finding{
		ID: id, Severity: severityOf(id), Pointer: pointer, Expected: expected, Actual: actual,
		Message: c.op.Name() + ": error at " + strconv.Quote(wire.Display(pointer)) + ": " + message, Source: source,
	})
}

func (c *checker) schema(resp *Response, sj wire.StrictJSON) {
	doc := validationDoc(sj)
	vs, err := resp.schema.validate(doc)
	if err == nil && len(vs) == 0 && len(sj.Fractional) == 0 {
		return // a conforming body: nothing below would speak, and its source is not worth joining
	}
	src := joinSource(resp.Source.String(), resp.SchemaFile)
	if err != nil {
		c.add(SchemaViolation, "", "a body the schema can judge", "a schema error", oneLine(err.Error()), src)
		return
	}
	if c.codeMissing(resp, doc, vs, src) {
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
		switch v.kind {
		case "required":
			p := v.pointer + "/" + escapeToken(v.field)
			f = Finding{ID: FieldMissing, Pointer: p, Expected: "field " + v.field, Actual: "absent", Message: "documented field is missing"}
		case "additional_property_not_allowed":
			p := v.pointer + "/" + escapeToken(v.field)
			f = Finding{ID: FieldUndocumented, Pointer: p, Expected: "no field " + v.field, Actual: "field " + v.field + " present", Message: "a field the documents do not know"}
		case "invalid_type":
			f = Finding{ID: TypeMismatch, Pointer: v.pointer, Expected: fmt.Sprint(v.details["expected"]), Actual: fmt.Sprint(v.details["given"]), Message: "wrong JSON type"}
		case "enum", "const":
			want := fmt.Sprint(v.details["allowed"])
			f = Finding{ID: ValueNotInSet, Pointer: v.pointer, Expected: want, Actual: c.valueText(v.pointer, v.value), Message: "value outside the documented set"}
		case "format", "pattern":
			want := fmt.Sprint(v.details["format"])
			if v.kind == "pattern" {
				want = "pattern " + fmt.Sprint(v.details["pattern"])
			}
			f = Finding{ID: FormatViolation, Pointer: v.pointer, Expected: want, Actual: shapeOf(v.value), Message: "value breaks its documented format"}
		case "condition_then", "condition_else", "number_any_of", "number_one_of", "number_all_of":
			// The branch's own errors are reported too; these summaries add nothing.
			continue
		default:
			f = Finding{ID: SchemaViolation, Pointer: v.pointer, Expected: constraintText(v), Actual: shapeOf(v.value), Message: v.desc}
		}
		key := f.ID + "\x00" + f.Pointer
		if seen[key] {
			continue
		}
		seen[key] = true
		c.add(f.ID, f.Pointer, f.Expected, f.Actual, f.Message, src)
	}
}

func (c *checker) codes(doc any) {
	o := c.op
	code, hasCode := lookupString(doc, o.Codes.Pointer)
	var row *Code
	if hasCode {
		row = o.Codes.Lookup(code)
		if row == nil {
			c.add(ErrorCodeUndocumented, o.Codes.Pointer, "a code of the table ("+strings.Join(o.codeList(), ", ")+")",
				quoteValue(code), fmt.Sprintf("code %q is not in %s's table", code, o.Vendor.Name), o.Codes.Source.String())
		} else if !row.AllowsStatus(c.status) {
			c.add(ErrorCodeStatusMismatch, o.Codes.Pointer, "HTTP "+strings.Join(row.Statuses, " or "), fmt.Sprintf("HTTP %d", c.status),
				fmt.Sprintf("code %s arrived with HTTP %d", code, c.status), row.Source.String())
		}
		if row != nil && len(row.Messages) > 0 && !row.MessagesOpen && o.Codes.MessagePointer != "" {
			if msg, ok := lookupString(doc, o.Codes.MessagePointer); ok && !contains(row.Messages, msg) {
				c.add(MessageChanged, o.Codes.MessagePointer, quoteList(row.Messages), textShape(msg),
					fmt.Sprintf("the message of %s changed", code), row.Source.String())
			}
		}
	}
	if o.Billing.Pointer == "" {
		return
	}
	flag, ok := lookupString(doc, o.Billing.Pointer)
	if !ok {
		return
	}
	if _, known := o.Billing.Values[flag]; !known {
		// The flag's closed set is the billing table's values, stated there only (not as a schema enum).
		c.add(ValueNotInSet, o.Billing.Pointer, "one of "+strings.Join(o.Billing.flagValues(), ", "), quoteValue(flag),
			"billing flag outside the documented set", o.Billing.Source.String())
		return
	}
	var accepted []string
	var why, src string
	switch {
	case row != nil:
		accepted = row.Flags
		if len(accepted) == 0 {
			accepted = o.Billing.flagsFor(row.Billable)
		}
		why, src = "code "+row.Code, row.Source.String()
	case !hasCode:
		b, known := o.Billing.ByStatus(c.status)
		if !known {
			return
		}
		accepted = o.Billing.flagsFor(b)
		why, src = fmt.Sprintf("HTTP %d", c.status), o.Billing.Source.String()
	default:
		return // an undocumented code: nothing to compare the flag with
	}
	if !contains(accepted, flag) {
		c.add(BillingFlagMismatch, o.Billing.Pointer, strings.Join(accepted, " or "), flag,
			fmt.Sprintf("%s is billed %s by the table, the body says %s", why, strings.Join(accepted, "/"), flag), src)
	}
}

// flagsFor lists the flag values that mean billable b, sorted.
func (b *Billing) flagsFor(billable bool) []string {
	var out []string
	for k, v := range b.Values {
		if v == billable {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// flagValues lists every documented flag value, sorted.
func (b *Billing) flagValues() []string {
	out := make([]string, 0, len(b.Values))
	for k := range b.Values {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (o *Operation) codeList() []string {
	out := make([]string, len(o.Codes.Codes))
	for i, c := range o.Codes.Codes {
		out[i] = c.Code
	}
	return out
}

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

// decodeJSON decodes one JSON value byte-exactly (wire.DecodeJSONStrict): trailing data, a byte order mark
// or invalid UTF-8 make it not JSON.
func decodeJSON(body []byte) (any, bool) {
	sj, err := wire.DecodeJSONStrict(body)
	if err != nil {
		return nil, false
	}
	return sj.Doc, true
}

// lookupString reads the string at a JSON Pointer; a number or boolean is given in its JSON form.
func lookupString(doc any, pointer string) (string, bool) {
	v, ok := lookupValue(doc, pointer)
	if !ok || v == nil {
		return "", false
	}
	switch t := v.(type) {
	case string:
		return t, true
	case json.Number, bool, float64:
		return fmt.Sprint(t), true
	}
	return "", false
}

// Lookup reads the value at a JSON Pointer of a JSON body.
func Lookup(body []byte, pointer string) (v any, found bool) {
	defer func() {
		if r := recover(); r != nil {
			v, found = nil, false
		}
	}()
	doc, ok := decodeJSON(body)
	if !ok {
		return nil, false
	}
	p, err := gojsonpointer.NewJsonPointer(pointer)
	if err != nil {
		return nil, false
	}
	got, _, err := p.Get(doc)
	return got, err == nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func quoteValue(v any) string {
	s := fmt.Sprint(v)
	if len(s) > 80 {
		s = s[:80] + "…"
	}
	return fmt.Sprintf("%q", s)
}

func quoteList(l []string) string {
	q := make([]string, len(l))
	for i, s := range l {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, " or ")
}

// shapeOf describes a value without echoing it: a field that breaks a format may hold personal data (a
// date of birth), so digits become 9 and letters A or a ("1989-06-01" is shaped 9999-99-99), and the text
// says it is withheld.
func shapeOf(v any) string {
	s, ok := v.(string)
	if !ok {
		return kindOf(v)
	}
	return "a value shaped " + wire.Shape(s) + " (withheld: personal data)"
}

// textShape describes a vendor's message text without echoing it: a message may quote the request (a
// name read off the card), so only its length and shape are told.
func textShape(s string) string {
	return fmt.Sprintf("a text of %d characters shaped %s (withheld: may hold personal data)", utf8.RuneCountInString(s), wire.Shape(s))
}

// kindOf names a JSON value's type the way the JSON text would, never Go's.
func kindOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case json.Number, float64, int:
		return "a number"
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	}
	return "a value"
}

func joinSource(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, "; ")
}

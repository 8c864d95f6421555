package sandbox

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/internal/wire"
)

// violation is one way a request breaks its operation's documented request: its kind (a name of
// contract.ViolationKinds) and the field it is about ("" for the body as a whole).
type violation struct {
	kind, field string
	typ         string // the documented type, for a type violation's text
}

// validate is rule 4: the request against the documented request body and parameters, in the order a
// server reads it — content type, parse, unknown fields, field types, then (after the image rule) missing
// fields and values. It returns the first violation the spec answers (x-kontrak-request.answers); a
// violation the spec gives no answer for is not enforced.
func (s *server) validateBody(d *opData, q *request) *violation {
	op := d.op
	answered := func(v violation) bool { return op.Request.Answer(v.kind, v.field) != nil }
	first := func(vs ...violation) *violation {
		for _, v := range vs {
			if answered(v) {
				return &v
			}
		}
		return nil
	}
	if op.RequestSchema == nil {
		return nil
	}
	want, _ := wire.MediaType(op.RequestContentType)
	if q.media != want {
		if v := first(violation{kind: "contentType"}); v != nil {
			return v
		}
	}
	if !q.parsed {
		return first(violation{kind: "malformed"})
	}
	props, _ := op.RequestSchema["properties"].(map[string]any)
	closed := op.RequestSchema["additionalProperties"] == false
	for _, name := range q.fieldNames() {
		if _, known := props[name]; !known && closed {
			if v := first(violation{kind: "unknown", field: name}); v != nil {
				return v
			}
		}
	}
	if q.json != nil {
		for _, name := range sortedKeys(q.json) {
			p, _ := props[name].(map[string]any)
			if p == nil {
				continue
			}
			if types := contract.SchemaTypes(p); len(types) > 0 && !slices.Contains(types, jsonType(q.json[name])) &&
				!(slices.Contains(types, "number") && jsonType(q.json[name]) == "integer") {
				if v := first(violation{kind: "type", field: name, typ: types[0]}); v != nil {
					return v
				}
			}
		}
	}
	return nil
}

// validateRest is the second half of rule 4, after the image rule: every required field and parameter
// present (an empty string of a required query parameter is missing), then every value within its
// documented pattern and bounds.
func (s *server) validateRest(d *opData, q *request) *violation {
	op := d.op
	answered := func(kind, field string) bool { return op.Request.Answer(kind, field) != nil }
	imageField, _ := op.ImageField()
	for _, p := range op.Parameters {
		if !p.Required {
			continue
		}
		v, ok := q.param(p.In, p.Name)
		if (!ok || v == "") && answered("missing", p.Name) {
			return &violation{kind: "missing", field: p.Name}
		}
	}
	required, _ := op.RequestFields()
	for _, name := range required {
		if name == imageField {
			continue // the image rule's
		}
		if _, ok := q.field(name); !ok && answered("missing", name) {
			return &violation{kind: "missing", field: name}
		}
	}
	return s.valueViolation(d, q, func(name string) bool { return name == imageField })
}

// valueViolation is the first body field whose value is outside its documented bounds (pattern, length,
// the uri format, minimum and maximum), of the fields the spec answers a value violation of and skip does
// not leave to another rule. A callback URL over plain http to a loopback host passes with
// Callbacks.HTTP (callback.go).
func (s *server) valueViolation(d *opData, q *request, skip func(string) bool) *violation {
	op := d.op
	props, _ := op.RequestSchema["properties"].(map[string]any)
	for _, name := range sortedKeys(props) {
		p, _ := props[name].(map[string]any)
		if skip(name) || p == nil || op.Request.Answer("value", name) == nil {
			continue
		}
		v, ok := q.field(name)
		if !ok {
			continue
		}
		if s.cfg.Callbacks.HTTP && isCallbackURLField(op, name) && loopbackHTTP(v) {
			continue
		}
		var conforms bool
		switch t := q.json[name].(type) {
		case json.Number:
			conforms = numberConforms(p, t)
		case nil:
			// A form or multipart value is text; a JSON null is the type rule's.
			conforms = q.json != nil || valueConforms(p, v)
		case string:
			conforms = valueConforms(p, t)
		default:
			conforms = true // another type is the type rule's
		}
		if !conforms {
			return &violation{kind: "value", field: name}
		}
	}
	return nil
}

// isCallbackURLField reports whether a request field is the receiver's URL of one of the operation's
// callbacks.
func isCallbackURLField(op *contract.Operation, name string) bool {
	for _, cb := range op.Callbacks {
		if cb.URLField == name {
			return true
		}
	}
	return false
}

// numberConforms checks a JSON number against the schema's minimum and maximum.
func numberConforms(p map[string]any, n json.Number) bool {
	f, err := n.Float64()
	if err != nil {
		return false
	}
	if lo, ok := number(p["minimum"]); ok && f < lo {
		return false
	}
	if hi, ok := number(p["maximum"]); ok && f > hi {
		return false
	}
	return true
}

// patterns caches the compiled patterns of the request schemas (pattern -> *regexp.Regexp, nil when Go
// cannot compile it: such a pattern checks nothing).
var patterns sync.Map

// valueConforms checks a string value against the schema's pattern, length bounds and the uri format.
func valueConforms(p map[string]any, v string) bool {
	if pat, ok := p["pattern"].(string); ok {
		cached, seen := patterns.Load(pat)
		if !seen {
			re, _ := regexp.Compile(pat)
			cached, _ = patterns.LoadOrStore(pat, re)
		}
		if re := cached.(*regexp.Regexp); re != nil && !re.MatchString(v) {
			return false
		}
	}
	n := utf8.RuneCountInString(v)
	if lo, ok := number(p["minLength"]); ok && n < int(lo) {
		return false
	}
	if hi, ok := number(p["maxLength"]); ok && n > int(hi) {
		return false
	}
	if f, _ := p["format"].(string); f == "uri" && !strings.Contains(v, "://") {
		return false
	}
	return true
}

func number(v any) (float64, bool) {
	switch n := v.(type) {
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	case uint64:
		return float64(n), true
	case float64:
		return n, true
	}
	return 0, false
}

// violationAnswer is the answer the spec gives a violation: a code of the table, or a status and a body
// template. ok is false when the spec accepts it.
func (s *server) violationAnswer(d *opData, v *violation) (*answer, string, bool) {
	va := d.op.Request.Answer(v.kind, v.field)
	if va == nil || va.Accept {
		return nil, "", false
	}
	what := v.kind
	if v.field != "" {
		what += " " + contract.ShownName(v.field) // an unknown field's name is the client's: a name, a NIK
	}
	basis := " [" + va.Source.Basis + "]"
	if va.Code != "" {
		a, from := s.codeAnswer(d, va.Code)
		return a, fmt.Sprintf("request %s (%s)%s: %s", what, va.Code, basis, from), true
	}
	a, err := templateAnswer(va, v)
	if err != nil {
		return nil, fmt.Sprintf("request %s: %v", what, err), true
	}
	return a, fmt.Sprintf("request %s (HTTP %d)%s: x-kontrak-request of %s", what, va.Status, basis, d.op.Name()), true
}

// templateAnswer builds the answer of a status and body template, "{field}", "{text}" and "{type}" filled
// in (keys and strings).
func templateAnswer(va *contract.ViolationAnswer, v *violation) (*answer, error) {
	if va.Status == 0 {
		return nil, fmt.Errorf("x-kontrak-request: the answer of %s has neither code nor status", va.Violation)
	}
	text := strings.ReplaceAll(va.Text, "{type}", v.typ)
	fill := strings.NewReplacer("{field}", v.field, "{text}", text, "{type}", v.typ)
	body, err := json.Marshal(wire.CopyJSON(va.Body, fill.Replace))
	if err != nil {
		return nil, err
	}
	return &answer{status: va.Status, header: http.Header{"Content-Type": {"application/json"}}, body: body}, nil
}

// jsonType names a decoded JSON value's type as JSON Schema does; a number without fraction or exponent is
// an integer.
func jsonType(v any) string {
	switch t := v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case bool:
		return "boolean"
	case json.Number:
		if strings.ContainsAny(t.String(), ".eE") {
			return "number"
		}
		return "integer"
	case map[string]any:
		return "object"
	case []any:
		return "array"
	}
	return "unknown"
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

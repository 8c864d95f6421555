package scenario

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/xeipuuv/gojsonpointer"

	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/recorder"
)

// fixture answers a derive run in place of the vendor: the scenario's operation from its cassette
// recipe, any other operation (a token) from its first documented success example.
type fixture struct {
	e  *Env
	s  *Scenario
	op *contract.Operation
}

func (f fixture) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		io.Copy(io.Discard, r.Body)
		r.Body.Close()
	}
	op, ok := f.e.Contract.Lookup(r.Method, r.URL.Path)
	if !ok {
		return nil, fmt.Errorf("derive: %s %s matches no documented operation", r.Method, r.URL.Path)
	}
	var status int
	var body []byte
	headers := http.Header{"Content-Type": {"application/json"}}
	if op == f.op {
		var err error
		status, body, err = f.s.Answer(op)
		if err != nil {
			return nil, err
		}
		for k, v := range f.s.Source.Headers {
			headers.Set(k, v)
		}
	} else {
		resp := op.Response(200)
		if resp == nil || len(resp.Examples) == 0 {
			return nil, fmt.Errorf("derive: %s has no documented 200 example to answer with", op.Name())
		}
		status, body = 200, resp.Examples[0].Value
	}
	return &http.Response{
		StatusCode: status, Status: fmt.Sprintf("%d %s", status, http.StatusText(status)),
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, Header: headers,
		Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body)), Request: r,
	}, nil
}

// Answer builds the answer the scenario's cassette holds: the named example or the inline body, then the
// code (with its first documented message, or its description, and the billing flag its row implies),
// then the sandbox outcome's values, then the recipe's own values.
func (s *Scenario) Answer(op *contract.Operation) (int, []byte, error) {
	fail := func(format string, a ...any) (int, []byte, error) {
		return 0, nil, fmt.Errorf("%s scenario %s: cassette: %s", s.vendor, s.Name, fmt.Sprintf(format, a...))
	}
	var doc any
	switch {
	case s.Source.Example != "":
		ex := exampleOf(op, s.Source.Example)
		if ex == nil {
			return fail("no example %q", s.Source.Example)
		}
		if err := json.Unmarshal(ex.Value, &doc); err != nil {
			return fail("example %s: %v", s.Source.Example, err)
		}
	case s.Source.Body != nil:
		b, err := json.Marshal(s.Source.Body)
		if err != nil {
			return fail("body: %v", err)
		}
		json.Unmarshal(b, &doc)
	default:
		return fail("no example or body to answer from")
	}
	want := s.Expected(op)
	status := want.Status
	if s.Source.Status != 0 {
		status = s.Source.Status
	}
	set := map[string]any{}
	code := s.Source.Code
	if code == "" && s.Sandbox != "" {
		code = want.Code
	}
	if code != "" {
		row := op.Codes.Lookup(code)
		if row == nil {
			return fail("code %s is not in the table", code)
		}
		set[op.Codes.Pointer] = code
		if op.Codes.MessagePointer != "" {
			msg := row.Description
			if len(row.Messages) > 0 {
				msg = row.Messages[0]
			}
			set[op.Codes.MessagePointer] = msg
		}
		if op.Billing.Pointer != "" {
			flags := row.Flags
			if len(flags) == 0 {
				for k, v := range op.Billing.Values {
					if v == row.Billable {
						flags = append(flags, k)
					}
				}
			}
			if len(flags) > 0 {
				// The first documented flag: PAY before FREE for a SUCCESS that may be either.
				set[op.Billing.Pointer] = flags[0]
			}
		}
	}
	for p, v := range want.Body {
		set[p] = v
	}
	for p, v := range s.Source.Set {
		set[p] = v
	}
	for _, p := range sortedKeys(set) {
		var err error
		if doc, err = setPointer(doc, p, set[p]); err != nil {
			return fail("set %s: %v", p, err)
		}
	}
	b, err := json.Marshal(doc)
	if err != nil {
		return fail("%v", err)
	}
	return status, b, nil
}

// provenance says how a derived cassette was made.
func (e *Env) provenance(s *Scenario, op *contract.Operation) (recorder.Provenance, error) {
	p := recorder.Provenance{Scenario: s.Name, Note: s.Source.Note}
	plain := s.Source.Example != "" && s.Source.Code == "" && len(s.Source.Set) == 0 && s.Sandbox == "" && s.Source.Status == 0
	if plain {
		ex := exampleOf(op, s.Source.Example)
		p.Kind, p.Source = recorder.ProvenanceExample, ex.Source.Page
		if p.Note == "" {
			p.Note = "example " + s.Source.Example + " of " + op.Name() + ", verbatim"
		}
		return p, nil
	}
	p.Kind = recorder.ProvenanceDerived
	want := s.Expected(op)
	switch {
	case s.Sandbox != "":
		_, sc, _ := SandboxEntry(op, s.Sandbox)
		p.Source = sc.Source.Page
		if p.Note == "" {
			p.Note = "sandbox value " + s.Sandbox + " and its outcome in the spec (" + sc.Source.Basis + ")"
		}
	case want.Code != "":
		row := op.Codes.Lookup(want.Code)
		p.Source = row.Source.Page
		if p.Note == "" {
			p.Note = fmt.Sprintf("code %s of the %s table (%s); the document shows no example of it", want.Code, row.Table, row.Source.Basis)
		}
	case s.Source.Example != "":
		p.Source = exampleOf(op, s.Source.Example).Source.Page
	default:
		p.Source = op.Source.Page
	}
	if p.Note == "" {
		p.Note = "built from the spec of " + op.Name()
	}
	return p, nil
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	// Shorter pointers first: a parent is set before its children.
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && (len(keys[j]) < len(keys[j-1]) || (len(keys[j]) == len(keys[j-1]) && keys[j] < keys[j-1])); j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
	return keys
}

// setPointer sets a value at a JSON Pointer, creating objects on the way.
func setPointer(doc any, pointer string, value any) (any, error) {
	if pointer == "" {
		return value, nil
	}
	if _, err := gojsonpointer.NewJsonPointer(pointer); err != nil {
		return nil, err
	}
	tokens := strings.Split(pointer[1:], "/")
	if doc == nil {
		doc = map[string]any{}
	}
	cur := doc
	for i, t := range tokens {
		t = strings.ReplaceAll(strings.ReplaceAll(t, "~1", "/"), "~0", "~")
		m, ok := cur.(map[string]any)
		if !ok {
			if arr, isArr := cur.([]any); isArr {
				n, err := strconv.Atoi(t)
				if err != nil || n < 0 || n >= len(arr) {
					return nil, fmt.Errorf("bad index %q", t)
				}
				if i == len(tokens)-1 {
					arr[n] = value
					return doc, nil
				}
				cur = arr[n]
				continue
			}
			return nil, fmt.Errorf("%q is not inside an object", t)
		}
		if i == len(tokens)-1 {
			m[t] = value
			return doc, nil
		}
		next, ok := m[t].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[t] = next
		}
		cur = next
	}
	return doc, nil
}

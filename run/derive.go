package run

import (
	"bytes"
	"fmt"
	"io"
	"net/http"

	"github.com/kontrak/kontrak/cassette"
	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/scenario"
)

// fixture answers a derive run in place of the vendor: the scenario's operation from its cassette
// recipe, any other operation (a token) from its first documented success example.
type fixture struct {
	e  *Engine
	s  *scenario.Scenario
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

// provenance says how a derived cassette was made.
func provenance(s *scenario.Scenario, op *contract.Operation) (cassette.Provenance, error) {
	p := cassette.Provenance{Scenario: s.Name, Note: s.Source.Note}
	plain := s.Source.Example != "" && s.Source.Code == "" && len(s.Source.Set) == 0 && s.Sandbox == "" && s.Source.Status == 0
	if plain {
		ex := scenario.ExampleOf(op, s.Source.Example)
		p.Kind, p.Source = cassette.ProvenanceExample, ex.Source.Page
		if p.Note == "" {
			p.Note = "example " + s.Source.Example + " of " + op.Name() + ", verbatim"
		}
		return p, nil
	}
	p.Kind = cassette.ProvenanceDerived
	want := s.Expected(op)
	switch {
	case s.Sandbox != "":
		_, sc, _ := op.SandboxEntry(s.Sandbox)
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
		p.Source = scenario.ExampleOf(op, s.Source.Example).Source.Page
	default:
		p.Source = op.Source.Page
	}
	if p.Note == "" {
		p.Note = "built from the spec of " + op.Name()
	}
	return p, nil
}

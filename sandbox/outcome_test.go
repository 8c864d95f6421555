package sandbox_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/sandbox"
)

// ask sends a request of op with the Kontrak-Outcome header, the configured credentials and no body
// worth reading.
func (f *fixture) ask(t *testing.T, op *contract.Operation, value string) rawResponse {
	t.Helper()
	req := f.rawRequest(t, op, raw{contentType: op.RequestContentType, body: []byte("{}")})
	req.Header.Set(sandbox.OutcomeHeader, value)
	return send(t, req)
}

// Any documented outcome on demand: serve answers every code of every table of every vendor, on every
// status its row allows, every documented status and every scenario, when the request asks for it with
// Kontrak-Outcome; each answer is what was asked (its status, its code) and conforms to the contract
// (contract.Contract.Judge, no breaking finding) and to libopenapi-validator's reading of the specs.
func TestEveryDocumentedOutcomeOnDemand(t *testing.T) {
	t.Parallel()
	cap := &capturing{}
	f := startWrapped(t, sandbox.Config{}, func(h http.Handler) http.Handler { cap.next = h; return cap })
	outcomes := f.sb.Outcomes()
	codes, statuses, scenarioValues := 0, 0, 0
	for _, o := range outcomes {
		op, err := f.c.Operation(o.Vendor, o.Operation)
		if err != nil {
			t.Fatal(err)
		}
		r := f.ask(t, op, o.Value)
		what := fmt.Sprintf("%s %s: %s %q", o.Vendor, o.Operation, sandbox.OutcomeHeader, o.Value)
		if o.Status == 0 {
			t.Errorf("%s: Outcomes lists no answer: %s", what, o.From)
			continue
		}
		v := f.c.Judge(contract.Exchange{Method: op.Method, URL: f.srv.URL + op.Path, Path: op.Path, Status: r.status, Header: r.header, Body: r.body},
			contract.JudgeOptions{})
		if v.Operation != op {
			t.Errorf("%s: judged as %v", what, v.Operation)
		}
		for _, fd := range v.Findings {
			if fd.Severity == contract.Breaking {
				t.Errorf("%s: HTTP %d %s: %s", what, r.status, r.body, fd.String())
			}
		}
		if r.status != o.Status || v.Classification.Code != o.Code {
			t.Errorf("%s: HTTP %d code %q, want HTTP %d code %q as listed", what, r.status, v.Classification.Code, o.Status, o.Code)
		}
		kind, val, _ := strings.Cut(strings.Split(o.Value, ";")[0], "=")
		switch kind {
		case "code":
			codes++
			if v.Classification.Code != val {
				t.Errorf("%s: code %q, want %s", what, v.Classification.Code, val)
			}
			if _, st, ok := strings.Cut(o.Value, "status="); ok && fmt.Sprint(r.status) != st {
				t.Errorf("%s: HTTP %d, want %s", what, r.status, st)
			}
		case "status":
			statuses++
			if resp := op.Response(r.status); resp == nil || !strings.EqualFold(resp.Status, val) && fmt.Sprint(r.status) != val {
				t.Errorf("%s: HTTP %d is not the documented status %s", what, r.status, val)
			}
		case "scenario":
			scenarioValues++
			s, sop := scenarioOf(t, o.Vendor, val)
			if want := s.Expected(sop); r.status != want.Status || !sop.Codes.SameCode(want.Code, v.Classification.Code, "") && want.Code != v.Classification.Code {
				t.Errorf("%s: HTTP %d code %q, want the scenario's %d %q", what, r.status, v.Classification.Code, want.Status, want.Code)
			}
		}
	}
	// Every row of every table and every documented status is listed, and so is every scenario.
	want := 0
	for _, v := range f.c.Vendors() {
		for _, op := range v.Operations {
			want += len(op.Codes.Codes)
			for _, key := range op.Statuses() {
				if key != "default" {
					statuses--
				}
			}
			for _, row := range op.Codes.Codes {
				found := false
				for _, o := range outcomes {
					found = found || (o.Operation == op.ID && o.Value == "code="+row.Code)
				}
				if !found {
					t.Errorf("%s: code %s is not listed", op.Name(), row.Code)
				}
			}
		}
		scenarioValues -= len(scenarios(t, v.ID))
	}
	if codes < want || statuses != 0 || scenarioValues != 0 {
		t.Errorf("listed %d code values for %d rows; statuses off by %d, scenarios off by %d", codes, want, statuses, scenarioValues)
	}
	n := validateAnswers(t, f.c, f.root, cap.exchanges())
	t.Logf("%d outcomes asked and judged; libopenapi-validator judged %d answers", len(outcomes), n)
}

// A value that names nothing of the operation is the fixture's own 400, naming what is wrong; a request
// with wrong credentials is refused whatever it asks.
func TestOutcomeOnDemandRefusals(t *testing.T) {
	t.Parallel()
	f := start(t, sandbox.Config{})
	op, _ := f.c.Operation("ekycpro", "idOcrGeneral")
	for _, tc := range []struct{ value, want string }{
		{"code=NO_SUCH_CODE", "has no code NO_SUCH_CODE"},
		{"status=418", "documents no status 418"},
		{"scenario=no-such-scenario", "has no scenario no-such-scenario"},
		{"scenario=success; code=OK", "a scenario is asked alone"},
		{"colour=blue", `colour`},
		{"code=OK; status=401", "is documented with 200, not 401"},
	} {
		r := f.ask(t, op, tc.value)
		if r.status != http.StatusBadRequest || !strings.Contains(string(r.body), tc.want) || !strings.Contains(string(r.body), "kontrak serve") {
			t.Errorf("%q: HTTP %d %s, want the fixture's 400 saying %q", tc.value, r.status, r.body, tc.want)
		}
	}
	other, _ := f.c.Operation("verihubs", "submitExtractKtpAsync")
	if r := f.ask(t, other, "scenario=result-reference-id-ktp"); r.status != http.StatusBadRequest || !strings.Contains(string(r.body), "is of getExtractKtpAsyncResult") {
		t.Errorf("a scenario of another operation: HTTP %d %s", r.status, r.body)
	}
	req := f.rawRequest(t, op, raw{contentType: op.RequestContentType, noAuth: true})
	req.Header.Set(sandbox.OutcomeHeader, "code=OK")
	r := send(t, req)
	if cl := op.Classify(r.status, r.body); r.status/100 == 2 && cl.Code == "OK" {
		t.Errorf("wrong credentials asking for OK got it: HTTP %d %s", r.status, r.body)
	}
	resp, _ := http.Get(f.srv.URL + "/nowhere")
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
}

// A submit of a flow answered on demand still issues an id whose result is its scenario's: the result
// of a submit scenario with sandbox code KTP_B is REFERENCE_ID_KTP_B's.
func TestOutcomeOnDemandKeepsTheFlow(t *testing.T) {
	t.Parallel()
	f := start(t, sandbox.Config{})
	submit, _ := f.c.Operation("verihubs", "submitExtractKtpAsync")
	result, _ := f.c.Operation("verihubs", "getExtractKtpAsyncResult")
	r := f.ask(t, submit, "scenario=submit-ktp-b")
	flow, _ := submit.Flow()
	id, _ := contract.Lookup(r.body, flow.ID.Answer)
	if r.status != 200 || !strings.HasPrefix(fmt.Sprint(id), "kontrak-") {
		t.Fatalf("HTTP %d %s, want the accepted answer with a fresh id", r.status, r.body)
	}
	res := newVerihubsClient(f).result(t, fmt.Sprint(id))
	_, code, _ := result.SandboxEntry("REFERENCE_ID_KTP_B")
	wantOutcome(t, result, res.status, http.Header{"Content-Type": {"application/json"}}, res.body, code.Outcome, "the result of submit-ktp-b asked on demand")
}

package contract_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kontrak/kontrak/contract"
)

// Judge is the one entry that routes, judges, classifies and waives an exchange. Each case says why it
// matters; the expectations are read from the contract, never restated.
func TestJudge(t *testing.T) {
	c := load(t)
	for _, v := range c.Vendors() {
		for _, op := range v.Operations {
			for _, r := range op.Responses {
				for _, ex := range r.Examples {
					st := statusOf(t, r.Status)
					x := contract.Exchange{Method: op.Method, Path: "/prefix" + op.Path, Status: st, Body: ex.Value}
					got := c.Judge(x, contract.JudgeOptions{})
					want, wantCl := op.Judge(st, nil, ex.Value, contract.CheckOptions{})
					if got.Operation != op {
						t.Errorf("%s %s: routed to %v, want %s", op.Name(), ex.Name, got.Operation, op.Name())
						continue
					}
					if got.Classification != wantCl {
						t.Errorf("%s %s: classification %+v, want %+v", op.Name(), ex.Name, got.Classification, wantCl)
					}
					if len(got.Findings) != len(want) {
						t.Errorf("%s %s: %d findings, want Operation.Judge's %d", op.Name(), ex.Name, len(got.Findings), len(want))
					}
					for i, f := range got.Findings {
						if f.Vendor != v.ID || f.Operation != op.ID {
							t.Errorf("%s %s: finding %s carries %s %s, want its vendor and operation", op.Name(), ex.Name, f.ID, f.Vendor, f.Operation)
						}
						if i < len(want) && (f.ID != want[i].ID || f.Pointer != want[i].Pointer) {
							t.Errorf("%s %s: finding %d is %s %s, want %s %s", op.Name(), ex.Name, i, f.ID, f.Pointer, want[i].ID, want[i].Pointer)
						}
					}
				}
			}
		}
	}
}

func statusOf(t *testing.T, key string) int {
	t.Helper()
	switch key = strings.ToUpper(key); {
	case strings.HasSuffix(key, "XX"):
		return int(key[0]-'0')*100 + 22
	case key == "DEFAULT":
		return 500
	}
	var n int
	for _, r := range key {
		n = n*10 + int(r-'0')
	}
	return n
}

func TestJudgeUnrouted(t *testing.T) {
	c := load(t)
	v := c.Judge(contract.Exchange{Method: "GET", Path: "/healthz", Status: 200, Body: []byte(`{}`)}, contract.JudgeOptions{Strict: true})
	if v.Routed() || v.Operation != nil {
		t.Fatalf("GET /healthz routed to %v", v.Operation)
	}
	if len(v.Findings) != 1 || v.Findings[0].ID != contract.RouteUndocumented || v.Findings[0].Severity != contract.Breaking {
		t.Fatalf("findings %+v, want one breaking route-undocumented", v.Findings)
	}
	if v.Findings[0].Actual != "GET /healthz" {
		t.Errorf("route-undocumented says it got %q, want the method and path", v.Findings[0].Actual)
	}
	if v.State() != "drift" || !v.Breaking() {
		t.Errorf("state %s, want drift", v.State())
	}
}

// Strict mode makes notices breaking, but for those the caller accepts; waivers come after strict mode and
// mark what they match, and the verdict says what is left.
func TestJudgeStrictAcceptAndWaive(t *testing.T) {
	c := load(t)
	op, body := successBody(t, c, "advance")
	added := []byte(strings.Replace(string(body), "{", `{"kontrakAdded":1,`, 1))
	x := contract.Exchange{Method: op.Method, Path: op.Path, Status: 200, Header: http.Header{}, Body: added}
	notices := func(v contract.Verdict) (ids []string) {
		for _, f := range v.Findings {
			ids = append(ids, string(f.Severity)+" "+f.ID)
		}
		return ids
	}
	lax := c.Judge(x, contract.JudgeOptions{})
	if lax.State() != "notice" {
		t.Fatalf("an added field: state %s (%v), want notice", lax.State(), notices(lax))
	}
	strict := c.Judge(x, contract.JudgeOptions{Strict: true})
	if strict.State() != "drift" {
		t.Errorf("strict: state %s (%v), want drift", strict.State(), notices(strict))
	}
	accepted := c.Judge(x, contract.JudgeOptions{Strict: true, Accept: []string{contract.FieldUndocumented}})
	if d := cmp.Diff(notices(lax), notices(accepted)); d != "" {
		t.Errorf("strict with the notice accepted must read as lax (-lax +accepted):\n%s", d)
	}
	ws, err := contract.ParseWaivers("w.yaml", []byte(`waivers:
  - {vendor: advance, operation: `+op.ID+`, finding: field-undocumented, pointer: /kontrakAdded, reason: test, ticket: T-1, expires: 2999-01-01}
`))
	if err != nil {
		t.Fatal(err)
	}
	ws.Now = func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }
	waived := c.Judge(x, contract.JudgeOptions{Strict: true, Waivers: ws})
	if waived.Breaking() {
		t.Errorf("waived: still breaking (%v)", notices(waived))
	}
	for _, f := range waived.Findings {
		if f.ID == contract.FieldUndocumented && f.Waived == nil {
			t.Errorf("the waiver did not mark %s", f)
		}
	}
	if ps := ws.Problems(); len(ps) != 0 {
		t.Errorf("a waiver that matched is a problem: %v", ps)
	}
}

func TestFindingString(t *testing.T) {
	f := contract.Finding{ID: "field-missing", Pointer: "", Expected: "field a", Actual: "absent", Source: "page (documented)"}
	if got, want := f.String(), "field-missing at /: want field a, got absent (page (documented))"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}

// A callback is judged through the same entry: its credential, then its body as the answer it carries.
func TestJudgeCallback(t *testing.T) {
	c := load(t)
	for _, v := range c.Vendors() {
		for _, op := range v.Operations {
			for _, cb := range op.Callbacks {
				ex := cb.Body.Examples
				if len(ex) == 0 && cb.Answer != nil {
					for _, r := range cb.Answer.Responses {
						if r.Status == cb.AnswerStatus {
							ex = r.Examples
						}
					}
				}
				if len(ex) == 0 {
					t.Fatalf("%s: no example to judge", cb.Name())
				}
				got := c.Judge(contract.Exchange{Method: "POST", Body: ex[0].Value}, contract.JudgeOptions{Callback: cb})
				if got.Operation != cb.Judged() {
					t.Errorf("%s: judged as %v", cb.Name(), got.Operation)
				}
				want := cb.Check(nil, ex[0].Value, contract.CheckOptions{})
				if len(got.Findings) != len(want) || len(want) == 0 || want[0].ID != contract.CallbackAuthMissing {
					t.Errorf("%s without credential: %v, want Callback.Check's %v (callback-auth-missing first)", cb.Name(), got.Findings, want)
				}
			}
		}
	}
}

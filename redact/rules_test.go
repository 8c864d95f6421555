package redact_test

import (
	"net/textproto"
	"reflect"
	"slices"
	"testing"

	kontrak "github.com/kontrak/kontrak"
	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/redact"
)

func redactContract(t *testing.T) *contract.Contract {
	t.Helper()
	c, err := contract.Load(kontrak.Files)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestRedactRules checks the rules against the specs they are read from: the expectations are computed
// from the contract, so that no vendor fact is restated here.
func TestRedactRules(t *testing.T) {
	c := redactContract(t)
	r := redact.RulesFor(c)
	wantFields := map[string]bool{}
	for _, v := range c.Vendors() {
		for _, op := range v.Operations {
			for _, sc := range op.Security {
				switch {
				case sc.In == "query" && !slices.Contains(r.Query, sc.Header):
					t.Errorf("%s: the query credential %s is not in Query %v", op.Name(), sc.Header, r.Query)
				case sc.In != "query" && !slices.Contains(r.Headers, textproto.CanonicalMIMEHeaderKey(sc.Header)):
					t.Errorf("%s: the credential header %s is not in Headers %v", op.Name(), sc.Header, r.Headers)
				}
				if sc.Type == "http" && sc.Header != "Authorization" {
					t.Errorf("%s: an http scheme travels in %q, want Authorization", op.Name(), sc.Header)
				}
			}
			s := op.Signature
			if s == nil {
				continue
			}
			props, _ := op.RequestSchema["properties"].(map[string]any)
			wantFields[s.Field] = true
			for _, in := range s.Concatenation {
				_, secret := s.Credentials[in]
				_, sent := props[in]
				switch {
				case secret && sent:
					wantFields[in] = true
				case !secret && slices.Contains(r.BodyFields, in):
					t.Errorf("%s: %s is no credential (the timestamp is needed to read a recording), yet it is in BodyFields", op.Name(), in)
				}
			}
		}
	}
	var fields []string
	for f := range wantFields {
		fields = append(fields, f)
	}
	slices.Sort(fields)
	if !reflect.DeepEqual(r.BodyFields, fields) && !(len(fields) == 0 && len(r.BodyFields) == 0) {
		t.Errorf("BodyFields %v, want %v: the signature field and the credential inputs sent in the body", r.BodyFields, fields)
	}
	if len(fields) == 0 {
		t.Error("no spec has a signature: the test has nothing to check BodyFields with")
	}
}

func TestRedactRulesAnswer(t *testing.T) {
	c := redactContract(t)
	answer := redact.RulesFor(c).Answer
	tokens := 0
	for _, v := range c.Vendors() {
		for _, op := range v.Operations {
			var want redact.AnswerRules
			if op.Token != nil {
				want.Secrets = []string{op.Token.TokenPointer}
				tokens++
			}
			want.PII = op.PII
			for _, path := range []string{op.Path, "/prefix/of/a/base/url" + op.Path} {
				if got := answer(op.Method, path); !reflect.DeepEqual(got, want) {
					t.Errorf("%s at %s: %+v, want %+v", op.Name(), path, got, want)
				}
			}
		}
	}
	if tokens == 0 {
		t.Error("no spec has a token: the secrets rule is untested")
	}
	if got := answer("DELETE", "/no/such/operation"); !reflect.DeepEqual(got, redact.AnswerRules{}) {
		t.Errorf("an undocumented request: %+v, want no rules", got)
	}
}

func TestScanRulesPublic(t *testing.T) {
	c := redactContract(t)
	r := redact.ScanRulesFor(c)
	if !reflect.DeepEqual(r.RedactRules.Headers, redact.RulesFor(c).Headers) {
		t.Error("ScanRules must look where RedactRules redact")
	}
	type probe struct {
		reason       string
		method, path string
		value        string
		want         bool
	}
	var probes []probe
	for _, v := range c.Vendors() {
		for _, op := range v.Operations {
			for _, resp := range op.Responses {
				for _, ex := range resp.Examples {
					for ptr := range op.PII {
						if s, ok := contract.Lookup(ex.Value, ptr); ok {
							if str, isString := s.(string); isString && str != "" {
								probes = append(probes, probe{op.Name() + " " + ex.Name + " " + ptr + ": a documented example value is public for its operation",
									op.Method, op.Path, str, true})
							}
						}
					}
					if op.Token != nil {
						if s, ok := contract.Lookup(ex.Value, op.Token.TokenPointer); ok && s != nil {
							probes = append(probes, probe{op.Name() + " " + ex.Name + ": a documented token is public wherever it travels",
								"GET", "/anywhere", s.(string), true})
						}
					}
				}
			}
			if op.Signature != nil {
				for k, val := range op.Signature.KnownAnswer {
					probes = append(probes, probe{op.Name() + " knownAnswer " + k + ": the worked example's values are public",
						"POST", "/anywhere", val, true})
				}
			}
		}
	}
	if len(probes) < 5 {
		t.Fatalf("only %d documented values found: the specs lost their examples?", len(probes))
	}
	probes = append(probes,
		probe{"a value of no document is not public", "POST", "/anywhere", "3171234567890001", false},
		probe{"the empty string is never a document's value", "POST", "/anywhere", "", false},
	)
	// A personal value of one operation's examples is public for that operation only.
	for _, p := range probes {
		if p.want && p.path != "/anywhere" {
			probes = append(probes, probe{"an example's personal value is not public for an undocumented request",
				"DELETE", "/no/such/operation", p.value, false})
			break
		}
	}
	for _, p := range probes {
		if got := r.Public(p.method, p.path, p.value); got != p.want {
			t.Errorf("%s: Public(%s %s) = %v", p.reason, p.method, p.path, got)
		}
	}
}

package sandbox

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kontrak/kontrak/client"
	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/internal/wire"
	"github.com/kontrak/kontrak/scenario"
)

// token is rule 3, the signed token operation (x-kontrak-signature, x-kontrak-token). It checks, in the
// order a server reads such a request: every required field present and not empty; the timestamp within
// the window of Now; each credential input that travels in the body (the access key) equal to the
// configured one; the signature, recomputed with the credentials that do not travel (the secret key). Each
// refusal is the answer of the scenario whose request differs in that way. A request that passes gets a
// new random token, valid for the period x-kontrak-token gives, in the documented success.
func (s *server) token(d *opData, q *request) (*answer, string) {
	op, sig := d.op, d.op.Signature
	props, _ := op.RequestSchema["properties"].(map[string]any)
	travels := func(name string) bool { _, ok := props[name]; return ok }

	required, _ := op.RequestFields()
	for _, name := range required {
		if v, ok := q.field(name); !ok || strings.TrimSpace(v) == "" {
			a, from := s.emptyFieldAnswer(d, name)
			return a, "signature: " + name + " is empty or absent: " + from
		}
	}
	now := s.cfg.Now()
	if ts := timestampInput(sig); ts != "" {
		v, _ := q.field(ts)
		if !inWindow(v, sig, now) {
			a, from := s.fieldAnswer(d, ts)
			return a, fmt.Sprintf("signature: %s outside the window of %s around %s: %s", ts, sig.Window, now.UTC().Format(time.RFC3339), from)
		}
	}
	for _, name := range sig.Concatenation {
		env, isCredential := sig.Credentials[name]
		if !isCredential || !travels(name) {
			continue
		}
		v, _ := q.field(name)
		want := s.cfg.Credentials[env]
		if want == "" || subtle.ConstantTimeCompare([]byte(v), []byte(want)) != 1 {
			return d.refused, "signature: unknown " + name + ": " + d.refusedFrom
		}
	}
	var concat strings.Builder
	complete := true
	for _, name := range sig.Concatenation {
		var v string
		if env, isCredential := sig.Credentials[name]; isCredential && !travels(name) {
			v = s.cfg.Credentials[env]
			complete = complete && v != ""
		} else {
			v, _ = q.field(name)
		}
		concat.WriteString(v)
	}
	got, _ := q.field(sig.Field)
	want := client.Sign(concat.String())
	if !complete || subtle.ConstantTimeCompare([]byte(strings.ToLower(got)), []byte(want)) != 1 {
		a, from := s.wrongSecretAnswer(d)
		return a, "signature: " + sig.Field + " does not verify: " + from
	}

	// The other fields' values (the period) within their documented bounds, by the spec's rows: a value
	// outside them is refused, never clamped.
	signed := func(name string) bool { return name == sig.Field || slices.Contains(sig.Concatenation, name) }
	if v := s.valueViolation(d, q, signed); v != nil {
		if a, why, done := s.violationAnswer(d, v); done {
			return a, "token: " + why
		}
	}
	period := tokenPeriod(op, q)
	tok, err := newToken()
	if err != nil {
		return nil, "token: " + err.Error()
	}
	expires := now.Add(period)
	s.keepToken(op.ID, tok, expires, now)
	a, err := tokenAnswer(op, d.success, tok, expires)
	if err != nil {
		return nil, "token: " + err.Error()
	}
	return a, fmt.Sprintf("signature verified: token issued for %s, until %s (%s)", period, expires.UTC().Format(time.RFC3339), d.successFrom)
}

// timestampInput is the signature input that is the request time (x-kontrak-signature.timestamp).
func timestampInput(sig *contract.Signature) string { return sig.Timestamp }

// inWindow reports whether a timestamp (in the signature's unit and digits) is within the window of now.
// No documented window accepts any well-formed timestamp.
func inWindow(v string, sig *contract.Signature, now time.Time) bool {
	if sig.TimestampDigits > 0 && len(v) != sig.TimestampDigits {
		return false
	}
	t, err := wire.ParseEpoch(v, sig.TimestampUnit)
	if err != nil {
		return false
	}
	w, err := time.ParseDuration(sig.Window)
	if sig.Window == "" || err != nil {
		return true
	}
	diff := now.Sub(t)
	return diff <= w && diff >= -w
}

// tokenPeriod is the validity of a new token: the request's own period (x-kontrak-token.periodField),
// which the value rule has held to its documented bounds, else x-kontrak-token.periodSecond's default.
// Nothing is clamped: a period the spec's rows do not refuse is taken as it is.
func tokenPeriod(op *contract.Operation, q *request) time.Duration {
	sec := op.Token.PeriodSecond["default"]
	if sec <= 0 {
		sec = 3600 // kontrak's choice when a document gives no default; the client assumes an hour too
	}
	if f := periodField(op); f != "" {
		if v, ok := q.field(f); ok {
			if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && n > 0 {
				sec = n
			}
		}
	}
	return wire.SecondsDuration(int64(sec))
}

// periodField is the request field that asks for a validity period (x-kontrak-token.periodField), or "".
func periodField(op *contract.Operation) string { return op.Token.PeriodField }

func newToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

// keepToken remembers an issued token (tokens.go).
func (s *server) keepToken(op, tok string, expires, now time.Time) {
	s.tokens.keep(op, tok, expires, now)
}

// validToken reports whether tok was issued by the token operation op and has not expired.
func (s *server) validToken(op, tok string) bool { return s.tokens.valid(op, tok, s.cfg.Now()) }

// tokenAnswer is the documented success with the token and its expiry at x-kontrak-token's pointers.
func tokenAnswer(op *contract.Operation, success *answer, tok string, expires time.Time) (*answer, error) {
	doc, err := wire.DecodeJSON(success.body)
	if err != nil {
		return nil, fmt.Errorf("%s: the documented success is not JSON: %v", op.Name(), err)
	}
	if doc, err = wire.Set(doc, op.Token.TokenPointer, tok); err != nil {
		return nil, fmt.Errorf("%s: x-kontrak-token: %v", op.Name(), err)
	}
	if op.Token.ExpiryPointer != "" {
		exp := json.Number(wire.FormatEpoch(expires, op.Token.ExpiryUnit))
		if doc, err = wire.Set(doc, op.Token.ExpiryPointer, exp); err != nil {
			return nil, fmt.Errorf("%s: x-kontrak-token: %v", op.Name(), err)
		}
	}
	body, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	return &answer{status: success.status, header: success.header, body: body, from: success.from}, nil
}

// emptyFieldAnswer is the answer to a required field left empty: the scenario that sends that field
// empty, else one that sends any field empty, else the refusal of wrong credentials.
func (s *server) emptyFieldAnswer(d *opData, name string) (*answer, string) {
	empty := func(v any) bool { str, ok := v.(string); return ok && str == "" }
	if sc := d.pick(func(sc *scenario.Scenario) bool { v, ok := sc.Request.Fields[name]; return ok && empty(v) }); sc != nil {
		return s.answers[sc], "scenario " + sc.Name
	}
	if sc := d.pick(func(sc *scenario.Scenario) bool {
		for _, v := range sc.Request.Fields {
			if empty(v) {
				return true
			}
		}
		return false
	}); sc != nil {
		return s.answers[sc], "scenario " + sc.Name
	}
	return d.refused, d.refusedFrom
}

// fieldAnswer is the answer to a field with a wrong value: the scenario that sets that field, else the
// refusal of wrong credentials.
func (s *server) fieldAnswer(d *opData, name string) (*answer, string) {
	if sc := d.pick(func(sc *scenario.Scenario) bool {
		v, ok := sc.Request.Fields[name]
		return ok && fmt.Sprint(v) != ""
	}); sc != nil {
		return s.answers[sc], "scenario " + sc.Name
	}
	return d.refused, d.refusedFrom
}

// wrongSecretAnswer is the answer to a signature that does not verify: the scenario that signs with a
// wrong credential that never travels (the secret key), else one with any wrong credential, else the
// refusal of wrong credentials.
func (s *server) wrongSecretAnswer(d *opData) (*answer, string) {
	props, _ := d.op.RequestSchema["properties"].(map[string]any)
	secret := map[string]bool{}
	for name, env := range d.op.Signature.Credentials {
		if _, travels := props[name]; !travels {
			secret[env] = true
		}
	}
	for _, strict := range []bool{true, false} {
		if sc := d.pick(func(sc *scenario.Scenario) bool {
			for _, w := range sc.Request.Wrong {
				if secret[w] || !strict {
					return true
				}
			}
			return false
		}); sc != nil {
			return s.answers[sc], "scenario " + sc.Name
		}
	}
	return d.refused, d.refusedFrom
}

package contract_test

import (
	"strings"
	"testing"
	"time"

	"github.com/kontrak/kontrak/contract"
)

const waiversYAML = `waivers:
  - vendor: ekycpro
    operation: idOcrGeneral
    finding: error-code-undocumented
    pointer: /status
    reason: ekycpro added QUOTA_EXCEEDED; asked for the table
    ticket: SUP-1
    expires: 2026-03-31
  - vendor: ekycpro
    operation: idOcrGeneral
    finding: field-missing
    pointer: /message/id
    reason: never seen, kept to prove staleness
    link: https://example.invalid/issue/2
    expires: 2026-12-31
`

func at(day string) func() time.Time {
	return func() time.Time {
		t, err := time.Parse("2006-01-02T15:04", day)
		if err != nil {
			panic(err)
		}
		return t
	}
}

// drifted is the answer of a new code with a retyped message: two breaking findings, one of which the first
// waiver matches.
func drifted(t *testing.T) (*contract.Operation, []contract.Finding) {
	t.Helper()
	op, err := load(t).Operation("ekycpro", "idOcrGeneral")
	if err != nil {
		t.Fatal(err)
	}
	fs := op.Check(200, nil, []byte(`{"status": "QUOTA_EXCEEDED", "message": 5}`), contract.CheckOptions{})
	if len(fs) != 2 || fs[0].ID != "type-mismatch" || fs[1].ID != "error-code-undocumented" {
		t.Fatalf("the fixture's findings changed: %+v", fs)
	}
	return op, fs
}

func TestWaiverSuppressesExactlyItsFinding(t *testing.T) {
	ws, err := contract.ParseWaivers("waivers.yaml", []byte(waiversYAML))
	if err != nil {
		t.Fatal(err)
	}
	if err := ws.Check(load(t)); err != nil {
		t.Fatalf("Check: %v", err)
	}
	ws.Now = at("2026-03-31T23:59") // the last day the waiver holds
	_, fs := drifted(t)
	fs = ws.Apply("ekycpro", "idOcrGeneral", fs)
	if fs[0].Waived != nil {
		t.Errorf("type-mismatch at /message was waived by %v: a waiver names one finding", fs[0].Waived)
	}
	if fs[1].Waived == nil || fs[1].Waived.At != "waivers.yaml:2" {
		t.Errorf("error-code-undocumented at /status: waived by %v, want the waiver at waivers.yaml:2", fs[1].Waived)
	}
	if !contract.HasBreaking(fs) {
		t.Error("HasBreaking = false: the unwaived type-mismatch still breaks")
	}
	if contract.HasBreaking(fs[1:]) {
		t.Error("HasBreaking(only the waived finding) = true: a waived finding fails nothing")
	}
	// The same finding on another operation, or at another pointer, is not waived.
	_, other := drifted(t)
	other[1].Pointer = "/code"
	if ws.Apply("ekycpro", "idOcrGeneral", other)[1].Waived != nil {
		t.Error("a waiver matched a finding at another pointer")
	}
	_, other = drifted(t)
	if ws.Apply("advance", "idOcrGeneral", other)[1].Waived != nil {
		t.Error("a waiver matched a finding of another vendor")
	}
	// The first waiver was used; the second matched nothing while its operation was covered: stale.
	ps := ws.Problems()
	if len(ps) != 1 || ps[0].Kind != "stale" || ps[0].Waiver.At != "waivers.yaml:9" {
		t.Fatalf("Problems() = %v, want the second waiver, stale", ps)
	}
	msg := ps[0].Error()
	for _, want := range []string{"waivers.yaml:9", "field-missing", "/message/id", "stale", "ekycpro idOcrGeneral"} {
		if !strings.Contains(msg, want) {
			t.Errorf("problem %q does not name %s", msg, want)
		}
	}
	if strings.Contains(msg, "\n") {
		t.Errorf("problem %q is not one line", msg)
	}
	if ps := ws.Problems("advance"); len(ps) != 0 {
		t.Errorf("Problems(advance) = %v: an ekycpro waiver is not advance's", ps)
	}
}

func TestExpiredWaiverWaivesNothingAndFails(t *testing.T) {
	ws, err := contract.ParseWaivers("waivers.yaml", []byte(waiversYAML))
	if err != nil {
		t.Fatal(err)
	}
	ws.Now = at("2026-04-01T00:00")
	_, fs := drifted(t)
	if ws.Apply("ekycpro", "idOcrGeneral", fs)[1].Waived != nil {
		t.Error("an expired waiver waived a finding")
	}
	ps := ws.Problems()
	if len(ps) != 2 || ps[0].Kind != "expired" || ps[1].Kind != "stale" {
		t.Fatalf("Problems() = %v, want the first expired (it matched, but expired), the second stale", ps)
	}
	if !strings.Contains(ps[0].Error(), "expired") || !strings.Contains(ps[0].Error(), "2026-03-31") {
		t.Errorf("problem %q does not say expired and the date", ps[0])
	}
}

func TestWaiverNotStaleWhenOperationNotCovered(t *testing.T) {
	ws, err := contract.ParseWaivers("waivers.yaml", []byte(waiversYAML))
	if err != nil {
		t.Fatal(err)
	}
	ws.Now = at("2026-01-01T00:00")
	ws.Apply("ekycpro", "somethingElse", nil)
	if ps := ws.Problems(); len(ps) != 0 {
		t.Errorf("Problems() = %v: a run that did not cover idOcrGeneral cannot call its waivers stale", ps)
	}
	var none *contract.Waivers // no --waivers: every method is a no-op
	if fs := none.Apply("x", "y", []contract.Finding{{ID: "field-missing"}}); fs[0].Waived != nil || none.Problems() != nil || none.Check(nil) != nil {
		t.Error("a nil *Waivers did something")
	}
}

func TestParseWaiversErrors(t *testing.T) {
	good := "  - vendor: ekycpro\n    operation: idOcrGeneral\n    finding: field-missing\n    pointer: /a\n    reason: r\n    ticket: T-1\n    expires: 2026-01-31\n"
	for _, tc := range []struct{ reason, in, want string }{
		{"an unknown key", "waivers:\n" + good + "    expiry: 2026-01-01\n", `waivers.yaml:9: unknown key "expiry"`},
		{"a misspelt top-level key", "waiver:\n" + good, `waivers.yaml:1: unknown key "waiver"`},
		{"no reason", "waivers:\n" + strings.Replace(good, "    reason: r\n", "", 1), "waivers.yaml:2: waiver 1: reason is required"},
		{"no pointer", "waivers:\n" + strings.Replace(good, "    pointer: /a\n", "", 1), "waivers.yaml:2: waiver 1: pointer is required"},
		{"a pointer without /", "waivers:\n" + strings.Replace(good, "/a", "a", 1), `pointer "a" is not a JSON Pointer`},
		{"neither link nor ticket", "waivers:\n" + strings.Replace(good, "    ticket: T-1\n", "", 1), "link or ticket is required"},
		{"an unknown finding id", "waivers:\n" + strings.Replace(good, "field-missing", "field-gone", 1), `finding "field-gone" is not a finding id`},
		{"a date that is not one", "waivers:\n" + strings.Replace(good, "2026-01-31", "31/01/2026", 1), `expires "31/01/2026" is not a date YYYY-MM-DD`},
		{"the same finding twice", "waivers:\n" + good + good, "waivers.yaml:9: waiver 2: the same finding is waived at waivers.yaml:2"},
	} {
		_, err := contract.ParseWaivers("waivers.yaml", []byte(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: error %v, want one line containing %q", tc.reason, err, tc.want)
		}
	}
	ws, err := contract.ParseWaivers("waivers.yaml", []byte("waivers:\n"+strings.Replace(good, "idOcrGeneral", "idOcr", 1)))
	if err != nil {
		t.Fatal(err)
	}
	if err := ws.Check(load(t)); err == nil || !strings.Contains(err.Error(), "waivers.yaml:2") || !strings.Contains(err.Error(), "idOcr") {
		t.Errorf("Check of an unknown operation: %v, want an error naming the waiver's line and the operation", err)
	}
	if ws, err := contract.ParseWaivers("empty.yaml", nil); err != nil || len(ws.List) != 0 {
		t.Errorf("an empty file: %v, %v; want no waivers", ws, err)
	}
	if _, err := contract.LoadWaivers("testdata/no-such-waivers.yaml"); err == nil || !strings.Contains(err.Error(), "testdata/no-such-waivers.yaml: ") {
		t.Errorf("LoadWaivers of a missing file: %v", err)
	}
}

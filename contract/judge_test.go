package contract_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/internal/wire"
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

// What the input does not carry is not judged, and is said: a body checked alone has no headers, an
// access-log line no body, an aborted request no answer. Absent where the input carries the place is still
// drift. Every documented example is tried in each shape.
func TestJudgeWhatTheInputCarries(t *testing.T) {
	c := load(t)
	stageOf := map[string]string{}
	for _, r := range contract.Rules() {
		stageOf[r.ID] = r.Stage
	}
	retryAfterSeen := false
	for _, v := range c.Vendors() {
		for _, op := range v.Operations {
			for _, r := range op.Responses {
				for _, ex := range r.Examples {
					st := statusOf(t, r.Status)
					x := contract.Exchange{Method: op.Method, Path: op.Path, Status: st, Body: ex.Value}
					name := op.Name() + " " + ex.Name

					alone := x
					alone.NoHeader = true
					va := c.Judge(alone, contract.JudgeOptions{})
					for _, f := range va.Findings {
						if stageOf[f.ID] == "headers" || f.ID == contract.ContentEncodingUndecodable || f.ID == contract.ContentTypeMismatch {
							t.Errorf("%s checked alone: %s judged a header the input does not carry", name, f)
						}
					}
					if !slices.ContainsFunc(va.NotJudged, func(s string) bool { return strings.HasPrefix(s, "headers: ") }) {
						t.Errorf("%s checked alone: not judged %v, want the headers named", name, va.NotJudged)
					}

					// The same body with headers that lack what its code documents: the input carries the place.
					with := x
					with.Header = http.Header{"Content-Type": {"application/json"}}
					vw := c.Judge(with, contract.JudgeOptions{})
					if len(vw.NotJudged) != 0 {
						t.Errorf("%s with headers: not judged %v, want everything judged", name, vw.NotJudged)
					}
					if code, ok := contract.Lookup(ex.Value, op.Codes.Pointer); ok {
						if row := op.Codes.Lookup(fmt.Sprint(code)); row != nil && row.RetryAfter != nil && row.RetryAfter.Header != "" && row.AllowsStatus(st) {
							retryAfterSeen = true
							if !slices.ContainsFunc(vw.Findings, func(f contract.Finding) bool { return f.ID == contract.HeaderMissing }) {
								t.Errorf("%s with headers but no %s: %v, want header-missing", name, row.RetryAfter.Header, vw.Findings)
							}
						}
					}

					logged := x
					logged.NoBody, logged.Body = true, nil
					vl := c.Judge(logged, contract.JudgeOptions{})
					for _, f := range vl.Findings {
						if s := stageOf[f.ID]; s == "body" || s == "schema" || s == "codes" || s == "ktp" {
							t.Errorf("%s logged without its body: %s judged a body the input does not carry", name, f)
						}
					}
					if len(vl.NotJudged) < 4 {
						t.Errorf("%s logged without its body: not judged %v, want body, schema, codes and KTP", name, vl.NotJudged)
					}
				}
			}
		}
	}
	// Each code whose row documents a delay, on an example of its operation: absent from a header set that
	// is carried, it is header-missing; from a body checked alone, nothing.
	for _, v := range c.Vendors() {
		for _, op := range v.Operations {
			for _, row := range op.Codes.Codes {
				if row.RetryAfter == nil || row.RetryAfter.Header == "" {
					continue
				}
				st := statusOf(t, row.Statuses[0])
				var ex []byte
				for _, r := range op.Responses {
					for _, e := range r.Examples {
						if _, has := contract.Lookup(e.Value, op.Codes.Pointer); has && ex == nil {
							ex = e.Value
						}
					}
				}
				if ex == nil {
					t.Fatalf("%s: no example carries a code", op.Name())
				}
				var doc any
				if err := json.Unmarshal(ex, &doc); err != nil {
					t.Fatal(err)
				}
				doc, _ = wire.Set(doc, op.Codes.Pointer, row.Code)
				if len(row.RetryAfter.Messages) > 0 {
					doc, _ = wire.Set(doc, op.Codes.MessagePointer, row.RetryAfter.Messages[0]) // a message that carries the delay
				}
				body, _ := json.Marshal(doc)
				x := contract.Exchange{Method: op.Method, Path: op.Path, Status: st, Body: body, Header: http.Header{"Content-Type": {"application/json"}}}
				retryAfterSeen = true
				if v := c.Judge(x, contract.JudgeOptions{}); !slices.ContainsFunc(v.Findings, func(f contract.Finding) bool { return f.ID == contract.HeaderMissing }) {
					t.Errorf("%s %s with headers but no %s: %v, want header-missing", op.Name(), row.Code, row.RetryAfter.Header, v.Findings)
				}
				x.NoHeader, x.Header = true, nil
				if v := c.Judge(x, contract.JudgeOptions{}); slices.ContainsFunc(v.Findings, func(f contract.Finding) bool { return f.ID == contract.HeaderMissing }) {
					t.Errorf("%s %s checked alone: %v, want no header-missing (the input carries no headers)", op.Name(), row.Code, v.Findings)
				}
			}
		}
	}
	if !retryAfterSeen {
		t.Error("no code row documents Retry-After: the case is not exercised")
	}
}

// An exchange without a whole answer proves nothing: no finding, an inconclusive verdict, never drift.
func TestJudgeInconclusive(t *testing.T) {
	c := load(t)
	op, body := successBody(t, c, "advance")
	for _, tc := range []struct {
		reason string
		x      contract.Exchange
	}{
		{"a browser HAR's aborted request (status 0)", contract.Exchange{Method: op.Method, Path: op.Path}},
		{"a request marked aborted", contract.Exchange{Method: op.Method, Path: op.Path, Status: 200, Incomplete: contract.Aborted}},
		{"a body cut by the network", contract.Exchange{Method: op.Method, Path: op.Path, Status: 200, Body: body[:len(body)/2], Incomplete: contract.Truncated}},
		// No status line carries these: the number is no status a client got (a NIK written where the status
		// goes came out in status-undocumented's "got").
		{"a status that is a NIK", contract.Exchange{Method: op.Method, Path: op.Path, Status: 3174051201900003, Body: body}},
		{"a negative status", contract.Exchange{Method: op.Method, Path: op.Path, Status: -200, Body: body}},
		{"a status of two digits", contract.Exchange{Method: op.Method, Path: op.Path, Status: 99, Body: body}},
	} {
		v := c.Judge(tc.x, contract.JudgeOptions{Strict: true})
		if v.Inconclusive == "" || len(v.Findings) != 0 || v.State() != "inconclusive" || v.Breaking() || v.Operation != op {
			t.Errorf("%s: %+v, want an inconclusive verdict of %s without findings", tc.reason, v, op.Name())
		}
		if strings.Contains(v.Inconclusive, "3174") {
			t.Errorf("%s: the reason %q prints the status", tc.reason, v.Inconclusive)
		}
	}
}

// A status class covers statuses that cannot carry the documented body: a 2XX documented with a body does
// not make a 204 conform, whatever it carries.
func TestNoContentStatusIsNotTheClass(t *testing.T) {
	c := load(t)
	n := 0
	for _, v := range c.Vendors() {
		for _, op := range v.Operations {
			r := op.Response(204)
			if r == nil || r.ContentType == "" || r.Status == "204" || len(r.Examples) == 0 {
				continue
			}
			n++
			for _, body := range [][]byte{r.Examples[0].Value, nil} {
				fs, _ := op.Judge(204, nil, body, contract.CheckOptions{})
				if !slices.ContainsFunc(fs, func(f contract.Finding) bool {
					return f.ID == contract.StatusUndocumented && f.Severity == contract.Breaking && f.Actual == "204"
				}) {
					t.Errorf("%s: HTTP 204 under %s with %d bytes: %v, want a breaking status-undocumented", op.Name(), r.Status, len(body), fs)
				}
			}
		}
	}
	if n == 0 {
		t.Fatal("no operation documents a 2XX class with a body: the case is not exercised")
	}
}

// A scenario's expected answer is what the documents give: any status of a documented class, and any code
// whose row documents the very message that came (read from the spec, never restated).
func TestSameAnswerAndSameCode(t *testing.T) {
	c := load(t)
	classes, pairs := 0, 0
	for _, v := range c.Vendors() {
		for _, op := range v.Operations {
			for _, r := range op.Responses {
				if !strings.HasSuffix(r.Status, "XX") {
					continue
				}
				classes++
				base := int(r.Status[0]-'0') * 100
				if op.Response(base) == r && op.Response(base+22) == r && !op.SameAnswer(base, base+22) {
					t.Errorf("%s: %d and %d are both %s, want the same answer", op.Name(), base, base+22, r.Status)
				}
				if base == 200 && r.ContentType != "" && op.Response(204) == r && op.SameAnswer(200, 204) {
					t.Errorf("%s: a 204 carries no content, so it is not the documented %s answer", op.Name(), r.Status)
				}
			}
			if op.SameAnswer(200, 599) {
				t.Errorf("%s: 599 is no documented answer of 200", op.Name())
			}
			for _, a := range op.Codes.Codes {
				for _, b := range op.Codes.Codes {
					if a == b {
						continue
					}
					for _, m := range a.Messages {
						if !slices.Contains(b.Messages, m) {
							continue
						}
						pairs++
						if !op.Codes.SameCode(a.Code, b.Code, m) {
							t.Errorf("%s: %s and %s both document %q, want either accepted", op.Name(), a.Code, b.Code, m)
						}
						if op.Codes.SameCode(a.Code, b.Code, m+" (changed)") {
							t.Errorf("%s: %s for %s with another message", op.Name(), b.Code, a.Code)
						}
					}
				}
			}
		}
	}
	if classes == 0 || pairs == 0 {
		t.Fatalf("%d status classes, %d codes sharing a message: the cases are not exercised", classes, pairs)
	}
}

// TestJudgePrintsNoPersonalData: whatever the input quotes at the places findings report on (a member's
// name, an undocumented code, a value outside the KTP vocabulary, a Content-Type or Content-Encoding, an
// undocumented route), the finding is given, and none of its fields carries the personal data or a control
// character (the red team's report-output leaks).
func TestJudgePrintsNoPersonalData(t *testing.T) {
	c := load(t)
	op, err := c.Operation("advance", "ocrKtpCheck")
	if err != nil {
		t.Fatal(err)
	}
	// The documented success, with personal data where findings quote the input.
	var doc map[string]any
	if err := json.Unmarshal(op.Response(200).Examples[0].Value, &doc); err != nil {
		t.Fatal(err)
	}
	data := doc["data"].(map[string]any)
	data["religion"] = "kanari.indah@example.com"
	data["gender"] = "KANARI-INDAH" // a name written as vocabulary words are (the red team's)
	for _, name := range []string{"KANARI INDAH", "3174051201900003", "S0FOQVJJIElOREFI", "a\nb::error", "KANARI_INDAH"} {
		data[name] = "x"
	}
	success, _ := json.Marshal(doc)
	doc["code"] = "KANARI INDAH"
	code, _ := json.Marshal(doc)
	// A code past 80 bytes: its got is cut, and so must its message be (the red team's long code).
	doc["code"] = "KANARI INDAH 3174051201900003 kanari.indah@example.com " + strings.Repeat("x", 72) + " KANARI"
	longCode, _ := json.Marshal(doc)
	jsonType := http.Header{"Content-Type": {"application/json"}}
	for _, tc := range []struct {
		x    contract.Exchange
		want []string
	}{
		{contract.Exchange{Method: op.Method, Path: op.Path, Status: 200, Header: jsonType, Body: success},
			[]string{contract.FieldUndocumented, contract.KTPValueUnusual}},
		{contract.Exchange{Method: op.Method, Path: op.Path, Status: 200, Header: jsonType, Body: code},
			[]string{contract.ErrorCodeUndocumented}},
		{contract.Exchange{Method: op.Method, Path: op.Path, Status: 200, Header: jsonType, Body: longCode},
			[]string{contract.ErrorCodeUndocumented}},
		// A method the input chose (the red team's NIK and name as a method).
		{contract.Exchange{Method: "KANARI INDAH", Path: op.Path, Status: 200, Body: []byte(`{}`)},
			[]string{contract.RouteUndocumented}},
		{contract.Exchange{Method: "3174051201900003", Path: op.Path, Status: 200, Body: []byte(`{}`)},
			[]string{contract.RouteUndocumented}},
		{contract.Exchange{Method: op.Method, Path: op.Path, Status: 200, Body: success,
			Header: http.Header{"Content-Type": {`text/plain; name="KANARI INDAH"; nik=3174051201900003`}}},
			[]string{contract.ContentTypeMismatch}},
		{contract.Exchange{Method: op.Method, Path: op.Path, Status: 200, Body: success,
			Header: http.Header{"Content-Type": {"application/json"}, "Content-Encoding": {"siti-3174051201900003"}}},
			[]string{contract.ContentEncodingUndecodable}},
		{contract.Exchange{Method: op.Method, Path: op.Path, Status: 200, Body: success,
			Header: http.Header{"Content-Type": {"application/json"}, "Content-Encoding": {"KANARI-INDAH"}}},
			[]string{contract.ContentEncodingUndecodable}},
		{contract.Exchange{Method: op.Method, Path: op.Path, Status: 200, Body: success,
			Header: http.Header{"Content-Type": {"KANARI/INDAH"}}},
			[]string{contract.ContentTypeMismatch}},
		{contract.Exchange{Method: "POST", Path: "/ktp/KANARI-INDAH/eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIzMTc0MDUxMjAxOTAwMDAzIn0.sig", Status: 200, Body: []byte(`{}`)},
			[]string{contract.RouteUndocumented}},
	} {
		v := c.Judge(tc.x, contract.JudgeOptions{})
		var ids []string
		for _, f := range v.Findings {
			ids = append(ids, f.ID)
			b, _ := json.Marshal(f)
			for _, s := range []string{f.String(), string(b)} {
				for _, leak := range []string{"KANARI", "kanari", "3174051201900003", "S0FOQVJJIElOREFI", "eyJzdWIi", "\n", `\n`} {
					if strings.Contains(s, leak) {
						t.Errorf("a finding prints %q: %s", leak, s)
					}
				}
			}
		}
		for _, id := range tc.want {
			if !slices.Contains(ids, id) {
				t.Errorf("%s %s: no %s among %v", tc.x.Method, contract.ShownPath(tc.x.Path), id, ids)
			}
		}
	}
}

// TestDocumentedPlacesPrintAsWritten: shaping what may be personal never hides a documented place: every
// pointer of every operation's documented request and answer, and every documented path, prints as it is.
func TestDocumentedPlacesPrintAsWritten(t *testing.T) {
	c := load(t)
	n := 0
	for _, v := range c.Vendors() {
		for _, op := range v.Operations {
			p := c.Privacy(op)
			for _, m := range []map[string]contract.Place{p.Answer, p.Request} {
				for ptr := range m {
					n++
					q := strings.ReplaceAll(ptr, "/*", "/0")
					if got := contract.ShapePointer(q); got != q {
						t.Errorf("%s: the documented %s prints %s", op.Name(), q, got)
					}
				}
			}
			if got := contract.ShownPath(op.Path); got != op.Path {
				t.Errorf("%s: the documented path %s prints %s", op.Name(), op.Path, got)
			}
		}
	}
	if n < 50 {
		t.Fatalf("%d documented pointers: the contract lost its places", n)
	}
}

// ShownMethod prints a registered method as it is and anything else by its shape; shaping a finding twice
// changes nothing (a report merged from shards shapes what it reads again).
func TestShownMethod(t *testing.T) {
	for m, want := range map[string]string{"GET": "GET", "PROPFIND": "PROPFIND", "get": "(a method shaped aaa)",
		"KANARI INDAH": "(a method shaped AAAAAA AAAAA)", "3174051201900003": "(a method shaped 9999999999999999)"} {
		if got := contract.ShownMethod(m); got != want {
			t.Errorf("ShownMethod(%q) = %q, want %q", m, got, want)
		}
	}
	c := load(t)
	for _, m := range []string{"POST", "KANARI INDAH"} {
		v := c.Judge(contract.Exchange{Method: m, Path: "/ktp/3174051201900003", Status: 200}, contract.JudgeOptions{})
		f := v.Findings[0]
		if again := f.Shaped(nil); again.Actual != f.Actual || again.Message != f.Message {
			t.Errorf("%s: shaped twice %q, once %q", m, again.Actual, f.Actual)
		}
	}
}

package sandbox

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/scenario"
)

// OutcomeHeader is the request header that asks the sandbox for one documented answer of the operation,
// whatever the request: so that a team's client can be tested against every answer the specs document,
// the failures no request provokes (a server error, a quota, OCR_NO_RESULT on a clean image) included.
// Only kontrak serve reads it — a vendor ignores a header it does not know — and it is honoured once the
// request's credentials pass (a refused request is refused whatever it asks). Its value is one of:
//
//	scenario=<name>            the answer of a scenario of the operation (suites/<vendor>/scenarios.yaml)
//	code=<CODE>                the answer of a code of the operation's table, on its first status
//	code=<CODE>; status=<n>    the same, on another status its row allows (INTERNAL_SERVER_ERROR 200 or 500)
//	status=<n>                 an answer of a documented status (a class such as 4XX: any status in it)
//
// The answer is the one that scenario, code or status has elsewhere: its scenario's (from its cassette, or
// derived from its recipe), else built from the code table or the documented example, as `make
// cassettes` builds them. An accepted submit of a flow answered so still issues an id (flow.go), whose
// result is the one its scenario's sandbox code names, else the documented success. A value that names
// nothing of the operation is the fixture's own 400, which lists where to find the values: Outcomes
// lists them all, and `kontrak serve --outcomes` prints them.
const OutcomeHeader = "Kontrak-Outcome"

// Outcome is one value of OutcomeHeader for one operation, and what it answers.
type Outcome struct {
	Vendor, Operation string
	// Value is the header's value: "scenario=…", "code=…", "code=…; status=…" or "status=…".
	Value string
	// Status and Code are the answer's.
	Status int
	Code   string
	// From says where the answer comes from (a scenario, a cassette, the code table, an example).
	From string
}

// Outcomes lists every value OutcomeHeader takes, operation by operation in the specs' order: every
// scenario, every code of every table on each status its row allows, and every documented status.
func (sb *Sandbox) Outcomes() []Outcome {
	s := sb.s
	var out []Outcome
	for _, v := range s.c.Vendors() {
		for _, op := range v.Operations {
			d := s.ops[op]
			add := func(value string) {
				a, from, err := s.outcome(d, value)
				o := Outcome{Vendor: v.ID, Operation: op.ID, Value: value, From: from}
				if err == nil && a != nil {
					o.Status, o.Code = a.status, op.Classify(a.status, a.body).Code
				} else if err != nil {
					o.From = err.Error()
				}
				out = append(out, o)
			}
			for _, sc := range d.scenarios {
				add("scenario=" + sc.Name)
			}
			for _, row := range op.Codes.Codes {
				for i, st := range concreteStatuses(row.Statuses) {
					if i == 0 {
						add("code=" + row.Code)
					} else {
						add(fmt.Sprintf("code=%s; status=%d", row.Code, st))
					}
				}
			}
			for _, key := range op.Statuses() {
				if key == "default" {
					continue
				}
				add("status=" + key)
			}
		}
	}
	return out
}

// onDemand answers a request that carries OutcomeHeader.
func (s *server) onDemand(w http.ResponseWriter, r *http.Request, d *opData, asked []string) {
	if len(asked) > 1 {
		s.fixtureError(w, r, http.StatusBadRequest, fmt.Sprintf("kontrak serve: %s given %d times: ask for one outcome a request", OutcomeHeader, len(asked)))
		return
	}
	a, from, err := s.outcome(d, asked[0])
	if err != nil {
		s.fixtureError(w, r, http.StatusBadRequest, fmt.Sprintf("kontrak serve: %s %q: %v (kontrak serve --outcomes lists every value)", OutcomeHeader, asked[0], err))
		return
	}
	why := fmt.Sprintf("on demand (%s: %s): %s", OutcomeHeader, asked[0], from)
	var sub *submission
	if d.flow != nil && a.status/100 == 2 {
		result := ""
		if sc := s.askedScenario(d, asked[0]); sc != nil && sc.Sandbox != "" {
			if _, code, ok := d.op.SandboxEntry(sc.Sandbox); ok && code.Result != "" {
				fields := func(name string) (string, bool) {
					v, ok := sc.Request.Fields[name]
					return fmt.Sprint(v), ok
				}
				result = d.flow.ResultCode(code.Result, fields)
			}
		}
		a, why, sub = s.remember(d, a, why, result, nil, nil)
		if a == nil {
			s.fixtureError(w, r, http.StatusInternalServerError, "kontrak serve: "+why)
			return
		}
	}
	s.send(w, r, d.op, a, why)
	if sub != nil && len(d.op.Callbacks) > 0 {
		// The callback URL travels in the body, which an outcome on demand does not read: none is posted.
		s.note("kontrak serve: %s: answered on demand: no callback is posted for %s", d.op.Name(), sub.id)
	}
}

// askedScenario is the scenario a header value names, or nil.
func (s *server) askedScenario(d *opData, value string) *scenario.Scenario {
	name, ok := strings.CutPrefix(strings.TrimSpace(value), "scenario=")
	if !ok {
		return nil
	}
	return s.byName[d.op.Vendor.ID+"/"+strings.TrimSpace(name)]
}

// outcome is the answer a header value asks for, where it comes from, or why the value names nothing.
func (s *server) outcome(d *opData, value string) (*answer, string, error) {
	op := d.op
	var scName, code, status string
	for _, kv := range strings.Split(value, ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(kv), "=")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		switch {
		case !ok || v == "":
			return nil, "", fmt.Errorf("want scenario=NAME, code=CODE[; status=N] or status=N")
		case k == "scenario" && scName == "":
			scName = v
		case k == "code" && code == "":
			code = v
		case k == "status" && status == "":
			status = v
		default:
			return nil, "", fmt.Errorf("%q: want scenario=NAME, code=CODE[; status=N] or status=N", k)
		}
	}
	switch {
	case scName != "" && (code != "" || status != ""):
		return nil, "", fmt.Errorf("a scenario is asked alone: its code and status are its own")
	case scName != "":
		sc := s.byName[op.Vendor.ID+"/"+scName]
		if sc == nil {
			return nil, "", fmt.Errorf("%s has no scenario %s", op.Vendor.ID, scName)
		}
		if sc.Operation != op.ID {
			return nil, "", fmt.Errorf("scenario %s is of %s, not of %s", scName, sc.Operation, op.ID)
		}
		a := s.answers[sc]
		return a, "scenario " + sc.Name + " (" + a.from + ")", nil
	}
	st := 0
	if status != "" {
		r, n := s.documentedStatus(op, status)
		if r == nil {
			return nil, "", fmt.Errorf("%s documents no status %s (documented: %s)", op.Name(), status, strings.Join(op.Statuses(), ", "))
		}
		st = n
	}
	if code != "" {
		row := op.Codes.Lookup(code)
		if row == nil {
			return nil, "", fmt.Errorf("%s has no code %s in its table", op.Name(), code)
		}
		if st == 0 {
			st = firstStatus(row)
		}
		if !row.AllowsStatus(st) {
			return nil, "", fmt.Errorf("code %s is documented with %s, not %d", code, strings.Join(row.Statuses, ", "), st)
		}
		a, from := s.codeStatusAnswer(d, code, st)
		if a == nil {
			return nil, "", fmt.Errorf("no answer can be built: %s", from)
		}
		return a, from, nil
	}
	a, from := s.statusAnswer(d, st)
	if a == nil {
		return nil, "", fmt.Errorf("no answer of HTTP %d can be built from the data: %s", st, from)
	}
	return a, from, nil
}

// documentedStatus reads a status of the header: a number the operation documents (exactly or by its
// class), or a documented class key itself ("4XX", standing for its first status).
func (s *server) documentedStatus(op *contract.Operation, status string) (*contract.Response, int) {
	key := strings.ToUpper(status)
	if len(key) == 3 && strings.HasSuffix(key, "XX") && key[0] >= '1' && key[0] <= '5' {
		for _, r := range op.Responses {
			if strings.ToUpper(r.Status) == key {
				return r, int(key[0]-'0') * 100
			}
		}
		return nil, 0
	}
	n, err := strconv.Atoi(status)
	if err != nil || n < 100 || n > 599 {
		return nil, 0
	}
	if r := op.Response(n); r != nil && r.Status != "default" {
		return r, n
	}
	return nil, 0
}

// codeStatusAnswer is the answer of a code on a status: the scenario that expects both (one whose request
// has nothing but an image, when there is one), else derived from the code table.
func (s *server) codeStatusAnswer(d *opData, code string, st int) (*answer, string) {
	sc := d.pickBy(func(sc *scenario.Scenario) bool {
		e := sc.Expected(d.op)
		return e.Code == code && e.Status == st
	}, requestPenalty)
	if sc != nil {
		return s.answers[sc], "scenario " + sc.Name
	}
	a, err := deriveCode(d.op, code, st, nil)
	if err != nil {
		return nil, err.Error()
	}
	return a, a.from
}

// statusAnswer is an answer of a documented status: the scenario that expects it without a code, else one
// that expects it with one; else the response's documented example; else a code of the table on it;
// else, for a status documented with the body of another (Verihubs' 201, the 200's schema), that one's.
func (s *server) statusAnswer(d *opData, st int) (*answer, string) {
	return s.statusAnswerOf(d, st, true)
}

// statusAnswerOf is statusAnswer; borrow says whether another status's body may stand in (once: a
// borrowed answer borrows nothing further).
func (s *server) statusAnswerOf(d *opData, st int, borrow bool) (*answer, string) {
	op := d.op
	for _, codeless := range []bool{true, false} {
		if sc := d.pickBy(func(sc *scenario.Scenario) bool {
			e := sc.Expected(op)
			return e.Status == st && (e.Code == "") == codeless
		}, requestPenalty); sc != nil {
			return s.answers[sc], "scenario " + sc.Name
		}
	}
	r := op.Response(st)
	if a := exampleOf(r, st); a != nil {
		return a, "example " + r.Examples[0].Name + " of " + op.Name()
	}
	for _, row := range op.Codes.Codes {
		if row.AllowsStatus(st) {
			a, err := deriveCode(op, row.Code, st, nil)
			if err == nil {
				return a, a.from
			}
		}
	}
	for _, other := range op.Responses {
		if !borrow || other == r || other.SchemaFile == "" || other.SchemaFile != r.SchemaFile {
			continue
		}
		n, err := strconv.Atoi(other.Status)
		if err != nil {
			continue
		}
		if a, from := s.statusAnswerOf(d, n, false); a != nil {
			return &answer{status: st, header: a.header, body: a.body, from: a.from},
				fmt.Sprintf("the body of HTTP %s, documented for %d too (%s)", other.Status, st, from)
		}
	}
	return nil, "no scenario, example or code of the status"
}

// exampleOf is a response's first documented example, as an answer of status st.
func exampleOf(r *contract.Response, st int) *answer {
	if r == nil || len(r.Examples) == 0 {
		return nil
	}
	body := r.Examples[0].Value
	if b, err := compact(body); err == nil {
		body = b
	}
	return &answer{status: st, header: http.Header{"Content-Type": {"application/json"}}, body: body, from: "example " + r.Examples[0].Name}
}

// concreteStatuses lists a code row's statuses, a class such as 4XX as its first status (400), each once.
func concreteStatuses(keys []string) []int {
	var out []int
	seen := map[int]bool{}
	for _, k := range keys {
		row := &contract.Code{Statuses: []string{k}}
		n := firstStatus(row)
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	sort.Ints(out[min(1, len(out)):]) // the first stays first: it is the row's own
	return out
}

package sandbox

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"sync"

	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/internal/wire"
	"github.com/kontrak/kontrak/specimen"
)

// The asynchronous flow (x-kontrak-flow, Verihubs' submit and result): an accepted submit answers an id
// this server issued (or the client's own, where the flow lets a client name one), and the server
// remembers which result that submission gets:
//
//   - a submit with a sandbox code answers later the result code its table names (x-kontrak-sandbox
//     result), changed by the flow's switches the request sets (validate_quality: the _V codes);
//   - a submit with a picture (a production request) answers later the result operation's documented
//     success;
//   - a submit answered on demand (Kontrak-Outcome) answers later what its scenario's sandbox code names,
//     else the documented success.
//
// The result operation, asked with that id, answers that result (the rule before the sandbox tables); the
// callback of the submit carries the same answer. Ids are "kontrak-<run>-<n>": <run> is random per server
// (crypto/rand), <n> counts from 1, so an id is never issued twice. The server remembers MaxFlows
// submissions, forgetting the oldest first: an id it forgot answers as an id it never issued.

// DefaultMaxFlows is the number of submissions remembered when Config.MaxFlows is zero: each costs its id
// and its result code, about 100 bytes.
const DefaultMaxFlows = 100_000

// flows is the state of every flow of the server.
type flows struct {
	run string
	max int

	mu      sync.Mutex
	next    uint64
	entries map[flowKey]submission
	order   []flowKey // the keys in the order they were issued, for forgetting the oldest
}

type flowKey struct {
	op *contract.Operation // the result operation
	id string
}

// submission is what the server remembers of an accepted submit: the result code of the result
// operation's sandbox table it answers, or "" for its documented success.
type submission struct {
	op     *contract.Operation // the result operation
	id     string
	result string
	mark   *specimen.Mark // the marked specimen submitted, read by rule 7 into the success; nil: none
}

// shownID is a flow's id as a log line prints it: one this server issued as it is; a client's own (a
// Production App-ID's client names its ids: a name, a NIK) by its shape.
func (f *flows) shownID(id string) string {
	if strings.HasPrefix(id, "kontrak-"+f.run+"-") {
		return id
	}
	return contract.ShownName(id)
}

func newFlows(max int) (*flows, error) {
	if max <= 0 {
		max = DefaultMaxFlows
	}
	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		return nil, fmt.Errorf("sandbox: a run id for the flows: %v", err)
	}
	return &flows{run: hex.EncodeToString(b), max: max, entries: map[flowKey]submission{}}, nil
}

// issue remembers a submission under a fresh id.
func (f *flows) issue(op *contract.Operation, result string, mk *specimen.Mark) submission {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.next++
	sub := submission{op: op, id: fmt.Sprintf("kontrak-%s-%d", f.run, f.next), result: result, mark: mk}
	f.keep(sub)
	return sub
}

// claim remembers a submission under the client's own id; false when that id is already taken.
func (f *flows) claim(op *contract.Operation, id, result string, mk *specimen.Mark) (submission, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, taken := f.entries[flowKey{op, id}]; taken {
		return submission{}, false
	}
	sub := submission{op: op, id: id, result: result, mark: mk}
	f.keep(sub)
	return sub, true
}

func (f *flows) keep(sub submission) {
	k := flowKey{sub.op, sub.id}
	f.entries[k] = sub
	f.order = append(f.order, k)
	for len(f.order) > f.max {
		delete(f.entries, f.order[0])
		f.order = f.order[1:]
	}
}

func (f *flows) lookup(op *contract.Operation, id string) (submission, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	sub, ok := f.entries[flowKey{op, id}]
	return sub, ok
}

// submit finishes an accepted answer of a flow's submit: the id it names is one this server issued (or
// the client's own), and the submission is remembered with the result it gets. Any other answer, of any
// other operation, is returned as it is, with no submission.
func (s *server) submit(d *opData, q *request, a *answer, why string, mk *specimen.Mark) (*answer, string, *submission) {
	if d.flow == nil || a.status/100 != 2 {
		return a, why, nil
	}
	return s.remember(d, a, why, s.resultOf(d, q), q.field, mk)
}

// remember issues the id of an accepted submit whose result is result, and sets it in the answer. field
// reads the request's own fields (the client's id); nil when there are none to read.
func (s *server) remember(d *opData, a *answer, why, result string, field func(string) (string, bool), mk *specimen.Mark) (*answer, string, *submission) {
	f := d.flow
	resultOp := f.ResultOperation()
	var sub submission
	own := ""
	if field != nil && f.ID.Field != "" {
		if v, ok := field(f.ID.Field); ok && v != "" && !isSandboxCode(d.op, f.ID.Field, v) {
			own = v // the client names its id (a Production App-ID's client)
		}
	}
	if own != "" {
		var ok bool
		if sub, ok = s.flows.claim(resultOp, own, result, mk); !ok {
			ea, from := s.codeAnswer(d, f.ID.Exists)
			if f.ID.Exists == "" || ea == nil {
				return nil, "flow: the request names an id already used, and x-kontrak-flow says no code for it", nil
			}
			return ea, fmt.Sprintf("flow: %s names an id already used (%s): %s", f.ID.Field, f.ID.Exists, from), nil
		}
	} else {
		sub = s.flows.issue(resultOp, result, mk)
	}
	doc, err := wire.DecodeJSON(a.body)
	if err == nil {
		doc, err = wire.Set(doc, f.ID.Answer, sub.id)
	}
	var body []byte
	if err == nil {
		body, err = json.Marshal(doc)
	}
	if err != nil {
		return nil, fmt.Sprintf("flow: the accepted answer (%s) cannot carry the id at %s: %v", a.from, f.ID.Answer, err), nil
	}
	out := &answer{status: a.status, header: a.header, body: body, from: a.from}
	return out, fmt.Sprintf("%s; flow: %s issued, its result %s", why, s.flows.shownID(sub.id), resultName(sub)), &sub
}

// resultOf is the result code a submission gets: its sandbox code's (x-kontrak-sandbox result), changed
// by the flow's switches; "" (the documented success) for a production request or a code that names none.
func (s *server) resultOf(d *opData, q *request) string {
	if q.picture(d.op) {
		return ""
	}
	result := ""
	for _, sp := range d.op.Sandbox {
		v, ok := q.param(sp.Parameter.In, sp.Parameter.Name)
		if !ok {
			continue
		}
		for _, c := range sp.Codes {
			if c.Value == v && c.Result != "" {
				result = c.Result
			}
		}
	}
	if result == "" {
		return ""
	}
	return d.flow.ResultCode(result, q.field)
}

func resultName(sub submission) string {
	if sub.result == "" {
		return "is the documented success"
	}
	return "is sandbox code " + sub.result
}

// result is the flow's rule on the result operation: a request that names an id this server issued gets
// the result of that submission.
func (s *server) result(d *opData, q *request) (*answer, string, bool) {
	if d.resultOf == nil {
		return nil, "", false
	}
	p := d.resultOf.ID.Parameter
	in := "body"
	for _, param := range d.op.Parameters {
		if param.Name == p {
			in = param.In
		}
	}
	id, ok := q.param(in, p)
	if !ok || id == "" {
		return nil, "", false
	}
	sub, ok := s.flows.lookup(d.op, id)
	if !ok {
		return nil, "", false
	}
	a, from := s.resultAnswer(d, sub)
	return a, fmt.Sprintf("flow: %s %s: %s", p, s.flows.shownID(sub.id), from), true
}

// resultAnswer is the result operation's answer of a submission.
func (s *server) resultAnswer(d *opData, sub submission) (*answer, string) {
	if sub.result == "" && sub.mark != nil && d.op.Canonical != nil {
		return s.readSpecimen(d, d.success, sub.mark) // reader.go: rule 7
	}
	if sub.result == "" {
		return d.success, "the documented success (" + d.successFrom + ")"
	}
	_, code, ok := d.op.SandboxEntry(sub.result)
	if !ok {
		return nil, "sandbox code " + sub.result + " is not in the table"
	}
	a, from := s.sandboxAnswer(d, code)
	return a, "sandbox code " + sub.result + ": " + from
}

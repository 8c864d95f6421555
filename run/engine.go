package run

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/kontrak/kontrak/client"
	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/internal/wire"
	"github.com/kontrak/kontrak/redact"
	"github.com/kontrak/kontrak/scenario"
)

// Mode is how a run reaches the vendor.
type Mode string

const (
	Replay Mode = "replay" // strict replay of cassettes/: no network, no credentials (the default)
	Live   Mode = "live"   // the vendor's sandbox or production, over real HTTP
	Record Mode = "record" // live, and each scenario's cassette rewritten, redacted, atomically
	Derive Mode = "derive" // cassettes rebuilt from the specs' examples and tables (make cassettes)
)

// Engine is everything a run needs besides the scenario: an explicit configuration, never read from the
// environment (FromEnvironment and ConfigureLive build one from it, for the suites).
type Engine struct {
	Contract *contract.Contract
	// Cassettes is the cassette directory (cassettes/).
	Cassettes string
	// Root, when set, is the repository root: messages and report entries name files under it by their
	// path relative to it (cassettes/advance/ocr-success.yaml), never by an absolute build path.
	Root string
	Mode Mode
	// BaseURL is the vendor's base URL (live, record); replay and derive use the first documented server.
	BaseURL string
	// Credentials by environment variable name (live, record); replay sends placeholders.
	Credentials map[string]string
	// Transport reaches the vendor in live and record modes (nil: http.DefaultTransport).
	Transport http.RoundTripper
	// Client is shared by the scenarios of a live run, so that a token is fetched once; nil: one a scenario.
	Client *client.Client
	// Budget, when set, bounds the billable calls of a live run; Retry says how to retry rate limits.
	Budget *Budget
	Retry  Retry
	// Timeout bounds each call (zero: the client's default).
	Timeout time.Duration
	// Today dates live recordings (YYYY-MM-DD).
	Today string
	// Strict counts notices (an unknown field, a changed message) as breaking.
	Strict bool
	// Redact is how recorded cassettes are redacted (record and derive modes); nil: not at all.
	Redact *redact.RedactRules
	// Waivers accept known drift (waivers.yaml); nil: none. A waived finding is kept, marked, and fails
	// nothing.
	Waivers *contract.Waivers
	// ReplaceLive lets a recording from a local or another host (its provenance says host=local or
	// host=undocumented) replace a cassette recorded live from the vendor (KONTRAK_REPLACE_LIVE=1).
	ReplaceLive bool
}

// Exchange is one interaction of a run, as the recorder reads it, with what the contract found in it.
type Exchange struct {
	contract.Exchange
	Operation *contract.Operation
	Findings  []contract.Finding
	// Billing is what the answer costs, as the contract classifies it.
	Billing contract.Classification
}

// Result is the outcome of one scenario.
type Result struct {
	Scenario  *scenario.Scenario
	Operation *contract.Operation
	Cassette  string
	Exchanges []Exchange
	// Expected is the documented outcome; Got what the answer was.
	Expected         contract.Outcome
	ExpectedBillable bool
	Got              contract.Classification
	// Failures are the assertion failures, each a line that says where: vendor, operation, scenario,
	// cassette and interaction, JSON Pointer, want vs got.
	Failures []string
	// Err is a run that got no answer to judge (a cassette miss, a fault of the client, the budget).
	Err error
	// Inconclusive, in live and record modes, says why the run proved nothing either way: the connection
	// broke or timed out before the whole answer came (a transport failure, never vendor drift). Such a
	// scenario fails nothing; a live run of nothing but such scenarios fails as one that proved nothing.
	Inconclusive string
	// Waived are the findings a waiver accepted, each with a line like a failure's.
	Waived []Waived

	root string
}

// Waived is a finding a waiver accepted.
type Waived struct {
	Interaction int
	Finding     contract.Finding
	Line        string
}

// CassetteName is the cassette's path as messages and reports show it: relative to the engine's Root
// when it lies under it.
func (r *Result) CassetteName() string {
	if r.root != "" {
		if rel, err := filepath.Rel(r.root, r.Cassette); err == nil && !strings.HasPrefix(rel, "..") {
			return filepath.ToSlash(rel)
		}
	}
	return r.Cassette
}

// Failed reports whether the scenario failed.
func (r *Result) Failed() bool { return r.Err != nil || len(r.Failures) > 0 }

// Breaking counts breaking findings; Notices counts notices.
func (r *Result) Breaking() int { return r.count(contract.Breaking) }
func (r *Result) Notices() int  { return r.count(contract.Notice) }

func (r *Result) count(s contract.Severity) int {
	n := 0
	for _, x := range r.Exchanges {
		for _, f := range x.Findings {
			if f.Severity == s && f.Waived == nil {
				n++
			}
		}
	}
	return n
}

// Billed reports whether the scenario's calls would be billed: any exchange classified billable.
func (r *Result) Billed() bool {
	for _, x := range r.Exchanges {
		if x.Billing.Billable {
			return true
		}
	}
	return false
}

// Message is the whole failure, one line per problem.
func (r *Result) Message() string {
	var lines []string
	if r.Err != nil {
		lines = append(lines, r.where(-1)+": "+oneLine(r.Err.Error()))
	}
	lines = append(lines, r.Failures...)
	return strings.Join(lines, "\n")
}

func (r *Result) where(interaction int) string {
	s := fmt.Sprintf("%s %s scenario %s, cassette %s", r.Scenario.Vendor(), r.Scenario.Operation, r.Scenario.Name, r.CassetteName())
	if interaction >= 0 {
		s += fmt.Sprintf(" interaction %d", interaction)
	}
	return s
}

func (r *Result) failf(interaction int, format string, a ...any) {
	r.Failures = append(r.Failures, r.where(interaction)+": "+fmt.Sprintf(format, a...))
}

// Run sends the scenario's request through the mode's strategy and judges every interaction.
func (e *Engine) Run(ctx context.Context, s *scenario.Scenario) *Result {
	v := e.Contract.Vendor(s.Vendor())
	op := v.Operation(s.Operation)
	res := &Result{Scenario: s, Operation: op, Cassette: s.CassetteFile(e.Cassettes), Expected: s.Expected(op), root: e.Root}
	if row := op.Codes.Lookup(res.Expected.Code); row != nil {
		res.ExpectedBillable = row.Billable
	} else {
		res.ExpectedBillable, _ = op.Billing.ByStatus(res.Expected.Status)
	}
	req, err := e.request(s, op)
	if err != nil {
		res.Err = err
		return res
	}
	call := &call{e: e, s: s, v: v, op: op, cassette: res.Cassette}
	st, err := e.strategy(call)
	if err != nil {
		res.Err = err
		return res
	}
	cap := &capture{}
	cl, err := st.open(call, cap)
	if err != nil {
		res.Err = err
		return res
	}
	resp, err := cl.Do(ctx, req)
	if ferr := st.close(err == nil && resp != nil); ferr != nil && err == nil {
		err = ferr
	}
	e.judge(res, cap.seen())
	var limited *RateLimited
	if call.live != nil {
		limited = call.live.rateLimited()
	}
	if err != nil {
		if why := transportFailure(err); why != "" && (e.Mode == Live || e.Mode == Record) {
			res.Inconclusive = why
			return res
		}
		if limited != nil { // the token call was rate-limited for longer than the run waits
			res.Inconclusive, res.Failures = limited.String(), nil
			return res
		}
		res.Err = err
		return res
	}
	e.assert(res, resp)
	if limited != nil && res.Failed() {
		// The vendor asked for a longer wait than the run allows: the answer it gave instead of the one
		// documented proves nothing either way (a scenario that expects the rate limit passes).
		res.Inconclusive, res.Failures = limited.String(), nil
	}
	return res
}

// judge asks the contract about every interaction the run saw, the token call included. In strict mode
// the notices the scenario expects, because a contradiction of the vendor's document records them
// (scenario.Expect.Notices), stay notices.
func (e *Engine) judge(res *Result, seen []contract.Exchange) {
	opts := contract.JudgeOptions{Strict: e.Strict, Waivers: e.Waivers}
	if res.Scenario != nil && res.Scenario.Expect != nil {
		opts.Accept = res.Scenario.Expect.Notices
	}
	for _, x := range seen {
		// A cassette is kontrak's own (derived from the documents, or recorded live and redacted): its
		// personal values are synthetic. A live answer's are not.
		x.Synthetic = e.Mode == Replay || e.Mode == Derive
		v := e.Contract.Judge(x, opts)
		if v.Routed() {
			res.Exchanges = append(res.Exchanges, Exchange{Exchange: x, Operation: v.Operation, Findings: v.Findings, Billing: v.Classification})
		}
		for _, f := range v.Findings {
			if f.Waived != nil {
				res.Waived = append(res.Waived, Waived{x.ID, f, res.where(x.ID) + ": " + f.String()})
				continue
			}
			if f.Severity == contract.Breaking {
				res.failf(x.ID, "%s", f.String())
			}
		}
	}
}

// assert compares the scenario's answer with its documented outcome.
func (e *Engine) assert(res *Result, resp *client.Response) {
	op := res.Operation
	last := len(res.Exchanges) - 1
	if last < 0 || res.Exchanges[last].Operation != op {
		res.failf(-1, "no answer of %s was seen", op.Name())
		return
	}
	at := res.Exchanges[last].ID
	res.Got = res.Exchanges[last].Billing
	want := res.Expected
	// The answer the documents give: a status of the documented class (a live 201 or 422 where the document
	// says 2XX or 4XX), a code whose row documents the same message (a message listed under two codes).
	if !op.SameAnswer(want.Status, resp.Status) {
		res.failf(at, `HTTP status at /: want %d, got %d`, want.Status, resp.Status)
	}
	msg, _ := contract.Lookup(resp.Body, op.Codes.MessagePointer)
	text, _ := msg.(string)
	if !op.Codes.SameCode(want.Code, res.Got.Code, text) {
		res.failf(at, "code at %s: want %s, got %s", wire.Display(op.Codes.Pointer), orNone(want.Code), orNone(res.Got.Code))
	}
	for ptr, wantVal := range want.Body {
		got, ok := contract.Lookup(resp.Body, ptr)
		if !ok || fmt.Sprint(got) != fmt.Sprint(wantVal) {
			res.failf(at, "sandbox outcome at %s: want %v, got %v", ptr, wantVal, describe(got, ok))
		}
	}
	// The billing expected is the table's; a flag may say otherwise only where the table allows it
	// (the contract reports billing-flag-mismatch then). Without a flag, the classification must agree.
	if res.Got.Known && res.Got.Flag == "" && res.Got.Billable != res.ExpectedBillable && res.Got.Code == want.Code {
		res.failf(at, "billing at %s: want billable=%v by the table, got %v", wire.Display(op.Billing.Pointer), res.ExpectedBillable, res.Got.Billable)
	}
}

// request builds the client request of a scenario.
func (e *Engine) request(s *scenario.Scenario, op *contract.Operation) (client.Request, error) {
	r := client.Request{Operation: s.Operation, Fields: map[string]any{}, ImageContentType: s.Request.ImageContentType}
	for k, v := range s.Request.Fields {
		r.Fields[k] = v
	}
	if s.Sandbox != "" {
		p, sc, _ := op.SandboxEntry(s.Sandbox)
		imgField, _ := op.ImageField()
		if p.Parameter.Name == imgField {
			val := sc.Value
			r.ImageRaw = &val
		} else {
			r.Fields[p.Parameter.Name] = sc.Value
		}
	}
	if s.Request.ImageRaw != nil {
		r.ImageRaw = s.Request.ImageRaw
	}
	if img := s.Request.Image; img != nil {
		if img.Corrupt {
			c := corruptBase64()
			r.ImageRaw = &c
		} else {
			b, err := Picture(*img)
			if err != nil {
				return r, fmt.Errorf("%s scenario %s: image: %w", s.Vendor(), s.Name, err)
			}
			r.Image = b
		}
	}
	switch s.Request.Auth {
	case "wrong-credentials":
		r.Credentials = map[string]string{}
		for _, name := range e.Contract.Vendor(s.Vendor()).CredentialVars() {
			r.Credentials[name] = "kontrak-wrong-credential"
		}
	case "wrong-token":
		r.NoToken, r.TokenValue = true, "kontrak-wrong-token"
	}
	for _, name := range s.Request.Wrong {
		if r.Credentials == nil {
			r.Credentials = map[string]string{}
		}
		r.Credentials[name] = "kontrak-wrong-credential"
	}
	return r, nil
}

// capture remembers every exchange that passes through it, bodies included, numbered in order.
type capture struct {
	next http.RoundTripper
	mu   sync.Mutex
	got  []contract.Exchange
}

func (c *capture) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, body, err := wire.RoundTripWhole(c.next, r)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.got = append(c.got, contract.Exchange{ID: len(c.got), Method: r.Method, URL: r.URL.String(), Path: r.URL.Path,
		RequestHeader: r.Header, Status: resp.StatusCode, Header: resp.Header, Body: body})
	c.mu.Unlock()
	return resp, nil
}

func (c *capture) seen() []contract.Exchange {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]contract.Exchange(nil), c.got...)
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func describe(v any, ok bool) string {
	if !ok {
		return "(absent)"
	}
	return fmt.Sprint(v)
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

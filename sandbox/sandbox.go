package sandbox

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/sync/semaphore"

	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/scenario"
)

// Config is what the server needs beyond the contract.
type Config struct {
	// Cassettes is the cassette directory (cassettes/ of the repository); empty is Root/cassettes.
	Cassettes string
	// Root is the repository root: the scenarios are read from Root/suites/<vendor>/scenarios.yaml.
	Root string
	// Credentials are the values the server accepts, by environment variable name (x-kontrak-env of the
	// security schemes, the signature's credentials). A variable without a value accepts nothing.
	Credentials map[string]string
	// Now is the server's clock: token expiry and the signature's timestamp window. Nil is time.Now.
	Now func() time.Time
	// Logger receives one record per request (method, path, status, operation and the rule that
	// answered) and a few at start. Nil: Logf.
	Logger *slog.Logger
	// Logf receives the same as one line each, when Logger is nil. Nil discards them.
	Logf func(format string, args ...any)
	// Limits bound what the server reads and holds (serve.go); a zero field takes its default.
	Limits Limits
	// MaxFlows bounds the submissions of an asynchronous flow the server remembers (flow.go); the oldest
	// is forgotten first. Zero is DefaultMaxFlows.
	MaxFlows int
	// MaxTokens bounds the unexpired tokens the server remembers (tokens.go); when it is full the token
	// nearest its expiry is forgotten first. Zero is DefaultMaxTokens.
	MaxTokens int
	// Callbacks bound and configure the callbacks of accepted submits (callback.go).
	Callbacks Callbacks
	// OCRModel reads kontrak's marked specimens (rule 7, reader.go); nil is DefaultOCRModel.
	OCRModel *OCRModel
}

type server struct {
	c       *contract.Contract
	cfg     Config
	lim     Limits
	ops     map[*contract.Operation]*opData
	answers map[*scenario.Scenario]*answer
	byName  map[string]*scenario.Scenario // vendor/name

	tokens *tokenStore // issued tokens and their expiry (tokens.go)

	held  *semaphore.Weighted // request body bytes held at once (Limits.HeldBytes)
	flows *flows              // the submissions of asynchronous flows (flow.go)
	cb    *callbackQueue      // callbacks waiting for a worker (callback.go)
}

// Sandbox is the local sandbox of every vendor: an http.Handler (one for all of them, since their paths
// do not collide) that also lists the answers it gives on demand (Outcomes).
type Sandbox struct{ s *server }

// ServeHTTP answers one request by the rules of the package documentation, in their order.
func (sb *Sandbox) ServeHTTP(w http.ResponseWriter, r *http.Request) { sb.s.ServeHTTP(w, r) }

// Close stops the callback workers; callbacks still queued are dropped. The handler answers on.
func (sb *Sandbox) Close() { sb.s.cb.close() }

// New builds the local sandbox of every vendor of c. It reads every scenario and cassette once; an error
// names what cannot be read or what an operation lacks to be served (a documented refusal, a success to
// issue tokens with, a flow the spec does not hold).
func New(c *contract.Contract, cfg Config) (_ *Sandbox, err error) {
	defer loadRecovered(cfg.Cassettes, &err)
	if c == nil {
		return nil, errors.New("sandbox: no contract")
	}
	if cfg.Root == "" {
		return nil, errors.New("sandbox: Config.Root (the repository, for suites/<vendor>/scenarios.yaml) is required")
	}
	if cfg.Cassettes == "" {
		cfg.Cassettes = filepath.Join(cfg.Root, "cassettes")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logf == nil {
		cfg.Logf = func(string, ...any) {}
	}
	lim := cfg.Limits.withDefaults()
	s := &server{
		c: c, cfg: cfg, lim: lim,
		ops:     map[*contract.Operation]*opData{},
		answers: map[*scenario.Scenario]*answer{},
		byName:  map[string]*scenario.Scenario{},
		tokens:  newTokenStore(cfg.MaxTokens),
		held:    semaphore.NewWeighted(lim.HeldBytes),
	}
	if s.flows, err = newFlows(cfg.MaxFlows); err != nil {
		return nil, err
	}
	for _, v := range c.Vendors() {
		if err := s.load(v); err != nil {
			return nil, err
		}
	}
	for _, d := range s.ops {
		if d.maxBody > lim.HeldBytes {
			return nil, fmt.Errorf("sandbox: Limits.HeldBytes %d is less than the body limit of %s (%d): its largest body could never be read", lim.HeldBytes, d.op.Name(), d.maxBody)
		}
	}
	s.cb = newCallbackQueue(s, cfg.Callbacks)
	return &Sandbox{s}, nil
}

// ServeHTTP answers one request by the rules of the package documentation, in their order. Nothing of a
// body is parsed before its credentials pass, and a request answered without its body has that body read
// and discarded, up to Limits.Discard, before the answer.
func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer s.recovered(w, r)
	op, ok := s.c.Lookup(r.Method, r.URL.Path)
	if !ok {
		s.discard(w, r)
		if allow := s.c.Methods(r.URL.Path); len(allow) > 0 {
			w.Header().Set("Allow", strings.Join(allow, ", "))
			s.fixtureError(w, r, http.StatusMethodNotAllowed, fmt.Sprintf("kontrak serve: %s is documented for %s only, not %s", r.URL.Path, strings.Join(allow, ", "), r.Method))
			return
		}
		s.fixtureError(w, r, http.StatusNotFound, fmt.Sprintf("kontrak serve: no documented operation for %s %s", r.Method, r.URL.Path))
		return
	}
	d := s.ops[op]
	q := &request{r: r}
	if a, why, done := s.credentials(d, q); done {
		s.discard(w, r)
		s.send(w, r, op, a, why)
		return
	}
	if asked := r.Header.Values(OutcomeHeader); len(asked) > 0 {
		s.discard(w, r)
		s.onDemand(w, r, d, asked)
		return
	}
	body, release, tooLarge, err := s.readBody(r, d.maxBody)
	defer release()
	if tooLarge {
		s.discard(w, r)
		if a, why := s.sizeAnswer(d); a != nil {
			s.send(w, r, op, a, why)
			return
		}
		s.fixtureError(w, r, http.StatusRequestEntityTooLarge, fmt.Sprintf("kontrak serve: %s: the body is over %d bytes", op.Name(), d.maxBody))
		return
	}
	if err != nil {
		s.fixtureError(w, r, http.StatusBadRequest, fmt.Sprintf("kontrak serve: the request body cannot be read: %v", err))
		return
	}
	q.read(body, s.lim)
	a, why := s.decide(d, q)
	if a == nil {
		s.fixtureError(w, r, http.StatusInternalServerError, fmt.Sprintf("kontrak serve: %s has no answer in the data (%s)", op.Name(), why))
		return
	}
	mk, isSpecimen := marked(op, q)
	if isSpecimen && a == d.success && op.Canonical != nil {
		a, why = s.readSpecimen(d, a, mk) // reader.go: rule 7
	}
	if !isSpecimen || a.status/100 != 2 {
		mk = nil
	}
	a, why, sub := s.submit(d, q, a, why, mk) // flow.go: a fresh id, the result it will answer
	s.send(w, r, op, a, why)
	s.callbacks(op, q, sub) // callback.go
}

// send writes a vendor's answer and logs the rule that chose it.
func (s *server) send(w http.ResponseWriter, r *http.Request, op *contract.Operation, a *answer, why string) {
	h := w.Header()
	for k, vs := range a.header {
		switch http.CanonicalHeaderKey(k) {
		case "Content-Length", "Transfer-Encoding", "Connection", "Content-Encoding", "Date":
			continue // the server's own, for the body it sends
		}
		h[k] = append([]string(nil), vs...)
	}
	w.WriteHeader(a.status)
	w.Write(a.body)
	s.logRequest(r, a.status, op, why)
}

// fixtureError is an answer of the fixture itself, not of a vendor: one line of JSON.
func (s *server) fixtureError(w http.ResponseWriter, r *http.Request, status int, msg string) {
	b, _ := json.Marshal(map[string]string{"message": msg})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
	s.logRequest(r, status, nil, msg)
}

// decide runs the rules after the credentials, in order; the string says which one answered, for the log.
func (s *server) decide(d *opData, q *request) (*answer, string) {
	if q.overBounds != "" {
		// No documented request has that many fields or that much nesting: a body beyond the parse bounds
		// is answered as one that does not parse, without parsing it.
		if a, why, done := s.violationAnswer(d, &violation{kind: "malformed"}); done {
			return a, "body beyond serve's parse bounds (" + q.overBounds + "): " + why
		}
		if a, why := s.sizeAnswer(d); a != nil {
			return a, "body beyond serve's parse bounds (" + q.overBounds + "): " + why
		}
		return nil, "a body beyond serve's parse bounds (" + q.overBounds + "), and the spec answers neither malformed nor bodySize"
	}
	if v := s.validateBody(d, q); v != nil {
		if a, why, done := s.violationAnswer(d, v); done {
			return a, why
		}
	}
	if d.op.Signature != nil {
		return s.token(d, q)
	}
	if a, why, done := s.image(d, q); done {
		return a, why
	}
	if v := s.validateRest(d, q); v != nil {
		if a, why, done := s.violationAnswer(d, v); done {
			return a, why
		}
	}
	if a, why, done := s.result(d, q); done { // flow.go: an id this server issued
		return a, why
	}
	if a, why, done := s.sandbox(d, q); done {
		return a, why
	}
	if rec := s.match(d, q, true); rec != nil {
		return rec.ans, "recorded request: " + rec.ans.from + scenarioNote(rec.scenario)
	}
	return s.unmatched(d)
}

// unmatched is the last rule: a conforming request no sandbox code or recording answers gets what
// x-kontrak-request.unmatched says — the documented success, or a code — and nothing when it says nothing.
func (s *server) unmatched(d *opData) (*answer, string) {
	u := d.op.Request
	if u == nil || u.Unmatched == nil {
		return nil, "no sandbox code or recording answers the request, and x-kontrak-request.unmatched says nothing"
	}
	basis := " [" + u.Unmatched.Source.Basis + "]"
	if u.Unmatched.Success {
		return d.success, "no recorded request matches: the documented success, for any valid input" + basis + ": " + d.successFrom
	}
	a, from := s.codeAnswer(d, u.Unmatched.Code)
	return a, "no sandbox code or recording matches (" + u.Unmatched.Code + ")" + basis + ": " + from
}

func scenarioNote(sc *scenario.Scenario) string {
	if sc == nil {
		return ""
	}
	return " (scenario " + sc.Name + ")"
}

// credentials is rule 2: every security scheme must carry the configured value, or a token this server
// issued that has not expired.
func (s *server) credentials(d *opData, q *request) (*answer, string, bool) {
	for _, sc := range d.op.Security {
		got, present := q.credential(sc)
		if sc.TokenOperation != "" {
			if !present || !s.validToken(sc.TokenOperation, got) {
				return d.tokenRefused, "token refused (" + sc.Header + "): " + d.tokenRefusedFrom, true
			}
			continue
		}
		want := s.cfg.Credentials[sc.Env]
		if want == "" || !present || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
			return d.refused, "credentials refused (" + sc.Header + "): " + d.refusedFrom, true
		}
	}
	return nil, "", false
}

// image is rule 4: the image field against x-kontrak-image; a broken rule answers the code its
// violations map gives.
func (s *server) image(d *opData, q *request) (*answer, string, bool) {
	field, rules := d.op.ImageField()
	if field == "" || rules == nil {
		return nil, "", false
	}
	rule := brokenImageRule(d.op, q, field, rules)
	if rule == "" {
		return nil, "", false
	}
	code := rules.Violations[rule]
	if code == "" {
		return s.violationAnswer(d, &violation{kind: rule, field: field})
	}
	a, from := s.codeAnswer(d, code)
	return a, fmt.Sprintf("image %s (%s): %s", rule, code, from), true
}

// codeAnswer is the answer of a code: the scenario that expects it (one whose request differs from a
// plain request by its image only, when there is one), else derived from the code table.
func (s *server) codeAnswer(d *opData, code string) (*answer, string) {
	sc := d.pickBy(func(sc *scenario.Scenario) bool { return sc.Expected(d.op).Code == code }, requestPenalty)
	if sc != nil {
		return s.answers[sc], "scenario " + sc.Name
	}
	row := d.op.Codes.Lookup(code)
	if row == nil {
		return nil, "code " + code + " is not in the table"
	}
	a, err := deriveCode(d.op, code, firstStatus(row), nil)
	if err != nil {
		return nil, err.Error()
	}
	return a, a.from
}

// outcomeAnswer is the answer of a documented outcome: the scenario that expects it, else derived.
func (s *server) outcomeAnswer(d *opData, o contract.Outcome) (*answer, string) {
	sc := d.pickBy(func(sc *scenario.Scenario) bool {
		e := sc.Expected(d.op)
		return e.Status == o.Status && e.Code == o.Code
	}, requestPenalty)
	if sc != nil {
		return s.answers[sc], "scenario " + sc.Name
	}
	a, err := deriveCode(d.op, o.Code, o.Status, o.Body)
	if err != nil {
		return nil, err.Error()
	}
	return a, a.from
}

// requestPenalty prefers a scenario whose request has nothing but an image (or nothing at all).
func requestPenalty(sc *scenario.Scenario) int {
	if len(sc.Request.Fields) > 0 || sc.Request.Auth != "" || len(sc.Request.Wrong) > 0 {
		return 1
	}
	return 0
}

// sandbox is rule 5: a sandbox parameter present in the request.
func (s *server) sandbox(d *opData, q *request) (*answer, string, bool) {
	if q.picture(d.op) {
		// A picture (or an image URL) where a sandbox code may stand is a production request: the vendor
		// recognises it, and the sandbox tables do not apply to it (Verihubs' Production App-ID).
		return nil, "", false
	}
	type hit struct {
		param string
		code  *contract.SandboxCode
	}
	var hits []hit
	for i := range d.op.Sandbox {
		p := &d.op.Sandbox[i]
		v, ok := q.param(p.Parameter.In, p.Parameter.Name)
		if !ok {
			continue
		}
		var code *contract.SandboxCode
		for j := range p.Codes {
			if p.Codes[j].Value == v {
				code = &p.Codes[j]
				break
			}
		}
		if code == nil {
			if p.Unknown == nil {
				continue // the vendor documents no answer to a value that is no code: not a sandbox request
			}
			// The value is not logged: it may be a picture.
			a, from := s.outcomeAnswer(d, *p.Unknown)
			return a, fmt.Sprintf("sandbox: %s is no sandbox code: %s", p.Parameter.Name, from), true
		}
		hits = append(hits, hit{p.Parameter.Name, code})
	}
	if len(hits) == 0 {
		return nil, "", false
	}
	var names []string
	for _, h := range hits {
		names = append(names, h.param+"="+h.code.Value)
	}
	what := "sandbox " + strings.Join(names, ", ")
	// A request recorded as it is answers as recorded: a sandbox code does not hide a payload error
	// recorded with it (Verihubs' image KTP with a validate_quality that is no boolean).
	if rec := s.match(d, q, false); rec != nil {
		return rec.ans, what + ": recorded request: " + rec.ans.from + scenarioNote(rec.scenario), true
	}
	// Otherwise a refusal wins over an acceptance, as a server that validates every parameter answers.
	best := hits[0]
	for _, h := range hits[1:] {
		if best.code.Outcome.Code == "" && h.code.Outcome.Code != "" {
			best = h
		}
	}
	a, from := s.sandboxAnswer(d, best.code)
	return a, what + ": " + from, true
}

// sandboxAnswer is the answer of a sandbox code: the scenario with that sandbox value, else derived from
// its outcome.
func (s *server) sandboxAnswer(d *opData, code *contract.SandboxCode) (*answer, string) {
	if sc := d.pick(func(sc *scenario.Scenario) bool { return sc.Sandbox == code.Value }); sc != nil {
		return s.answers[sc], "scenario " + sc.Name
	}
	return s.outcomeAnswer(d, code.Outcome)
}

// match finds the first recorded interaction of the operation that the request matches, by recorder's
// matcher (credentials and signature fields ignored). withReplayOnly includes the interactions of
// replay-only scenarios.
func (s *server) match(d *opData, q *request, withReplayOnly bool) *recorded {
	if q.canon == nil {
		// Canonicalised once for every candidate (and both calls of a request); the recordings were at load.
		q.canon = d.vendor.match.LiveParsed(q.r, q.body, q.parsedBody, q.parseErr, q.base64Image)
	}
	for _, rec := range d.recorded {
		if !withReplayOnly && (rec.scenario == nil || rec.scenario.Live.ReplayOnly || rec.scenario.Operation != d.op.ID) {
			continue
		}
		// The operation is already found: the path is compared as recorded, whatever prefix the base URL
		// of either side carries.
		if d.vendor.match.Match(q.canon.WithPath(rec.path), rec.canon) {
			return rec
		}
	}
	return nil
}

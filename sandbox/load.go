package sandbox

import (
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	vcr "gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"

	"github.com/kontrak/kontrak/cassette"
	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/internal/wire"
	"github.com/kontrak/kontrak/match"
	"github.com/kontrak/kontrak/scenario"
)

// answer is what the server sends: a recorded response, or one built from a scenario's recipe.
type answer struct {
	status int
	header http.Header
	body   []byte
	// from says where it comes from, for the log: "cassette advance/ocr-success.yaml#1" or "derived …".
	from string
}

// recorded is one interaction of a cassette, kept for matching.
type recorded struct {
	scenario *scenario.Scenario // the scenario the cassette serves; nil for a file no scenario names
	rank     rank
	path     string // the recorded URL path (a base URL may carry a prefix)
	req      vcr.Request
	canon    *match.CanonicalRequest // req as the matcher compares it, made once at load
	ans      *answer
}

// rank orders the interactions an incoming request is matched against: replay-only scenarios last (their
// request is a placeholder for an answer that cannot be provoked); before them shape scenarios, sandbox
// scenarios, the others, then interactions of another operation's scenario (ADVANCE's token call in an
// OCR cassette) and of files no scenario names; then the scenario file's order.
type rank struct{ replayOnly, kind, index int }

func (a rank) less(b rank) bool {
	if a.replayOnly != b.replayOnly {
		return a.replayOnly < b.replayOnly
	}
	if a.kind != b.kind {
		return a.kind < b.kind
	}
	return a.index < b.index
}

func rankOf(s *scenario.Scenario, index int, op *contract.Operation) rank {
	if s == nil {
		return rank{0, 4, index}
	}
	r := rank{index: index}
	if s.Live.ReplayOnly {
		r.replayOnly = 1
	}
	switch {
	case s.Operation != op.ID:
		r.kind = 3
	case s.Kind == "shape":
		r.kind = 0
	case s.Kind == "sandbox":
		r.kind = 1
	default:
		r.kind = 2
	}
	return r
}

// vendorData is what the server knows of a vendor.
type vendorData struct {
	v     *contract.Vendor
	match *match.RequestMatcher
}

// opData is what the server knows of an operation: its scenarios with their answers and every recorded
// interaction, ranked.
type opData struct {
	op        *contract.Operation
	vendor    *vendorData
	scenarios []*scenario.Scenario // in file order
	index     map[*scenario.Scenario]int
	recorded  []*recorded
	maxBody   int64 // the largest body accepted (bodyLimit)

	// flow is the operation's x-kontrak-flow, when it submits one; resultOf the flow whose result it
	// answers (flow.go).
	flow, resultOf *contract.Flow

	success          *answer // the documented success: the shape scenario's answer
	successFrom      string
	refused          *answer // wrong credentials, as the vendor answers them
	refusedFrom      string
	tokenRefused     *answer // a token this server did not issue or that expired
	tokenRefusedFrom string
}

// load reads a vendor's scenarios and cassettes.
func (s *server) load(v *contract.Vendor) error {
	f, err := scenario.Load(s.cfg.Root, s.c, v.ID)
	if err != nil {
		return err
	}
	vd := &vendorData{v: v, match: match.NewRequestMatcher(match.ForVendor(v))}
	byName := map[string]*scenario.Scenario{}
	index := map[*scenario.Scenario]int{}
	for i, sc := range f.Scenarios {
		byName[sc.Name] = sc
		s.byName[v.ID+"/"+sc.Name] = sc
		index[sc] = i
	}
	for _, op := range v.Operations {
		d := &opData{op: op, vendor: vd, index: index, maxBody: BodyLimit(op)}
		for _, sc := range f.Scenarios {
			if sc.Operation == op.ID {
				d.scenarios = append(d.scenarios, sc)
			}
		}
		s.ops[op] = d
	}
	for _, op := range v.Operations {
		flow, err := op.Flow()
		if err != nil {
			return fmt.Errorf("sandbox: %v", err)
		}
		if flow != nil {
			s.ops[op].flow = flow
			s.ops[flow.ResultOperation()].resultOf = flow
		}
	}

	files, err := filepath.Glob(filepath.Join(s.cfg.Cassettes, v.ID, "*.yaml"))
	if err != nil {
		return err
	}
	sort.Strings(files)
	for _, file := range files {
		c, prov, err := cassette.Load(file)
		if err != nil {
			return err
		}
		sc := byName[strings.TrimSuffix(filepath.Base(file), ".yaml")]
		if sc == nil {
			sc = byName[prov.Scenario]
		}
		xs, err := cassette.Exchanges(c)
		if err != nil {
			return err
		}
		rel := filepath.Join(v.ID, filepath.Base(file))
		for i, x := range xs {
			op, ok := s.c.Lookup(x.Method, x.Path)
			if !ok || op.Vendor != v {
				continue
			}
			d := s.ops[op]
			idx := len(f.Scenarios)
			if sc != nil {
				idx = index[sc]
			}
			rec := &recorded{
				scenario: sc, rank: rankOf(sc, idx, op), path: x.Path, req: c.Interactions[i].Request,
				canon: vd.match.Recorded(c.Interactions[i].Request),
				ans:   &answer{status: x.Status, header: x.Header.Clone(), body: x.Body, from: fmt.Sprintf("cassette %s#%d", rel, x.ID)},
			}
			d.recorded = append(d.recorded, rec)
			if sc != nil && sc.Operation == op.ID {
				s.answers[sc] = rec.ans // the last interaction of the scenario's operation is its answer
			}
		}
	}

	var derived []string
	for _, op := range v.Operations {
		d := s.ops[op]
		sort.SliceStable(d.recorded, func(i, j int) bool { return d.recorded[i].rank.less(d.recorded[j].rank) })
		for _, sc := range d.scenarios {
			if s.answers[sc] != nil {
				continue
			}
			a, err := deriveScenario(op, sc)
			if err != nil {
				return err
			}
			a.from = "derived from scenario " + sc.Name + " (no cassette)"
			s.answers[sc] = a
			derived = append(derived, sc.Name)
		}
		if err := s.prepare(d); err != nil {
			return err
		}
	}
	if len(derived) > 0 {
		s.note("sandbox: %s: %d scenarios have no cassette in %s and answer from the spec: %s",
			v.ID, len(derived), s.cfg.Cassettes, strings.Join(derived, ", "))
	}
	var missing []string
	for _, name := range v.CredentialVars() {
		if s.cfg.Credentials[name] == "" {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		s.note("sandbox: %s: no value for %s: its requests are refused as wrong credentials", v.ID, strings.Join(missing, ", "))
	}
	return nil
}

// prepare finds the answers an operation needs whatever the request: its documented success, its refusal
// of wrong credentials and of a token it did not issue. An operation that needs one the data do not give
// cannot be served.
func (s *server) prepare(d *opData) error {
	op := d.op
	if sc := d.pick(func(sc *scenario.Scenario) bool { return sc.Kind == "shape" }); sc != nil {
		d.success, d.successFrom = s.answers[sc], "scenario "+sc.Name
	} else if sc := d.pick(func(sc *scenario.Scenario) bool {
		o := sc.Expected(op)
		return o.Status/100 == 2 && o.Code == "" && sc.Request.Auth == "" && len(sc.Request.Wrong) == 0
	}); sc != nil {
		d.success, d.successFrom = s.answers[sc], "scenario "+sc.Name
	} else if a := exampleAnswer(op); a != nil {
		d.success, d.successFrom = a, a.from
	}

	needsRefusal := op.Signature != nil
	needsToken := ""
	for _, sc := range op.Security {
		if sc.TokenOperation != "" {
			needsToken = sc.TokenOperation
		} else {
			needsRefusal = true
		}
	}
	if needsRefusal {
		if sc := d.pick(func(sc *scenario.Scenario) bool {
			return sc.Kind == "auth" && sc.Request.Auth == "wrong-credentials"
		}); sc != nil {
			d.refused, d.refusedFrom = s.answers[sc], "scenario "+sc.Name
		} else if row := authRow(op); row != nil {
			a, err := deriveCode(op, row.Code, firstStatus(row), nil)
			if err != nil {
				return err
			}
			d.refused, d.refusedFrom = a, a.from
		} else {
			return fmt.Errorf("sandbox: %s: no scenario of kind auth with request.auth wrong-credentials, nor a code of class auth: its refusal of wrong credentials is not documented", op.Name())
		}
	}
	if needsToken != "" {
		if sc := d.pick(func(sc *scenario.Scenario) bool { return sc.Request.Auth == "wrong-token" }); sc != nil {
			d.tokenRefused, d.tokenRefusedFrom = s.answers[sc], "scenario "+sc.Name
		} else if t := op.Vendor.Operation(needsToken); t != nil && t.Token != nil && t.Token.Refused != nil {
			set := map[string]any{}
			if op.Codes.MessagePointer != "" && len(t.Token.Refused.Messages) > 0 {
				set[op.Codes.MessagePointer] = t.Token.Refused.Messages[0]
			}
			row := op.Codes.Lookup(t.Token.Refused.Code)
			if row == nil {
				return fmt.Errorf("sandbox: %s: the refused token's code %s is not in the table", op.Name(), t.Token.Refused.Code)
			}
			a, err := deriveCode(op, row.Code, firstStatus(row), set)
			if err != nil {
				return err
			}
			d.tokenRefused, d.tokenRefusedFrom = a, a.from
		} else {
			return fmt.Errorf("sandbox: %s: no scenario with request.auth wrong-token, nor x-kontrak-token.refused on %s: its refusal of a token is not documented", op.Name(), needsToken)
		}
	}
	if op.Signature != nil {
		if op.Signature.Algorithm != "sha256" || op.Signature.Encoding != "hex" {
			return fmt.Errorf("sandbox: %s: signature %s/%s is not supported (sha256/hex is)", op.Name(), op.Signature.Algorithm, op.Signature.Encoding)
		}
		if op.Token == nil || d.success == nil {
			return fmt.Errorf("sandbox: %s: a signed token operation needs x-kontrak-token and a documented success to issue tokens with", op.Name())
		}
	}
	return nil
}

// pick returns the operation's best scenario that satisfies ok: one a live run sends before a replay-only
// one, then the file's order.
func (d *opData) pick(ok func(*scenario.Scenario) bool) *scenario.Scenario {
	return d.pickBy(ok, func(*scenario.Scenario) int { return 0 })
}

// pickBy is pick with a further preference: a lower penalty first, after replay-only.
func (d *opData) pickBy(ok func(*scenario.Scenario) bool, penalty func(*scenario.Scenario) int) *scenario.Scenario {
	var best *scenario.Scenario
	var bestKey [3]int
	for _, sc := range d.scenarios {
		if !ok(sc) {
			continue
		}
		key := [3]int{0, penalty(sc), d.index[sc]}
		if sc.Live.ReplayOnly {
			key[0] = 1
		}
		if best == nil || slices.Compare(key[:], bestKey[:]) < 0 {
			best, bestKey = sc, key
		}
	}
	return best
}

// authRow is the operation's first code of class auth.
func authRow(op *contract.Operation) *contract.Code {
	for _, c := range op.Codes.Codes {
		if c.Class == "auth" {
			return c
		}
	}
	return nil
}

// firstStatus is the first HTTP status a code may arrive with; a range ("4XX") stands for its first
// status (400).
func firstStatus(row *contract.Code) int {
	for _, st := range row.Statuses {
		st = strings.ToUpper(strings.TrimSpace(st))
		if n, err := strconv.Atoi(st); err == nil {
			return n
		}
		if len(st) == 3 && strings.HasSuffix(st, "XX") && st[0] >= '1' && st[0] <= '5' {
			return int(st[0]-'0') * 100
		}
	}
	return http.StatusOK
}

// deriveScenario builds a scenario's answer from its cassette recipe, as `make cassettes` would.
func deriveScenario(op *contract.Operation, sc *scenario.Scenario) (*answer, error) {
	st, body, err := sc.Answer(op)
	if err != nil {
		return nil, err
	}
	h := http.Header{"Content-Type": {"application/json"}}
	for k, v := range sc.Source.Headers {
		h.Set(k, v)
	}
	return &answer{status: st, header: h, body: body}, nil
}

// deriveCode builds the answer of a code no scenario provides, from the code table: on the documented
// example of that code when there is one, else on an error example of the same status, else — a status
// documented without any example (ADVANCE's 429, the 200 envelope by its schema) — on an example of
// another status, else on an empty object; with the code, its message and its billing flag
// (scenario.Answer's recipe). Of the candidate examples the first whose answer the contract finds nothing
// in is taken (else the first with no breaking finding): a derived answer conforms by construction.
func deriveCode(op *contract.Operation, code string, status int, set map[string]any) (*answer, error) {
	candidates := []string{errorExample(op, status, code)}
	if r := op.Response(status); candidates[0] == "" && r != nil && len(r.Examples) == 0 {
		candidates = nil
		for _, other := range op.Responses {
			for _, ex := range other.Examples {
				candidates = append(candidates, ex.Name)
			}
		}
		candidates = append(candidates, "")
	}
	var first, clean *answer
	var firstErr error
	cleanFindings := 0
	for _, example := range candidates {
		sc := &scenario.Scenario{
			Name: "kontrak-serve-" + code, Operation: op.ID, Kind: "error-code",
			Expect: &scenario.Expect{Status: status, Code: code},
			Source: scenario.Cassette{Code: code, Set: set, Example: example},
		}
		if example == "" {
			sc.Source.Body = map[string]any{}
		}
		a, err := deriveScenario(op, sc)
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		a.from = fmt.Sprintf("derived from the code table (%s, HTTP %d)", code, status)
		if example != "" {
			a.from += " on example " + example
		}
		retryHeader(op, code, a)
		if len(candidates) == 1 {
			return a, nil
		}
		fs := op.Check(a.status, a.header, a.body, contract.CheckOptions{})
		if len(fs) == 0 {
			return a, nil
		}
		if first == nil {
			first = a
		}
		if !contract.HasBreaking(fs) && (clean == nil || len(fs) < cleanFindings) {
			clean, cleanFindings = a, len(fs)
		}
	}
	switch {
	case clean != nil:
		return clean, nil
	case first != nil:
		return first, nil
	}
	return nil, firstErr
}

// retryHeader sets the delay header of a derived answer whose code carries one (retryAfter), with the
// document's own example of it, where the answer's message is one that carries it.
func retryHeader(op *contract.Operation, code string, a *answer) {
	row := op.Codes.Lookup(code)
	if row == nil || row.RetryAfter == nil || row.RetryAfter.Header == "" {
		return
	}
	if len(row.RetryAfter.Messages) > 0 {
		msg, _ := contract.Lookup(a.body, op.Codes.MessagePointer)
		if !slices.Contains(row.RetryAfter.Messages, fmt.Sprint(msg)) {
			return
		}
	}
	v := row.RetryAfter.Example
	if v == "" {
		v = "1"
	}
	a.header = a.header.Clone()
	a.header.Set(row.RetryAfter.Header, v)
}

// errorExample names a documented example of the response of status to build an error answer on: one of
// the code itself, else one whose code is not billable (an error, not a success).
func errorExample(op *contract.Operation, status int, code string) string {
	resp := op.Response(status)
	if resp == nil {
		return ""
	}
	fallback := ""
	for _, ex := range resp.Examples {
		v, ok := contract.Lookup(ex.Value, op.Codes.Pointer)
		if !ok {
			continue
		}
		c := fmt.Sprint(v)
		if c == code {
			return ex.Name
		}
		if row := op.Codes.Lookup(c); fallback == "" && row != nil && !row.Billable {
			fallback = ex.Name
		}
	}
	return fallback
}

// exampleAnswer is the operation's first documented 2XX example, verbatim.
func exampleAnswer(op *contract.Operation) *answer {
	for _, r := range op.Responses {
		st, err := strconv.Atoi(r.Status)
		if err != nil || st/100 != 2 || len(r.Examples) == 0 {
			continue
		}
		body := r.Examples[0].Value
		if b, err := compact(body); err == nil {
			body = b
		}
		return &answer{status: st, header: http.Header{"Content-Type": {"application/json"}}, body: body,
			from: "example " + r.Examples[0].Name + " of " + op.Name()}
	}
	return nil
}

func compact(b []byte) ([]byte, error) {
	var v any
	if err := wire.UnmarshalJSON(b, &v); err != nil {
		return nil, err
	}
	return json.Marshal(v)
}

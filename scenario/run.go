package scenario

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"

	"github.com/kontrak/kontrak/client"
	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/recorder"
	"github.com/kontrak/kontrak/specimen"
)

// Mode is how a run reaches the vendor.
type Mode string

const (
	Replay Mode = "replay" // strict replay of cassettes/: no network, no credentials (the default)
	Live   Mode = "live"   // the vendor's sandbox or production, over real HTTP
	Record Mode = "record" // live, and each scenario's cassette rewritten, redacted, atomically
	Derive Mode = "derive" // cassettes rebuilt from the specs' examples and tables (make cassettes)
)

// Env is everything a run needs besides the scenario.
type Env struct {
	Contract *contract.Contract
	// Cassettes is the cassette directory (cassettes/).
	Cassettes string
	Mode      Mode
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
	Redact *recorder.RedactRules
	// Waivers accept known drift (KONTRAK_WAIVERS); nil: none.
	Waivers *contract.Waivers
}

// Exchange is one interaction of a run with what the contract found in it.
type Exchange struct {
	ID        int // the interaction's place in the scenario's cassette
	Operation *contract.Operation
	Method    string
	URL       string
	Status    int
	Body      []byte
	Findings  []contract.Finding
}

// Result is the outcome of one scenario.
type Result struct {
	Scenario  *Scenario
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
	// Err is a run that got no answer to judge (a cassette miss, a transport error, the budget).
	Err error
	// Waived are the findings a waiver accepted, each a line like a failure's, and the waiver.
	Waived []Waived
}

// Waived is a finding a waiver accepted.
type Waived struct {
	Interaction int
	Finding     contract.Finding
	Line        string
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
		if x.Operation.Classify(x.Status, x.Body).Billable {
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
	s := fmt.Sprintf("%s %s scenario %s, cassette %s", r.Scenario.vendor, r.Scenario.Operation, r.Scenario.Name, r.Cassette)
	if interaction >= 0 {
		s += fmt.Sprintf(" interaction %d", interaction)
	}
	return s
}

func (r *Result) failf(interaction int, format string, a ...any) {
	r.Failures = append(r.Failures, r.where(interaction)+": "+fmt.Sprintf(format, a...))
}

// Run sends the scenario's request and judges every interaction.
func (e *Env) Run(ctx context.Context, s *Scenario) *Result {
	v := e.Contract.Vendor(s.vendor)
	op := v.Operation(s.Operation)
	res := &Result{Scenario: s, Operation: op, Cassette: s.CassetteFile(e.Cassettes), Expected: s.Expected(op)}
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

	var transport http.RoundTripper
	var rec *recorder.Recorder
	cl := e.Client
	mode := e.Mode
	if mode == Derive {
		// A live recording is better evidence than anything derived: keep it, and just replay it.
		if _, prov, err := recorder.Load(res.Cassette); err == nil && prov.Kind == recorder.ProvenanceRecorded {
			mode = Replay
		}
	}
	switch mode {
	case Live:
		transport = e.liveTransport(op)
	case Replay, Record, Derive:
		opts := []recorder.Option{recorder.WithIgnoredHeaders(CredentialHeaders(v)...), recorder.WithIgnoredFields(VolatileFields(v)...)}
		switch mode {
		case Replay:
			opts = append(opts, recorder.WithMode(recorder.ModeReplay))
		case Record:
			opts = append(opts, recorder.WithMode(recorder.ModeRecord), recorder.WithRealTransport(e.liveTransport(op)),
				recorder.WithProvenance(recorder.Provenance{Kind: recorder.ProvenanceRecorded, Recorded: e.Today, Scenario: s.Name}))
		case Derive:
			prov, err := e.provenance(s, op)
			if err != nil {
				res.Err = err
				return res
			}
			opts = append(opts, recorder.WithMode(recorder.ModeRecord), recorder.WithRealTransport(fixture{e, s, op}), recorder.WithProvenance(prov))
		}
		if e.Redact != nil && mode == Record {
			opts = append(opts, recorder.WithRedactor(recorder.Redactor(*e.Redact)))
		}
		if e.Redact != nil && mode == Derive {
			// A derived answer is a vendor document's own example or synthetic data: it stays verbatim.
			// The request is ours, with images and placeholder credentials: those are redacted.
			rules := *e.Redact
			rules.Answer = nil
			redact := recorder.Redactor(rules)
			opts = append(opts, recorder.WithRedactor(func(i *cassette.Interaction) error {
				answer, length := i.Response.Body, i.Response.ContentLength
				if err := redact(i); err != nil {
					return err
				}
				i.Response.Body, i.Response.ContentLength = answer, length
				i.Response.Duration = 0 // byte-stable: make cassettes twice, no diff
				return nil
			}))
		}
		if mode != Replay {
			if err := os.MkdirAll(filepath.Dir(res.Cassette), 0o755); err != nil {
				res.Err = err
				return res
			}
		}
		rec, err = recorder.New(res.Cassette, opts...)
		if err != nil {
			res.Err = err
			return res
		}
		transport = rec
		cl = nil // a fresh client a cassette: its token call is part of the cassette
	}
	cap := &capture{next: transport}
	if cl == nil || mode != Live {
		base := e.BaseURL
		if base == "" && len(v.Servers) > 0 {
			base = v.Servers[0].URL
		}
		if base == "" {
			base = "https://" + v.ID + ".kontrak.invalid" // Kredibel documents no host: any will do offline
		}
		cfg := client.Config{BaseURL: base, Credentials: e.credentials(v), HTTP: &http.Client{Transport: cap}, Timeout: e.Timeout}
		if mode == Derive {
			// A derived cassette is a pure function of the specs and scenarios: a fixed clock and boundary.
			cfg.Now = func() time.Time { return derivedAt }
			cfg.Boundary = "kontrak-derived-cassette"
		}
		cl = client.New(v, cfg)
	} else {
		cl = cl.WithTransport(cap)
	}
	resp, err := cl.Do(ctx, req)
	if rec != nil {
		if err != nil || resp == nil {
			rec.Discard()
		}
		if serr := rec.Stop(); serr != nil && err == nil {
			err = serr
		}
	}
	// Judge every interaction the run saw, the token call included.
	for i, x := range cap.seen() {
		xop, ok := e.Contract.Lookup(x.method, x.path)
		if !ok {
			res.failf(i, "%s %s matches no documented operation", x.method, x.url)
			continue
		}
		ex := Exchange{ID: i, Operation: xop, Method: x.method, URL: x.url, Status: x.status, Body: x.body,
			Findings: xop.Check(x.status, x.header, x.body, contract.CheckOptions{Strict: e.Strict})}
		ex.Findings = e.Waivers.Apply(xop.Vendor.ID, xop.ID, ex.Findings)
		res.Exchanges = append(res.Exchanges, ex)
		for _, f := range ex.Findings {
			if f.Waived != nil {
				res.Waived = append(res.Waived, Waived{i, f, fmt.Sprintf("%s: %s at %s: want %s, got %s (%s)", res.where(i), f.ID, orRoot(f.Pointer), f.Expected, f.Actual, f.Source)})
				continue
			}
			if f.Severity == contract.Breaking {
				p := f.Pointer
				if p == "" {
					p = `""`
				}
				res.failf(i, "%s at %s: want %s, got %s (%s)", f.ID, p, f.Expected, f.Actual, f.Source)
			}
		}
	}
	if err != nil {
		res.Err = err
		return res
	}
	last := len(res.Exchanges) - 1
	if last < 0 || res.Exchanges[last].Operation != op {
		res.failf(-1, "no answer of %s was seen", op.Name())
		return res
	}
	res.Got = op.Classify(resp.Status, resp.Body)
	want := res.Expected
	if resp.Status != want.Status {
		res.failf(last, `HTTP status at "": want %d, got %d`, want.Status, resp.Status)
	}
	if res.Got.Code != want.Code {
		res.failf(last, "code at %s: want %s, got %s", orRoot(op.Codes.Pointer), orNone(want.Code), orNone(res.Got.Code))
	}
	for ptr, wantVal := range want.Body {
		got, ok := contract.Lookup(resp.Body, ptr)
		if !ok || fmt.Sprint(got) != fmt.Sprint(wantVal) {
			res.failf(last, "sandbox outcome at %s: want %v, got %v", ptr, wantVal, describe(got, ok))
		}
	}
	// The billing expected is the table's; a flag may say otherwise only where the table allows it
	// (the contract reports billing-flag-mismatch then). Without a flag, the classification must agree.
	if res.Got.Known && res.Got.Flag == "" && res.Got.Billable != res.ExpectedBillable && res.Got.Code == want.Code {
		res.failf(last, "billing at %s: want billable=%v by the table, got %v", orRoot(op.Billing.Pointer), res.ExpectedBillable, res.Got.Billable)
	}
	return res
}

// request builds the client request of a scenario.
func (e *Env) request(s *Scenario, op *contract.Operation) (client.Request, error) {
	r := client.Request{Operation: s.Operation, Fields: map[string]any{}, ImageContentType: s.Request.ImageContentType}
	for k, v := range s.Request.Fields {
		r.Fields[k] = v
	}
	if s.Sandbox != "" {
		p, sc, _ := SandboxEntry(op, s.Sandbox)
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
			c := specimen.CorruptBase64()
			r.ImageRaw = &c
		} else {
			b, err := Picture(*img)
			if err != nil {
				return r, fmt.Errorf("%s scenario %s: image: %w", s.vendor, s.Name, err)
			}
			r.Image = b
		}
	}
	switch s.Request.Auth {
	case "wrong-credentials":
		r.Credentials = map[string]string{}
		for _, name := range CredentialVars(e.Contract.Vendor(s.vendor)) {
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

// derivedAt is the clock of derived cassettes (timestamps in signed requests).
var derivedAt = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// Identity is the synthetic identity every specimen image shows.
var Identity = specimen.NewIdentity("kontrak")

var pictures sync.Map // Image -> []byte: renders are deterministic, so one a process

// Picture renders a scenario image: deterministic, synthetic, never committed.
func Picture(img Image) ([]byte, error) {
	if b, ok := pictures.Load(img); ok {
		return b.([]byte), nil
	}
	var b []byte
	var err error
	w, h := img.Width, img.Height
	if w == 0 || h == 0 {
		w, h = 640, 400 // above every documented minimum that applies to a picture (ADVANCE 256 px); small enough to render in ~15 ms
	}
	variant, format := specimen.Variant(img.Variant), specimen.Format(img.Format)
	if variant == "" {
		variant = specimen.Clean
	}
	if format == "" {
		format = specimen.JPEG
	}
	if img.MinBytes > 0 {
		b, err = specimen.OverSize(Identity, img.MinBytes)
	} else {
		b, err = specimen.Render(Identity, variant, format, w, h)
	}
	if err != nil {
		return nil, err
	}
	pictures.Store(img, b)
	return b, nil
}

func (e *Env) credentials(v *contract.Vendor) map[string]string {
	if e.Mode == Live || e.Mode == Record {
		return e.Credentials
	}
	// Offline runs send placeholders: the matcher ignores credentials and redaction removes them.
	out := map[string]string{}
	for _, name := range CredentialVars(v) {
		out[name] = "kontrak-replay-" + strings.ToLower(name)
	}
	return out
}

func (e *Env) liveTransport(op *contract.Operation) http.RoundTripper {
	t := e.Transport
	if t == nil {
		t = http.DefaultTransport
	}
	return &liveTransport{next: t, c: e.Contract, budget: e.Budget, retry: e.Retry}
}

// CredentialVars lists every environment variable a vendor's requests use: x-kontrak-env of the spec, of
// its security schemes and of its signature credentials. kontrak serve reads the values it accepts from them.
func CredentialVars(v *contract.Vendor) []string {
	seen := map[string]bool{}
	var out []string
	add := func(s string) {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, name := range v.Env.Credentials {
		add(name)
	}
	for _, op := range v.Operations {
		for _, sc := range op.Security {
			add(sc.Env)
		}
		if op.Signature != nil {
			for _, env := range op.Signature.Credentials {
				add(env)
			}
		}
	}
	return out
}

// CredentialHeaders lists the header names that carry credentials: never part of a match.
func CredentialHeaders(v *contract.Vendor) []string {
	var out []string
	for _, op := range v.Operations {
		for _, sc := range op.Security {
			if sc.In == "header" {
				out = append(out, sc.Header)
			}
		}
	}
	return out
}

// VolatileFields lists request body fields that differ on every run (signature inputs and the signature):
// never part of a match.
func VolatileFields(v *contract.Vendor) []string {
	var out []string
	for _, op := range v.Operations {
		if op.Signature != nil {
			out = append(out, op.Signature.Concatenation...)
			out = append(out, op.Signature.Field)
		}
	}
	return out
}

// capture remembers every exchange that passes through it, bodies included.
type capture struct {
	next http.RoundTripper
	mu   sync.Mutex
	got  []captured
}

type captured struct {
	method, url, path string
	status            int
	header            http.Header
	body              []byte
}

func (c *capture) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := c.next.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	body, rerr := io.ReadAll(resp.Body)
	resp.Body.Close()
	if rerr != nil {
		return nil, rerr
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	c.mu.Lock()
	c.got = append(c.got, captured{r.Method, r.URL.String(), r.URL.Path, resp.StatusCode, resp.Header, body})
	c.mu.Unlock()
	return resp, nil
}

func (c *capture) seen() []captured {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]captured(nil), c.got...)
}

func orRoot(p string) string {
	if p == "" {
		return `""`
	}
	return p
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

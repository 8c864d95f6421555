package run

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	vcr "gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"

	"github.com/kontrak/kontrak/cassette"
	"github.com/kontrak/kontrak/client"
	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/match"
	"github.com/kontrak/kontrak/recorder"
	"github.com/kontrak/kontrak/redact"
	"github.com/kontrak/kontrak/scenario"
)

// A strategy is how one mode reaches the vendor for one scenario: open gives the client the request goes
// through (every exchange passes through cap), close ends the scenario (ok: it got an answer to judge).
// Judging is the same in every mode, and is Run's.
type strategy interface {
	open(c *call, cap *capture) (*client.Client, error)
	close(ok bool) error
}

// call is one scenario's run.
type call struct {
	e        *Engine
	s        *scenario.Scenario
	v        *contract.Vendor
	op       *contract.Operation
	cassette string
	// live is the scenario's live transport (live and record modes): what it gave up on.
	live *liveTransport
}

func (e *Engine) strategy(c *call) (strategy, error) {
	switch e.Mode {
	case Replay:
		return &replay{}, nil
	case Live:
		return live{}, nil
	case Record:
		return &record{}, nil
	case Derive:
		// A live recording is better evidence than anything derived: keep it, and just replay it.
		if _, prov, err := cassette.Load(c.cassette); err == nil && prov.Evidence() {
			return &replay{}, nil
		}
		return &derive{}, nil
	}
	return nil, fmt.Errorf("run: mode %q: want replay, live, record or derive", e.Mode)
}

// replay answers from the scenario's cassette, strictly: a request it does not hold is an error.
type replay struct{ onCassette }

func (r *replay) open(c *call, cap *capture) (*client.Client, error) {
	return r.start(c, cap, nil, recorder.WithMode(recorder.ModeReplay))
}

// live sends the request to the vendor, within the budget and with the retry policy, sharing the run's
// client (its token) when there is one.
type live struct{}

func (live) open(c *call, cap *capture) (*client.Client, error) {
	c.live = c.e.liveTransport()
	cap.next = c.live
	if c.e.Client != nil {
		return c.e.Client.WithTransport(cap), nil
	}
	return c.e.newClient(c.v, cap, nil), nil
}

func (live) close(bool) error { return nil }

// record is live, with the exchanges written, redacted, into the scenario's cassette when it got an answer.
type record struct{ onCassette }

func (r *record) open(c *call, cap *capture) (*client.Client, error) {
	e := c.e
	c.live = e.liveTransport()
	opts := []recorder.Option{recorder.WithMode(recorder.ModeRecord), recorder.WithRealTransport(c.live),
		recorder.WithProvenance(cassette.Provenance{Kind: cassette.ProvenanceRecorded, Recorded: e.Today, Scenario: c.s.Name, Host: c.v.HostKind(e.baseURL(c.v))})}
	if e.Redact != nil {
		opts = append(opts, recorder.WithRedactor(redact.Redactor(*e.Redact)))
	}
	return r.start(c, cap, nil, opts...)
}

// derive answers from the specs (the cassette recipe) and writes the cassette: a pure function of the specs
// and scenarios, with a fixed clock and multipart boundary, byte-stable.
type derive struct{ onCassette }

func (d *derive) open(c *call, cap *capture) (*client.Client, error) {
	e := c.e
	prov, err := provenance(c.s, c.op)
	if err != nil {
		return nil, err
	}
	opts := []recorder.Option{recorder.WithMode(recorder.ModeRecord), recorder.WithRealTransport(fixture{e, c.s, c.op}), recorder.WithProvenance(prov)}
	if e.Redact != nil {
		// A derived answer is a vendor document's own example or synthetic data: it stays verbatim.
		// The request is ours, with images and placeholder credentials: those are redacted.
		rules := *e.Redact
		rules.Answer = nil
		redact := redact.Redactor(rules)
		opts = append(opts, recorder.WithRedactor(func(i *vcr.Interaction) error {
			answer, length := i.Response.Body, i.Response.ContentLength
			if err := redact(i); err != nil {
				return err
			}
			i.Response.Body, i.Response.ContentLength = answer, length
			i.Response.Duration = 0 // byte-stable: make cassettes twice, no diff
			return nil
		}))
	}
	return d.start(c, cap, func(cfg *client.Config) {
		cfg.Now = func() time.Time { return derivedAt }
		cfg.Boundary = "kontrak-derived-cassette"
	}, opts...)
}

// derivedAt is the clock of derived cassettes (timestamps in signed requests).
var derivedAt = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// onCassette is what the cassette modes share: a recorder on the scenario's cassette, and a fresh client a
// cassette, so that a token call is part of the cassette.
type onCassette struct{ rec *recorder.Recorder }

func (o *onCassette) start(c *call, cap *capture, tweak func(*client.Config), opts ...recorder.Option) (*client.Client, error) {
	writes := c.e.Mode != Replay
	opts = append([]recorder.Option{recorder.WithMatchOptions(match.ForVendor(c.v))}, opts...)
	if writes {
		if err := os.MkdirAll(filepath.Dir(c.cassette), 0o755); err != nil {
			return nil, err
		}
	}
	rec, err := recorder.New(c.cassette, opts...)
	if err != nil {
		return nil, err
	}
	o.rec, cap.next = rec, rec
	return c.e.newClient(c.v, cap, tweak), nil
}

func (o *onCassette) close(ok bool) error {
	if !ok {
		o.rec.Discard()
	}
	return o.rec.Stop()
}

// newClient is a client of v whose requests go through rt.
func (e *Engine) newClient(v *contract.Vendor, rt http.RoundTripper, tweak func(*client.Config)) *client.Client {
	cfg := client.Config{BaseURL: e.baseURL(v), Credentials: e.credentials(v), HTTP: &http.Client{Transport: rt}, Timeout: e.Timeout}
	if tweak != nil {
		tweak(&cfg)
	}
	return client.New(v, cfg)
}

// baseURL is where the run sends v's requests: the configured base URL, else the first documented server.
func (e *Engine) baseURL(v *contract.Vendor) string {
	base := e.BaseURL
	if base == "" && len(v.Servers) > 0 {
		base = v.Servers[0].URL
	}
	if base == "" {
		base = "https://" + v.ID + ".kontrak.invalid" // Kredibel documents no host: any will do offline
	}
	return base
}

func (e *Engine) credentials(v *contract.Vendor) map[string]string {
	if e.Mode == Live || e.Mode == Record {
		return e.Credentials
	}
	// Offline runs send placeholders: the matcher ignores credentials and redaction removes them.
	out := map[string]string{}
	for _, name := range v.CredentialVars() {
		out[name] = "kontrak-replay-" + strings.ToLower(name)
	}
	return out
}

func (e *Engine) liveTransport() *liveTransport {
	t := e.Transport
	if t == nil {
		t = http.DefaultTransport
	}
	return &liveTransport{next: t, c: e.Contract, budget: e.Budget, retry: e.Retry}
}

// LiveClient is a client of v for callers beyond the scenarios (kontrak scorecard) that reaches the vendor
// as a live run does: the engine's base URL, credentials, timeout and shared client (its token), every
// call asking the Budget before it is sent and rate limits retried by Retry. observe, when not nil, wraps
// the live transport (a capture, a timer): it sees every call, the budget's refusals included.
func (e *Engine) LiveClient(v *contract.Vendor, observe func(next http.RoundTripper) http.RoundTripper) *client.Client {
	var rt http.RoundTripper = e.liveTransport()
	if observe != nil {
		rt = observe(rt)
	}
	if e.Client != nil && e.Client.Vendor() == v {
		return e.Client.WithTransport(rt)
	}
	// The configured credentials, never replay's placeholders, whatever the engine's mode.
	return e.newClient(v, rt, func(c *client.Config) { c.Credentials = e.Credentials })
}

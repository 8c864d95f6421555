package recorder

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kontrak/kontrak/cassette"
	"github.com/kontrak/kontrak/internal/wire"
	"github.com/kontrak/kontrak/match"
	vcr "gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"
	govcr "gopkg.in/dnaeon/go-vcr.v4/pkg/recorder"
)

// Mode says where a Recorder's answers come from.
type Mode int

const (
	// ModeReplay answers from the cassette only: go-vcr's ModeReplayOnly, without the recorded latency. A
	// request the cassette does not hold fails with a *MissError. It needs no network and no credentials,
	// and it is the default.
	ModeReplay Mode = iota
	// ModeLive sends every request to the real transport and keeps nothing: no cassette is read or written.
	ModeLive
	// ModeRecord sends every request to the real transport (go-vcr's ModeRecordOnly) and, on Stop, replaces
	// the cassette with what was exchanged, in one rename.
	ModeRecord
)

var modeNames = []string{ModeReplay: "replay", ModeLive: "live", ModeRecord: "record"}

func (m Mode) String() string {
	if m >= 0 && int(m) < len(modeNames) {
		return modeNames[m]
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

// ParseMode reads a mode by its name: replay, live or record.
func ParseMode(s string) (Mode, error) {
	for m, name := range modeNames {
		if s == name {
			return Mode(m), nil
		}
	}
	return 0, fmt.Errorf("recorder: unknown mode %q (want replay, live or record)", s)
}

// HookFunc and HookKind are go-vcr's: a hook sees, and may change, an interaction at one stage.
type (
	HookFunc = govcr.HookFunc
	HookKind = govcr.HookKind
)

// The stages a hook runs at, as go-vcr defines them.
const (
	AfterCaptureHook         = govcr.AfterCaptureHook         // record: an exchange was captured
	BeforeSaveHook           = govcr.BeforeSaveHook           // record: Stop is about to write the cassette
	BeforeResponseReplayHook = govcr.BeforeResponseReplayHook // an answer is about to be returned
	OnRecorderStopHook       = govcr.OnRecorderStopHook       // Stop, after any write
)

type hook struct {
	fn   HookFunc
	kind HookKind
}

type config struct {
	mode      Mode
	real      http.RoundTripper
	prov      cassette.Provenance
	match     match.Options
	hooks     []hook
	redactors []HookFunc
}

// Option configures a Recorder.
type Option func(*config)

// WithMode sets the mode; the default is ModeReplay.
func WithMode(m Mode) Option { return func(c *config) { c.mode = m } }

// WithRealTransport sets the transport that live and record modes send requests with; the default is
// http.DefaultTransport.
func WithRealTransport(rt http.RoundTripper) Option { return func(c *config) { c.real = rt } }

// WithProvenance sets the provenance a recording is saved with. Without it a recording is
// cassette.ProvenanceRecorded on today's date (UTC).
func WithProvenance(p cassette.Provenance) Option { return func(c *config) { c.prov = p } }

// WithIgnoredHeaders names headers that never take part in a match (see match.Options.IgnoredHeaders).
func WithIgnoredHeaders(names ...string) Option {
	return func(c *config) { c.match.IgnoredHeaders = append(c.match.IgnoredHeaders, names...) }
}

// WithIgnoredFields names body fields never compared (see match.Options.IgnoredFields).
func WithIgnoredFields(names ...string) Option {
	return func(c *config) { c.match.IgnoredFields = append(c.match.IgnoredFields, names...) }
}

// WithIgnoredQuery names query parameters never compared. Their values are also left out of a
// MissError's URL, since a query parameter that varies from run to run is often a credential.
func WithIgnoredQuery(names ...string) Option {
	return func(c *config) { c.match.IgnoredQuery = append(c.match.IgnoredQuery, names...) }
}

// WithMatchOptions adds what a match ignores (see match.Options), such as match.ForVendor of the
// cassette's vendor.
func WithMatchOptions(o match.Options) Option {
	return func(c *config) {
		c.match.IgnoredHeaders = append(c.match.IgnoredHeaders, o.IgnoredHeaders...)
		c.match.IgnoredFields = append(c.match.IgnoredFields, o.IgnoredFields...)
		c.match.IgnoredQuery = append(c.match.IgnoredQuery, o.IgnoredQuery...)
		if o.Route != nil {
			c.match.Route = o.Route
		}
	}
}

// WithHook adds a go-vcr hook, run at the stage kind names.
func WithHook(fn HookFunc, kind HookKind) Option {
	return func(c *config) { c.hooks = append(c.hooks, hook{fn, kind}) }
}

// WithRedactor adds a function that rewrites each recorded interaction before it is saved: secrets,
// images and personal data out. It runs in record mode only, as a go-vcr BeforeSaveHook, after every
// BeforeSaveHook given to WithHook, so that it sees the interaction as it will be written. It never
// changes what the client was answered during the run. An error stops the save, and the cassette on disk
// is left as it was.
func WithRedactor(fn func(*vcr.Interaction) error) Option {
	return func(c *config) { c.redactors = append(c.redactors, fn) }
}

// Recorder is an HTTP transport that replays, records or passes through, by its Mode. Its methods are
// safe for concurrent use.
type Recorder struct {
	file    string
	mode    Mode
	real    http.RoundTripper
	matcher *match.Matcher
	client  *http.Client

	vcr      *govcr.Recorder // nil in ModeLive
	cassette *vcr.Cassette   // replay: a copy of the cassette, to explain a miss
	store    *cassetteStore  // record: where Stop writes

	recorded  atomic.Int64
	discarded atomic.Bool
	stopMu    sync.Mutex
	stopped   bool
}

// New opens the cassette file for mode and returns a Recorder. In replay mode the file must exist and be a
// go-vcr v4 cassette; the error otherwise is one line that names the file. In record mode the file is only
// written, by Stop. In live mode there is no cassette.
func New(file string, opts ...Option) (_ *Recorder, err error) {
	defer wire.Recovered(file, &err)
	if file == "" {
		return nil, errors.New("recorder: no cassette file")
	}
	cfg := config{}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.real == nil {
		cfg.real = http.DefaultTransport
	}
	r := &Recorder{file: file, mode: cfg.mode, real: cfg.real, matcher: match.New(cfg.match)}
	r.client = &http.Client{Transport: r}

	vopts := []govcr.Option{
		govcr.WithRealTransport(cfg.real),
		govcr.WithMatcher(r.matcher.Match),
		govcr.WithSkipRequestLatency(true),
	}
	for _, h := range cfg.hooks {
		vopts = append(vopts, govcr.WithHook(h.fn, h.kind))
	}
	switch cfg.mode {
	case ModeLive:
		return r, nil
	case ModeReplay:
		data, err := cassette.ReadFile(file)
		if err != nil {
			return nil, err
		}
		c, _, err := cassette.Parse(file, data)
		if err != nil {
			return nil, err
		}
		r.cassette = c
		vopts = append(vopts, govcr.WithMode(govcr.ModeReplayOnly), govcr.WithFS(cassette.ReadOnlyFS(file, data)))
	case ModeRecord:
		p := cfg.prov
		if p.Kind == "" {
			p.Kind = cassette.ProvenanceRecorded
		}
		if p.Kind == cassette.ProvenanceRecorded && p.Recorded == "" {
			p.Recorded = time.Now().UTC().Format(time.DateOnly)
		}
		if err := p.Valid(); err != nil {
			return nil, fmt.Errorf("recorder: %s: %v", file, err)
		}
		r.store = newCassetteStore(file, p.Header())
		for _, fn := range cfg.redactors {
			vopts = append(vopts, govcr.WithHook(fn, govcr.BeforeSaveHook))
		}
		vopts = append(vopts, govcr.WithMode(govcr.ModeRecordOnly), govcr.WithFS(r.store))
	default:
		return nil, fmt.Errorf("recorder: %s: unknown mode %v", file, cfg.mode)
	}
	// go-vcr names a cassette without its ".yaml"; the FS given to it reads and writes file itself.
	v, err := govcr.New(strings.TrimSuffix(file, ".yaml"), vopts...)
	if err != nil {
		return nil, fmt.Errorf("recorder: %s: %s", file, wire.OneLine(err.Error()))
	}
	r.vcr = v
	return r, nil
}

// Client returns an HTTP client whose transport is the Recorder.
func (r *Recorder) Client() *http.Client { return r.client }

// Mode returns the Recorder's mode.
func (r *Recorder) Mode() Mode { return r.mode }

// Discard marks the recording failed: Stop will not write the cassette, and the file on disk stays as it
// was. Call it when the scenario being recorded failed. It changes nothing in replay or live mode.
func (r *Recorder) Discard() { r.discarded.Store(true) }

// Stop ends the run. In record mode it writes the cassette, unless the run was discarded (by Discard, or
// by a request that failed to reach the server, since the cassette would lack it) or recorded nothing: the
// provenance header, then go-vcr's YAML, into a temporary file in the cassette's directory,
// synced and renamed over the cassette. Whatever fails on the way (a redactor, a hook, the disk) leaves the
// previous cassette byte for byte as it was. Stopping again does nothing.
func (r *Recorder) Stop() (err error) {
	defer wire.Recovered(r.file, &err)
	r.stopMu.Lock()
	defer r.stopMu.Unlock()
	if r.stopped || r.vcr == nil {
		return nil
	}
	r.stopped = true
	if r.mode == ModeRecord && (r.discarded.Load() || r.recorded.Load() == 0) {
		return nil
	}
	if err := r.vcr.Stop(); err != nil {
		if r.mode == ModeRecord {
			return fmt.Errorf("recorder: %s not saved, the file is left as it was: %w", r.file, err)
		}
		return fmt.Errorf("recorder: %s: %w", r.file, err)
	}
	return nil
}

// RoundTrip answers req by the Recorder's mode. It implements http.RoundTripper.
func (r *Recorder) RoundTrip(req *http.Request) (_ *http.Response, err error) {
	defer wire.Recovered(r.file, &err)
	if r.mode == ModeLive {
		return r.real.RoundTrip(req)
	}
	// go-vcr reads the body and replaces it on the request it is given: it is given a copy, so that the
	// caller's request is left alone, and the body the real transport sends is the whole body.
	out, err := buffered(req)
	if err != nil {
		return nil, err
	}
	resp, err := r.vcr.RoundTrip(out)
	if errors.Is(err, vcr.ErrInteractionNotFound) {
		return nil, r.miss(out)
	}
	if err != nil {
		if r.mode == ModeRecord {
			// The cassette would lack this exchange: a recording with a hole is not saved.
			r.Discard()
		}
		return nil, err
	}
	if r.mode == ModeRecord {
		r.recorded.Add(1)
	}
	if r.mode == ModeReplay {
		// go-vcr answers with the header map as recorded, names as they were sent ("retry-after"): a
		// client's Header.Get must find them as it would on the wire, where net/http canonicalises them.
		// The cassette's own maps are left as they are (CanonicalHeader copies when it changes a name).
		resp.Header = cassette.CanonicalHeader(resp.Header)
		resp.Trailer = cassette.CanonicalHeader(resp.Trailer)
	}
	// A replayed response carries the recorded request, with the recorded host; a client expects its own.
	resp.Request = req
	return resp, nil
}

// buffered copies req with its body read into memory, and closes req's body as a transport must.
func buffered(req *http.Request) (*http.Request, error) {
	out := req.Clone(req.Context())
	if req.Body == nil || req.Body == http.NoBody {
		return out, nil
	}
	b, err := io.ReadAll(req.Body)
	req.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("recorder: reading the request body: %w", err)
	}
	out.Body = io.NopCloser(bytes.NewReader(b))
	out.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
	return out, nil
}

// MissError is the error of a replayed request that matches no interaction of the cassette. It wraps
// go-vcr's vcr.ErrInteractionNotFound; through http.Client it arrives inside a *url.Error, and
// errors.As finds it there.
type MissError struct {
	Method string
	URL    string // the request's URL, with the values of ignored query parameters and any password left out
	File   string // the cassette
	// Reason says why the nearest interaction does not match, by place and never by value: "interaction 0:
	// body differs at /image". Empty when there is nothing nearer to say.
	Reason string
}

func (e *MissError) Error() string {
	s := fmt.Sprintf("recorder: no interaction in %s matches %s %s", e.File, e.Method, e.URL)
	if e.Reason != "" {
		s += " (" + e.Reason + ")"
	}
	return s
}

func (e *MissError) Unwrap() error { return vcr.ErrInteractionNotFound }

// miss builds the MissError of req, explaining it against the nearest interaction: one that matches but
// was already replayed, else the first with the same method and path.
func (r *Recorder) miss(req *http.Request) error {
	e := &MissError{Method: req.Method, URL: r.displayURL(req.URL), File: r.file}
	for _, i := range r.cassette.Interactions {
		if r.matcher.Explain(req, i.Request) == "" {
			e.Reason = fmt.Sprintf("interaction %d matches but was already replayed: a cassette answers each request once", i.ID)
			return e
		}
	}
	for _, i := range r.cassette.Interactions {
		u, err := url.Parse(i.Request.URL)
		if err == nil && i.Request.Method == req.Method && u.Path == req.URL.Path {
			e.Reason = fmt.Sprintf("interaction %d: %s", i.ID, r.matcher.Explain(req, i.Request))
			return e
		}
	}
	e.Reason = fmt.Sprintf("the cassette holds %d interactions, none for %s %s", len(r.cassette.Interactions), req.Method, req.URL.Path)
	return e
}

func (r *Recorder) displayURL(u *url.URL) string {
	c := *u
	if c.RawQuery != "" && r.matcher.HasIgnoredQuery() {
		q := c.Query()
		masked := false
		for k := range q {
			if r.matcher.IgnoresQuery(k) {
				q.Set(k, "REDACTED")
				masked = true
			}
		}
		if masked {
			c.RawQuery = q.Encode()
		}
	}
	return c.Redacted()
}

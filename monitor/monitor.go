package monitor

import (
	"context"
	"log/slog"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/otel/metric"

	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/internal/wire"
)

// Event is what the monitor saw of one answer (or callback) it judged.
type Event struct {
	// Context is the request's context (Transport: the outgoing request's; Handler: the inbound
	// callback's), for trace correlation: the span it carries is the call's.
	Context   context.Context
	Vendor    string
	Operation string
	Status    int
	Findings  []contract.Finding
	// Billing is what the answer costs, as the vendor's flag or tables read it.
	Billing contract.Classification
}

// Option configures a monitor.
type Option func(*config)

type config struct {
	maxBody  int64
	sample   uint64
	callback func(Event)
	logger   *slog.Logger
	check    contract.CheckOptions
	waivers  *contract.Waivers
	meters   metric.MeterProvider
}

// WithMaxBody sets the largest body judged (default 1 MiB): the most the monitor holds of one answer. A
// larger one passes untouched, not judged.
func WithMaxBody(n int64) Option { return func(c *config) { c.maxBody = n } }

// WithSample judges one answer in n (n ≤ 1: every answer). Sampling is by count, not chance: exactly one
// call in every n is judged.
func WithSample(n int) Option {
	return func(c *config) {
		if n < 1 {
			n = 1
		}
		c.sample = uint64(n)
	}
}

// WithCallback calls fn with every judged answer's Event, on the goroutine that judged it (the caller's,
// in the Read that reached the body's end or in Close). A panic in fn is recovered like any other.
func WithCallback(fn func(Event)) Option { return func(c *config) { c.callback = fn } }

// WithLogger logs every finding to l (nil: no logging), with the request's context.
func WithLogger(l *slog.Logger) Option { return func(c *config) { c.logger = l } }

// WithCheckOptions passes opts to every check (Strict counts notices as breaking).
func WithCheckOptions(opts contract.CheckOptions) Option { return func(c *config) { c.check = opts } }

// WithWaivers marks the findings a waivers.yaml accepts (contract.LoadWaivers) as waived: they are still
// counted, logged (at Info, naming the waiver) and given to the callback, but no longer count as drift.
// ws.Problems() says which waivers expired or matched nothing.
func WithWaivers(ws *contract.Waivers) Option { return func(c *config) { c.waivers = ws } }

// WithMeterProvider records the monitor's metrics (see the package documentation) with mp's meter named
// ScopeName. Without it, or with nil, the global provider (otel.GetMeterProvider) is used, as otelhttp does:
// a no-op until the program installs one.
func WithMeterProvider(mp metric.MeterProvider) Option { return func(c *config) { c.meters = mp } }

// monitor is the state a Transport and a Handler share: the contract, the options, the counters.
type monitor struct {
	c    *contract.Contract
	cfg  config
	inst *instruments
	seen atomic.Uint64

	routeMu sync.RWMutex
	routes  map[route]*contract.Operation // nil value: no operation

	ops map[*contract.Operation]*opCounters // fixed at construction: read without a lock

	unrouted, panics atomic.Int64

	findMu   sync.Mutex
	findings map[findingKey]int64
}

type route struct{ method, path string }

type opCounters struct {
	calls, judged, notJudged, sampledOut, billed, drifted atomic.Int64
	metrics                                               *opMetrics
}

type findingKey struct{ vendor, operation, id string }

func newMonitor(c *contract.Contract, opts []Option) *monitor {
	m := &monitor{c: c, cfg: config{maxBody: 1 << 20, sample: 1}, routes: map[route]*contract.Operation{},
		ops: map[*contract.Operation]*opCounters{}, findings: map[findingKey]int64{}}
	for _, o := range opts {
		o(&m.cfg)
	}
	m.inst = newInstruments(m.cfg.meters)
	for _, v := range c.Vendors() {
		for _, op := range v.Operations {
			m.ops[op] = &opCounters{metrics: newOpMetrics(op)}
			for _, cb := range op.Callbacks {
				m.ops[cb.Judged()] = &opCounters{metrics: newOpMetrics(cb.Judged())}
			}
		}
	}
	return m
}

const maxCachedRoutes = 4096

// lookup finds a request's operation, cached by method and path (a path with ids in it may fill the
// cache; past its size the lookup is done every time).
func (m *monitor) lookup(method, path string) *contract.Operation {
	k := route{method, path}
	m.routeMu.RLock()
	op, ok := m.routes[k]
	m.routeMu.RUnlock()
	if ok {
		return op
	}
	op, _ = m.c.Lookup(method, path)
	m.routeMu.Lock()
	if len(m.routes) < maxCachedRoutes {
		m.routes[k] = op
	}
	m.routeMu.Unlock()
	return op
}

// sampled reports whether this call is the one in n that is judged.
func (m *monitor) sampled() bool {
	if m.cfg.sample <= 1 {
		return true
	}
	return (m.seen.Add(1)-1)%m.cfg.sample == 0
}

// judge checks one exchange of op (an answer; or, with cb, an inbound callback, op being cb.Judged()) and
// reports it. It recovers its own panics.
func (m *monitor) judge(ctx context.Context, op *contract.Operation, cb *contract.Callback, ex contract.Exchange) {
	defer func() {
		if recover() != nil {
			m.panics.Add(1)
		}
	}()
	start := time.Now()
	opts := contract.JudgeOptions{Operation: op, Strict: m.cfg.check.Strict, Waivers: m.cfg.waivers}
	if cb != nil {
		opts.Operation, opts.Callback = nil, cb
	}
	v := m.c.Judge(ex, opts)
	fs, cl := v.Findings, v.Classification
	cnt := m.ops[op]
	m.count(ctx, op, judged)
	if cl.Known && cl.Billable {
		cnt.billed.Add(1)
		m.inst.billed.Add(ctx, 1, cnt.metrics.base...)
	}
	if len(fs) > 0 {
		m.report(ctx, op, fs)
		if contract.HasBreaking(fs) {
			cnt.drifted.Add(1)
		}
	}
	// The check's own time: judging, counting and logging; the callback is the program's.
	m.inst.duration.Record(ctx, time.Since(start).Seconds(), cnt.metrics.record...)
	if m.cfg.callback != nil {
		m.cfg.callback(Event{Context: ctx, Vendor: op.Vendor.ID, Operation: op.ID, Status: ex.Status, Findings: fs, Billing: cl})
	}
}

func (m *monitor) report(ctx context.Context, op *contract.Operation, fs []contract.Finding) {
	m.findMu.Lock()
	for _, f := range fs {
		m.findings[findingKey{op.Vendor.ID, op.ID, f.ID}]++
	}
	m.findMu.Unlock()
	for _, f := range fs {
		m.inst.findings.Add(ctx, 1, m.inst.finding(op, f)...)
	}
	if m.cfg.logger == nil {
		return
	}
	for _, f := range fs {
		level := slog.LevelWarn
		if f.Severity != contract.Breaking || f.Waived != nil {
			level = slog.LevelInfo
		}
		attrs := []slog.Attr{slog.String("id", f.ID), slog.String("severity", string(f.Severity)), slog.String("vendor", op.Vendor.ID),
			slog.String("operation", op.ID), slog.String("pointer", wire.Display(f.Pointer)), slog.String("want", f.Expected),
			slog.String("got", safeActual(f)), slog.String("source", f.Source)}
		if f.Waived != nil {
			attrs = append(attrs, slog.String("waived", f.Waived.String()))
		}
		m.cfg.logger.LogAttrs(ctx, level, "kontrak: vendor answer drifted from its contract", attrs...)
	}
}

// safeActual is a finding's got without a value of personal data: a value outside a documented set (a
// gender, a religion the vendor read from a card) is given by its shape; the contract already gives
// codes, types, statuses and formats in its own words.
func safeActual(f contract.Finding) string {
	if f.ID != contract.ValueNotInSet {
		return f.Actual
	}
	return "a value shaped " + wire.Shape(f.Actual)
}

// Stats is a snapshot of a monitor's counters.
type Stats struct {
	// Unrouted counts calls of no vendor operation; Panics the checks that panicked (recovered).
	Unrouted, Panics int64
	Operations       []OperationStats
	Findings         []FindingCount
}

// OperationStats counts one vendor operation's calls.
type OperationStats struct {
	Vendor, Operation string
	// Calls seen; Judged checked; NotJudged passed unchecked (over the size cap, unreadable);
	// SampledOut skipped by sampling; Billed judged calls the vendor charges; Drifted judged calls with a
	// breaking finding.
	Calls, Judged, NotJudged, SampledOut, Billed, Drifted int64
}

// FindingCount is how often a finding id arrived for a vendor operation.
type FindingCount struct {
	Vendor, Operation, ID string
	Count                 int64
}

// Stats returns the counters, sorted by vendor, operation and id; operations never called are left out.
func (m *monitor) stats() Stats {
	s := Stats{Unrouted: m.unrouted.Load(), Panics: m.panics.Load()}
	for op, c := range m.ops {
		if n := c.calls.Load(); n > 0 {
			s.Operations = append(s.Operations, OperationStats{Vendor: op.Vendor.ID, Operation: op.ID, Calls: n,
				Judged: c.judged.Load(), NotJudged: c.notJudged.Load(), SampledOut: c.sampledOut.Load(),
				Billed: c.billed.Load(), Drifted: c.drifted.Load()})
		}
	}
	sort.Slice(s.Operations, func(i, j int) bool {
		a, b := s.Operations[i], s.Operations[j]
		return a.Vendor+" "+a.Operation < b.Vendor+" "+b.Operation
	})
	m.findMu.Lock()
	for k, n := range m.findings {
		s.Findings = append(s.Findings, FindingCount{k.vendor, k.operation, k.id, n})
	}
	m.findMu.Unlock()
	sort.Slice(s.Findings, func(i, j int) bool {
		a, b := s.Findings[i], s.Findings[j]
		return a.Vendor+" "+a.Operation+" "+a.ID < b.Vendor+" "+b.Operation+" "+b.ID
	})
	return s
}

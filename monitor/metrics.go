package monitor

import (
	"context"
	"sync"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/metric/noop"

	"github.com/kontrak/kontrak/contract"
)

// ScopeName is the instrumentation scope of the monitor's metrics (the meter's name).
const ScopeName = "github.com/kontrak/kontrak/monitor"

// The names of the monitor's instruments and of their attributes. The attributes are ids — a vendor, an
// operationId, an outcome, a finding id, a severity, a flag — never a value of an answer, so that the number
// of series a collector keeps is bounded by the specs (vendors × operations × finding ids), not by traffic.
const (
	MetricCalls    = "kontrak.monitor.calls"          // counter: calls, by vendor, operation and outcome
	MetricFindings = "kontrak.monitor.findings"       // counter: findings, by vendor, operation, finding, severity, waived
	MetricBilled   = "kontrak.monitor.billed"         // counter: judged calls the vendor charges, by vendor and operation
	MetricDuration = "kontrak.monitor.check.duration" // histogram (s): the time a check adds, by vendor and operation

	AttrVendor    = "kontrak.vendor"
	AttrOperation = "kontrak.operation"
	AttrOutcome   = "kontrak.outcome"
	AttrFinding   = "kontrak.finding"
	AttrSeverity  = "kontrak.severity"
	AttrWaived    = "kontrak.waived"
)

// The values of kontrak.outcome: what became of a call.
const (
	OutcomeJudged     = "judged"      // its answer was checked against the contract
	OutcomeNotJudged  = "not_judged"  // over the size cap, broken, or closed before its end
	OutcomeSampledOut = "sampled_out" // skipped by WithSample
	OutcomeUnrouted   = "unrouted"    // of no vendor operation (no vendor, no operation attribute)
)

// outcome indexes the precomputed attribute sets of an operation.
type outcome int

const (
	judged outcome = iota
	notJudged
	sampledOut
	nOutcomes
)

var outcomeNames = [nOutcomes]string{OutcomeJudged, OutcomeNotJudged, OutcomeSampledOut}

// durationBuckets are the histogram's bounds in seconds: a check takes tens of microseconds to a few
// milliseconds (BenchmarkTransport), which OpenTelemetry's default bounds (0, 5, 10, … 10000) would put in one
// bucket.
var durationBuckets = []float64{0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25}

// instruments are a monitor's OpenTelemetry instruments, created once from its MeterProvider.
type instruments struct {
	calls, findings, billed metric.Int64Counter
	duration                metric.Float64Histogram
	unrouted                []metric.AddOption

	// findingOpts caches the attribute set of each (operation, finding, severity, waived): bounded by the
	// specs, built once, so that counting a finding allocates nothing.
	findMu      sync.Mutex
	findingOpts map[findingAttrs][]metric.AddOption
}

type findingAttrs struct {
	op       *contract.Operation
	id       string
	severity contract.Severity
	waived   bool
}

// opMetrics are an operation's precomputed measurement options (a slice each, so that passing them on
// allocates nothing).
type opMetrics struct {
	base     []metric.AddOption    // vendor, operation
	record   []metric.RecordOption // the same, for the histogram
	outcomes [nOutcomes][]metric.AddOption
}

func newInstruments(mp metric.MeterProvider) *instruments {
	if mp == nil {
		mp = otel.GetMeterProvider()
	}
	meter := mp.Meter(ScopeName)
	in := &instruments{findingOpts: map[findingAttrs][]metric.AddOption{},
		unrouted: []metric.AddOption{metric.WithAttributeSet(attribute.NewSet(attribute.String(AttrOutcome, OutcomeUnrouted)))}}
	var err error
	// An instrument a provider refuses is replaced by a no-op one: metrics never break the monitor.
	noops := noop.Meter{}
	if in.calls, err = meter.Int64Counter(MetricCalls, metric.WithUnit("{call}"),
		metric.WithDescription("Calls of vendor operations seen by the kontrak monitor, by outcome: judged, not_judged, sampled_out, unrouted.")); err != nil || in.calls == nil {
		in.calls, _ = noops.Int64Counter(MetricCalls)
	}
	if in.findings, err = meter.Int64Counter(MetricFindings, metric.WithUnit("{finding}"),
		metric.WithDescription("Findings of the vendor contracts in judged answers, by finding id, severity and whether a waiver accepts it.")); err != nil || in.findings == nil {
		in.findings, _ = noops.Int64Counter(MetricFindings)
	}
	if in.billed, err = meter.Int64Counter(MetricBilled, metric.WithUnit("{call}"),
		metric.WithDescription("Judged calls the vendor charges, by its billing flag or code tables.")); err != nil || in.billed == nil {
		in.billed, _ = noops.Int64Counter(MetricBilled)
	}
	if in.duration, err = meter.Float64Histogram(MetricDuration, metric.WithUnit("s"),
		metric.WithDescription("The time the contract check adds to a call: judging the answer, counting and logging its findings."),
		metric.WithExplicitBucketBoundaries(durationBuckets...)); err != nil || in.duration == nil {
		in.duration, _ = noops.Float64Histogram(MetricDuration)
	}
	return in
}

func newOpMetrics(op *contract.Operation) *opMetrics {
	vendor, operation := attribute.String(AttrVendor, op.Vendor.ID), attribute.String(AttrOperation, op.ID)
	base := metric.WithAttributeSet(attribute.NewSet(vendor, operation))
	om := &opMetrics{base: []metric.AddOption{base}, record: []metric.RecordOption{base}}
	for i, name := range outcomeNames {
		om.outcomes[i] = []metric.AddOption{metric.WithAttributeSet(attribute.NewSet(vendor, operation, attribute.String(AttrOutcome, name)))}
	}
	return om
}

// finding is the measurement option of one finding of op.
func (in *instruments) finding(op *contract.Operation, f contract.Finding) []metric.AddOption {
	k := findingAttrs{op, f.ID, f.Severity, f.Waived != nil}
	in.findMu.Lock()
	defer in.findMu.Unlock()
	opts, ok := in.findingOpts[k]
	if !ok {
		opts = []metric.AddOption{metric.WithAttributeSet(attribute.NewSet(
			attribute.String(AttrVendor, op.Vendor.ID), attribute.String(AttrOperation, op.ID),
			attribute.String(AttrFinding, f.ID), attribute.String(AttrSeverity, string(f.Severity)),
			attribute.Bool(AttrWaived, k.waived)))}
		in.findingOpts[k] = opts
	}
	return opts
}

// count records one call's outcome, in the counters of Stats and in the calls instrument.
func (m *monitor) count(ctx context.Context, op *contract.Operation, o outcome) {
	cnt := m.ops[op]
	switch o {
	case judged:
		cnt.judged.Add(1)
	case notJudged:
		cnt.notJudged.Add(1)
	case sampledOut:
		cnt.sampledOut.Add(1)
	}
	m.inst.calls.Add(ctx, 1, cnt.metrics.outcomes[o]...)
}

// countUnrouted records a call of no vendor operation.
func (m *monitor) countUnrouted(ctx context.Context) {
	m.unrouted.Add(1)
	m.inst.calls.Add(ctx, 1, m.inst.unrouted...)
}

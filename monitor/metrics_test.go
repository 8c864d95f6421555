package monitor

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/kontrak/kontrak/contract"
)

// point is one data point: its attributes as "key=value" sorted, and its value (a histogram's count).
type point struct {
	attrs string
	value float64
	sum   float64
}

func attrString(s attribute.Set) string {
	var kv []string
	for _, a := range s.ToSlice() {
		kv = append(kv, string(a.Key)+"="+a.Value.Emit())
	}
	sort.Strings(kv)
	return strings.Join(kv, ",")
}

// collect reads every instrument of the monitor's scope from the reader, by instrument name.
func collect(t *testing.T, r *sdkmetric.ManualReader) map[string][]point {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := r.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	out := map[string][]point{}
	for _, sm := range rm.ScopeMetrics {
		if sm.Scope.Name != ScopeName {
			t.Errorf("scope %q, want %q", sm.Scope.Name, ScopeName)
		}
		for _, m := range sm.Metrics {
			switch d := m.Data.(type) {
			case metricdata.Sum[int64]:
				if !d.IsMonotonic {
					t.Errorf("%s is not a counter", m.Name)
				}
				for _, p := range d.DataPoints {
					out[m.Name] = append(out[m.Name], point{attrString(p.Attributes), float64(p.Value), 0})
				}
			case metricdata.Histogram[float64]:
				if m.Unit != "s" {
					t.Errorf("%s in %q, want seconds", m.Name, m.Unit)
				}
				for _, p := range d.DataPoints {
					out[m.Name] = append(out[m.Name], point{attrString(p.Attributes), float64(p.Count), p.Sum})
				}
			default:
				t.Errorf("%s: unexpected aggregation %T", m.Name, m.Data)
			}
		}
	}
	return out
}

func pointsOf(ps []point) map[string]float64 {
	m := map[string]float64{}
	for _, p := range ps {
		m[p.attrs] = p.value
	}
	return m
}

// ctxKey marks the request's context, to see it reach the log and the Event.
type ctxKey struct{}

// ctxHandler is a slog.Handler that records whether each record's context is the request's.
type ctxHandler struct{ marked, records *int }

func (h ctxHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h ctxHandler) Handle(ctx context.Context, _ slog.Record) error {
	*h.records++
	if ctx != nil && ctx.Value(ctxKey{}) == "call-1" {
		*h.marked++
	}
	return nil
}
func (h ctxHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h ctxHandler) WithGroup(string) slog.Handler      { return h }

// The done-when of OpenTelemetry metrics: with the SDK's ManualReader behind WithMeterProvider, one
// conforming and one drifted answer of a test vendor (and a call of another API) give the four instruments,
// with bounded attributes (ids, never values); the logs and the Event carry the request's context.
func TestMetricsManualReader(t *testing.T) {
	c := load(t)
	const path = "/openapi/face-recognition/v3/ocr-ktp-check"
	okBody := example(t, c, "advance", "ocrKtpCheck", 200)
	drift := bytes.Replace(okBody, []byte(`"code":"SUCCESS"`), []byte(`"code":"NEW_CODE"`), 1)
	if bytes.Equal(drift, okBody) {
		t.Fatal("the ADVANCE example has no code SUCCESS to change")
	}
	// One operation, two answers: the test vendor drifts when asked to (?drift).
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != path {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		if r.URL.RawQuery == "drift" {
			w.Write(drift)
			return
		}
		w.Write(okBody)
	}))
	defer srv.Close()
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	defer mp.Shutdown(context.Background())
	var events []Event
	marked, records := 0, 0
	tr := NewTransport(nil, c, WithMeterProvider(mp), WithLogger(slog.New(ctxHandler{&marked, &records})),
		WithCallback(func(e Event) { events = append(events, e) }))
	client := &http.Client{Transport: tr}
	ctx := context.WithValue(context.Background(), ctxKey{}, "call-1")
	for _, url := range []string{srv.URL + path, srv.URL + path + "?drift", srv.URL + "/healthz"} {
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, url, nil)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	if len(events) != 2 {
		t.Fatalf("%d events, want 2", len(events))
	}
	billable := 0
	for _, e := range events {
		if e.Context == nil || e.Context.Value(ctxKey{}) != "call-1" {
			t.Errorf("the Event does not carry the request's context")
		}
		if e.Billing.Known && e.Billing.Billable {
			billable++
		}
	}
	if records == 0 || marked != records {
		t.Errorf("%d of %d log records carry the request's context", marked, records)
	}
	got := collect(t, reader)
	const op = "kontrak.operation=ocrKtpCheck,"
	want := map[string]map[string]float64{
		MetricCalls: {
			op + "kontrak.outcome=judged,kontrak.vendor=advance": 2,
			"kontrak.outcome=unrouted":                           1,
		},
		MetricFindings: {
			"kontrak.finding=" + contract.ErrorCodeUndocumented + "," + op + "kontrak.severity=breaking,kontrak.vendor=advance,kontrak.waived=false": 1,
		},
		MetricDuration: {op + "kontrak.vendor=advance": 2},
	}
	if billable > 0 {
		want[MetricBilled] = map[string]float64{op + "kontrak.vendor=advance": float64(billable)}
	} else {
		t.Errorf("neither answer is billable: the test needs ADVANCE's documented success to be billed")
	}
	for name, w := range want {
		g := pointsOf(got[name])
		if len(g) != len(w) {
			t.Errorf("%s: points %v, want %v", name, g, w)
			continue
		}
		for attrs, v := range w {
			if g[attrs] != v {
				t.Errorf("%s{%s} = %v, want %v (all: %v)", name, attrs, g[attrs], v, g)
			}
		}
	}
	for _, p := range got[MetricDuration] {
		if p.sum <= 0 {
			t.Errorf("%s: sum %v, want the checks' time", MetricDuration, p.sum)
		}
	}
	if len(got) != 4 {
		t.Errorf("instruments %v, want the four", len(got))
	}
	// Stats stays, for programs without OpenTelemetry, and agrees.
	st := tr.Stats()
	if st.Unrouted != 1 || len(st.Operations) != 1 || st.Operations[0].Judged != 2 || st.Operations[0].Billed != int64(billable) || st.Operations[0].Drifted != 1 {
		t.Errorf("stats %+v", st)
	}
}

// Sampled-out, not-judged and waived calls are counted under their own attribute values; the attribute
// sets are the same objects call after call (bounded: no value of an answer in them).
func TestMetricsOutcomes(t *testing.T) {
	c := load(t)
	const path = "/v1/id_ocr/general"
	body := []byte(`{"status": "QUOTA_EXCEEDED", "message": "no quota"}`)
	srv := server(t, map[string]answer{path: {200, "application/json", body}})
	ws, err := contract.ParseWaivers("waivers.yaml", []byte("waivers:\n  - vendor: ekycpro\n    operation: idOcrGeneral\n"+
		"    finding: error-code-undocumented\n    pointer: /status\n    reason: a quota code\n    ticket: SUP-9\n    expires: 2999-12-31\n"))
	if err != nil {
		t.Fatal(err)
	}
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	defer mp.Shutdown(context.Background())
	tr := NewTransport(nil, c, WithMeterProvider(mp), WithSample(2), WithWaivers(ws), WithMaxBody(int64(len(body))))
	client := &http.Client{Transport: tr}
	for i := range 6 {
		resp, err := client.Post(srv.URL+path, "application/x-www-form-urlencoded", strings.NewReader("img=x"))
		if err != nil {
			t.Fatal(err)
		}
		if i == 2 {
			resp.Body.Close() // closed unread: not judged
			continue
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	got := collect(t, reader)
	const op = "kontrak.operation=idOcrGeneral,"
	calls := pointsOf(got[MetricCalls])
	if calls[op+"kontrak.outcome=sampled_out,kontrak.vendor=ekycpro"] != 3 || calls[op+"kontrak.outcome=judged,kontrak.vendor=ekycpro"] != 2 ||
		calls[op+"kontrak.outcome=not_judged,kontrak.vendor=ekycpro"] != 1 {
		t.Errorf("calls %v: want 3 sampled out, 2 judged, 1 not judged", calls)
	}
	findings := pointsOf(got[MetricFindings])
	if findings["kontrak.finding=error-code-undocumented,"+op+"kontrak.severity=breaking,kontrak.vendor=ekycpro,kontrak.waived=true"] != 2 || len(findings) != 1 {
		t.Errorf("findings %v: want 2, waived", findings)
	}
}

// Without WithMeterProvider the global provider is used (a no-op until one is set): nothing breaks.
func TestMetricsDefaultProvider(t *testing.T) {
	c := load(t)
	body := example(t, c, "advance", "ocrKtpCheck", 200)
	srv := server(t, map[string]answer{"/openapi/face-recognition/v3/ocr-ktp-check": {200, "application/json", body}})
	tr := NewTransport(nil, c, WithMeterProvider(nil))
	resp, err := (&http.Client{Transport: tr}).Post(srv.URL+"/openapi/face-recognition/v3/ocr-ktp-check", "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !bytes.Equal(got, body) || tr.Stats().Operations[0].Judged != 1 {
		t.Errorf("stats %+v", tr.Stats())
	}
}

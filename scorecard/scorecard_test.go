package scorecard_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	kontrak "github.com/kontrak/kontrak"
	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/report"
	krun "github.com/kontrak/kontrak/run"
	"github.com/kontrak/kontrak/sandbox"
	"github.com/kontrak/kontrak/scenario"
	"github.com/kontrak/kontrak/scorecard"
	"github.com/kontrak/kontrak/specimen"
)

var (
	once   sync.Once
	theC   *contract.Contract
	root   string
	setErr error
)

func setup(t testing.TB) *contract.Contract {
	t.Helper()
	once.Do(func() {
		theC, setErr = contract.Load(kontrak.Files)
		if setErr == nil {
			root, setErr = scenario.Root()
		}
	})
	if setErr != nil {
		t.Fatal(setErr)
	}
	return theC
}

// serve starts kontrak serve on loopback and returns the live-mode environment that points every vendor
// at it, with a budget of maxBillable calls a vendor (negative: KONTRAK_MAX_BILLABLE unset).
func serve(t *testing.T, c *contract.Contract, maxBillable int) func(string) string {
	t.Helper()
	env := map[string]string{}
	if maxBillable >= 0 { // < 0: KONTRAK_MAX_BILLABLE unset
		env["KONTRAK_MAX_BILLABLE"] = strconv.Itoa(maxBillable)
	}
	creds := map[string]string{}
	for _, v := range c.Vendors() {
		for _, name := range v.CredentialVars() {
			creds[name] = "kontrak-scorecard-test-" + strings.ToLower(name)
			env[name] = creds[name]
		}
	}
	sb, err := sandbox.New(c, sandbox.Config{Root: root, Credentials: creds})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sb)
	t.Cleanup(func() { srv.Close(); sb.Close() })
	for _, v := range c.Vendors() {
		base := srv.URL
		if len(v.Servers) > 0 {
			// Keep a documented base path (Kredibel's prefix): serve finds the operation under it.
			if i := strings.Index(strings.TrimPrefix(strings.TrimPrefix(v.Servers[0].URL, "https://"), "http://"), "/"); i >= 0 {
				rest := strings.TrimPrefix(strings.TrimPrefix(v.Servers[0].URL, "https://"), "http://")
				base += rest[i:]
			}
		}
		env[v.Env.BaseURL] = base
	}
	return func(k string) string { return env[k] }
}

const testW, testH = 720, 480 // the largest documented minimum (Verihubs: 720×480), cheaper to render than the default

func options(c *contract.Contract, getenv func(string) string, samples int) scorecard.Options {
	return scorecard.Options{
		Contract: c, Getenv: getenv, Samples: samples, Width: testW, Height: testH,
		Now:   func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) },
		Sleep: func(context.Context, time.Duration) error { return nil },
	}
}

// expected computes, from serve's OCR model alone, the scores a vendor mapping the given fields must get:
// for each sample and variant, the model's reading against the truth, through the scorecard's documented
// comparison. A misread date that is no calendar date is read as nothing (the canonical record's dates
// are dates).
func expected(t *testing.T, op *contract.Operation, samples int, variants []specimen.Variant) ([]scorecard.FieldScore, []scorecard.VariantScore) {
	t.Helper()
	model, err := sandbox.DefaultOCRModel()
	if err != nil {
		t.Fatal(err)
	}
	type acc struct{ n, exact, edits, length int }
	fields := map[string]*acc{}
	vars := map[specimen.Variant]*acc{}
	for i := 1; i <= samples; i++ {
		seed := scorecard.SampleSeed(i)
		truth := specimen.Truth(specimen.NewIdentity(seed))
		for _, v := range variants {
			mk := specimen.Mark{Seed: seed, Variant: v}
			got, ok := model.Read(mk)
			if !ok {
				t.Fatalf("the model does not read %s", v)
			}
			kind, fails := model.Fails(mk)
			fails = fails && op.Canonical.Failures[kind] != nil
			for j, f := range truth {
				if op.Canonical.Fields[f.Name] == nil {
					continue
				}
				r := got[j].Value
				if fails {
					r = "" // a failed read: every field counts as read empty
				}
				if f.Name == "birthDate" {
					if _, err := time.Parse(time.DateOnly, r); err != nil {
						r = ""
					}
				}
				exact, edits, length := scorecard.Compare(f.Value, r)
				if fields[f.Name] == nil {
					fields[f.Name] = &acc{}
				}
				if vars[v] == nil {
					vars[v] = &acc{}
				}
				for _, a := range []*acc{fields[f.Name], vars[v]} {
					a.n++
					if exact {
						a.exact++
					}
					a.edits += edits
					a.length += length
				}
			}
		}
	}
	r4 := func(x float64) float64 { return float64(int64(x*10000+0.5)) / 10000 }
	var fs []scorecard.FieldScore
	for _, name := range scorecard.CanonicalFields() {
		if a := fields[name]; a != nil {
			fs = append(fs, scorecard.FieldScore{Field: name, Exact: r4(float64(a.exact) / float64(a.n)), CER: r4(float64(a.edits) / float64(a.length))})
		}
	}
	var vs []scorecard.VariantScore
	for _, v := range variants {
		a := vars[v]
		vs = append(vs, scorecard.VariantScore{Variant: string(v), Exact: r4(float64(a.exact) / float64(a.n))})
	}
	return fs, vs
}

// billableBy is what the billing tables say an answer of op costs: its code's row, else the billing of
// its status (x-kontrak-billing).
func billableBy(op *contract.Operation, code string, status int) bool {
	if row := op.Codes.Lookup(code); code != "" && row != nil {
		return row.Billable
	}
	b, _ := op.Billing.ByStatus(status)
	return b
}

// firstStatus is the first status a documented key stands for ("2XX": 200).
func firstStatus(t *testing.T, key string) int {
	t.Helper()
	n, err := strconv.Atoi(strings.ReplaceAll(strings.ToUpper(key), "X", "0"))
	if err != nil {
		t.Fatalf("status %q: %v", key, err)
	}
	return n
}

// expectedCost computes, from the OCR model and the billing tables alone, the samples (by index) whose
// read the model fails, how many calls every sample bills, and how many failed reads were billed: a
// submit (an asynchronous flow's) billed as its accepted answer is, the reading billed as its success or
// its documented failure code is.
func expectedCost(t *testing.T, c *contract.Contract, op *contract.Operation, samples int, variants []specimen.Variant) (failed []int, billed, failedBilled int) {
	t.Helper()
	model, err := sandbox.DefaultOCRModel()
	if err != nil {
		t.Fatal(err)
	}
	var submit *contract.Operation
	for _, s := range op.Vendor.Operations {
		if f, _ := s.Flow(); f != nil && f.ResultOperation() == op {
			submit = s
		}
	}
	submitBilled := 0
	if submit != nil {
		for _, key := range submit.Statuses() {
			if key[0] == '2' {
				if billableBy(submit, "", firstStatus(t, key)) {
					submitBilled = 1
				}
				break
			}
		}
	}
	success := 0
	if billableBy(op, op.Canonical.When.Code, firstStatus(t, op.Canonical.When.Statuses[0])) {
		success = 1
	}
	for i := 1; i <= samples; i++ {
		for _, v := range variants {
			n := submitBilled + success
			if kind, fails := model.Fails(specimen.Mark{Seed: scorecard.SampleSeed(i), Variant: v}); fails && op.Canonical.Failures[kind] != nil {
				code := op.Canonical.Failures[kind].Code
				n = submitBilled
				if billableBy(op, code, firstStatus(t, op.Codes.Lookup(code).Statuses[0])) {
					n++
				}
				failed = append(failed, i)
				if n > 0 {
					failedBilled++
				}
			}
			billed += n
		}
	}
	return failed, billed, failedBilled
}

// TestScorecardAgainstServe is the "done when", literally: `kontrak scorecard --samples 8` against
// serve (KONTRAK_MAX_BILLABLE unset: the need, on loopback) scores all four vendors with the numbers the
// model predicts, clean ≥ blur for each, the budget never exceeded, identical numbers on a second run.
func TestScorecardAgainstServe(t *testing.T) {
	c := setup(t)
	const samples = 8
	getenv := serve(t, c, -1)
	card, err := scorecard.Run(context.Background(), options(c, getenv, samples))
	if err != nil {
		t.Fatal(err)
	}
	for _, vs := range card.Vendors {
		t.Logf("%s %s src=%s n=%d cut=%q failed=%v billed=%d", vs.Vendor, vs.Operation, vs.Source, vs.Samples, vs.Cut, vs.Failed, vs.Billed)
	}
	if card.Kind != scorecard.Kind || card.Source != scorecard.SourceServe {
		t.Fatalf("kind %q source %q: want %q, %q", card.Kind, card.Source, scorecard.Kind, scorecard.SourceServe)
	}
	if len(card.Vendors) != len(c.Vendors()) {
		t.Fatalf("%d vendors scored, want %d (every vendor)", len(card.Vendors), len(c.Vendors()))
	}
	for _, vs := range card.Vendors {
		op := c.Vendor(vs.Vendor).Operation(vs.Operation)
		if vs.Source != scorecard.SourceServe {
			t.Errorf("%s: source %q, want %q", vs.Vendor, vs.Source, scorecard.SourceServe)
		}
		want := samples * len(scorecard.DefaultVariants)
		if vs.Samples != want || vs.Cut != "" {
			t.Errorf("%s: %d samples scored (cut %q), want %d", vs.Vendor, vs.Samples, vs.Cut, want)
		}
		if vs.Billed > vs.Budget.Max || vs.Budget.Max != vs.Budget.Calls {
			t.Errorf("%s: %d billed, budget %+v: the budget is the need on loopback, never exceeded", vs.Vendor, vs.Billed, vs.Budget)
		}
		wantFailed, wantBilled, wantFailedBilled := expectedCost(t, c, op, samples, scorecard.DefaultVariants)
		if len(wantFailed) == 0 {
			t.Fatalf("%s: the model fails no read of %d samples: the failed-read cost is not tested (raise samples)", vs.Vendor, samples)
		}
		if !reflect.DeepEqual(vs.Failed, wantFailed) || vs.Billed != wantBilled || vs.FailedBilled != wantFailedBilled {
			t.Errorf("%s: failed %v, billed %d, failed reads billed %d; want %v, %d, %d (from the model and the billing tables)",
				vs.Vendor, vs.Failed, vs.Billed, vs.FailedBilled, wantFailed, wantBilled, wantFailedBilled)
		}
		wantFields, wantVariants := expected(t, op, samples, scorecard.DefaultVariants)
		if !reflect.DeepEqual(vs.Fields, wantFields) {
			t.Errorf("%s fields:\n got %+v\nwant %+v (from the model)", vs.Vendor, vs.Fields, wantFields)
		}
		if !reflect.DeepEqual(vs.Variants, wantVariants) {
			t.Errorf("%s variants:\n got %+v\nwant %+v (from the model)", vs.Vendor, vs.Variants, wantVariants)
		}
		exact := map[string]float64{}
		for _, v := range vs.Variants {
			exact[v.Variant] = v.Exact
		}
		if exact["clean"] < exact["blur"] || exact["clean"] == 0 {
			t.Errorf("%s: clean %.4f, blur %.4f: clean must read at least as well", vs.Vendor, exact["clean"], exact["blur"])
		}
	}
	// The same run again gives the same numbers (latency aside: it is measured, not modelled).
	again, err := scorecard.Run(context.Background(), options(c, getenv, samples))
	if err != nil {
		t.Fatal(err)
	}
	strip := func(c *scorecard.Card) *scorecard.Card {
		out := *c
		out.Vendors = append([]scorecard.VendorScore(nil), c.Vendors...)
		for i := range out.Vendors {
			out.Vendors[i].LatencyMs = scorecard.Latency{}
		}
		return &out
	}
	if !reflect.DeepEqual(strip(card), strip(again)) {
		t.Fatalf("a second run differs:\n%+v\n%+v", strip(card), strip(again))
	}
	// Every format says where the scores were measured.
	for _, f := range report.Formats(scorecard.Report) {
		render, err := report.Lookup(scorecard.Report, f)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := render(&b, card); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(html.UnescapeString(b.String()), "kontrak's sandbox model, not a vendor") {
			t.Errorf("--format %s does not label the scores as serve's:\n%s", f, b.String())
		}
	}
}

func TestScorecardBudgetCut(t *testing.T) {
	c := setup(t)
	getenv := serve(t, c, 2)
	o := options(c, getenv, 2)
	o.Vendors = []string{"ekycpro"}
	o.Variants = []specimen.Variant{specimen.Clean}
	card, err := scorecard.Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if v := card.Vendors[0]; v.Samples != 2 || v.Cut != "" {
		t.Fatalf("a budget of 2 for 2 samples: %d scored, cut %q", v.Samples, v.Cut)
	}
	o.Samples = 3
	o.Getenv = serve(t, c, 1)
	card, err = scorecard.Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	v := card.Vendors[0]
	if v.Samples != 1 || v.Billed != 1 || !strings.Contains(v.Cut, "budget of 1 billable calls") || !strings.Contains(v.Cut, "cut 2 of 3 samples") {
		t.Fatalf("a budget of 1 for 3 samples: %d scored, %d billed, cut %q", v.Samples, v.Billed, v.Cut)
	}
	// A budget that lets nothing through scores nothing: the run fails and says why.
	o.Getenv = serve(t, c, 0)
	card, err = scorecard.Run(context.Background(), o)
	if !errors.Is(err, scorecard.ErrNothingScored) || !strings.Contains(err.Error(), "budget of 0 billable calls") {
		t.Fatalf("a budget of 0: err %v", err)
	}
	if card == nil || card.Scored() != 0 {
		t.Fatalf("a budget of 0: card %+v", card)
	}
}

// perSample is the billable calls one sample of op makes, from the billing tables: a flow's submit when it
// may be billed, and the reading (asked polls times in a flow) when it may be.
func perSample(op *contract.Operation, polls int) int {
	for _, s := range op.Vendor.Operations {
		if f, _ := s.Flow(); f != nil && f.ResultOperation() == op {
			n := 0
			if s.MaxBillable() {
				n++
			}
			if op.MaxBillable() {
				n += polls
			}
			return n
		}
	}
	if op.MaxBillable() {
		return 1
	}
	return 0
}

// TestScorecardBudgetUnsetLocal: with KONTRAK_MAX_BILLABLE unset against a loopback host, every vendor's
// budget is exactly its need (vendors × samples × variants billable calls), said before anything is sent,
// and nothing is cut.
func TestScorecardBudgetUnsetLocal(t *testing.T) {
	c := setup(t)
	const samples = 2
	o := options(c, serve(t, c, -1), samples)
	o.Variants = []specimen.Variant{specimen.Clean, specimen.Blur}
	o.Polls = 2
	var log bytes.Buffer
	o.Log = &log
	card, err := scorecard.Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if len(card.Vendors) != len(c.Vendors()) {
		t.Fatalf("%d vendors scored, want %d", len(card.Vendors), len(c.Vendors()))
	}
	for _, vs := range card.Vendors {
		op := c.Vendor(vs.Vendor).Operation(vs.Operation)
		per := perSample(op, o.Polls)
		want := samples * len(o.Variants) * per
		if per == 0 {
			t.Fatalf("%s: no call of a sample may be billed: the budget is not tested", op.Name())
		}
		if b := vs.Budget; b.Calls != want || b.Max != want || b.PerSample != per || !strings.Contains(b.MaxFrom, "local host") {
			t.Errorf("%s: budget %+v, want a need and a budget of %d (%d samples × %d) from a local host", vs.Vendor, b, want, samples*len(o.Variants), per)
		}
		if vs.Cut != "" || vs.Samples != samples*len(o.Variants) {
			t.Errorf("%s: %d scored, cut %q: the need must send every sample", vs.Vendor, vs.Samples, vs.Cut)
		}
		line := fmt.Sprintf("%s %s needs %d billable calls", vs.Vendor, vs.Operation, want)
		if !strings.Contains(log.String(), line) {
			t.Errorf("the log does not say %q:\n%s", line, log.String())
		}
	}
}

// redirect sends every request to the test server, whatever host its URL names: a vendor's documented
// host, reached on loopback.
type redirect struct{ to *url.URL }

func (r redirect) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	req.URL.Scheme, req.URL.Host, req.Host = r.to.Scheme, r.to.Host, r.to.Host
	return http.DefaultTransport.RoundTrip(req)
}

// TestScorecardBudgetUnsetVendorHost: with KONTRAK_MAX_BILLABLE unset against a vendor's documented host,
// the live default applies, the run says so, and a run it cut says how many and the figure that would
// send them all.
func TestScorecardBudgetUnsetVendorHost(t *testing.T) {
	c := setup(t)
	v := c.Vendor("ekycpro")
	if len(v.Servers) == 0 || v.HostKind(v.Servers[0].URL) != contract.HostDocumented {
		t.Fatalf("ekycpro documents no host: the test needs a vendor that does")
	}
	env := serve(t, c, -1)
	srvURL, err := url.Parse(env(v.Env.BaseURL))
	if err != nil {
		t.Fatal(err)
	}
	getenv := func(k string) string {
		if k == v.Env.BaseURL {
			return "" // the documented host
		}
		return env(k)
	}
	var def krun.Engine
	if err := def.ConfigureLive(v, func(string) string { return "" }); err != nil {
		t.Fatal(err)
	}
	o := options(c, getenv, 0)
	o.Vendors = []string{v.ID}
	o.Transport = redirect{srvURL}
	o.Samples = def.Budget.Max + 1 // one clean sample more than the live default allows
	o.Variants = []specimen.Variant{specimen.Clean}
	var log bytes.Buffer
	o.Log = &log
	card, err := scorecard.Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	vs := card.Vendors[0]
	need := o.Samples * perSample(v.Operation(vs.Operation), 3)
	if b := vs.Budget; b.Max != def.Budget.Max || b.Calls != need || !strings.Contains(b.MaxFrom, "live default, against a documented host") {
		t.Errorf("budget %+v: want the live default %d against a documented host, need %d", b, def.Budget.Max, need)
	}
	cut := o.Samples - def.Budget.Max
	if vs.Samples != def.Budget.Max || !strings.Contains(vs.Cut, fmt.Sprintf("cut %d of %d samples", cut, o.Samples)) || !strings.Contains(vs.Cut, fmt.Sprintf("KONTRAK_MAX_BILLABLE=%d would send them all", need)) {
		t.Errorf("%d scored, cut %q: want %d scored, %d cut and the figure %d", vs.Samples, vs.Cut, def.Budget.Max, cut, need)
	}
	if !strings.Contains(log.String(), fmt.Sprintf("KONTRAK_MAX_BILLABLE=%d would send every sample", need)) {
		t.Errorf("the log does not say the budget is short before sending:\n%s", log.String())
	}
}

// Levenshtein aligns whole strings, StretchDistance a value with the best stretch of a text; both count
// runes, so a non-ASCII letter read wrong costs one.
func TestEditDistances(t *testing.T) {
	for _, c := range []struct {
		a, b           string
		whole, stretch int
	}{
		{"", "", 0, 0},
		{"kitten", "sitting", 3, 2}, // the stretch "sittin"
		{"NIK 3174", "NAMA: X NIK 3174 LAHIR", 14, 0},
		{"SITI", "NAMA SLTI BINTI", 11, 1},
		{"é", "e", 1, 1},
		{"abc", "", 3, 3},
		{"", "abc", 3, 0},
	} {
		if got := scorecard.Levenshtein(c.a, c.b); got != c.whole {
			t.Errorf("Levenshtein(%q, %q) = %d, want %d", c.a, c.b, got, c.whole)
		}
		if got := scorecard.StretchDistance(c.a, c.b); got != c.stretch {
			t.Errorf("StretchDistance(%q, %q) = %d, want %d", c.a, c.b, got, c.stretch)
		}
	}
}

package scorecard

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/kontrak/kontrak/client"
	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/internal/wire"
	krun "github.com/kontrak/kontrak/run"
	"github.com/kontrak/kontrak/sandbox"
	"github.com/kontrak/kontrak/scorecard/card"
	"github.com/kontrak/kontrak/specimen"
)

// DefaultVariants are the specimen variants scored when Options.Variants is empty.
var DefaultVariants = []specimen.Variant{specimen.Clean, specimen.Blur, specimen.Dark, specimen.Glare, specimen.Grayscale}

// Options configure a scorecard run.
type Options struct {
	Contract *contract.Contract
	// Getenv reads the live-mode environment (base URLs, credentials, KONTRAK_MAX_BILLABLE, retries,
	// timeout), as run.ConfigureLive does. Required.
	Getenv func(string) string
	// Vendors to score; empty: every vendor configured for live mode (run.MissingEnv lists nothing).
	Vendors []string
	// Samples is the number of synthetic identities, each sent in every variant; zero is 8. Ignored with
	// Golden.
	Samples int
	// Variants of the specimens; empty is DefaultVariants. Ignored with Golden.
	Variants []specimen.Variant
	// Golden, when set, is a directory with truth.yaml and the images it names, sent instead of specimens.
	Golden string
	// Width and Height of a specimen; zero is 1024×640 (JPEG).
	Width, Height int
	// Transport reaches the vendors (nil: http.DefaultTransport), under the budget and retries.
	Transport http.RoundTripper
	// Now dates the scorecard; nil is time.Now.
	Now func() time.Time
	// Polls and PollWait: how often, and how far apart, the result of an asynchronous flow is asked while
	// it is not a success (zero: 3 times, 2 s apart). Sleep waits (nil: a context-aware sleep).
	Polls    int
	PollWait time.Duration
	Sleep    func(context.Context, time.Duration) error
	// Log, when set, is told each vendor's budget (Need) before anything is sent to it: one line each.
	Log io.Writer
}

// The card and its formats are package card's (so that the documentation reads a card without the
// live driver); these names stay for callers of this package.
type (
	Card         = card.Card
	VendorScore  = card.VendorScore
	Need         = card.Need
	Latency      = card.Latency
	FieldScore   = card.FieldScore
	VariantScore = card.VariantScore
)

// Kind, SourceServe and Report are card's.
const (
	Kind        = card.Kind
	SourceServe = card.SourceServe
)

// Report is the kind of report a card is rendered as (text, json, markdown, svg).
var Report = card.Report

// ErrNothingScored is the error of a scorecard that scored no sample: it proved nothing.
var ErrNothingScored = errors.New("the scorecard scored no sample")

// sample is one image of known truth.
type sample struct {
	index   int // from 1: the identity's number, or the card's place in truth.yaml
	variant string
	image   []byte
	truth   map[string]string
}

// Run sends every sample to every vendor and scores the answers. The card is returned whenever one could
// be built; the error says why a run failed, ErrNothingScored (wrapped, with why) when no sample was
// scored at all.
func Run(ctx context.Context, o Options) (*Card, error) {
	if o.Contract == nil || o.Getenv == nil {
		return nil, errors.New("scorecard: Options.Contract and Options.Getenv are required")
	}
	now := time.Now
	if o.Now != nil {
		now = o.Now
	}
	vendors, err := vendorsOf(o)
	if err != nil {
		return nil, err
	}
	samples, set, err := samplesOf(o)
	if err != nil {
		return nil, err
	}
	card := &Card{Kind: Kind, MeasuredAt: now().UTC().Format(time.RFC3339), Set: set}
	for _, v := range vendors {
		for _, op := range v.Operations {
			if op.Canonical == nil {
				continue
			}
			if set == "specimens" {
				if err := fits(v, op, o); err != nil {
					return nil, err
				}
			}
			vs, err := scoreVendor(ctx, o, v, op, samples)
			if err != nil {
				return nil, err
			}
			card.Vendors = append(card.Vendors, *vs)
		}
	}
	card.Source = sourceOf(card.Vendors)
	if card.Scored() == 0 {
		var why []string
		for _, v := range card.Vendors {
			why = append(why, v.Vendor+": "+orNothing(v.Cut))
		}
		return card, fmt.Errorf("%w: %s", ErrNothingScored, strings.Join(why, "; "))
	}
	return card, nil
}

func orNothing(s string) string {
	if s == "" {
		return "no answer"
	}
	return s
}

func sourceOf(vs []VendorScore) string {
	serve, other := 0, 0
	for _, v := range vs {
		if v.Source == SourceServe {
			serve++
		} else {
			other++
		}
	}
	switch {
	case other == 0 && serve > 0:
		return SourceServe
	case serve == 0:
		return "vendors (each vendor's source says which host)"
	}
	return "mixed: some vendors were served by kontrak serve's model (each vendor's source says which)"
}

// vendorsOf are the vendors to score: those asked, each configured for live mode, or every configured one.
func vendorsOf(o Options) ([]*contract.Vendor, error) {
	var out []*contract.Vendor
	if len(o.Vendors) > 0 {
		for _, id := range o.Vendors {
			v := o.Contract.Vendor(id)
			if v == nil {
				return nil, fmt.Errorf("--vendors: unknown vendor %q (known: %s)", id, strings.Join(o.Contract.VendorIDs(), ", "))
			}
			if miss := krun.MissingEnv(v, o.Getenv); len(miss) > 0 {
				return nil, fmt.Errorf("%s is not configured for live mode: set %s", id, strings.Join(miss, ", "))
			}
			out = append(out, v)
		}
		return out, nil
	}
	var missing []string
	for _, v := range o.Contract.Vendors() {
		if miss := krun.MissingEnv(v, o.Getenv); len(miss) > 0 {
			missing = append(missing, v.ID+" ("+strings.Join(miss, ", ")+")")
			continue
		}
		out = append(out, v)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no vendor is configured for live mode: set %s", strings.Join(missing, "; "))
	}
	return out, nil
}

// samplesOf are the samples: specimens of identities kontrak-scorecard-1…N in every variant, or a golden set.
func samplesOf(o Options) ([]sample, string, error) {
	if o.Golden != "" {
		t, images, err := LoadGolden(o.Golden)
		if err != nil {
			return nil, "", err
		}
		out := make([]sample, len(t.Cards))
		for i, c := range t.Cards {
			out[i] = sample{index: i + 1, variant: c.Variant, image: images[i], truth: c.Fields}
		}
		return out, "golden", nil
	}
	n := o.Samples
	if n == 0 {
		n = 8
	}
	if n < 0 || n > 1000 {
		return nil, "", fmt.Errorf("--samples: 1 to 1000, got %d", n)
	}
	variants := o.Variants
	if len(variants) == 0 {
		variants = DefaultVariants
	}
	w, h := o.Width, o.Height
	if w == 0 || h == 0 {
		w, h = 1024, 640
	}
	var out []sample
	for i := 1; i <= n; i++ {
		seed := SampleSeed(i)
		truth := map[string]string{}
		for _, f := range specimen.Truth(specimen.NewIdentity(seed)) {
			truth[f.Name] = f.Value
		}
		for _, v := range variants {
			if v == specimen.NoCard {
				return nil, "", fmt.Errorf("--variants: %s shows no card: there is nothing to read", v)
			}
			img, err := rendered(seed, v, w, h)
			if err != nil {
				return nil, "", fmt.Errorf("--variants: %v", err)
			}
			out = append(out, sample{index: i, variant: string(v), image: img, truth: truth})
		}
	}
	return out, "specimens", nil
}

// renders keeps the specimens a process rendered: rendering is about nine tenths of a scorecard's CPU
// against serve (and more under the race detector), and a render is deterministic, so a second run in the
// same process (a scheduled scorecard, a test of determinism) sends the same bytes without drawing them
// again. Bounded: at most maxRenders images (a run of 8 samples × 5 variants holds 40, about 2 MB).
var renders = struct {
	sync.Mutex
	m map[renderKey][]byte
}{m: map[renderKey][]byte{}}

const maxRenders = 256

type renderKey struct {
	seed    string
	variant specimen.Variant
	w, h    int
}

func rendered(seed string, v specimen.Variant, w, h int) ([]byte, error) {
	k := renderKey{seed, v, w, h}
	renders.Lock()
	img, ok := renders.m[k]
	renders.Unlock()
	if ok {
		return img, nil
	}
	img, err := specimen.RenderMarked(seed, v, specimen.JPEG, w, h)
	if err != nil {
		return nil, err
	}
	renders.Lock()
	if len(renders.m) >= maxRenders {
		clear(renders.m)
	}
	renders.m[k] = img
	renders.Unlock()
	return img, nil
}

// fits says whether the specimens' size is within the dimensions the vendor documents for the image of
// the operation that takes it (the flow's submit for a result operation): a refused size would score the
// refusal, not the reading.
func fits(v *contract.Vendor, op *contract.Operation, o Options) error {
	w, h := o.Width, o.Height
	if w == 0 || h == 0 {
		w, h = 1024, 640
	}
	takes := op
	if s := submitOf(v, op); s != nil {
		takes = s
	}
	_, r := takes.ImageField()
	if r == nil {
		return nil
	}
	if w < r.MinWidth || h < r.MinHeight || (r.MaxWidth > 0 && w > r.MaxWidth) || (r.MaxHeight > 0 && h > r.MaxHeight) {
		return fmt.Errorf("%s: specimens of %dx%d are outside the documented dimensions of %s (min %dx%d, max %dx%d)", v.ID, w, h, takes.Name(), r.MinWidth, r.MinHeight, r.MaxWidth, r.MaxHeight)
	}
	return nil
}

// SampleSeed is the specimen seed of sample i: the scorecard's identities are the same on every run.
func SampleSeed(i int) string { return "kontrak-scorecard-" + strconv.Itoa(i) }

// observer measures the calls of one sample: billed answers, and whether serve's reader answered.
type observer struct {
	next http.RoundTripper
	c    *contract.Contract

	mu     sync.Mutex
	billed int
	serve  bool
}

func (ob *observer) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, body, err := wire.RoundTripWhole(ob.next, r)
	if err != nil {
		return nil, err
	}
	ob.mu.Lock()
	defer ob.mu.Unlock()
	if op, ok := ob.c.Lookup(r.Method, r.URL.Path); ok && op.Classify(resp.StatusCode, body).Billable {
		ob.billed++
	}
	if resp.Header.Get(sandbox.ReaderHeader) != "" {
		ob.serve = true
	}
	return resp, nil
}

func (ob *observer) take() (billed int, serve bool) {
	ob.mu.Lock()
	defer ob.mu.Unlock()
	b, s := ob.billed, ob.serve
	ob.billed = 0
	return b, s
}

// scoreVendor sends every sample to op (through its flow's submit when op is a flow's result) and scores
// what comes back.
func scoreVendor(ctx context.Context, o Options, v *contract.Vendor, op *contract.Operation, samples []sample) (*VendorScore, error) {
	submit := submitOf(v, op)
	need := needOf(op, submit, len(samples), o.Polls)
	e := &krun.Engine{Contract: o.Contract, Mode: krun.Live, Transport: o.Transport}
	getenv := o.Getenv
	need.MaxFrom = krun.EnvMaxBillable
	if getenv(krun.EnvMaxBillable) == "" {
		base := getenv(v.Env.BaseURL)
		if base == "" && len(v.Servers) > 0 {
			base = v.Servers[0].URL
		}
		if v.HostKind(base) == contract.HostLocal {
			// Nothing real is billed on a local host (kontrak serve): the run gets exactly what it needs.
			getenv = func(k string) string {
				if k == krun.EnvMaxBillable {
					return strconv.Itoa(need.Calls)
				}
				return o.Getenv(k)
			}
			need.MaxFrom = krun.EnvMaxBillable + " unset: the need, against a local host"
		} else {
			need.MaxFrom = krun.EnvMaxBillable + " unset: the live default, against a " + v.HostKind(base) + " host"
		}
	}
	if err := e.ConfigureLive(v, getenv); err != nil {
		return nil, fmt.Errorf("%s: %v", v.ID, err)
	}
	need.Max = e.Budget.Max
	if o.Log != nil {
		line := fmt.Sprintf("kontrak scorecard: %s %s needs %d billable calls (%d samples × %d); budget %d (%s)", v.ID, op.ID, need.Calls, need.Samples, need.PerSample, need.Max, need.MaxFrom)
		if need.Max < need.Calls {
			line += fmt.Sprintf(": KONTRAK_MAX_BILLABLE=%d would send every sample", need.Calls)
		}
		fmt.Fprintln(o.Log, line)
	}
	ob := &observer{c: o.Contract}
	cl := e.LiveClient(v, func(next http.RoundTripper) http.RoundTripper { ob.next = next; return ob })
	vs := &VendorScore{Vendor: v.ID, Operation: op.ID, Planned: len(samples), Source: hostSource(v, e.BaseURL), Budget: need}
	fields := map[string]*tally{}
	variants := map[string]*tally{}
	var variantOrder []string
	var latencies []int64
	lost, budgeted := 0, 0
	var lostWhy string
	sawServe := false
	for _, s := range samples {
		start := time.Now()
		k, answered, err := read(ctx, o, cl, op, submit, s)
		elapsed := time.Since(start)
		billed, serve := ob.take()
		sawServe = sawServe || serve
		vs.Billed += billed
		if err != nil {
			var be *krun.BudgetError
			if errors.As(err, &be) {
				budgeted++
				continue
			}
			if !answered {
				lost++
				lostWhy = oneLine(err.Error())
				continue
			}
		}
		vs.Samples++
		latencies = append(latencies, elapsed.Milliseconds())
		if k == nil {
			vs.Failed = append(vs.Failed, s.index)
			if billed > 0 {
				vs.FailedBilled++
			}
		}
		read := fieldsOf(k)
		if variants[s.variant] == nil {
			variants[s.variant] = &tally{}
			variantOrder = append(variantOrder, s.variant)
		}
		for _, name := range CanonicalFields() {
			truth, has := s.truth[name]
			if !has || op.Canonical.Fields[name] == nil {
				continue // a field the card's truth or the vendor's answer does not hold is not scored
			}
			exact, edits, length := Compare(truth, read[name])
			if fields[name] == nil {
				fields[name] = &tally{}
			}
			fields[name].add(exact, edits, length)
			variants[s.variant].add(exact, edits, length)
		}
	}
	for _, name := range CanonicalFields() {
		if t := fields[name]; t != nil {
			vs.Fields = append(vs.Fields, FieldScore{Field: name, Exact: t.exactShare(), CER: t.cer()})
		}
	}
	for _, name := range variantOrder {
		vs.Variants = append(vs.Variants, VariantScore{Variant: name, Exact: variants[name].exactShare()})
	}
	slices.Sort(latencies)
	vs.LatencyMs = Latency{P50: percentile(latencies, 50), P95: percentile(latencies, 95)}
	if sawServe {
		vs.Source = SourceServe
	}
	var cut []string
	if budgeted > 0 {
		cut = append(cut, fmt.Sprintf("the budget of %d billable calls (%s) cut %d of %d samples: not sent, not scored; KONTRAK_MAX_BILLABLE=%d would send them all", e.Budget.Max, need.MaxFrom, budgeted, len(samples), need.Calls))
	}
	if lost > 0 {
		cut = append(cut, fmt.Sprintf("%d samples got no answer (%s)", lost, lostWhy))
	}
	vs.Cut = strings.Join(cut, "; ")
	return vs, nil
}

// needOf is the budget n samples need: each sends op (or submit, then op up to polls times), and each
// call of an operation that may be billed counts.
func needOf(op, submit *contract.Operation, n, polls int) Need {
	per := 0
	if submit == nil {
		if op.MaxBillable() {
			per = 1
		}
	} else {
		if submit.MaxBillable() {
			per = 1
		}
		if op.MaxBillable() {
			per += pollsOf(polls)
		}
	}
	return Need{Calls: n * per, Samples: n, PerSample: per}
}

func pollsOf(polls int) int {
	if polls <= 0 {
		return 3
	}
	return polls
}

// hostSource names the base URL's host and its kind (contract.Vendor.HostKind).
func hostSource(v *contract.Vendor, base string) string {
	host := base
	if u, err := url.Parse(base); err == nil && u.Host != "" {
		host = u.Host
	}
	return v.HostKind(base) + " host " + host
}

// submitOf is the operation that submits op's work when op answers an asynchronous flow's result; nil
// when op is called directly.
func submitOf(v *contract.Vendor, op *contract.Operation) *contract.Operation {
	for _, s := range v.Operations {
		f, err := s.Flow()
		if err == nil && f != nil && f.ResultOperation() == op {
			return s
		}
	}
	return nil
}

// read sends one sample and reads the canonical record of the answer: nil when the answer is no success
// (a failed read). answered is false when no answer came at all (the error says why).
func read(ctx context.Context, o Options, cl *client.Client, op, submit *contract.Operation, s sample) (*contract.KTP, bool, error) {
	if submit == nil {
		resp, err := cl.Do(ctx, client.Request{Operation: op.ID, Fields: map[string]any{}, Image: s.image})
		if err != nil {
			return nil, false, err
		}
		k, _ := contract.Canonical(op, resp.Body)
		return k, true, nil
	}
	resp, err := cl.Do(ctx, client.Request{Operation: submit.ID, Fields: map[string]any{}, Image: s.image})
	if err != nil {
		return nil, false, err
	}
	f, _ := submit.Flow()
	id, ok := contract.Lookup(resp.Body, f.ID.Answer)
	ref, isString := id.(string)
	if !ok || !isString || ref == "" || resp.Status/100 != 2 {
		return nil, true, nil // the submit was refused: a failed read
	}
	polls, wait := pollsOf(o.Polls), o.PollWait
	if wait <= 0 {
		wait = 2 * time.Second
	}
	sleep := o.Sleep
	if sleep == nil {
		sleep = krun.Sleep
	}
	for attempt := 1; ; attempt++ {
		resp, err := cl.Do(ctx, client.Request{Operation: op.ID, Fields: map[string]any{f.ID.Parameter: ref}})
		if err != nil {
			return nil, false, err
		}
		if k, err := contract.Canonical(op, resp.Body); err == nil {
			return k, true, nil
		}
		if op.Classify(resp.Status, resp.Body).Code != "" {
			return nil, true, nil // a documented code is the result, final: a failed read, not one still pending
		}
		if attempt >= polls {
			return nil, true, nil
		}
		if err := sleep(ctx, wait); err != nil {
			return nil, false, err
		}
	}
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

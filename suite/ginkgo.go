package suite

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	g "github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"
	gm "github.com/onsi/gomega"

	kontrak "github.com/kontrak/kontrak"
	"github.com/kontrak/kontrak/cassette"
	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/report"
	"github.com/kontrak/kontrak/run"
	"github.com/kontrak/kontrak/scenario"
)

// Specs declares the Ginkgo specs of the vendors — every vendor with a suites/<vendor>/scenarios.yaml when
// none is named —: a container a vendor, labelled vendor:<id>, with one spec a scenario and the coverage
// specs. Call it once, at package level (var _ = suite.Specs()), so that the tree is built before RunSpecs;
// select vendors at run time with --label-filter=vendor:<id>. The environment is read here, once (package
// run's variables); each spec's code location is its scenario's line in scenarios.yaml, relative to the
// repository root.
func Specs(vendors ...string) bool {
	root, c, err := load()
	if err == nil && len(vendors) == 0 {
		vendors, err = withScenarios(root, c)
	}
	var runs []*vendorRun
	for _, id := range vendors {
		r := &vendorRun{vendor: id, root: root}
		if err != nil {
			r.err = err
		} else {
			r.setup(c)
		}
		runs = append(runs, r)
	}
	// One AfterSuite for the whole binary, in live and record modes only: it finishes each vendor's live run
	// (promotes or discards its recording, and says whether the run proved anything), and fails a live run
	// in which no vendor ran at all (fail closed: every vendor skipped for its credentials proves nothing).
	// It also fails the run on an expired waiver, or one that matched nothing its vendor's run covered.
	after, live := false, false
	for _, r := range runs {
		after = after || (r.engine != nil && (r.live() || r.engine.Waivers != nil))
		live = live || (r.engine != nil && r.live())
	}
	if after {
		g.AfterSuite(func() {
			var failures []string
			if live {
				if msg := noVendorRan(runs); msg != "" {
					failures = append(failures, msg)
				}
			}
			for _, r := range runs {
				if msg := r.finish(); msg != "" {
					failures = append(failures, msg)
				}
				if r.engine != nil && r.ran.Load() {
					for _, p := range r.engine.Waivers.Problems(r.vendor) {
						failures = append(failures, p.Error())
					}
				}
			}
			if len(failures) > 0 {
				g.Fail(strings.Join(failures, "\n"))
			}
		})
	}
	if err == nil {
		junitReport(root)
	}
	for _, r := range runs {
		r.declare()
	}
	return true
}

// vendorRun is one vendor's part of a suite run.
type vendorRun struct {
	vendor string
	root   string
	err    error // the scenarios or the configuration did not load
	engine *run.Engine
	file   *scenario.File
	v      *contract.Vendor
	// missing are the variables live mode needs and lacks: the vendor is skipped, not failed.
	missing []string

	tally     run.Tally
	started   atomic.Bool // a scenario spec of the vendor began (the label filter may leave it out)
	skipped   atomic.Bool // its live run was skipped for missing credentials (not left out by the filter)
	ran       atomic.Bool // a scenario of the vendor ran (the label filter may leave it out)
	stageOnce sync.Once
	stage     *run.Staging
	stageErr  error
}

func (r *vendorRun) live() bool { return r.engine.Mode == run.Live || r.engine.Mode == run.Record }

func (r *vendorRun) setup(c *contract.Contract) {
	r.v = c.Vendor(r.vendor)
	if r.v == nil {
		r.err = fmt.Errorf("%s: no such vendor in specs/", r.vendor)
		return
	}
	if r.file, r.err = scenario.Load(r.root, c, r.vendor); r.err != nil {
		return
	}
	if r.engine, r.err = run.FromEnvironment(c, r.root, os.Getenv, time.Now()); r.err != nil {
		return
	}
	if r.live() {
		if r.missing = run.MissingEnv(r.v, os.Getenv); len(r.missing) == 0 {
			r.err = r.engine.ConfigureLive(r.v, os.Getenv)
			// What a run the budget cuts names: the budget of every scenario, as kontrak budget gives it.
			r.tally.Need = run.NeedOf(c, r.file, r.engine.Retry.Max).Calls
		}
	}
}

// staging starts the recording's staging directory on the first scenario that runs, so that a vendor the
// label filter leaves out stages nothing.
func (r *vendorRun) staging() error {
	r.stageOnce.Do(func() {
		if r.engine.Mode != run.Record {
			return
		}
		if r.stage, r.stageErr = run.NewStaging(r.engine.Cassettes, r.vendor, r.file); r.stageErr == nil {
			for _, line := range r.stage.Cleaned {
				say(line)
			}
			r.stage.Host, r.stage.ReplaceLive = r.v.HostKind(r.engine.BaseURL), r.engine.ReplaceLive
			if !(cassette.Provenance{Kind: cassette.ProvenanceRecorded, Host: r.stage.Host}).Evidence() {
				say(fmt.Sprintf("%s: recording from a %s host (%s): the cassettes will say host=%s, and replace none recorded live from the vendor unless %s=1",
					r.vendor, r.stage.Host, hostOf(r.engine.BaseURL), r.stage.Host, run.EnvReplaceLive))
			}
			r.engine.Cassettes = r.stage.Dir
			r.stage.Check = run.ScanStaged(r.engine.Contract) // a redacted recording that scans dirty is not promoted
		}
	})
	return r.stageErr
}

// finish ends a live run: "" when it is fine, else why it fails.
func (r *vendorRun) finish() string {
	if r.engine == nil || !r.live() || len(r.missing) > 0 || !r.started.Load() {
		return ""
	}
	var failures []string
	if msg := r.tally.Summary(r.vendor); msg != "" {
		say(msg)
	}
	if r.stage != nil {
		msg, err := r.stage.Finish(&r.tally)
		say(msg)
		if err != nil {
			failures = append(failures, err.Error())
		}
	}
	if err := r.tally.Verdict(r.vendor); err != nil {
		failures = append(failures, err.Error())
	}
	return strings.Join(failures, "\n")
}

func (r *vendorRun) declare() {
	g.Describe(r.vendor, g.Label("vendor:"+r.vendor), func() {
		if r.err != nil {
			g.It("loads its scenarios and configuration", func() { g.Fail(r.err.Error()) })
			return
		}
		if len(r.missing) > 0 && run.Required(r.vendor, os.Getenv) {
			g.It("runs live", g.Label("kind:auth"), func() {
				g.Fail(fmt.Sprintf("%s: %s names it, and live mode needs %s", r.vendor, run.EnvVendors, strings.Join(r.missing, ", ")))
			})
			return
		}
		if len(r.missing) > 0 {
			g.It("runs live", g.Label("kind:auth", "skip:"+report.SkipCredentials), func() {
				r.skipped.Store(true)
				g.Skip(fmt.Sprintf("%s: live mode needs %s", r.vendor, strings.Join(r.missing, ", ")))
			})
			return
		}
		for _, s := range r.file.Scenarios {
			r.declareScenario(s)
		}
		fileLocation := types.CodeLocation{FileName: relative(r.root, r.file.Path()), LineNumber: 1}
		g.It("has a scenario for every code of every table", g.Label("kind:error-code"), fileLocation, func() {
			gm.Expect(r.gaps("code")).To(gm.BeEmpty(), "%s: codes without a scenario in %s", r.vendor, fileLocation.FileName)
		})
		if hasSandbox(r.v) {
			g.It("has a scenario for every sandbox code", g.Label("kind:sandbox"), fileLocation, func() {
				gm.Expect(r.gaps("sandbox")).To(gm.BeEmpty(), "%s: sandbox codes without a scenario in %s", r.vendor, fileLocation.FileName)
			})
		}
	})
}

// declareScenario is one scenario's spec, located at its line in scenarios.yaml: Ginkgo's report, its
// JUnit and a failure's location point at the scenario, not at this generator.
func (r *vendorRun) declareScenario(s *scenario.Scenario) {
	e := r.engine
	labels := g.Labels{"kind:" + s.Kind}
	if s.Live.ReplayOnly {
		labels = append(labels, "replay-only")
	}
	file, line := s.Location(r.root)
	at := types.CodeLocation{FileName: file, LineNumber: line}
	g.It(specText(e.Contract, s), labels, at, func(ctx g.SpecContext) {
		r.started.Store(true)
		if s.Live.ReplayOnly && r.live() {
			g.AddReportEntry(run.ReportEntry, report.Entry{Vendor: r.vendor, Scenario: s.Name, Operation: s.Operation, Kind: s.Kind, Mode: string(e.Mode),
				At: e.At(s), Skip: report.SkipReplayOnly}, g.ReportEntryVisibilityNever)
			g.Skip(fmt.Sprintf("%s scenario %s cannot be provoked live: %s", r.vendor, s.Name, s.Live.Note))
		}
		if err := r.staging(); err != nil {
			g.Fail(fmt.Sprintf("%s: staging the recording: %v", r.vendor, err))
		}
		r.ran.Store(true)
		res := e.Run(ctx, s)
		g.AddReportEntry(run.ReportEntry, e.Entry(res), g.ReportEntryVisibilityNever)
		if r.live() {
			r.tally.Add(res)
			var budget *run.BudgetError
			if errors.As(res.Err, &budget) {
				g.Skip(fmt.Sprintf("%s scenario %s: %v", r.vendor, s.Name, budget))
			}
			if res.Inconclusive != "" {
				g.Skip(fmt.Sprintf("%s scenario %s: %s", r.vendor, s.Name, res.Inconclusive))
			}
		}
		if res.Failed() {
			g.Fail(fmt.Sprintf("%s:%d: %s", file, line, res.Message()))
		}
	})
}

// say is a line of a live run's own: in Ginkgo's report and on the terminal, whatever the verbosity.
func say(line string) {
	g.GinkgoWriter.Println(line)
	fmt.Println(line)
}

// hostOf is a base URL's host, for a message (its path and query may hold anything).
func hostOf(base string) string {
	if u, err := url.Parse(base); err == nil && u.Host != "" {
		return u.Host
	}
	return "no host"
}

// noVendorRan is why a live run fails when no vendor's scenarios began: each vendor was skipped for its
// credentials (or left out by the label filter). "" when one began.
func noVendorRan(runs []*vendorRun) string {
	var skipped []string
	for _, r := range runs {
		if r.started.Load() {
			return ""
		}
		if r.skipped.Load() {
			skipped = append(skipped, fmt.Sprintf("%s needs %s", r.vendor, strings.Join(r.missing, ", ")))
		}
	}
	why := "no vendor selected by the label filter has its credentials"
	if len(skipped) > 0 {
		why = strings.Join(skipped, "; ")
	}
	return fmt.Sprintf("live run: no vendor ran, so nothing was proved (%s): set the credentials of the vendors to run, and name those that must with %s (make VENDORS=…)", why, run.EnvVendors)
}

func (r *vendorRun) gaps(what string) []string {
	var missing []string
	for _, gap := range scenario.Coverage(r.v, r.file) {
		if gap.What == what {
			missing = append(missing, gap.Operation+" "+gap.Value)
		}
	}
	return missing
}

// specText names the scenario and the vendor code it exercises.
func specText(c *contract.Contract, s *scenario.Scenario) string {
	op := c.Vendor(s.Vendor()).Operation(s.Operation)
	want := s.Expected(op)
	code := want.Code
	if s.Sandbox != "" {
		code = s.Sandbox + " → " + orNone(want.Code)
	}
	if code == "" {
		code = fmt.Sprintf("HTTP %d", want.Status)
	}
	return fmt.Sprintf("%s [%s] %s: %s", s.Operation, code, s.Name, s.Title)
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func hasSandbox(v *contract.Vendor) bool {
	for _, op := range v.Operations {
		if len(op.Sandbox) > 0 {
			return true
		}
	}
	return false
}

// load finds the repository and loads the contract.
func load() (string, *contract.Contract, error) {
	root, err := scenario.Root()
	if err != nil {
		return "", nil, err
	}
	c, err := contract.Load(kontrak.Files)
	return root, c, err
}

// withScenarios lists the vendors of the contract that have a scenario file, sorted.
func withScenarios(root string, c *contract.Contract) ([]string, error) {
	var out []string
	for _, v := range c.Vendors() {
		if _, err := os.Stat(filepath.Join(root, scenario.Dir, v.ID, "scenarios.yaml")); err == nil {
			out = append(out, v.ID)
		}
	}
	sort.Strings(out)
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no vendor has a scenarios.yaml", filepath.Join(root, scenario.Dir))
	}
	return out, nil
}

func relative(root, path string) string {
	if rel, err := filepath.Rel(root, path); err == nil && !strings.HasPrefix(rel, "..") {
		return filepath.ToSlash(rel)
	}
	return path
}

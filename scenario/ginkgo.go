package scenario

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	g "github.com/onsi/ginkgo/v2"
	gm "github.com/onsi/gomega"

	kontrak "github.com/kontrak/kontrak"
	"github.com/kontrak/kontrak/client"
	"github.com/kontrak/kontrak/contract"
)

// The environment of a suite run. Replay needs none of them.
const (
	EnvMode      = "KONTRAK_MODE"      // replay (default) | live | record | derive
	EnvCassettes = "KONTRAK_CASSETTES" // the cassette directory (default: cassettes/ of the repository)
	EnvStrict    = "KONTRAK_STRICT"    // 1: notices count as breaking drift
)

// ReportEntry is the name of the report entry every scenario spec adds: its Entry as JSON, read by
// `kontrak report` for the summary table.
const ReportEntry = "kontrak"

// Entry is what a scenario spec reports.
type Entry struct {
	Vendor    string `json:"vendor"`
	Scenario  string `json:"scenario"`
	Operation string `json:"operation"`
	Kind      string `json:"kind"`
	Mode      string `json:"mode"`
	Cassette  string `json:"cassette,omitempty"`
	Status    int    `json:"status"`
	Code      string `json:"code,omitempty"`
	Billed    bool   `json:"billed"`
	Breaking  int    `json:"breaking"`
	Notices   int    `json:"notices"`
	Failed    bool   `json:"failed"`
}

// Root finds the repository root (the directory holding go.mod) from the working directory up.
func Root() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the working directory")
		}
		dir = parent
	}
}

// Specs declares the Ginkgo specs of a vendor: one spec a scenario, and coverage specs. Call it at
// package level (var _ = scenario.Specs("advance")), so that the tree is built before RunSpecs.
func Specs(vendor string) bool {
	env, file, err := setup(vendor)
	tally := &Tally{}
	var stage *Staging
	if err == nil && (env.Mode == Live || env.Mode == Record) && len(MissingEnv(env.Contract.Vendor(vendor))) == 0 {
		g.AfterSuite(func() {
			if stage != nil {
				msg, perr := stage.Finish(tally)
				g.GinkgoWriter.Println(msg)
				fmt.Println(msg)
				if perr != nil {
					g.Fail(perr.Error())
				}
			}
			if verr := tally.Verdict(vendor); verr != nil {
				g.Fail(verr.Error())
			}
		})
	}
	return g.Describe(vendor, g.Label("vendor:"+vendor), func() {
		if err != nil {
			g.It("loads its scenarios and configuration", func() { g.Fail(err.Error()) })
			return
		}
		v := env.Contract.Vendor(vendor)
		if env.Mode == Live || env.Mode == Record {
			if missing := MissingEnv(v); len(missing) > 0 {
				g.It("runs live", g.Label("kind:auth"), func() {
					g.Skip(fmt.Sprintf("%s: live mode needs %s", vendor, strings.Join(missing, ", ")))
				})
				return
			}
			if err := configureLive(env, v); err != nil {
				g.It("is configured for live mode", func() { g.Fail(err.Error()) })
				return
			}
			if env.Mode == Record {
				var serr error
				if stage, serr = NewStaging(env.Cassettes, vendor, file); serr != nil {
					g.It("stages its recording", func() { g.Fail(serr.Error()) })
					return
				}
				env.Cassettes = stage.Dir
				stage.Check = scanStaged(env.Contract)
			}
		}
		for _, s := range file.Scenarios {
			s := s
			labels := g.Labels{"kind:" + s.Kind}
			if s.Live.ReplayOnly {
				labels = append(labels, "replay-only")
			}
			g.It(specText(env.Contract, s), labels, func(ctx g.SpecContext) {
				if s.Live.ReplayOnly && (env.Mode == Live || env.Mode == Record) {
					g.AddReportEntry(ReportEntry, Entry{Vendor: vendor, Scenario: s.Name, Operation: s.Operation, Kind: s.Kind, Mode: string(env.Mode)}, g.ReportEntryVisibilityNever)
					g.Skip(fmt.Sprintf("%s scenario %s cannot be provoked live: %s", vendor, s.Name, s.Live.Note))
				}
				res := env.Run(ctx, s)
				g.AddReportEntry(ReportEntry, entry(env, res), g.ReportEntryVisibilityNever)
				if env.Mode == Live || env.Mode == Record {
					tally.Add(res)
					var budget *BudgetError
					if errors.As(res.Err, &budget) {
						g.Skip(fmt.Sprintf("%s scenario %s: %v", vendor, s.Name, budget))
					}
				}
				if res.Failed() {
					g.Fail(res.Message())
				}
			})
		}
		g.It("has a scenario for every code of every table", g.Label("kind:error-code"), func() {
			var missing []string
			for _, g := range Coverage(v, file) {
				if g.What == "code" {
					missing = append(missing, g.Operation+" "+g.Value)
				}
			}
			gm.Expect(missing).To(gm.BeEmpty(), "%s: codes without a scenario in %s", vendor, file.Path())
		})
		if hasSandbox(v) {
			g.It("has a scenario for every sandbox code", g.Label("kind:sandbox"), func() {
				var missing []string
				for _, g := range Coverage(v, file) {
					if g.What == "sandbox" {
						missing = append(missing, g.Operation+" "+g.Value)
					}
				}
				gm.Expect(missing).To(gm.BeEmpty(), "%s: sandbox codes without a scenario in %s", vendor, file.Path())
			})
		}
	})
}

// specText names the scenario and the vendor code it exercises.
func specText(c *contract.Contract, s *Scenario) string {
	op := c.Vendor(s.vendor).Operation(s.Operation)
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

func entry(e *Env, r *Result) Entry {
	x := Entry{Vendor: r.Scenario.vendor, Scenario: r.Scenario.Name, Operation: r.Scenario.Operation, Kind: r.Scenario.Kind,
		Mode: string(e.Mode), Status: r.Expected.Status, Code: r.Got.Code, Billed: r.Billed(), Breaking: r.Breaking(),
		Notices: r.Notices(), Failed: r.Failed()}
	if e.Mode != Live {
		x.Cassette = r.Cassette
	}
	if r.Got.Status != 0 {
		x.Status = r.Got.Status
	}
	return x
}

func hasSandbox(v *contract.Vendor) bool {
	for _, op := range v.Operations {
		if len(op.Sandbox) > 0 {
			return true
		}
	}
	return false
}

// setup reads the environment, the contract and the vendor's scenarios.
func setup(vendor string) (*Env, *File, error) {
	root, err := Root()
	if err != nil {
		return nil, nil, err
	}
	c, err := contract.Load(kontrak.Files)
	if err != nil {
		return nil, nil, err
	}
	mode := Mode(os.Getenv(EnvMode))
	if mode == "" {
		mode = Replay
	}
	switch mode {
	case Replay, Live, Record, Derive:
	default:
		return nil, nil, fmt.Errorf("%s=%q: want replay, live, record or derive", EnvMode, mode)
	}
	cassettes := os.Getenv(EnvCassettes)
	if cassettes == "" {
		cassettes = filepath.Join(root, "cassettes")
	}
	f, err := Load(root, c, vendor)
	if err != nil {
		return nil, nil, err
	}
	env := &Env{Contract: c, Cassettes: cassettes, Mode: mode, Today: time.Now().UTC().Format("2006-01-02")}
	switch os.Getenv(EnvStrict) {
	case "", "0":
	case "1":
		env.Strict = true
	default:
		return nil, nil, fmt.Errorf("%s=%q: want 1 or 0", EnvStrict, os.Getenv(EnvStrict))
	}
	if rules := redactRules(c); rules != nil {
		env.Redact = rules
	}
	return env, f, nil
}

// MissingEnv lists the environment variables live mode needs for v and lacks, sorted.
func MissingEnv(v *contract.Vendor) []string {
	var missing []string
	need := CredentialVars(v)
	if v.Env.BaseURLRequired {
		need = append(need, v.Env.BaseURL)
	}
	for _, name := range need {
		if os.Getenv(name) == "" {
			missing = append(missing, name)
		}
	}
	sort.Strings(missing)
	return missing
}

// The live configuration, from the environment.
const (
	EnvMaxBillable = "KONTRAK_MAX_BILLABLE" // billable calls a vendor's live run may make (default 5)
	EnvRetries     = "KONTRAK_RETRIES"      // retries of a rate-limited call (default 2)
	EnvMaxWait     = "KONTRAK_MAX_WAIT"     // the longest Retry-After honoured at once (default 30s)
	EnvTimeout     = "KONTRAK_TIMEOUT"      // the timeout of every call (default 30s)
)

// configureLive fills base URL, credentials, budget, retries and timeout from the environment. The base
// URL defaults to the first documented server.
func configureLive(e *Env, v *contract.Vendor) error {
	e.BaseURL = os.Getenv(v.Env.BaseURL)
	if e.BaseURL == "" && len(v.Servers) > 0 {
		e.BaseURL = v.Servers[0].URL
	}
	e.Credentials = map[string]string{}
	for _, name := range CredentialVars(v) {
		e.Credentials[name] = os.Getenv(name)
	}
	max, err := envInt(EnvMaxBillable, 5)
	if err != nil {
		return err
	}
	retries, err := envInt(EnvRetries, 2)
	if err != nil {
		return err
	}
	maxWait, err := envDuration(EnvMaxWait, 30*time.Second)
	if err != nil {
		return err
	}
	if e.Timeout, err = envDuration(EnvTimeout, 30*time.Second); err != nil {
		return err
	}
	e.Budget = &Budget{Max: max}
	e.Retry = Retry{Max: retries, MaxWait: maxWait}
	if e.Mode == Live {
		// One client for the whole run: a token is fetched once and refreshed when it expires.
		e.Client = client.New(v, client.Config{BaseURL: e.BaseURL, Credentials: e.Credentials, Timeout: e.Timeout})
	}
	return nil
}

func envInt(name string, def int) (int, error) {
	v := os.Getenv(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%s=%q: want a whole number ≥ 0", name, v)
	}
	return n, nil
}

func envDuration(name string, def time.Duration) (time.Duration, error) {
	v := os.Getenv(name)
	if v == "" {
		return def, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%s=%q: want a duration such as 30s", name, v)
	}
	return d, nil
}

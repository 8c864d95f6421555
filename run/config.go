package run

import (
	"fmt"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/kontrak/kontrak/client"
	"github.com/kontrak/kontrak/contract"
)

// The environment of a suite run. Replay needs none of them. Only FromEnvironment, ConfigureLive and
// MissingEnv read them, through the getenv they are given; the engine reads no environment.
const (
	EnvMode      = "KONTRAK_MODE"      // replay (default) | live | record | derive
	EnvCassettes = "KONTRAK_CASSETTES" // the cassette directory (default: cassettes/ of the repository)
	EnvStrict    = "KONTRAK_STRICT"    // 1: notices count as breaking drift
	EnvWaivers   = "KONTRAK_WAIVERS"   // a waivers.yaml (make conformance WAIVERS=…): known drift accepted
	EnvVendors   = "KONTRAK_VENDORS"   // vendors a live run must run, comma-separated (make VENDORS=…): missing credentials fail, not skip
	EnvRequire   = "KONTRAK_REQUIRE"   // the former name of KONTRAK_VENDORS (make REQUIRE=…), still read
	// EnvReplaceLive=1 lets a recording from a local or non-vendor host replace cassettes recorded live
	// from the vendor (Staging.Finish refuses it otherwise).
	EnvReplaceLive = "KONTRAK_REPLACE_LIVE"

	EnvMaxBillable = "KONTRAK_MAX_BILLABLE" // billable calls a vendor's live run may make (default 5)
	EnvRetries     = "KONTRAK_RETRIES"      // retries of a rate-limited call (default 2)
	EnvMaxWait     = "KONTRAK_MAX_WAIT"     // the longest Retry-After waited for (default 30s); a longer one is reported, not waited
	EnvTimeout     = "KONTRAK_TIMEOUT"      // the timeout of every call (default 30s)
)

// FromEnvironment is the engine a suite run asks for: mode, cassette directory and strictness from getenv
// (os.Getenv in the suites, a map in tests), cassettes/ under root by default, recordings dated today and
// redacted by the contract's rules. Live settings are ConfigureLive's, per vendor. Errors name the variable.
func FromEnvironment(c *contract.Contract, root string, getenv func(string) string, today time.Time) (*Engine, error) {
	mode := Mode(getenv(EnvMode))
	if mode == "" {
		mode = Replay
	}
	switch mode {
	case Replay, Live, Record, Derive:
	default:
		return nil, fmt.Errorf("%s=%q: want replay, live, record or derive", EnvMode, mode)
	}
	cassettes := getenv(EnvCassettes)
	if cassettes == "" {
		cassettes = filepath.Join(root, "cassettes")
	}
	e := &Engine{Contract: c, Cassettes: cassettes, Root: root, Mode: mode, Today: today.UTC().Format(time.DateOnly), Redact: redactRules(c)}
	var err error
	if e.Strict, err = envFlag(getenv, EnvStrict); err != nil {
		return nil, err
	}
	if e.ReplaceLive, err = envFlag(getenv, EnvReplaceLive); err != nil {
		return nil, err
	}
	if path := getenv(EnvWaivers); path != "" {
		if !filepath.IsAbs(path) {
			path = filepath.Join(root, path) // a path is the repository's, wherever the suite runs
		}
		if e.Waivers, err = contract.LoadWaivers(path); err != nil {
			return nil, fmt.Errorf("%s: %v", EnvWaivers, err)
		}
		if err := e.Waivers.Check(c); err != nil {
			return nil, fmt.Errorf("%s: %v", EnvWaivers, err)
		}
	}
	return e, nil
}

// Required reports whether KONTRAK_VENDORS (or its former name KONTRAK_REQUIRE) names the vendor: a live
// run that cannot run it (no credentials) fails instead of skipping it.
func Required(vendor string, getenv func(string) string) bool {
	for _, v := range strings.Split(getenv(EnvVendors)+","+getenv(EnvRequire), ",") {
		if strings.TrimSpace(v) == vendor {
			return true
		}
	}
	return false
}

// ConfigureLive fills base URL, credentials, budget, retries and timeout for v from getenv. The base URL
// defaults to the first documented server. In live mode the engine gets one client for the whole run, so
// that a token is fetched once and refreshed when it expires.
func (e *Engine) ConfigureLive(v *contract.Vendor, getenv func(string) string) error {
	e.BaseURL = getenv(v.Env.BaseURL)
	if e.BaseURL == "" && len(v.Servers) > 0 {
		e.BaseURL = v.Servers[0].URL
	}
	e.Credentials = map[string]string{}
	for _, name := range v.CredentialVars() {
		e.Credentials[name] = getenv(name)
	}
	max, err := envInt(getenv, EnvMaxBillable, 5)
	if err != nil {
		return err
	}
	retries, err := RetriesFrom(getenv)
	if err != nil {
		return err
	}
	maxWait, err := envDuration(getenv, EnvMaxWait, 30*time.Second)
	if err != nil {
		return err
	}
	if e.Timeout, err = envDuration(getenv, EnvTimeout, 30*time.Second); err != nil {
		return err
	}
	e.Budget = &Budget{Max: max}
	e.Retry = Retry{Max: retries, MaxWait: maxWait}
	if e.Mode == Live {
		e.Client = client.New(v, client.Config{BaseURL: e.BaseURL, Credentials: e.Credentials, Timeout: e.Timeout})
	}
	return nil
}

// MissingEnv lists the environment variables live mode needs for v and getenv lacks, sorted.
func MissingEnv(v *contract.Vendor, getenv func(string) string) []string {
	var missing []string
	need := v.CredentialVars()
	if v.Env.BaseURLRequired {
		need = append(need, v.Env.BaseURL)
	}
	for _, name := range need {
		if getenv(name) == "" {
			missing = append(missing, name)
		}
	}
	sort.Strings(missing)
	return missing
}

// envFlag reads a switch: 1 on, 0 or unset off.
func envFlag(getenv func(string) string, name string) (bool, error) {
	switch v := getenv(name); v {
	case "", "0":
		return false, nil
	case "1":
		return true, nil
	default:
		return false, fmt.Errorf("%s=%q: want 1 or 0", name, v)
	}
}

func envInt(getenv func(string) string, name string, def int) (int, error) {
	v := getenv(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%s=%q: want a whole number ≥ 0", name, v)
	}
	return n, nil
}

func envDuration(getenv func(string) string, name string, def time.Duration) (time.Duration, error) {
	v := getenv(name)
	if v == "" {
		return def, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%s=%q: want a duration such as 30s", name, v)
	}
	return d, nil
}

// RetriesFrom is the retry count of a live run as getenv configures it (KONTRAK_RETRIES, default 2).
func RetriesFrom(getenv func(string) string) (int, error) { return envInt(getenv, EnvRetries, 2) }

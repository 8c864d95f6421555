package suite_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/kontrak/kontrak/contract"
)

// noCredentials is an environment in which every vendor lacks every credential (an empty variable is a
// missing one), whatever the machine's environment holds.
func noCredentials(c *contract.Contract) []string {
	var env []string
	for _, v := range c.Vendors() {
		for _, name := range v.CredentialVars() {
			env = append(env, name+"=")
		}
	}
	return append(env, "KONTRAK_VENDORS=", "KONTRAK_REQUIRE=")
}

// liveTo is the environment of a live (or record) run of the vendors against srv with the canary
// credentials.
func liveTo(c *contract.Contract, srv *httptest.Server, mode string, extra ...string) []string {
	env := []string{"KONTRAK_MODE=" + mode, "KONTRAK_MAX_WAIT=10ms", "KONTRAK_TIMEOUT=20s", "KONTRAK_VENDORS="}
	for _, v := range c.Vendors() {
		env = append(env, v.Env.BaseURL+"="+srv.URL)
	}
	for k, v := range canary {
		env = append(env, k+"="+v)
	}
	return append(env, extra...)
}

// TestLiveWithoutCredentialsFails: a live run in which no vendor could run (no credentials anywhere) fails
// with one line saying so, and a vendor KONTRAK_VENDORS names fails when it cannot run.
func TestLiveWithoutCredentialsFails(t *testing.T) {
	c, _ := setup(t)
	for _, tc := range []struct {
		reason string
		env    []string
		args   []string
		want   string
	}{
		{"no vendor at all ran", []string{"KONTRAK_MODE=live"}, nil, "live run: no vendor ran, so nothing was proved (advance needs "},
		{"one vendor selected, without its credentials", []string{"KONTRAK_MODE=live"}, []string{"-ginkgo.label-filter=vendor:ekycpro"}, "live run: no vendor ran, so nothing was proved (ekycpro needs "},
		{"a required vendor without credentials", []string{"KONTRAK_MODE=live", "KONTRAK_VENDORS=advance"}, nil, "advance: KONTRAK_VENDORS names it, and live mode needs "},
		{"REQUIRE, the former name, still works", []string{"KONTRAK_MODE=live", "KONTRAK_REQUIRE=advance"}, nil, "advance: KONTRAK_VENDORS names it, and live mode needs "},
	} {
		t.Run(tc.reason, func(t *testing.T) {
			env := append(noCredentials(c), tc.env...)
			_, _, out, err := runSuites(t, env, tc.args...)
			if err == nil {
				t.Fatalf("the run passed:\n%s", tail(out))
			}
			if !strings.Contains(out, tc.want) {
				t.Errorf("output lacks %q:\n%s", tc.want, tail(out))
			}
		})
	}
}

// TestLiveAllRateLimitedFails: a live run against a server that answers 429 to everything proved nothing,
// whatever the budget: 0 (every billable call refused), 2 (spent at once) or the default.
func TestLiveAllRateLimitedFails(t *testing.T) {
	c, _ := setup(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "0")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusTooManyRequests)
		w.Write([]byte(`{"message":"too many requests"}`))
	}))
	defer srv.Close()
	for _, budget := range []string{"0", "2", ""} {
		t.Run("budget="+budget, func(t *testing.T) {
			env := liveTo(c, srv, "live", "KONTRAK_MAX_BILLABLE="+budget)
			_, _, out, err := runSuites(t, env, "-ginkgo.label-filter=vendor:advance")
			if err == nil {
				t.Fatalf("the run passed:\n%s", tail(out))
			}
			if !strings.Contains(out, "advance: the live run proved nothing") {
				t.Errorf("output does not say the run proved nothing:\n%s", tail(out))
			}
		})
	}
}

// TestRecordSmallBudgetFails: make record with a budget too small for the scenarios discards the
// recording, fails, and names the budget it would need; cassettes/ is untouched (the run records into a
// temporary directory).
func TestRecordSmallBudgetFails(t *testing.T) {
	c, root := setup(t)
	srv := serve(t, c, root, root+"/cassettes", nil)
	dir := t.TempDir()
	env := liveTo(c, srv, "record", "KONTRAK_MAX_BILLABLE=1", "KONTRAK_CASSETTES="+dir)
	_, _, out, err := runSuites(t, env, "-ginkgo.label-filter=vendor:ekycpro")
	if err == nil {
		t.Fatalf("the run passed:\n%s", tail(out))
	}
	for _, want := range []string{"ekycpro: the recording is discarded, cassettes/ekycpro untouched: ", "record with KONTRAK_MAX_BILLABLE="} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, tail(out))
		}
	}
}

// TestLiveSkipsVendorNotRequired: the other side of fail closed. One vendor with its credentials runs (here
// against the sandbox), the others lack theirs and are not required: they are skipped, and the run passes.
func TestLiveSkipsVendorNotRequired(t *testing.T) {
	c, root := setup(t)
	srv := serve(t, c, root, root+"/cassettes", nil)
	env := noCredentials(c)
	env = append(env, "KONTRAK_MODE=live", "KONTRAK_MAX_BILLABLE=1000", "KONTRAK_MAX_WAIT=10ms", "KONTRAK_TIMEOUT=20s")
	v := c.Vendor("ekycpro")
	env = append(env, v.Env.BaseURL+"="+srv.URL)
	for _, name := range v.CredentialVars() {
		env = append(env, name+"="+canary[name])
	}
	_, _, out, err := runSuites(t, env)
	if err != nil {
		t.Fatalf("the run failed: %v\n%s", err, tail(out))
	}
	if !strings.Contains(out, "SUCCESS!") || !strings.Contains(out, "Skipped") {
		t.Errorf("want a passing run with the other vendors skipped:\n%s", tail(out))
	}
}

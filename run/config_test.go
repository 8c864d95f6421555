package run_test

import (
	"strings"
	"testing"
	"time"

	"github.com/kontrak/kontrak/run"
	"github.com/kontrak/kontrak/scenario"
)

func env(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }

// The engine's configuration comes from the getenv it is given, never from the process: defaults when the
// variables are unset, one line naming the variable when a value is bad.
func TestFromEnvironment(t *testing.T) {
	c := load(t)
	t.Setenv("KONTRAK_MODE", "live") // the process's environment is not read
	e, err := run.FromEnvironment(c, "/repo", env(nil), time.Date(2026, 3, 4, 23, 0, 0, 0, time.FixedZone("WIB", 7*3600)))
	if err != nil {
		t.Fatal(err)
	}
	if e.Mode != run.Replay || e.Cassettes != "/repo/cassettes" || e.Strict || e.Today != "2026-03-04" || e.Redact == nil {
		t.Errorf("defaults: mode %s, cassettes %s, strict %v, today %s", e.Mode, e.Cassettes, e.Strict, e.Today)
	}
	e, err = run.FromEnvironment(c, "/repo", env(map[string]string{"KONTRAK_MODE": "record", "KONTRAK_CASSETTES": "/tmp/c", "KONTRAK_STRICT": "1"}), time.Now())
	if err != nil || e.Mode != run.Record || e.Cassettes != "/tmp/c" || !e.Strict {
		t.Errorf("set: %+v, %v", e, err)
	}
	for _, tc := range []struct{ reason, name, value string }{
		{"unknown mode", "KONTRAK_MODE", "replay-ish"},
		{"strict is 0 or 1", "KONTRAK_STRICT", "yes"},
	} {
		_, err := run.FromEnvironment(c, "/repo", env(map[string]string{tc.name: tc.value}), time.Now())
		if err == nil || !strings.HasPrefix(err.Error(), tc.name+"=") || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: err = %v, want one line naming %s", tc.reason, err, tc.name)
		}
	}
	v := c.Vendor("advance")
	live := &run.Engine{Contract: c, Mode: run.Live}
	vars := map[string]string{"ADVANCE_ACCESS_KEY": "a", "ADVANCE_SECRET_KEY": "s", "KONTRAK_MAX_BILLABLE": "3", "KONTRAK_RETRIES": "1", "KONTRAK_MAX_WAIT": "2s", "KONTRAK_TIMEOUT": "5s"}
	if missing := run.MissingEnv(v, env(vars)); len(missing) != 0 {
		t.Errorf("missing %v", missing)
	}
	if err := live.ConfigureLive(v, env(vars)); err != nil {
		t.Fatal(err)
	}
	if live.BaseURL != v.Servers[0].URL || live.Credentials["ADVANCE_SECRET_KEY"] != "s" || live.Budget.Max != 3 || live.Retry.Max != 1 ||
		live.Retry.MaxWait != 2*time.Second || live.Timeout != 5*time.Second || live.Client == nil {
		t.Errorf("live configuration %+v", live)
	}
	vars["KONTRAK_MAX_WAIT"] = "soon"
	if err := live.ConfigureLive(v, env(vars)); err == nil || !strings.HasPrefix(err.Error(), "KONTRAK_MAX_WAIT=") {
		t.Errorf("bad wait: %v", err)
	}
	if got := strings.Join(run.MissingEnv(v, env(nil)), ","); got != "ADVANCE_ACCESS_KEY,ADVANCE_SECRET_KEY" {
		t.Errorf("missing %s", got)
	}
}

// A picture is rendered once a process for each distinct (variant, format, size): the same bytes come back
// for an image and its spelled-out defaults, and a different size is a different render.
func TestPictureRenderedOnce(t *testing.T) {
	a, err := run.Picture(scenario.Image{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := run.Picture(scenario.Image{Variant: "clean", Format: "jpeg", Width: 640, Height: 400})
	if err != nil {
		t.Fatal(err)
	}
	if len(a) == 0 || &a[0] != &b[0] {
		t.Errorf("the default image and its spelled-out twin were rendered twice")
	}
	c, err := run.Picture(scenario.Image{Variant: "clean", Format: "jpeg", Width: 320, Height: 200})
	if err != nil {
		t.Fatal(err)
	}
	if &c[0] == &a[0] || string(c) == string(a) {
		t.Errorf("a different size gave the same render")
	}
}

package sandbox_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	kontrak "github.com/kontrak/kontrak"
	"github.com/kontrak/kontrak/cassette"
	"github.com/kontrak/kontrak/client"
	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/sandbox"
	"github.com/kontrak/kontrak/scenario"
)

var (
	setupOnce sync.Once
	theC      *contract.Contract
	theRoot   string
	setupErr  error
)

// setup loads the contract and finds the repository once for the whole package.
func setup(t testing.TB) (*contract.Contract, string) {
	t.Helper()
	setupOnce.Do(func() {
		theC, setupErr = contract.Load(kontrak.Files)
		if setupErr == nil {
			theRoot, setupErr = scenario.Root()
		}
	})
	if setupErr != nil {
		t.Fatal(setupErr)
	}
	return theC, theRoot
}

// credentials are the test's values of every credential variable the specs name.
func credentials(c *contract.Contract) map[string]string {
	out := map[string]string{}
	for _, v := range c.Vendors() {
		for _, name := range v.CredentialVars() {
			out[name] = "kontrak-serve-test-" + strings.ToLower(name)
		}
	}
	return out
}

// clock is a settable clock, safe for concurrent use.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock(t time.Time) *clock { return &clock{t: t} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// logLines collects the server's log, safe for concurrent use.
type logLines struct {
	mu    sync.Mutex
	lines []string
}

func (l *logLines) Logf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, strings.TrimSpace(fmt.Sprintf(format, args...)))
}

func (l *logLines) all() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.lines...)
}

func (l *logLines) Last() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.lines) == 0 {
		return ""
	}
	return l.lines[len(l.lines)-1]
}

// fixture is a running sandbox.
type fixture struct {
	c     *contract.Contract
	root  string
	creds map[string]string
	srv   *httptest.Server
	sb    *sandbox.Sandbox
	log   *logLines
}

// start runs a sandbox on loopback (httptest listens on 127.0.0.1) with the test's credentials; cfg may
// set the clock or another cassette directory.
func start(t testing.TB, cfg sandbox.Config) *fixture {
	t.Helper()
	return startWrapped(t, cfg, nil)
}

// startWrapped is start with the handler wrapped (a capture of every exchange).
func startWrapped(t testing.TB, cfg sandbox.Config, wrap func(http.Handler) http.Handler) *fixture {
	t.Helper()
	c, root := setup(t)
	f := &fixture{c: c, root: root, creds: credentials(c), log: &logLines{}}
	cfg.Root = root
	if cfg.Credentials == nil {
		cfg.Credentials = f.creds
	}
	cfg.Logf = f.log.Logf
	h, err := sandbox.New(c, cfg)
	if err != nil {
		t.Fatal(err)
	}
	f.sb = h
	var hh http.Handler = h
	if wrap != nil {
		hh = wrap(h)
	}
	f.srv = httptest.NewServer(hh)
	t.Cleanup(f.srv.Close)
	t.Cleanup(h.Close)
	return f
}

// baseURL is where a vendor's client points: a vendor with no documented host (Kredibel: a required
// base URL) gets one with a prefix, as its real base URL has.
func (f *fixture) baseURL(v *contract.Vendor) string {
	if v.Env.BaseURLRequired {
		return f.srv.URL + "/kontrak/vision"
	}
	return f.srv.URL
}

// client is the real client of vendor id against the sandbox.
func (f *fixture) client(t testing.TB, id string, now func() time.Time) *client.Client {
	t.Helper()
	v := f.c.Vendor(id)
	if v == nil {
		t.Fatalf("no vendor %s", id)
	}
	return client.New(v, client.Config{BaseURL: f.baseURL(v), Credentials: f.creds, HTTP: f.srv.Client(), Now: now})
}

// do sends one request through vendor id's real client.
func (f *fixture) do(t testing.TB, id string, req client.Request) *client.Response {
	t.Helper()
	resp, err := f.client(t, id, nil).Do(context.Background(), req)
	if err != nil {
		t.Fatalf("%s %s: %v", id, req.Operation, err)
	}
	return resp
}

// scenarioOf finds a scenario by vendor and name.
func scenarioOf(t *testing.T, vendor, name string) (*scenario.Scenario, *contract.Operation) {
	t.Helper()
	c, root := setup(t)
	file, err := scenario.Load(root, c, vendor)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range file.Scenarios {
		if s.Name == name {
			return s, c.Vendor(vendor).Operation(s.Operation)
		}
	}
	t.Fatalf("%s has no scenario %s", vendor, name)
	return nil, nil
}

// scenarios lists a vendor's scenarios.
func scenarios(t *testing.T, vendor string) []*scenario.Scenario {
	t.Helper()
	c, root := setup(t)
	file, err := scenario.Load(root, c, vendor)
	if err != nil {
		t.Fatal(err)
	}
	return file.Scenarios
}

// cassetteAnswer is the answer a scenario's cassette holds: its last interaction of the operation.
func cassetteAnswer(t *testing.T, s *scenario.Scenario, op *contract.Operation) contract.Exchange {
	t.Helper()
	_, root := setup(t)
	xs, err := cassette.ReadExchanges(s.CassetteFile(filepath.Join(root, "cassettes")))
	if err != nil {
		t.Fatal(err)
	}
	for i := len(xs) - 1; i >= 0; i-- {
		if o, ok := theC.Lookup(xs[i].Method, xs[i].Path); ok && o == op {
			return xs[i]
		}
	}
	t.Fatalf("cassette of %s holds no answer of %s", s.Name, op.Name())
	return contract.Exchange{}
}

// sameJSON reports whether two bodies are the same JSON value.
func sameJSON(a, b []byte) bool {
	ca, errA := canonical(a)
	cb, errB := canonical(b)
	return errA == nil && errB == nil && bytes.Equal(ca, cb)
}

// breaking lists the breaking findings of an answer, one line each.
func breaking(op *contract.Operation, status int, header http.Header, body []byte) []string {
	var out []string
	for _, f := range op.Check(status, header, body, contract.CheckOptions{}) {
		if f.Severity == contract.Breaking {
			out = append(out, f.ID+" at "+f.Pointer+": want "+f.Expected+", got "+f.Actual)
		}
	}
	return out
}

func canonical(b []byte) ([]byte, error) {
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, err
	}
	return json.Marshal(v)
}

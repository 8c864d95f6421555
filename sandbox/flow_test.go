package sandbox_test

import (
	"bytes"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/monitor"
	"github.com/kontrak/kontrak/sandbox"
	"github.com/kontrak/kontrak/scenario"
)

// verihubsClient is shaped like a public Verihubs client: plain net/http and encoding/json, the headers
// and fields of the vendor's pages, nothing of kontrak's. It submits, reads data.reference_id, and polls
// the result with it.
type verihubsClient struct {
	base, appID, apiKey string
	http                *http.Client
}

type verihubsAnswer struct {
	status int
	body   []byte
	Msg    string `json:"message"`
	Code   string `json:"error_code"`
	Data   struct {
		ReferenceID  string `json:"reference_id"`
		NIK          string `json:"nik"`
		ImageQuality *struct {
			Blur, Dark, Grayscale, Flashlight bool
		} `json:"image_quality"`
	} `json:"data"`
}

func (c verihubsClient) call(t *testing.T, method, path string, body any) verihubsAnswer {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("App-ID", c.appID)
	req.Header.Set("API-Key", c.apiKey)
	resp, err := c.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var a verihubsAnswer
	a.status = resp.StatusCode
	a.body, _ = io.ReadAll(resp.Body)
	json.Unmarshal(a.body, &a)
	return a
}

func (c verihubsClient) submit(t *testing.T, body map[string]any) verihubsAnswer {
	return c.call(t, http.MethodPost, "/ktp/id/extract-async", body)
}

func (c verihubsClient) result(t *testing.T, id string) verihubsAnswer {
	return c.call(t, http.MethodGet, "/ktp/id/extract-async/result?reference_id="+url.QueryEscape(id), nil)
}

func newVerihubsClient(f *fixture) verihubsClient {
	return verihubsClient{base: f.srv.URL, appID: f.creds["VERIHUBS_APP_ID"], apiKey: f.creds["VERIHUBS_API_KEY"], http: f.srv.Client()}
}

// submit → poll with the returned id → result: every accepted submit answers a fresh reference_id, and
// the result for it follows what the submit asked — its sandbox code, validate_quality's _V results, the
// documented success for a picture — as the result's own sandbox code answers it.
func TestSubmitThenPollTheReturnedID(t *testing.T) {
	t.Parallel()
	f := start(t, sandbox.Config{})
	vc := newVerihubsClient(f)
	submitOp, _ := f.c.Operation("verihubs", "submitExtractKtpAsync")
	resultOp, _ := f.c.Operation("verihubs", "getExtractKtpAsyncResult")
	flow, err := submitOp.Flow()
	if err != nil || flow == nil {
		t.Fatalf("no flow on the submit: %v", err)
	}
	jpeg := base64.StdEncoding.EncodeToString(picture(t, scenario.Image{Variant: "clean", Format: "jpeg", Width: 1024, Height: 640}))
	ids := map[string]bool{}
	n := 0
	// Every submit code that is accepted and names a result, with validate_quality off and on.
	for _, p := range submitOp.Sandbox {
		for _, code := range p.Codes {
			if code.Result == "" {
				continue
			}
			for _, validate := range []bool{false, true} {
				n++
				body := map[string]any{p.Parameter.Name: code.Value, "validate_quality": validate}
				sub := vc.submit(t, body)
				if sub.status != 200 || sub.Data.ReferenceID == "" {
					t.Errorf("%s validate_quality=%v: HTTP %d %s, want 200 with a reference_id", code.Value, validate, sub.status, sub.body)
					continue
				}
				if ids[sub.Data.ReferenceID] {
					t.Errorf("reference_id %s answered twice", sub.Data.ReferenceID)
				}
				ids[sub.Data.ReferenceID] = true
				want := flow.ResultCode(code.Result, func(name string) (string, bool) {
					v, ok := body[name]
					return fmt.Sprint(v), ok
				})
				if validate && want == code.Result {
					if _, _, hasV := resultOp.SandboxEntry(code.Result + "_V"); hasV {
						t.Errorf("%s with validate_quality: result %s, but the table has %s_V", code.Value, want, code.Result)
					}
				}
				_, rc, _ := resultOp.SandboxEntry(want)
				res := vc.result(t, sub.Data.ReferenceID)
				wantOutcome(t, resultOp, res.status, http.Header{"Content-Type": {"application/json"}}, res.body, rc.Outcome,
					fmt.Sprintf("submit %s validate_quality=%v, polled with %s: the outcome of %s", code.Value, validate, sub.Data.ReferenceID, want))
				// The result is the same answer the result's own sandbox code gives.
				direct := vc.result(t, want)
				if !bytes.Equal(direct.body, res.body) || direct.status != res.status {
					t.Errorf("%s: the polled result %d %s differs from %s's %d %s", code.Value, res.status, res.body, want, direct.status, direct.body)
				}
			}
		}
	}
	if n == 0 {
		t.Fatal("no submit code names a result")
	}
	// A picture is a production request: accepted, and its result is the documented success.
	sub := vc.submit(t, map[string]any{"image": jpeg})
	if sub.status != 200 || sub.Data.ReferenceID == "" || ids[sub.Data.ReferenceID] {
		t.Fatalf("a JPEG: HTTP %d %s, want 200 with a fresh reference_id", sub.status, sub.body)
	}
	res := vc.result(t, sub.Data.ReferenceID)
	if res.status != 200 || res.Code != "" || res.Data.NIK == "" {
		t.Errorf("the result of a JPEG: HTTP %d %s, want the documented success", res.status, res.body)
	}
	if b := breaking(resultOp, res.status, http.Header{"Content-Type": {"application/json"}}, res.body); len(b) > 0 {
		t.Errorf("the result of a JPEG drifts: %s", strings.Join(b, "; "))
	}
	// A client's own reference_id is its id; naming it again is the flow's exists code.
	own := "client-chosen-0001"
	sub = vc.submit(t, map[string]any{"image": jpeg, "reference_id": own})
	if sub.status != 200 || sub.Data.ReferenceID != own {
		t.Errorf("a client's own reference_id: HTTP %d %s, want 200 answering it", sub.status, sub.body)
	}
	if again := vc.submit(t, map[string]any{"image": jpeg, "reference_id": own}); again.Code != flow.ID.Exists {
		t.Errorf("the same reference_id again: HTTP %d %s, want %s", again.status, again.body, flow.ID.Exists)
	}
	if res := vc.result(t, own); res.status != 200 || res.Data.NIK == "" {
		t.Errorf("polling the client's own id: HTTP %d %s, want the documented success", res.status, res.body)
	}
	// An id never issued is not a result: the sandbox table's unknown outcome.
	if res := vc.result(t, "kontrak-never-issued"); res.status != submitOp.Sandbox[0].Unknown.Status {
		t.Errorf("an id never issued: HTTP %d %s", res.status, res.body)
	}
}

// Ids are unique per run: two servers never issue the same one, and one server never twice, under
// concurrent submits.
func TestReferenceIDsAreUnique(t *testing.T) {
	t.Parallel()
	seen := sync.Map{}
	for range 2 {
		f := start(t, sandbox.Config{})
		vc := newVerihubsClient(f)
		var wg sync.WaitGroup
		for range 50 {
			wg.Go(func() {
				sub := vc.submit(t, map[string]any{"image": "KTP"})
				if _, dup := seen.LoadOrStore(sub.Data.ReferenceID, true); dup || sub.Data.ReferenceID == "" {
					t.Errorf("reference_id %q issued twice (HTTP %d %s)", sub.Data.ReferenceID, sub.status, sub.body)
				}
			})
		}
		wg.Wait()
	}
}

// receiver is a callback receiver on loopback: it records each callback, answers 200, and judges it
// against its contract on the receiver's side (monitor.NewHandler).
type receiver struct {
	got      chan callbackGot
	findings chan []contract.Finding
}

type callbackGot struct {
	body       []byte
	user, pass string
}

func newReceiver(t *testing.T, c *contract.Contract) (*receiver, http.Handler) {
	cb, err := c.Callback("verihubs", "extractKtpAsyncCallback")
	if err != nil {
		t.Fatal(err)
	}
	r := &receiver{got: make(chan callbackGot, 16), findings: make(chan []contract.Finding, 16)}
	h := http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		u, p, _ := req.BasicAuth()
		w.WriteHeader(http.StatusOK)
		r.got <- callbackGot{body: b, user: u, pass: p}
	})
	return r, monitor.NewHandler(h, c, cb, monitor.WithCallback(func(e monitor.Event) { r.findings <- e.Findings }))
}

// submit → callback, on loopback, over http (Callbacks.HTTP) and over https (Callbacks.RootCAs): the
// callback carries the same answer the result gives for the returned id — validate_quality included —
// with the configured Basic auth, and conforms to its contract.
func TestSubmitThenCallback(t *testing.T) {
	t.Parallel()
	c, _ := setup(t)
	creds := credentials(c)
	creds["VERIHUBS_CALLBACK_BASIC"] = "kontrak-receiver:synthetic-secret"
	for _, scheme := range []string{"http", "https"} {
		t.Run(scheme, func(t *testing.T) {
			t.Parallel()
			rcv, h := newReceiver(t, c)
			var recv *httptest.Server
			cfg := sandbox.Config{Credentials: creds}
			if scheme == "https" {
				recv = httptest.NewTLSServer(h)
				pool := x509.NewCertPool()
				pool.AddCert(recv.Certificate())
				cfg.Callbacks.RootCAs = pool
			} else {
				recv = httptest.NewServer(h)
				cfg.Callbacks.HTTP = true
			}
			defer recv.Close()
			f := start(t, cfg)
			vc := newVerihubsClient(f)
			sub := vc.submit(t, map[string]any{"image": "KTP_B", "validate_quality": true, "callback_url": recv.URL + "/hooks/verihubs"})
			if sub.status != 200 || sub.Data.ReferenceID == "" {
				t.Fatalf("submit: HTTP %d %s (%s)", sub.status, sub.body, f.log.Last())
			}
			g := <-rcv.got
			if g.user != "kontrak-receiver" || g.pass != "synthetic-secret" {
				t.Errorf("the callback's Basic auth is %q:%q, want the configured one", g.user, g.pass)
			}
			if fs := <-rcv.findings; len(fs) != 0 {
				t.Errorf("the callback does not conform to its contract: %+v", fs)
			}
			res := vc.result(t, sub.Data.ReferenceID)
			if res.status != 200 || !bytes.Equal(res.body, g.body) || res.Code != "FAIL_ON_1" {
				t.Errorf("the result answers %d %s; the callback carried %s; want the same, FAIL_ON_1 (KTP_B with validate_quality)", res.status, res.body, g.body)
			}
		})
	}
}

// Without Callbacks.HTTP, a callback_url over http is refused as the spec documents it (https only), a
// loopback one too; with it, only a loopback one passes.
func TestCallbackURLOverHTTP(t *testing.T) {
	t.Parallel()
	c, _ := setup(t)
	op, _ := c.Operation("verihubs", "submitExtractKtpAsync")
	want := op.Request.Answer("value", "callback_url").Code
	for _, tc := range []struct {
		allow  bool
		url    string
		ok     bool
		reason string
	}{
		{false, "http://127.0.0.1:9/hook", false, "http to loopback, not allowed"},
		{true, "http://127.0.0.1:9/hook", true, "http to loopback, allowed"},
		{true, "http://localhost:9/hook", true, "http to localhost, allowed"},
		{true, "http://callback.kontrak.invalid/hook", false, "http elsewhere is refused even when allowed"},
		{false, "https://127.0.0.1:9/hook", true, "https is the documented form"},
	} {
		f := start(t, sandbox.Config{Callbacks: sandbox.Callbacks{HTTP: tc.allow, Queue: 1, Workers: 1}})
		sub := newVerihubsClient(f).submit(t, map[string]any{"image": "KTP", "callback_url": tc.url})
		if got := sub.status == 200; got != tc.ok || (!tc.ok && sub.Code != want) {
			t.Errorf("%s: HTTP %d %s, want accepted=%v (else %s)", tc.reason, sub.status, sub.body, tc.ok, want)
		}
	}
}

// Callbacks are bounded: against a receiver that never answers, at most Workers are in flight at once,
// Queue wait, and the rest are dropped and logged — while every submit is answered at once.
func TestCallbacksAreBounded(t *testing.T) {
	t.Parallel()
	const workers, queue, submits = 2, 3, 20
	var mu sync.Mutex
	inFlight, most, total := 0, 0, 0
	release := make(chan struct{})
	arrived := make(chan struct{}, submits)
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		inFlight++
		total++
		most = max(most, inFlight)
		mu.Unlock()
		arrived <- struct{}{}
		<-release // never answers while the test sends
		mu.Lock()
		inFlight--
		mu.Unlock()
	}))
	defer recv.Close()
	f := start(t, sandbox.Config{Callbacks: sandbox.Callbacks{HTTP: true, Workers: workers, Queue: queue}})
	vc := newVerihubsClient(f)
	// Once the workers hold a callback each, the queue fills, and every further one is dropped.
	for i := range submits {
		sub := vc.submit(t, map[string]any{"image": "KTP", "callback_url": recv.URL + "/hook"})
		if sub.status != 200 {
			t.Fatalf("submit %d: HTTP %d %s", i, sub.status, sub.body)
		}
		if i == workers-1 {
			for range workers {
				<-arrived
			}
		}
	}
	dropped := 0
	for _, l := range f.log.all() {
		if strings.Contains(l, "dropped") {
			dropped++
		}
	}
	if dropped != submits-workers-queue {
		t.Errorf("%d callbacks dropped, want %d (%d submits, %d workers, %d queued)", dropped, submits-workers-queue, submits, workers, queue)
	}
	close(release)
	mu.Lock()
	defer mu.Unlock()
	if most > workers {
		t.Errorf("%d callbacks in flight at once, want at most %d", most, workers)
	}
}

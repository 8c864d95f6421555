package sandbox_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/monitor"
	"github.com/kontrak/kontrak/sandbox"
)

// submit → callback → result, on loopback: a submit carrying callback_url gets its result POSTed there
// with the configured Basic auth; the callback conforms to its contract (checked by monitor.NewHandler on
// the receiver's side) and carries the same bytes the result endpoint answers.
func TestCallbackSubmitToResult(t *testing.T) {
	c, _ := setup(t)
	cb, err := c.Callback("verihubs", "extractKtpAsyncCallback")
	if err != nil {
		t.Fatal(err)
	}
	type got struct {
		body       []byte
		user, pass string
	}
	received := make(chan got, 1)
	receiver := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		u, p, _ := r.BasicAuth()
		w.WriteHeader(http.StatusOK)
		received <- got{body: b, user: u, pass: p}
	})
	judged := make(chan []contract.Finding, 1)
	hook := monitor.NewHandler(receiver, c, cb, monitor.WithCallback(func(e monitor.Event) { judged <- e.Findings }))
	recv := httptest.NewTLSServer(hook)
	defer recv.Close()

	creds := credentials(c)
	creds["VERIHUBS_CALLBACK_BASIC"] = "kontrak-receiver:synthetic-secret"
	f := start(t, sandbox.Config{Credentials: creds, Callbacks: sandbox.Callbacks{Client: recv.Client()}})
	submit, _ := http.NewRequest(http.MethodPost, f.srv.URL+"/ktp/id/extract-async",
		strings.NewReader(`{"image":"KTP","callback_url":"`+recv.URL+`/hooks/verihubs"}`))
	submit.Header.Set("Content-Type", "application/json")
	submit.Header.Set("App-ID", creds["VERIHUBS_APP_ID"])
	submit.Header.Set("API-Key", creds["VERIHUBS_API_KEY"])
	resp, err := http.DefaultClient.Do(submit)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("submit answered %d, want 200", resp.StatusCode)
	}
	g := <-received
	fs := <-judged
	if g.user != "kontrak-receiver" || g.pass != "synthetic-secret" {
		t.Errorf("the callback's Basic auth is %q:%q, want the configured one", g.user, g.pass)
	}
	if len(fs) != 0 {
		t.Errorf("the callback does not conform to its contract: %+v", fs)
	}

	result, _ := http.NewRequest(http.MethodGet, f.srv.URL+"/ktp/id/extract-async/result?reference_id=REFERENCE_ID_KTP", nil)
	result.Header.Set("App-ID", creds["VERIHUBS_APP_ID"])
	result.Header.Set("API-Key", creds["VERIHUBS_API_KEY"])
	rr, err := http.DefaultClient.Do(result)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(rr.Body)
	rr.Body.Close()
	if rr.StatusCode != 200 || !bytes.Equal(body, g.body) || len(body) == 0 {
		t.Errorf("the result endpoint answers %d %s; the callback carried %s", rr.StatusCode, body, g.body)
	}
}

package contract_test

import (
	"net/http"
	"strings"
	"testing"

	kontrak "github.com/kontrak/kontrak"
	"github.com/kontrak/kontrak/contract"
)

// The Verihubs result callback is loaded from the spec's callbacks object and judged like the result's
// answer: a documented result with Basic auth conforms; without it, or drifted, it does not.
func TestCallbackCheck(t *testing.T) {
	c, err := contract.Load(kontrak.Files)
	if err != nil {
		t.Fatal(err)
	}
	cb, err := c.Callback("verihubs", "extractKtpAsyncCallback")
	if err != nil {
		t.Fatal(err)
	}
	if cb.Operation.ID != "submitExtractKtpAsync" || cb.URLField != "callback_url" || cb.Method != "POST" ||
		cb.Answer == nil || cb.Answer.ID != "getExtractKtpAsyncResult" || cb.AnswerStatus != "200" || cb.Source.Page == "" {
		t.Fatalf("callback loaded as %+v", cb)
	}
	if _, err := c.Callback("verihubs", "nope"); err == nil || !strings.Contains(err.Error(), "extractKtpAsyncCallback") {
		t.Errorf("an unknown callback: %v", err)
	}
	example := cb.Answer.Response(200).Examples[0].Value
	basic := http.Header{"Authorization": {"Basic dXNlcjpwYXNz"}, "Content-Type": {"application/json"}}
	ids := func(fs []contract.Finding) string {
		var out []string
		for _, f := range fs {
			out = append(out, f.ID+" "+f.Pointer)
		}
		return strings.Join(out, ", ")
	}
	for _, tc := range []struct {
		reason string
		header http.Header
		body   string
		want   string
	}{
		{"the documented result, with Basic auth", basic, string(example), ""},
		{"no credential", http.Header{"Content-Type": {"application/json"}}, string(example), "callback-auth-missing "},
		{"a bearer token is not Basic auth", http.Header{"Authorization": {"Bearer x"}}, string(example), "callback-auth-missing "},
		{"a result without data", basic, `{"message":"success"}`, "field-missing /data"},
		{"an undocumented code, judged by the result's table", basic, `{"message":"x","error_code":"NEW_CODE","data":{}}`, "error-code-undocumented /error_code"},
		{"not JSON", basic, `<html>`, "body-not-json "},
	} {
		if got := ids(cb.Check(tc.header, []byte(tc.body), contract.CheckOptions{})); got != tc.want {
			t.Errorf("%s: findings %q, want %q", tc.reason, got, tc.want)
		}
	}
}

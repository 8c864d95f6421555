package sandbox_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kontrak/kontrak/client"
	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/run"
	"github.com/kontrak/kontrak/sandbox"
	"github.com/kontrak/kontrak/scenario"
	"github.com/kontrak/kontrak/specimen"
)

func picture(t testing.TB, img scenario.Image) []byte {
	t.Helper()
	b, err := run.Picture(img)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

var cleanJPEG = scenario.Image{Variant: "clean", Format: "jpeg"}

// wantScenario asserts that an answer is the one a scenario documents: its status and code, its cassette's
// body, and no breaking finding.
func wantScenario(t *testing.T, resp *client.Response, vendor, name string) {
	t.Helper()
	s, op := scenarioOf(t, vendor, name)
	want := s.Expected(op)
	got := op.Classify(resp.Status, resp.Body)
	if resp.Status != want.Status || got.Code != want.Code {
		t.Errorf("got HTTP %d code %q, want HTTP %d code %q (scenario %s)", resp.Status, got.Code, want.Status, want.Code, name)
	}
	x := cassetteAnswer(t, s, op)
	body := resp.Body
	if flow, _ := op.Flow(); flow != nil && resp.Status/100 == 2 {
		// A flow's accepted answer carries an id this server issued, where the cassette has its own.
		got, _ := contract.Lookup(body, flow.ID.Answer)
		recorded, _ := contract.Lookup(x.Body, flow.ID.Answer)
		if id, _ := got.(string); id == "" || id == recorded {
			t.Errorf("the accepted answer's %s is %v: want an id issued by the server, not the cassette's %v", flow.ID.Answer, got, recorded)
		}
		body = []byte(strings.Replace(string(body), fmt.Sprint(got), fmt.Sprint(recorded), 1))
	}
	if !sameJSON(body, x.Body) {
		t.Errorf("body %s, want the cassette's %s (scenario %s)", resp.Body, x.Body, name)
	}
	if b := breaking(op, resp.Status, resp.Header, resp.Body); len(b) > 0 {
		t.Errorf("breaking findings: %s", strings.Join(b, "; "))
	}
}

func TestSuccessPathThroughTheClient(t *testing.T) {
	t.Parallel()
	f := start(t, sandbox.Config{})
	tests := []struct {
		vendor, reason string
		req            client.Request
		scenario       string // the scenario whose answer is the success
	}{
		{"advance", "a signed generate-token call yields a token, then the OCR of a clean card succeeds with it",
			client.Request{Operation: "ocrKtpCheck", Image: picture(t, cleanJPEG)}, "ocr-success"},
		{"ekycpro", "the form body's base64 image of a clean card is recognised",
			client.Request{Operation: "idOcrGeneral", Image: picture(t, cleanJPEG)}, "success"},
		{"kredibel", "the JSON base64 image is read, under a base URL with a prefix (Kredibel's $vision)",
			client.Request{Operation: "ocrKtp", Image: picture(t, cleanJPEG)}, "success"},
		{"verihubs", "the submit takes the sandbox image code KTP and answers a reference_id",
			client.Request{Operation: "submitExtractKtpAsync", ImageRaw: ptr("KTP")}, "submit-ktp"},
		{"verihubs", "the result of REFERENCE_ID_KTP is the documented success",
			client.Request{Operation: "getExtractKtpAsyncResult", Fields: map[string]any{"reference_id": "REFERENCE_ID_KTP"}}, "result-reference-id-ktp"},
	}
	for _, tt := range tests {
		t.Run(tt.vendor+"/"+tt.scenario, func(t *testing.T) {
			resp := f.do(t, tt.vendor, tt.req)
			if resp.Status/100 != 2 {
				t.Fatalf("%s: HTTP %d %s (%s)", tt.reason, resp.Status, resp.Body, f.log.Last())
			}
			wantScenario(t, resp, tt.vendor, tt.scenario)
		})
	}
}

func ptr(s string) *string { return &s }

// wrong is every credential variable of a vendor with a wrong value.
func wrong(t *testing.T, vendor string) map[string]string {
	c, _ := setup(t)
	out := map[string]string{}
	for _, name := range c.Vendor(vendor).CredentialVars() {
		out[name] = "kontrak-serve-test-wrong"
	}
	return out
}

func TestWrongCredentialsGetTheDocumentedRefusal(t *testing.T) {
	t.Parallel()
	f := start(t, sandbox.Config{})
	tests := []struct {
		vendor, reason string
		req            client.Request
		scenario       string // the auth scenario whose answer is the refusal
	}{
		{"verihubs", "a wrong App-ID and API-Key on the submit: HTTP 401",
			client.Request{Operation: "submitExtractKtpAsync", ImageRaw: ptr("KTP"), Credentials: wrong(t, "verihubs")}, "submit-auth-refused"},
		{"verihubs", "a wrong App-ID and API-Key on the result: HTTP 401",
			client.Request{Operation: "getExtractKtpAsyncResult", Fields: map[string]any{"reference_id": "REFERENCE_ID_KTP"}, Credentials: wrong(t, "verihubs")}, "result-auth-refused"},
		{"ekycpro", "a wrong X-API-Key: HTTP 401",
			client.Request{Operation: "idOcrGeneral", Image: picture(t, cleanJPEG), Credentials: wrong(t, "ekycpro")}, "auth-refused"},
		{"kredibel", "a wrong Bearer key: HTTP 401",
			client.Request{Operation: "ocrKtp", Image: picture(t, cleanJPEG), Credentials: wrong(t, "kredibel")}, "auth-refused"},
		{"advance", "an unknown accessKey on generate-token: IAM_FAILED in HTTP 200",
			client.Request{Operation: "generateToken", Credentials: wrong(t, "advance")}, "token-auth-wrong-access-key"},
		{"advance", "an X-ACCESS-TOKEN this server never issued: IAM_FAILED, the refused-token answer",
			client.Request{Operation: "ocrKtpCheck", Image: picture(t, cleanJPEG), NoToken: true, TokenValue: "kontrak-serve-test-not-issued"}, "ocr-auth-wrong-token"},
		{"advance", "no X-ACCESS-TOKEN at all: the refused-token answer",
			client.Request{Operation: "ocrKtpCheck", Image: picture(t, cleanJPEG), NoToken: true}, "ocr-auth-wrong-token"},
	}
	for _, tt := range tests {
		t.Run(tt.vendor+"/"+tt.scenario+"/"+tt.req.Operation, func(t *testing.T) {
			resp := f.do(t, tt.vendor, tt.req)
			wantScenario(t, resp, tt.vendor, tt.scenario)
			if t.Failed() {
				t.Logf("%s; server: %s", tt.reason, f.log.Last())
			}
		})
	}
}

// TestCredentialsAbsentOrUnconfigured sends requests with no credential header at all, and runs a server
// that was given no value for a vendor's variable: both are refused as wrong credentials.
func TestCredentialsAbsentOrUnconfigured(t *testing.T) {
	t.Parallel()
	c, _ := setup(t)
	creds := credentials(c)
	delete(creds, "EKYCPRO_API_KEY")
	f := start(t, sandbox.Config{Credentials: creds})
	if !strings.Contains(strings.Join(f.log.lines, "\n"), "EKYCPRO_API_KEY") {
		t.Errorf("the start log does not name the variable without a value: %q", f.log.lines)
	}
	tests := []struct {
		vendor, operation, scenario, reason string
		header                              http.Header
	}{
		{"verihubs", "submitExtractKtpAsync", "submit-auth-refused", "no App-ID nor API-Key", nil},
		{"kredibel", "ocrKtp", "auth-refused", "an Authorization that is not Bearer", http.Header{"Authorization": {"Basic " + creds["KREDIBEL_API_KEY"]}}},
		{"ekycpro", "idOcrGeneral", "auth-refused", "an empty X-API-Key on a server that has no value for it", http.Header{"X-Api-Key": {""}}},
	}
	for _, tt := range tests {
		t.Run(tt.vendor+"/"+tt.operation, func(t *testing.T) {
			op, err := c.Operation(tt.vendor, tt.operation)
			if err != nil {
				t.Fatal(err)
			}
			req, _ := http.NewRequest(op.Method, f.baseURL(op.Vendor)+op.Path, strings.NewReader("{}"))
			for k, v := range tt.header {
				req.Header[k] = v
			}
			resp := send(t, req)
			wantScenario(t, resp.withOp(op), tt.vendor, tt.scenario)
		})
	}
	// The configured vendors still answer.
	resp := f.do(t, "kredibel", client.Request{Operation: "ocrKtp", Image: picture(t, cleanJPEG)})
	wantScenario(t, resp, "kredibel", "success")
}

type rawResponse struct {
	status int
	header http.Header
	body   []byte
}

func (r rawResponse) withOp(op *contract.Operation) *client.Response {
	return &client.Response{Operation: op, Status: r.status, Header: r.header, Body: r.body}
}

func send(t *testing.T, req *http.Request) rawResponse {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return rawResponse{resp.StatusCode, resp.Header, b}
}

func TestAdvanceTokenLifecycle(t *testing.T) {
	t.Parallel()
	c, _ := setup(t)
	tokenOp, err := c.Operation("advance", "generateToken")
	if err != nil {
		t.Fatal(err)
	}
	period := time.Duration(tokenOp.Token.PeriodSecond["default"]) * time.Second
	window, err := time.ParseDuration(tokenOp.Signature.Window)
	if err != nil {
		t.Fatal(err)
	}
	// fetch asks for a token with the client's clock at clientNow; it returns the answer and the token.
	fetch := func(t *testing.T, f *fixture, clientNow func() time.Time, req client.Request) (*client.Response, string) {
		req.Operation = tokenOp.ID
		resp, err := f.client(t, "advance", clientNow).Do(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		tok, _ := contract.Lookup(resp.Body, tokenOp.Token.TokenPointer)
		s, _ := tok.(string)
		return resp, s
	}
	ocr := func(t *testing.T, f *fixture, tok string) *client.Response {
		return f.do(t, "advance", client.Request{Operation: "ocrKtpCheck", Image: picture(t, cleanJPEG), NoToken: true, TokenValue: tok})
	}
	tests := []struct {
		name, reason string
		run          func(t *testing.T, f *fixture, clk *clock)
	}{
		{"valid-token", "a signed request gets a fresh token and its expiry (Now + the default period, in ms); the OCR accepts it",
			func(t *testing.T, f *fixture, clk *clock) {
				resp, tok := fetch(t, f, clk.Now, client.Request{})
				if tok == "" {
					t.Fatalf("no token in %s (%s)", resp.Body, f.log.Last())
				}
				if b := breaking(tokenOp, resp.Status, resp.Header, resp.Body); len(b) > 0 {
					t.Errorf("the token answer drifts: %s", strings.Join(b, "; "))
				}
				exp, _ := contract.Lookup(resp.Body, tokenOp.Token.ExpiryPointer)
				if want := clk.Now().Add(period).UnixMilli(); fmt.Sprint(exp) != fmt.Sprint(want) {
					t.Errorf("expiry %v, want %d", exp, want)
				}
				_, again := fetch(t, f, clk.Now, client.Request{})
				if again == tok {
					t.Errorf("two token calls got the same token")
				}
				wantScenario(t, ocr(t, f, tok), "advance", "ocr-success")
			}},
		{"requested-period", "a periodSecond in the request sets the validity, within its documented bounds; one outside them, or no number, is refused by the spec's row, never clamped",
			func(t *testing.T, f *fixture, clk *clock) {
				lo, hi := tokenOp.Token.PeriodSecond["minimum"], tokenOp.Token.PeriodSecond["maximum"]
				for _, ask := range []any{lo, lo + 60, hi, fmt.Sprint(hi)} {
					resp, _ := fetch(t, f, clk.Now, client.Request{Fields: map[string]any{"periodSecond": ask}})
					exp, _ := contract.Lookup(resp.Body, tokenOp.Token.ExpiryPointer)
					sec, _ := strconv.Atoi(fmt.Sprint(ask))
					if want := clk.Now().Add(time.Duration(sec) * time.Second).UnixMilli(); fmt.Sprint(exp) != fmt.Sprint(want) {
						t.Errorf("periodSecond %#v: expiry %v, want %d", ask, exp, want)
					}
				}
				row := tokenOp.Request.Answer("value", "periodSecond")
				if row == nil || row.Code == "" {
					t.Fatalf("the spec has no row for a periodSecond out of bounds")
				}
				for _, ask := range []any{lo - 1, hi + 1, "abc", fmt.Sprint(lo - 1), 0, -60} {
					resp, tok := fetch(t, f, clk.Now, client.Request{Fields: map[string]any{"periodSecond": ask}})
					if got := tokenOp.Classify(resp.Status, resp.Body).Code; tok != "" || got != row.Code {
						t.Errorf("periodSecond %#v: code %q token %q, want %s and no token (%s)", ask, got, tok, row.Code, f.log.Last())
					}
				}
			}},
		{"expired-token", "a token past its expiry is refused with the refused-token answer (x-kontrak-token.refused)",
			func(t *testing.T, f *fixture, clk *clock) {
				_, tok := fetch(t, f, clk.Now, client.Request{})
				clk.Advance(period + time.Second)
				resp := ocr(t, f, tok)
				wantScenario(t, resp, "advance", "ocr-auth-wrong-token")
				op := resp.Operation
				msg, _ := contract.Lookup(resp.Body, op.Codes.MessagePointer)
				if got := op.Classify(resp.Status, resp.Body).Code; got != tokenOp.Token.Refused.Code || !contains(tokenOp.Token.Refused.Messages, fmt.Sprint(msg)) {
					t.Errorf("got %s %q, want the refused-token answer %s %q", got, msg, tokenOp.Token.Refused.Code, tokenOp.Token.Refused.Messages)
				}
			}},
		{"token-just-before-expiry", "a token is valid until its expiry",
			func(t *testing.T, f *fixture, clk *clock) {
				_, tok := fetch(t, f, clk.Now, client.Request{})
				clk.Advance(period - time.Second)
				wantScenario(t, ocr(t, f, tok), "advance", "ocr-success")
			}},
		{"bad-signature", "a signature made with a wrong secret key: PARAMETER_ERROR Signature error",
			func(t *testing.T, f *fixture, clk *clock) {
				resp, _ := fetch(t, f, clk.Now, client.Request{Credentials: map[string]string{secretVar(tokenOp): "kontrak-serve-test-wrong"}})
				wantScenario(t, resp, "advance", "token-signature-error")
			}},
		{"stale-timestamp", "the server's Now is far from the request's timestamp: PARAMETER_ERROR Timestamp error",
			func(t *testing.T, f *fixture, clk *clock) {
				clk.Advance(window + time.Minute) // the server's clock; the client keeps its own
				resp, _ := fetch(t, f, time.Now, client.Request{})
				wantScenario(t, resp, "advance", "token-timestamp-error")
			}},
		{"timestamp-at-window-edge", "a timestamp just within the window is accepted",
			func(t *testing.T, f *fixture, clk *clock) {
				early := func() time.Time { return clk.Now().Add(-window + time.Second) }
				_, tok := fetch(t, f, early, client.Request{})
				if tok == "" {
					t.Errorf("no token for a timestamp within the window (%s)", f.log.Last())
				}
			}},
		{"empty-access-key", "an empty accessKey: PARAMETER_ERROR Parameter should not be empty",
			func(t *testing.T, f *fixture, clk *clock) {
				resp, _ := fetch(t, f, clk.Now, client.Request{Fields: map[string]any{"accessKey": ""}})
				wantScenario(t, resp, "advance", "token-parameter-empty")
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			clk := newClock(time.Now())
			f := start(t, sandbox.Config{Now: clk.Now})
			tt.run(t, f, clk)
			if t.Failed() {
				t.Logf("%s; server: %s", tt.reason, f.log.Last())
			}
		})
	}
}

// secretVar is the variable of the signature credential that never travels in the body (the secret key).
func secretVar(op *contract.Operation) string {
	props, _ := op.RequestSchema["properties"].(map[string]any)
	for name, env := range op.Signature.Credentials {
		if _, travels := props[name]; !travels {
			return env
		}
	}
	return ""
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestImageValidation(t *testing.T) {
	t.Parallel()
	f := start(t, sandbox.Config{})
	c := f.c
	rulesOf := func(vendor, operation string) *contract.ImageRules {
		op, err := c.Operation(vendor, operation)
		if err != nil {
			t.Fatal(err)
		}
		_, r := op.ImageField()
		return r
	}
	oversize := func(vendor, operation string) []byte {
		b, err := specimen.OverSize(run.Identity, rulesOf(vendor, operation).MaxBytes+1)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	gif := picture(t, scenario.Image{Variant: "clean", Format: "gif", Width: 1024, Height: 640})
	jpegOf := func(w, h int) []byte {
		return picture(t, scenario.Image{Variant: "clean", Format: "jpeg", Width: w, Height: h})
	}
	dataURI := "data:image/jpeg;base64," + base64.StdEncoding.EncodeToString(picture(t, cleanJPEG))

	tests := []struct {
		name, reason, vendor string
		req                  client.Request
		rule                 string // the broken rule, whose violations code is the answer; "" for none
	}{
		{"advance-gif", "a GIF is not jpeg/png (sent with a part type the rules accept)", "advance",
			client.Request{Operation: "ocrKtpCheck", Image: gif, ImageContentType: "image/jpeg"}, "format"},
		{"advance-gif-part-type", "a GIF sent as image/gif breaks the part content types first", "advance",
			client.Request{Operation: "ocrKtpCheck", Image: gif}, "partContentType"},
		{"advance-octet-stream", "a JPEG sent as application/octet-stream", "advance",
			client.Request{Operation: "ocrKtpCheck", Image: picture(t, cleanJPEG), ImageContentType: "application/octet-stream"}, "partContentType"},
		{"advance-oversize", "an image over maxBytes", "advance",
			client.Request{Operation: "ocrKtpCheck", Image: oversize("advance", "ocrKtpCheck")}, "size"},
		{"advance-200x150", "an image under the minimum sides", "advance",
			client.Request{Operation: "ocrKtpCheck", Image: jpegOf(200, 150)}, "dimensions"},
		{"advance-4200x300", "an image over the maximum width", "advance",
			client.Request{Operation: "ocrKtpCheck", Image: jpegOf(4200, 300)}, "dimensions"},
		{"advance-missing", "no ocrImage part", "advance",
			client.Request{Operation: "ocrKtpCheck"}, "missing"},
		{"ekycpro-gif", "a GIF is not jpeg/png/bmp", "ekycpro",
			client.Request{Operation: "idOcrGeneral", Image: gif}, "format"},
		{"ekycpro-oversize", "an image over maxBytes", "ekycpro",
			client.Request{Operation: "idOcrGeneral", Image: oversize("ekycpro", "idOcrGeneral")}, "size"},
		{"ekycpro-corrupt", "corrupt base64", "ekycpro",
			client.Request{Operation: "idOcrGeneral", ImageRaw: ptr(specimen.CorruptBase64())}, "encoding"},
		{"ekycpro-data-uri", "a data: prefix where the document says none is still a readable image", "ekycpro",
			client.Request{Operation: "idOcrGeneral", ImageRaw: &dataURI}, ""},
		{"verihubs-gif", "a GIF picture instead of a sandbox code is still validated", "verihubs",
			client.Request{Operation: "submitExtractKtpAsync", Image: gif}, "format"},
		{"verihubs-640x400", "a picture under the minimum of 720x480", "verihubs",
			client.Request{Operation: "submitExtractKtpAsync", Image: jpegOf(640, 400)}, "dimensions"},
		{"verihubs-empty", "an empty image", "verihubs",
			client.Request{Operation: "submitExtractKtpAsync", ImageRaw: ptr("")}, "missing"},
		{"kredibel-corrupt", "corrupt base64: invalid_base64_encoding", "kredibel",
			client.Request{Operation: "ocrKtp", ImageRaw: ptr(specimen.CorruptBase64())}, "encoding"},
		{"kredibel-gif", "a rule the spec maps to no code (format, for Kredibel) is not enforced", "kredibel",
			client.Request{Operation: "ocrKtp", Image: gif}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := f.do(t, tt.vendor, tt.req)
			op := resp.Operation
			got := op.Classify(resp.Status, resp.Body)
			if b := breaking(op, resp.Status, resp.Header, resp.Body); len(b) > 0 {
				t.Errorf("%s: breaking findings: %s", tt.reason, strings.Join(b, "; "))
			}
			log := f.log.Last()
			if tt.rule == "" {
				if strings.Contains(log, ": image ") {
					t.Errorf("%s: refused by an image rule: %s", tt.reason, log)
				}
				return
			}
			want := rulesOf(tt.vendor, tt.req.Operation).Violations[tt.rule]
			if want == "" {
				t.Fatalf("the spec maps %s to no code", tt.rule)
			}
			if got.Code != want || !strings.Contains(log, "image "+tt.rule+" ") {
				t.Errorf("%s: got HTTP %d code %q, want code %q for rule %s (server: %s)", tt.reason, resp.Status, got.Code, want, tt.rule, log)
			}
		})
	}
}

// TestSandboxTables walks every sandbox table of the specs: each value answers its outcome, and a value
// that is no code answers the table's unknown outcome.
func TestSandboxTables(t *testing.T) {
	t.Parallel()
	f := start(t, sandbox.Config{})
	n := 0
	for _, v := range f.c.Vendors() {
		for _, op := range v.Operations {
			imageField, _ := op.ImageField()
			// A value for the image field when another parameter is tested: the first image code that is
			// accepted, and a second one (no recorded request has it: the answer is chosen, not replayed).
			var accepted []string
			for _, p := range op.Sandbox {
				if p.Parameter.Name != imageField {
					continue
				}
				for _, sc := range p.Codes {
					if sc.Outcome.Code == "" && sc.Outcome.Status/100 == 2 {
						accepted = append(accepted, sc.Value)
					}
				}
			}
			request := func(p contract.SandboxParam, value, image string) client.Request {
				r := client.Request{Operation: op.ID, Fields: map[string]any{}}
				if p.Parameter.Name == imageField {
					r.ImageRaw = &value
				} else {
					r.Fields[p.Parameter.Name] = value
					if image != "" {
						r.ImageRaw = &image
					}
				}
				return r
			}
			for _, p := range op.Sandbox {
				for _, sc := range p.Codes {
					images := []string{""}
					if p.Parameter.Name != imageField && len(accepted) > 1 {
						images = accepted[:2]
					} else if p.Parameter.Name != imageField && len(accepted) == 1 {
						images = accepted
					}
					for _, img := range images {
						n++
						name := fmt.Sprintf("%s/%s/%s", op.Name(), p.Parameter.Name, sc.Value)
						if img != "" {
							name += "+" + img
						}
						t.Run(name, func(t *testing.T) {
							resp := f.do(t, v.ID, request(p, sc.Value, img))
							wantOutcome(t, op, resp.Status, resp.Header, resp.Body, sc.Outcome, sc.Description)
						})
					}
					if p.Parameter.In == "query" {
						// The document lists the parameter under Body Parameters: a JSON body is answered alike.
						t.Run(fmt.Sprintf("%s/%s/%s/in-a-json-body", op.Name(), p.Parameter.Name, sc.Value), func(t *testing.T) {
							body, _ := json.Marshal(map[string]string{p.Parameter.Name: sc.Value})
							req, _ := http.NewRequest(op.Method, f.baseURL(v)+op.Path, strings.NewReader(string(body)))
							req.Header.Set("Content-Type", "application/json")
							for _, s := range op.Security {
								req.Header.Set(s.Header, f.creds[s.Env])
							}
							r := send(t, req)
							wantOutcome(t, op, r.status, r.header, r.body, sc.Outcome, sc.Description)
						})
					}
				}
				if p.Unknown != nil {
					n++
					t.Run(fmt.Sprintf("%s/%s/unknown", op.Name(), p.Parameter.Name), func(t *testing.T) {
						img := ""
						if len(accepted) > 0 {
							img = accepted[0]
						}
						resp := f.do(t, v.ID, request(p, "KONTRAK_SERVE_NOT_A_CODE", img))
						wantOutcome(t, op, resp.Status, resp.Header, resp.Body, *p.Unknown, "a value that is no sandbox code")
					})
				}
			}
		}
	}
	if n == 0 {
		t.Fatal("no sandbox table in the specs")
	}
}

func wantOutcome(t *testing.T, op *contract.Operation, status int, header http.Header, body []byte, want contract.Outcome, what string) {
	t.Helper()
	got := op.Classify(status, body)
	if status != want.Status || got.Code != want.Code {
		t.Errorf("%q: got HTTP %d code %q, want HTTP %d code %q", what, status, got.Code, want.Status, want.Code)
	}
	for ptr, v := range want.Body {
		if g, ok := contract.Lookup(body, ptr); !ok || fmt.Sprint(g) != fmt.Sprint(v) {
			t.Errorf("%q: at %s got %v, want %v", what, ptr, g, v)
		}
	}
	if b := breaking(op, status, header, body); len(b) > 0 {
		t.Errorf("%q: breaking findings: %s", what, strings.Join(b, "; "))
	}
}

func TestNoDocumentedOperation(t *testing.T) {
	t.Parallel()
	f := start(t, sandbox.Config{})
	tests := []struct{ method, path, reason string }{
		{http.MethodGet, "/nowhere", "a path no spec documents"},
		{http.MethodPost, "/v1/ocr/id", "a prefix of a documented path is not that path"},
	}
	for _, tt := range tests {
		t.Run(tt.method+tt.path, func(t *testing.T) {
			req, _ := http.NewRequest(tt.method, f.srv.URL+tt.path, nil)
			r := send(t, req)
			want := fmt.Sprintf(`{"message":"kontrak serve: no documented operation for %s %s"}`+"\n", tt.method, tt.path)
			if r.status != http.StatusNotFound || string(r.body) != want {
				t.Errorf("%s: got HTTP %d %q, want 404 %q", tt.reason, r.status, r.body, want)
			}
			if log := f.log.Last(); !strings.Contains(log, tt.method+" "+tt.path+" 404") {
				t.Errorf("log line %q does not name the request and its answer", log)
			}
		})
	}
}

// A documented path asked with another method is 405 with the documented methods in Allow, as HTTP
// says (RFC 9110 15.5.6), under a base URL's prefix too.
func TestMethodNotAllowed(t *testing.T) {
	t.Parallel()
	f := start(t, sandbox.Config{})
	for _, tt := range []struct{ method, path, allow, reason string }{
		{http.MethodGet, "/ktp/id/extract-async", "POST", "a GET on Verihubs' submit"},
		{http.MethodDelete, "/v1/id_ocr/general", "POST", "a DELETE on ekycpro's OCR"},
		{http.MethodPost, "/ktp/id/extract-async/result", "GET", "a POST on Verihubs' result"},
		{http.MethodGet, "/kontrak/vision/v1/ocr/id/ktp", "POST", "Kredibel's path under a prefix"},
	} {
		req, _ := http.NewRequest(tt.method, f.srv.URL+tt.path, strings.NewReader(`{"a":1}`))
		r := send(t, req)
		if r.status != http.StatusMethodNotAllowed || r.header.Get("Allow") != tt.allow {
			t.Errorf("%s: got HTTP %d Allow %q, want 405 Allow %q (%s)", tt.reason, r.status, r.header.Get("Allow"), tt.allow, r.body)
		}
	}
}

// TestRecordedAnswersAsTheyAre adds a cassette that no scenario names to a copy of the cassettes: a request
// that matches it gets its status, headers (Retry-After) and body as recorded.
func TestRecordedAnswersAsTheyAre(t *testing.T) {
	t.Parallel()
	c, root := setup(t)
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(filepath.Join(root, "cassettes"))); err != nil {
		t.Fatal(err)
	}
	op, _ := c.Operation("ekycpro", "idOcrGeneral")
	s, _ := scenarioOf(t, "ekycpro", "inner-error")
	recordedBody := cassetteAnswer(t, s, op).Body
	img := picture(t, scenario.Image{Variant: "glare", Format: "png", Width: 500, Height: 320})
	writeCassette(t, filepath.Join(dir, "ekycpro", "kontrak-serve-extra.yaml"), op, img, recordedBody)

	f := start(t, sandbox.Config{Cassettes: dir})
	resp := f.do(t, "ekycpro", client.Request{Operation: op.ID, Image: img})
	if resp.Status != http.StatusOK || !sameJSON(resp.Body, recordedBody) || resp.Header.Get("Retry-After") != "7" {
		t.Errorf("got HTTP %d Retry-After %q %s, want the recorded 200, Retry-After 7, %s", resp.Status, resp.Header.Get("Retry-After"), resp.Body, recordedBody)
	}
	if log := f.log.Last(); !strings.Contains(log, "kontrak-serve-extra.yaml#0") {
		t.Errorf("log %q does not name the cassette", log)
	}
	// A request no cassette holds gets the documented success.
	other := picture(t, scenario.Image{Variant: "glare", Format: "png", Width: 520, Height: 320})
	resp = f.do(t, "ekycpro", client.Request{Operation: op.ID, Image: other})
	wantScenario(t, resp, "ekycpro", "success")
	if log := f.log.Last(); !strings.Contains(log, "no recorded request matches") {
		t.Errorf("log %q does not say the success is the fallback", log)
	}
}

// writeCassette writes a one-interaction cassette: an ekycpro form request with img, answered with body and
// a Retry-After header.
func writeCassette(t *testing.T, file string, op *contract.Operation, img, body []byte) {
	t.Helper()
	field, _ := op.ImageField()
	form := field + "=" + strings.NewReplacer("+", "%2B", "/", "%2F", "=", "%3D").Replace(base64.StdEncoding.EncodeToString(img))
	y := fmt.Sprintf(`version: 2
interactions:
    - id: 0
      request:
        body: %q
        headers:
            Content-Type:
                - application/x-www-form-urlencoded
        url: https://api.ekycpro.invalid%s
        method: POST
      response:
        body: %q
        headers:
            Content-Type:
                - application/json
            Retry-After:
                - "7"
        status: 200 OK
        code: 200
        duration: 0s
`, form, op.Path, body)
	if err := os.WriteFile(file, []byte("# kontrak: provenance=derived-from-table\n# kontrak: source=test\n---\n"+y), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestWithoutCassettes serves from the scenarios' recipes alone: an empty cassette directory still answers
// every documented behaviour, derived as `make cassettes` derives it.
func TestWithoutCassettes(t *testing.T) {
	t.Parallel()
	f := start(t, sandbox.Config{Cassettes: t.TempDir()})
	if !strings.Contains(strings.Join(f.log.lines, "\n"), "no cassette") {
		t.Errorf("the start log does not say the answers are derived: %q", f.log.lines)
	}
	for _, tt := range []struct {
		vendor, scenario string
		req              client.Request
	}{
		{"ekycpro", "success", client.Request{Operation: "idOcrGeneral", Image: picture(t, cleanJPEG)}},
		{"advance", "ocr-success", client.Request{Operation: "ocrKtpCheck", Image: picture(t, cleanJPEG)}},
		{"verihubs", "result-reference-id-ktp-b", client.Request{Operation: "getExtractKtpAsyncResult", Fields: map[string]any{"reference_id": "REFERENCE_ID_KTP_B"}}},
	} {
		resp := f.do(t, tt.vendor, tt.req)
		wantScenario(t, resp, tt.vendor, tt.scenario)
	}
}

func TestNewRefusesWhatItCannotServe(t *testing.T) {
	t.Parallel()
	c, root := setup(t)
	corrupt := t.TempDir()
	if err := os.MkdirAll(filepath.Join(corrupt, "kredibel"), 0o755); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(corrupt, "kredibel", "broken.yaml")
	if err := os.WriteFile(bad, []byte("not: a cassette\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, reason string
		cfg          sandbox.Config
		want         string // in the error
	}{
		{"no-root", "the scenarios live in the repository", sandbox.Config{}, "Root"},
		{"bad-root", "a directory without suites/", sandbox.Config{Root: t.TempDir()}, "scenarios.yaml"},
		{"corrupt-cassette", "a file in the cassette directory that is no cassette is named", sandbox.Config{Root: root, Cassettes: corrupt}, bad},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := sandbox.New(c, tt.cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("%s: got error %v, want one naming %q", tt.reason, err, tt.want)
			}
		})
	}
}

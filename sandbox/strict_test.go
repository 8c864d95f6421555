package sandbox_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/kontrak/kontrak/client"
	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/sandbox"
	"github.com/kontrak/kontrak/scenario"
)

// raw is a hand-made request to one operation: what a client with a bug sends.
type raw struct {
	method      string // default: the operation's
	query       string
	contentType string
	body        []byte
	noAuth      bool
}

// rawRequest builds r against the sandbox, with the configured credentials of every scheme (a token
// scheme gets a token the sandbox issued).
func (f *fixture) rawRequest(t testing.TB, op *contract.Operation, r raw) *http.Request {
	t.Helper()
	method := r.method
	if method == "" {
		method = op.Method
	}
	u := f.baseURL(op.Vendor) + op.Path
	if r.query != "" {
		u += "?" + r.query
	}
	req, err := http.NewRequest(method, u, bytes.NewReader(r.body))
	if err != nil {
		t.Fatal(err)
	}
	if r.contentType != "" {
		req.Header.Set("Content-Type", r.contentType)
	}
	if r.noAuth {
		return req
	}
	for _, sc := range op.Security {
		v := f.creds[sc.Env]
		if sc.TokenOperation != "" {
			v = f.token(t, op.Vendor, sc.TokenOperation)
		}
		if sc.Type == "http" {
			v = "Bearer " + v
		}
		if sc.In == "query" {
			q := req.URL.Query()
			q.Set(sc.Header, v)
			req.URL.RawQuery = q.Encode()
		} else {
			req.Header.Set(sc.Header, v)
		}
	}
	return req
}

// tokens caches the tokens token fetched, by fixture and token operation.
var tokens sync.Map

// token fetches a token from the sandbox through the real client, once per fixture.
func (f *fixture) token(t testing.TB, v *contract.Vendor, opID string) string {
	t.Helper()
	type key struct {
		f  *fixture
		op string
	}
	if tok, ok := tokens.Load(key{f, opID}); ok {
		return tok.(string)
	}
	resp := f.do(t, v.ID, client.Request{Operation: opID})
	op := v.Operation(opID)
	tok, ok := contract.Lookup(resp.Body, op.Token.TokenPointer)
	if !ok {
		t.Fatalf("%s: no token at %s in %s", op.Name(), op.Token.TokenPointer, resp.Body)
	}
	tokens.Store(key{f, opID}, fmt.Sprint(tok))
	return fmt.Sprint(tok)
}

func jsonBody(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// multipartBody is a multipart/form-data body of one file part.
func multipartBody(t testing.TB, field, partType string, data []byte) (string, []byte) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q; filename="ktp"`, field))
	h.Set("Content-Type", partType)
	w, err := mw.CreatePart(h)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(data)
	mw.Close()
	return mw.FormDataContentType(), buf.Bytes()
}

// TestMalformedRequestsGetTheDocumentedError is the table of what each vendor refuses: every request a
// client with a bug sends gets the error x-kontrak-request (or x-kontrak-image) documents for it — its
// status, its code, the values of its body — and the answer itself conforms to the contract. None gets a
// success.
func TestMalformedRequestsGetTheDocumentedError(t *testing.T) {
	t.Parallel()
	f := start(t, sandbox.Config{})
	jpeg := picture(t, cleanJPEG)
	gif := picture(t, scenario.Image{Variant: "clean", Format: "gif"})
	b64 := base64.StdEncoding.EncodeToString(jpeg)
	const kred = "Input payload validation failed."
	tests := []struct {
		vendor, op string
		req        raw
		status     int
		code       string
		body       map[string]any // JSON Pointer -> value
		reason     string
	}{
		{"verihubs", "getExtractKtpAsyncResult", raw{}, 404, "INVALID_PAYLOAD_REFERENCE_ID_NOT_FOUND", nil,
			"no reference_id: the Error Code table's 'reference_id payload is missing'"},
		{"verihubs", "getExtractKtpAsyncResult", raw{query: "reference_id="}, 404, "INVALID_PAYLOAD_REFERENCE_ID_NOT_FOUND", nil,
			"an empty reference_id is a missing one"},
		{"verihubs", "getExtractKtpAsyncResult", raw{query: "reference_id=abc"}, 400, "INVALID_SANDBOX_CODE", nil,
			"a reference_id that is no sandbox code"},
		{"verihubs", "submitExtractKtpAsync", raw{contentType: "application/json", body: []byte(`{"image":"KTP","kontrak_unknown":1}`)}, 400, "INVALID_PAYLOAD", nil,
			"an unknown field of a closed body"},
		{"verihubs", "submitExtractKtpAsync", raw{contentType: "application/x-www-form-urlencoded", body: []byte("image=KTP")}, 400, "INVALID_PAYLOAD", nil,
			"a form body where JSON is documented"},
		{"verihubs", "submitExtractKtpAsync", raw{contentType: "application/json", body: []byte(`{"image":`)}, 400, "INVALID_PAYLOAD", nil,
			"invalid JSON"},
		{"verihubs", "submitExtractKtpAsync", raw{body: []byte(`{"image":"KTP"}`)}, 400, "INVALID_PAYLOAD", nil,
			"a JSON body that says no Content-Type (FuzzServe's find)"},
		{"kredibel", "ocrKtp", raw{body: []byte(`{"image":"KTP"}`)}, 400, "",
			map[string]any{"/message": kred, "/errors/_schema/0": "Invalid input type."}, "a JSON body that says no Content-Type"},
		{"verihubs", "submitExtractKtpAsync", raw{contentType: "application/json", body: []byte(`{"image":"KTP","validate_quality":"yes"}`)}, 400, "INVALID_PAYLOAD", nil,
			"validate_quality that is no boolean"},
		{"verihubs", "submitExtractKtpAsync", raw{contentType: "application/json", body: []byte(`{"image":"KTP","callback_url":"ftp://x.invalid/"}`)}, 400, "INVALID_PAYLOAD_CALLBACK_URL", nil,
			"a callback_url that is not https"},
		{"verihubs", "submitExtractKtpAsync", raw{contentType: "application/json", body: []byte(`{}`)}, 400, "MISSING_PAYLOAD_IMAGE", nil,
			"no image"},
		{"kredibel", "ocrKtp", raw{contentType: "application/json", body: []byte(`{"cardDetect":true}`)}, 400, "",
			map[string]any{"/message": kred, "/errors/image/0": "Missing data for required field."}, "no image"},
		{"kredibel", "ocrKtp", raw{contentType: "application/json", body: []byte(`{}`)}, 400, "",
			map[string]any{"/message": kred, "/errors/image/0": "Missing data for required field."}, "an empty object"},
		{"kredibel", "ocrKtp", raw{contentType: "application/json", body: []byte(`[]`)}, 400, "",
			map[string]any{"/message": kred, "/errors/_schema/0": "Invalid input type."}, "an array"},
		{"kredibel", "ocrKtp", raw{contentType: "application/json"}, 400, "",
			map[string]any{"/message": kred, "/errors/_schema/0": "Invalid input type."}, "an empty body"},
		{"kredibel", "ocrKtp", raw{contentType: "application/json", body: []byte(`{"image": "abc"`)}, 400, "",
			map[string]any{"/message": kred, "/errors/_schema/0": "Invalid input type."}, "invalid JSON"},
		{"kredibel", "ocrKtp", raw{contentType: "application/json", body: []byte(`{"image":"x"} {}`)}, 400, "",
			map[string]any{"/message": kred}, "JSON with trailing data"},
		{"kredibel", "ocrKtp", raw{contentType: "application/json", body: jsonBody(t, map[string]any{"image": base64.StdEncoding.EncodeToString(gif)})}, 400, "",
			map[string]any{"/message": kred, "/errors/image/0": "Unsupported image format: JPG, JPEG or PNG."}, "a GIF"},
		{"kredibel", "ocrKtp", raw{contentType: "application/json", body: jsonBody(t, map[string]any{"image": "data:image/jpeg;base64," + b64})}, 400, "invalid_base64_encoding", nil,
			"a data: prefix the page says to leave out"},
		{"kredibel", "ocrKtp", raw{contentType: "application/json", body: jsonBody(t, map[string]any{"image": b64, "fastMode": true})}, 400, "",
			map[string]any{"/message": kred, "/errors/fastMode/0": "Unknown field."}, "an unknown field: the page's own example"},
		{"kredibel", "ocrKtp", raw{contentType: "application/json", body: jsonBody(t, map[string]any{"image": b64, "cardDetect": "yes"})}, 400, "",
			map[string]any{"/message": kred, "/errors/cardDetect/0": "Not a valid boolean."}, "an option that is no boolean"},
		{"kredibel", "ocrKtp", raw{contentType: "application/json", body: jsonBody(t, map[string]any{"image": 12345})}, 400, "",
			map[string]any{"/message": kred, "/errors/image/0": "Not a valid string."}, "an image that is no string"},
		{"kredibel", "ocrKtp", raw{contentType: "application/x-www-form-urlencoded", body: []byte(url.Values{"image": {b64}}.Encode())}, 400, "",
			map[string]any{"/message": kred, "/errors/_schema/0": "Invalid input type."}, "a form body where JSON is documented"},
		{"ekycpro", "idOcrGeneral", raw{contentType: "application/json", body: jsonBody(t, map[string]any{"img": b64})}, 200, "INVALID_REQUEST", nil,
			"a JSON body where a form is documented"},
		{"ekycpro", "idOcrGeneral", raw{contentType: "application/x-www-form-urlencoded", body: []byte("img=%zz")}, 200, "INVALID_REQUEST", nil,
			"a form body that does not parse"},
		{"ekycpro", "idOcrGeneral", raw{contentType: "application/x-www-form-urlencoded", body: []byte(url.Values{"img": {"data:image/jpeg;base64," + b64}}.Encode())}, 200, "INVALID_REQUEST", nil,
			"a data: prefix"},
		{"ekycpro", "idOcrGeneral", raw{contentType: "application/x-www-form-urlencoded", body: []byte("")}, 200, "INVALID_REQUEST", nil,
			"no img"},
		{"advance", "ocrKtpCheck", raw{contentType: "application/json", body: jsonBody(t, map[string]any{"ocrImage": b64})}, 200, "EMPTY_PARAMETER_ERROR", nil,
			"a JSON body where multipart is documented"},
		{"advance", "ocrKtpCheck", raw{contentType: "multipart/form-data; boundary=xyz", body: []byte("--xyz\r\nContent-Disposition: form-data; name=\"ocrImage\"\r\n\r\nabc")}, 200, "EMPTY_PARAMETER_ERROR", nil,
			"a multipart body cut short"},
		{"advance", "generateToken", raw{contentType: "text/plain", body: []byte("accessKey=x"), noAuth: true}, 200, "EMPTY_PARAMETER_ERROR", nil,
			"a token request that is not JSON"},
		{"advance", "generateToken", raw{contentType: "application/json", body: []byte(`{"accessKey":1,"timestamp":"1","signature":"x"}`), noAuth: true}, 200, "PARAMETER_ERROR", nil,
			"an accessKey that is no string"},
	}
	for _, tc := range tests {
		t.Run(tc.vendor+"/"+tc.reason, func(t *testing.T) {
			t.Parallel()
			op, err := f.c.Operation(tc.vendor, tc.op)
			if err != nil {
				t.Fatal(err)
			}
			got := send(t, f.rawRequest(t, op, tc.req))
			cl := op.Classify(got.status, got.body)
			if got.status != tc.status || cl.Code != tc.code {
				t.Errorf("HTTP %d code %q, want HTTP %d code %q (%s); body %s", got.status, cl.Code, tc.status, tc.code, tc.reason, got.body)
			}
			for ptr, want := range tc.body {
				if v, ok := contract.Lookup(got.body, ptr); !ok || fmt.Sprint(v) != fmt.Sprint(want) {
					t.Errorf("at %s: got %v, want %v; body %s", ptr, v, want, got.body)
				}
			}
			if b := breaking(op, got.status, got.header, got.body); len(b) > 0 {
				t.Errorf("the answer does not conform: %s", strings.Join(b, "; "))
			}
			if rule := f.log.Last(); !strings.Contains(rule, "request ") && !strings.Contains(rule, "image ") && !strings.Contains(rule, "sandbox") {
				// The log line is the rule's; a parallel test may have logged since, so only a rule
				// of the strict checks is expected, never the documented success.
				if strings.Contains(rule, "documented success") {
					t.Errorf("logged as a success: %s", rule)
				}
			}
		})
	}
}

// TestConformingRequestsStillSucceed: the strict checks refuse nothing the documents accept — the
// documented success through each vendor's real client, a Verihubs sandbox code, an accepted extra field.
func TestConformingRequestsStillSucceed(t *testing.T) {
	t.Parallel()
	f := start(t, sandbox.Config{})
	jpeg := picture(t, cleanJPEG)
	for _, tc := range []struct {
		vendor, scenario string
		req              client.Request
	}{
		{"kredibel", "success", client.Request{Operation: "ocrKtp", Image: jpeg}},
		{"ekycpro", "success", client.Request{Operation: "idOcrGeneral", Image: jpeg}},
		{"advance", "ocr-success", client.Request{Operation: "ocrKtpCheck", Image: jpeg}},
	} {
		resp := f.do(t, tc.vendor, tc.req)
		wantScenario(t, resp, tc.vendor, tc.scenario)
	}
	// ADVANCE's request schema is closed: a multipart part it does not document is refused with the code
	// of x-kontrak-request's unknown row.
	op, _ := f.c.Operation("advance", "ocrKtpCheck")
	ct, body := multipartBody(t, "ocrImage", "image/jpeg", jpeg)
	body = bytes.Replace(body, []byte("--\r\n"), []byte("\r\nContent-Disposition: form-data; name=\"kontrakExtra\"\r\n\r\n1\r\n"+boundaryEnd(ct)), 1)
	got := send(t, f.rawRequest(t, op, raw{contentType: ct, body: body}))
	if want := op.Request.Answer("unknown", "kontrakExtra"); want == nil || op.Classify(got.status, got.body).Code != want.Code {
		t.Errorf("an extra multipart part: %s, want the unknown row's code %+v", got.body, want)
	}
	_ = context.Background
}

// boundaryEnd is the closing delimiter of a multipart content type's boundary.
func boundaryEnd(ct string) string {
	_, b, _ := strings.Cut(ct, "boundary=")
	return "--" + b + "--\r\n"
}

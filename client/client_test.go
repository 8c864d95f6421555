package client_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	kontrak "github.com/kontrak/kontrak"
	"github.com/kontrak/kontrak/client"
	"github.com/kontrak/kontrak/contract"
)

func load(t *testing.T) *contract.Contract {
	t.Helper()
	c, err := contract.Load(kontrak.Files)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// seen is what a test server received.
type seen struct {
	method, path string
	query        url.Values
	header       http.Header
	body         []byte
}

// server answers each path with the given status and body, and records what it received.
func server(t *testing.T, answers map[string]string) (*httptest.Server, func() []seen) {
	var mu sync.Mutex
	var got []seen
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, seen{r.Method, r.URL.Path, r.URL.Query(), r.Header.Clone(), b})
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, answers[r.URL.Path])
	}))
	t.Cleanup(srv.Close)
	return srv, func() []seen { mu.Lock(); defer mu.Unlock(); return append([]seen(nil), got...) }
}

var png1x1 = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82")

// The document's own worked example of the signature is a known-answer test, read from the spec.
func TestSignKnownAnswer(t *testing.T) {
	op, err := load(t).Operation("advance", "generateToken")
	if err != nil {
		t.Fatal(err)
	}
	ka := op.Signature.KnownAnswer
	var concat string
	for _, name := range op.Signature.Concatenation {
		concat += ka[name]
	}
	if got := client.Sign(concat); got != ka["signature"] {
		t.Errorf("Sign(%q) = %s, want the document's %s", concat, got, ka["signature"])
	}
}

func TestAdvanceTokenFlow(t *testing.T) {
	c := load(t)
	now := time.UnixMilli(1665993522952)
	exp := now.Add(2 * time.Hour).UnixMilli()
	srv, got := server(t, map[string]string{
		"/openapi/auth/ticket/v1/generate-token":     fmt.Sprintf(`{"code":"SUCCESS","message":"OK","data":{"token":"tok-1","expiredTime":%d},"extra":null,"transactionId":"t","pricingStrategy":"FREE"}`, exp),
		"/openapi/face-recognition/v3/ocr-ktp-check": `{"code":"OCR_NO_RESULT","message":"m","data":null,"extra":null,"transactionId":"t","pricingStrategy":"PAY"}`,
	})
	clock := now
	cl := client.New(c.Vendor("advance"), client.Config{BaseURL: srv.URL, Now: func() time.Time { return clock },
		Credentials: map[string]string{"ADVANCE_ACCESS_KEY": "sampleaccesskey", "ADVANCE_SECRET_KEY": "samplesecretkey"}})
	ctx := context.Background()
	for i := 0; i < 2; i++ {
		resp, err := cl.Do(ctx, client.Request{Operation: "ocrKtpCheck", Image: png1x1})
		if err != nil {
			t.Fatal(err)
		}
		if resp.Status != 200 {
			t.Fatalf("status %d", resp.Status)
		}
	}
	reqs := got()
	if len(reqs) != 3 {
		t.Fatalf("%d requests, want token + 2 OCR calls (token cached): %v", len(reqs), reqs)
	}
	var tokBody map[string]any
	if err := json.Unmarshal(reqs[0].body, &tokBody); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"accessKey": "sampleaccesskey", "timestamp": "1665993522952",
		"signature": "02209bbeaf0d0a3dd587f6a1ba22f84c98d142e3b545e77db7e4906ca56349f5"}
	for k, v := range want {
		if tokBody[k] != v {
			t.Errorf("token body %s = %v, want %v", k, tokBody[k], v)
		}
	}
	if _, leaked := tokBody["secretKey"]; leaked || strings.Contains(string(reqs[0].body), "samplesecretkey") {
		t.Errorf("the secret key left the machine: %s", reqs[0].body)
	}
	ocr := reqs[1]
	if ocr.header.Get("X-ACCESS-TOKEN") != "tok-1" {
		t.Errorf("X-ACCESS-TOKEN = %q, want tok-1", ocr.header.Get("X-ACCESS-TOKEN"))
	}
	mt, params, err := mime.ParseMediaType(ocr.header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		t.Fatalf("content type %q", ocr.header.Get("Content-Type"))
	}
	mr := multipart.NewReader(strings.NewReader(string(ocr.body)), params["boundary"])
	part, err := mr.NextPart()
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(part)
	if part.FormName() != "ocrImage" || part.Header.Get("Content-Type") != "image/png" || string(data) != string(png1x1) {
		t.Errorf("part %q typed %q with %d bytes, want ocrImage image/png with the image", part.FormName(), part.Header.Get("Content-Type"), len(data))
	}

	// After expiry the token is fetched again.
	clock = now.Add(3 * time.Hour)
	if _, err := cl.Do(ctx, client.Request{Operation: "ocrKtpCheck", Image: png1x1}); err != nil {
		t.Fatal(err)
	}
	if reqs := got(); len(reqs) != 5 || reqs[3].path != "/openapi/auth/ticket/v1/generate-token" {
		t.Errorf("after expiry: %d requests, want a new token call then the OCR call", len(reqs))
	}
}

func TestAdvanceTokenRefused(t *testing.T) {
	c := load(t)
	srv, _ := server(t, map[string]string{
		"/openapi/auth/ticket/v1/generate-token": `{"code":"PARAMETER_ERROR","message":"Signature error","data":null,"extra":null,"transactionId":"t","pricingStrategy":"FREE"}`,
	})
	cl := client.New(c.Vendor("advance"), client.Config{BaseURL: srv.URL})
	_, err := cl.Do(context.Background(), client.Request{Operation: "ocrKtpCheck", Image: png1x1})
	if !client.IsTokenError(err) || !strings.Contains(err.Error(), `no token at /data/token (HTTP 200, code "PARAMETER_ERROR")`) {
		t.Errorf("err = %v, want a token error naming the pointer and the code", err)
	}
}

func TestEkycproForm(t *testing.T) {
	c := load(t)
	srv, got := server(t, map[string]string{"/v1/id_ocr/general": `{"status":"FAIL","message":"check input image and retry"}`})
	cl := client.New(c.Vendor("ekycpro"), client.Config{BaseURL: srv.URL, Credentials: map[string]string{"EKYCPRO_API_KEY": "k1"}})
	if _, err := cl.Do(context.Background(), client.Request{Operation: "idOcrGeneral", Image: png1x1}); err != nil {
		t.Fatal(err)
	}
	r := got()[0]
	form, err := url.ParseQuery(string(r.body))
	if err != nil {
		t.Fatal(err)
	}
	if r.header.Get("Content-Type") != "application/x-www-form-urlencoded" || r.header.Get("X-API-Key") != "k1" {
		t.Errorf("headers %v", r.header)
	}
	if img := form.Get("img"); img != base64.StdEncoding.EncodeToString(png1x1) || strings.HasPrefix(img, "data:") {
		t.Errorf("img = %.30q…, want base64 without a data: prefix", img)
	}
}

func TestVerihubsQueryAndHeaders(t *testing.T) {
	c := load(t)
	srv, got := server(t, map[string]string{"/ktp/id/extract-async/result": `{}`, "/ktp/id/extract-async": `{}`})
	cl := client.New(c.Vendor("verihubs"), client.Config{BaseURL: srv.URL + "/",
		Credentials: map[string]string{"VERIHUBS_APP_ID": "app", "VERIHUBS_API_KEY": "key"}})
	ctx := context.Background()
	if _, err := cl.Do(ctx, client.Request{Operation: "getExtractKtpAsyncResult", Fields: map[string]any{"reference_id": "REFERENCE_ID_KTP_B"}}); err != nil {
		t.Fatal(err)
	}
	code := "KTP_B"
	if _, err := cl.Do(ctx, client.Request{Operation: "submitExtractKtpAsync", ImageRaw: &code, Fields: map[string]any{"validate_quality": true}}); err != nil {
		t.Fatal(err)
	}
	reqs := got()
	if r := reqs[0]; r.method != "GET" || r.query.Get("reference_id") != "REFERENCE_ID_KTP_B" || len(r.body) != 0 {
		t.Errorf("result: %s ?%v body %q, want GET with reference_id in the query", r.method, r.query, r.body)
	}
	for _, r := range reqs {
		if r.header.Get("App-ID") != "app" || r.header.Get("API-Key") != "key" {
			t.Errorf("%s: headers %v lack App-ID/API-Key", r.path, r.header)
		}
	}
	var body map[string]any
	json.Unmarshal(reqs[1].body, &body)
	if body["image"] != "KTP_B" || body["validate_quality"] != true {
		t.Errorf("submit body %s", reqs[1].body)
	}
}

func TestKredibelBearer(t *testing.T) {
	c := load(t)
	srv, got := server(t, map[string]string{"/vision/v1/ocr/id/ktp": `{}`})
	cl := client.New(c.Vendor("kredibel"), client.Config{BaseURL: srv.URL + "/vision", Credentials: map[string]string{"KREDIBEL_API_KEY": "kk"}})
	if _, err := cl.Do(context.Background(), client.Request{Operation: "ocrKtp", Image: png1x1,
		Credentials: map[string]string{"KREDIBEL_API_KEY": "wrong"}}); err != nil {
		t.Fatal(err)
	}
	r := got()[0]
	if r.header.Get("Authorization") != "Bearer wrong" {
		t.Errorf("Authorization %q: the per-request override must win", r.header.Get("Authorization"))
	}
	var body map[string]any
	json.Unmarshal(r.body, &body)
	if body["image"] != base64.StdEncoding.EncodeToString(png1x1) {
		t.Errorf("image not base64 in JSON: %s", r.body)
	}
}

func TestBadBaseURL(t *testing.T) {
	c := load(t)
	cl := client.New(c.Vendor("kredibel"), client.Config{BaseURL: ""})
	_, err := cl.Do(context.Background(), client.Request{Operation: "ocrKtp"})
	if err == nil || !strings.Contains(err.Error(), `kredibel ocrKtp: base URL "": not an absolute URL`) {
		t.Errorf("err = %v", err)
	}
}

// A token the vendor refuses is fetched anew, once, and the call is made again.
func TestAdvanceTokenRefusedIsRefreshed(t *testing.T) {
	c := load(t)
	var mu sync.Mutex
	tokens, ocrCalls := 0, 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		switch r.URL.Path {
		case "/openapi/auth/ticket/v1/generate-token":
			tokens++
			fmt.Fprintf(w, `{"code":"SUCCESS","message":"OK","data":{"token":"tok-%d","expiredTime":%d},"extra":null,"transactionId":"t","pricingStrategy":"FREE"}`,
				tokens, time.Now().Add(time.Hour).UnixMilli())
		default:
			ocrCalls++
			if r.Header.Get("X-ACCESS-TOKEN") == "tok-1" { // the first token was revoked
				io.WriteString(w, `{"code":"IAM_FAILED","message":"Access denied: Token not found or expired","data":null,"extra":null,"transactionId":"t","pricingStrategy":"FREE"}`)
				return
			}
			io.WriteString(w, `{"code":"OCR_NO_RESULT","message":"m","data":null,"extra":null,"transactionId":"t","pricingStrategy":"PAY"}`)
		}
	}))
	defer srv.Close()
	cl := client.New(c.Vendor("advance"), client.Config{BaseURL: srv.URL})
	resp, err := cl.Do(context.Background(), client.Request{Operation: "ocrKtpCheck", Image: png1x1})
	if err != nil {
		t.Fatal(err)
	}
	if cl := resp.Operation.Classify(resp.Status, resp.Body); cl.Code != "OCR_NO_RESULT" {
		t.Errorf("code %s, want the answer of the retried call", cl.Code)
	}
	if tokens != 2 || ocrCalls != 2 {
		t.Errorf("%d token calls and %d OCR calls, want 2 and 2 (one refresh, one retry)", tokens, ocrCalls)
	}
	// A refusal that is not the token's (IAM_FAILED for another reason) is not retried.
	tokens, ocrCalls = 0, 0
	srv2 := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "generate-token") {
			fmt.Fprintf(w, `{"code":"SUCCESS","message":"OK","data":{"token":"t","expiredTime":%d},"extra":null,"transactionId":"t","pricingStrategy":"FREE"}`, time.Now().Add(time.Hour).UnixMilli())
			return
		}
		mu.Lock()
		ocrCalls++
		mu.Unlock()
		io.WriteString(w, `{"code":"IAM_FAILED","message":"Account is disabled. Please contact your sales manager for help","data":null,"extra":null,"transactionId":"t","pricingStrategy":"FREE"}`)
	}))
	defer srv2.Close()
	cl2 := client.New(c.Vendor("advance"), client.Config{BaseURL: srv2.URL})
	if _, err := cl2.Do(context.Background(), client.Request{Operation: "ocrKtpCheck", Image: png1x1}); err != nil {
		t.Fatal(err)
	}
	if ocrCalls != 1 {
		t.Errorf("%d OCR calls for a disabled account, want 1 (no retry)", ocrCalls)
	}
}

// Every call is bounded by the configured timeout.
func TestTimeout(t *testing.T) {
	c := load(t)
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-release }))
	defer srv.Close()
	defer close(release)
	cl := client.New(c.Vendor("ekycpro"), client.Config{BaseURL: srv.URL, Timeout: 50 * time.Millisecond})
	_, err := cl.Do(context.Background(), client.Request{Operation: "idOcrGeneral", Image: png1x1})
	if err == nil || !strings.Contains(err.Error(), "ekycpro idOcrGeneral POST /v1/id_ocr/general") || !strings.Contains(err.Error(), "deadline exceeded") {
		t.Errorf("err = %v, want a deadline error naming the operation", err)
	}
}

// A redirect to another host is not followed: the vendor's credential headers (App-ID, API-Key) would go
// with it, as net/http drops only Authorization and cookies. The other host gets no request at all, and
// the error says why and where, without the query.
func TestRedirectToAnotherHostCarriesNoCredential(t *testing.T) {
	c := load(t)
	var other atomic.Int32
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		other.Add(1)
		io.WriteString(w, `{}`)
	}))
	defer elsewhere.Close()
	for _, status := range []int{http.StatusFound, http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		vendor := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, elsewhere.URL+r.URL.Path+"?token=x", status)
		}))
		cl := client.New(c.Vendor("verihubs"), client.Config{BaseURL: vendor.URL,
			Credentials: map[string]string{"VERIHUBS_APP_ID": "app-canary", "VERIHUBS_API_KEY": "key-canary"}})
		_, err := cl.Do(context.Background(), client.Request{Operation: "getExtractKtpAsyncResult", Fields: map[string]any{"reference_id": "r"}})
		vendor.Close()
		var re *client.RedirectError
		if !errors.As(err, &re) || re.Why != client.RedirectOtherHost {
			t.Fatalf("HTTP %d to another host: err = %v, want a RedirectError (another host)", status, err)
		}
		msg := err.Error()
		for _, want := range []string{"verihubs getExtractKtpAsyncResult", "to another host, " + elsewhere.URL + "/ktp/id/extract-async/result", "not followed"} {
			if !strings.Contains(msg, want) {
				t.Errorf("HTTP %d: %q lacks %q", status, msg, want)
			}
		}
		if strings.Contains(msg, "token=x") || strings.Contains(msg, "canary") {
			t.Errorf("HTTP %d: the message shows a query or a credential: %s", status, msg)
		}
	}
	if n := other.Load(); n != 0 {
		t.Errorf("the other host got %d requests, want none", n)
	}
}

// A redirect within the configured host is followed, credentials and all: it is the vendor's.
func TestRedirectWithinTheHost(t *testing.T) {
	c := load(t)
	var gotKey string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v2/ktp/id/extract-async/result" {
			http.Redirect(w, r, "/v2"+r.URL.Path+"?"+r.URL.RawQuery, http.StatusTemporaryRedirect)
			return
		}
		gotKey = r.Header.Get("API-Key")
		io.WriteString(w, `{}`)
	}))
	defer srv.Close()
	cl := client.New(c.Vendor("verihubs"), client.Config{BaseURL: srv.URL, Credentials: map[string]string{"VERIHUBS_APP_ID": "app", "VERIHUBS_API_KEY": "key"}})
	resp, err := cl.Do(context.Background(), client.Request{Operation: "getExtractKtpAsyncResult", Fields: map[string]any{"reference_id": "r"}})
	if err != nil || resp.Status != 200 || gotKey != "key" {
		t.Errorf("err %v, key %q: a redirect within the host must be followed with its credentials", err, gotKey)
	}
}

// A redirect loop says so at its first repeat, and a chain longer than MaxRedirects is refused and said.
func TestRedirectLoop(t *testing.T) {
	c := load(t)
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := hits.Add(1)
		switch {
		case strings.HasPrefix(r.URL.Path, "/chain/"):
			http.Redirect(w, r, fmt.Sprintf("/chain/%d", n), http.StatusFound)
		case r.URL.Path == "/b":
			http.Redirect(w, r, "/v1/id_ocr/general", http.StatusTemporaryRedirect)
		default:
			http.Redirect(w, r, "/b", http.StatusTemporaryRedirect)
		}
	}))
	defer srv.Close()
	cl := client.New(c.Vendor("ekycpro"), client.Config{BaseURL: srv.URL, Credentials: map[string]string{"EKYCPRO_API_KEY": "k"}})
	_, err := cl.Do(context.Background(), client.Request{Operation: "idOcrGeneral", Image: png1x1})
	var re *client.RedirectError
	if !errors.As(err, &re) || re.Why != client.RedirectLoop || !strings.Contains(err.Error(), "a redirect loop") {
		t.Errorf("err = %v, want a redirect loop", err)
	}
	if n := hits.Load(); n != 2 {
		t.Errorf("%d requests, want 2: the loop is told at its first repeat", n)
	}
	hits.Store(0)
	chain := client.New(c.Vendor("ekycpro"), client.Config{BaseURL: srv.URL + "/chain/0", Credentials: map[string]string{"EKYCPRO_API_KEY": "k"}})
	_, err = chain.Do(context.Background(), client.Request{Operation: "idOcrGeneral", Image: png1x1})
	if !errors.As(err, &re) || re.Why != client.RedirectTooMany || !strings.Contains(err.Error(), fmt.Sprintf("more than %d redirects", client.MaxRedirects)) {
		t.Errorf("err = %v, want too many redirects", err)
	}
}

// An answer over MaxAnswerBytes is never read whole: refused unread when its Content-Length says so, cut
// at the limit when it is chunked. The server counts what it managed to write.
func TestAnswerCapped(t *testing.T) {
	c := load(t)
	for _, tc := range []struct {
		reason  string
		declare bool
	}{
		{"a declared length over the cap is refused unread", true},
		{"a chunked answer is cut at the cap", false},
	} {
		t.Run(tc.reason, func(t *testing.T) {
			var written atomic.Int64
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				total := int64(4 * client.MaxAnswerBytes)
				if tc.declare {
					w.Header().Set("Content-Length", fmt.Sprint(total))
				}
				chunk := []byte(strings.Repeat("x", 64<<10))
				for written.Load() < total {
					n, err := w.Write(chunk)
					written.Add(int64(n))
					if err != nil {
						return
					}
				}
			}))
			defer srv.Close()
			cl := client.New(c.Vendor("ekycpro"), client.Config{BaseURL: srv.URL, Credentials: map[string]string{"EKYCPRO_API_KEY": "k"}})
			_, err := cl.Do(context.Background(), client.Request{Operation: "idOcrGeneral", Image: png1x1})
			var te *client.AnswerTooLargeError
			if !errors.As(err, &te) || !strings.Contains(err.Error(), "over the 16 MiB kontrak reads of an answer") {
				t.Fatalf("err = %v, want AnswerTooLargeError", err)
			}
			srv.CloseClientConnections()
			srv.Close() // waits for the handler: written is final
			if got := written.Load(); got >= 4*client.MaxAnswerBytes {
				t.Errorf("the server wrote all %d bytes: the client read the answer whole", got)
			}
		})
	}
}

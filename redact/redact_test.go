package redact

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v4"
	vcr "gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"

	"github.com/kontrak/kontrak/cassette"
	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/match"
	"github.com/kontrak/kontrak/recorder"
	"github.com/kontrak/kontrak/specimen"
)

// Canaries: values no redacted cassette may hold. Each is unlike anything synthetic.
const (
	canaryKey    = "canary-api-key-7f3a"
	canaryBearer = "Bearer canary-bearer-91c2"
	canaryAccess = "canary-access-key-55d1"
	canarySig    = "canary-signature-0b9e"
	canaryNIK    = "3171234567890001"
	canaryName   = "Siti Canaria"
	canaryAddr   = "JL. KENARI NO. 9"
	canaryPlace  = "JAKARTA, 17-08-1990"
	canaryRTRW   = "003/005"
	// canaryJWT is a JSON Web Token in form: {"alg":"HS256"}.{"sub":"canary"}.signature.
	canaryJWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjYW5hcnkifQ.Y2FuYXJ5LXNpZ25hdHVyZQ"
)

// testRules are a made-up vendor's: the recorder is given names and a contract's view, it knows none.
func testRules() RedactRules {
	return RedactRules{
		Headers:    []string{"x-api-key", "X-Secondary-Key"},
		Query:      []string{"key"},
		BodyFields: []string{"accessKey", "signature"},
		Answer: func(method, path string) AnswerRules {
			switch path {
			case "/v1/token":
				return AnswerRules{Secrets: []string{"/data/token"}}
			case "/v1/ocr":
				return AnswerRules{PII: map[string]string{
					"/data/nik": "nik", "/data/name": "name", "/data/address": "address", "/data/birth": "placedate",
					"/data/rtrw": "text", "/data/dob": "date", "/data/null": "name", "/data/dash": "name",
					"/data/empty": "name", "/data/nullText": "name", "/data/age": "text", "/data/synthetic": "name",
					"/data/masked": "nik",
				}}
			}
			return AnswerRules{}
		},
		Privacy: testPrivacy,
	}
}

// testPrivacy is the made-up vendor's contract as contract.Privacy gives a real one: what each of its
// operations documents, and so what a redacted exchange of it keeps. A path it does not know is of no
// documented operation.
func testPrivacy(method, path string) *contract.Privacy {
	p := &contract.Privacy{Request: map[string]contract.Place{}, Answer: map[string]contract.Place{}, Query: map[string]contract.Place{},
		Headers: map[string]contract.Place{}, Texts: map[string]bool{"OK": true}, Words: map[string]bool{"ok": true, "not": true, "found": true}}
	req := func(kind string, ptrs ...string) {
		for _, ptr := range ptrs {
			p.Request[ptr] = contract.Place{Kind: kind}
		}
	}
	ans := func(kind string, ptrs ...string) {
		for _, ptr := range ptrs {
			p.Answer[ptr] = contract.Place{Kind: kind}
		}
	}
	ans("", "/code", "/data")
	ans(contract.PlaceMessage, "/message")
	switch path {
	case "/v1/status":
		p.Query["z"], p.Query["a"] = contract.Place{}, contract.Place{}
		p.Headers["User-Agent"] = contract.Place{}
		ans("", "/ok")
	case "/v1/submit":
		req("", "/x", "/x/timestamp", "/nested", "/nested/timestamp", "/note", "/ref", "/reference_id", "/id", "/n")
		req(contract.PlaceImage, "/image", "/photo")
		p.Headers["X-Trace"] = contract.Place{}
	case "/v1/form":
		req("", "/z")
		req(contract.PlaceImage, "/img")
	case "/v1/upload":
		req("", "/name", "/note")
		req(contract.PlaceImage, "/card", "/img")
	case "/v1/raw":
	case "/v1/token":
		ans("", "/data/expiredTime")
		ans(contract.PlaceSecret, "/data/token")
	case "/v1/ocr":
		p.Query["lang"] = contract.Place{}
		req(contract.PlaceImage, "/image", "/img", "/card")
		ans("", "/data/other")
	default:
		return nil
	}
	return p
}

// synthJPEG encodes a small JPEG at test time.
func synthJPEG(t testing.TB) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 8, 6))
	for y := range 6 {
		for x := range 8 {
			img.Set(x, y, color.RGBA{uint8(x * 30), 90, uint8(y * 40), 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// interaction builds a recorded exchange; headers are name, value pairs of the request.
func interaction(method, rawURL, contentType, body, answer string, headers ...string) *vcr.Interaction {
	rq := recorded(method, rawURL, contentType, body, headers...)
	rq.ContentLength = int64(len(body))
	return &vcr.Interaction{
		Request: rq,
		Response: vcr.Response{Code: 200, Status: "200 OK", Body: answer, ContentLength: int64(len(answer)),
			Headers: http.Header{"Content-Type": {"application/json"}}},
	}
}

// clone copies an interaction deeply enough for redaction, which writes headers, forms and strings.
func clone(i *vcr.Interaction) *vcr.Interaction {
	c := *i
	c.Request.Headers = i.Request.Headers.Clone()
	c.Response.Headers = i.Response.Headers.Clone()
	if i.Request.Form != nil {
		c.Request.Form = url.Values{}
		for k, v := range i.Request.Form {
			c.Request.Form[k] = append([]string(nil), v...)
		}
	}
	return &c
}

func dump(t testing.TB, i *vcr.Interaction) string {
	t.Helper()
	b, err := yaml.Marshal(i)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func redacted(t testing.TB, r RedactRules, i *vcr.Interaction) *vcr.Interaction {
	t.Helper()
	out := clone(i)
	if err := Redactor(r)(out); err != nil {
		t.Fatal(err)
	}
	return out
}

// parts reads a multipart body into name → content, with the boundary its Content-Type gives.
func parts(t testing.TB, h http.Header, body string) map[string]string {
	t.Helper()
	_, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil {
		t.Fatalf("Content-Type %q: %v", h.Get("Content-Type"), err)
	}
	out := map[string]string{}
	mr := multipart.NewReader(strings.NewReader(body), params["boundary"])
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("the redacted body no longer parses with its boundary: %v", err)
		}
		b, _ := io.ReadAll(p)
		out[p.FormName()] = string(b)
	}
}

// redactCases are hand-built interactions and what redaction must make of them.
func redactCases(t testing.TB) []struct {
	reason string
	in     *vcr.Interaction
	check  func(t *testing.T, in, got *vcr.Interaction)
} {
	jpg, png := synthJPEG(t), synthPNG(t, 5, 4, false)
	jpg64, png64 := base64.StdEncoding.EncodeToString(jpg), base64.StdEncoding.EncodeToString(png)
	mp, mpType := multipartBody(t, "kontrak-boundary",
		part{name: "name", content: "BUDI CONTOH"}, part{name: "signature", content: canarySig},
		part{name: "card", file: "card.png", content: string(png)})
	// A hand-written multipart body may name its boundary only in the body.
	bare, _ := multipartBody(t, "bare-boundary", part{name: "card", file: "card.jpg", content: string(jpg)})
	form := "img=" + url.QueryEscape(png64) + "&accessKey=" + canaryAccess + "&z=1"
	formIn := interaction("POST", "https://api.example.invalid/v1/form?key="+canaryKey, formType, form, `{}`)
	formIn.Request.Form, _ = url.ParseQuery(form)
	formIn.Request.Form.Add("key", canaryKey) // go-vcr's Form holds the query too
	ocrAnswer := `{"data": {"nik": "` + canaryNIK + `", "name": "` + canaryName + `", "address": "` + canaryAddr +
		`", "birth": "` + canaryPlace + `", "rtrw": "` + canaryRTRW + `", "dob": "17-08-1990", "null": null, "dash": "-",` +
		` "empty": "", "nullText": "null", "age": 34, "synthetic": "BUDI CONTOH", "masked": "31******01", "other": "kept"}}`

	return []struct {
		reason string
		in     *vcr.Interaction
		check  func(t *testing.T, in, got *vcr.Interaction)
	}{
		{"credential headers become REDACTED whatever their case, any Authorization too; an empty one stays empty; others stay",
			interaction("GET", "https://api.example.invalid/v1/status", "", "", `{}`,
				"X-API-KEY", canaryKey, "Authorization", canaryBearer, "X-Secondary-Key", "", "User-Agent", "kontrak-test"),
			func(t *testing.T, _, got *vcr.Interaction) {
				want := http.Header{"X-Api-Key": {Redacted}, "Authorization": {Redacted}, "X-Secondary-Key": {""}, "User-Agent": {"kontrak-test"}}
				if !reflect.DeepEqual(got.Request.Headers, want) {
					t.Errorf("headers %v, want %v", got.Request.Headers, want)
				}
			}},
		{"a credential query value becomes REDACTED; the other parameters keep their order and the fragment stays",
			interaction("GET", "https://api.example.invalid/v1/status?z=1&key="+canaryKey+"&a=%20b#frag", "", "", `{}`),
			func(t *testing.T, _, got *vcr.Interaction) {
				if want := "https://api.example.invalid/v1/status?z=1&key=REDACTED&a=%20b#frag"; got.Request.URL != want {
					t.Errorf("URL %s, want %s", got.Request.URL, want)
				}
			}},
		{"JSON: credentials at any depth, a base64 image and a data URI image; the timestamp, order and spacing stay; content_length follows",
			interaction("POST", "https://api.example.invalid/v1/submit", jsonType,
				`{"accessKey": "`+canaryAccess+`", "nested": {"signature":"`+canarySig+`", "timestamp": 1700000000000},`+
					` "image": "`+jpg64+`", "photo": "data:image/png;base64,`+png64+`", "note": "hello"}`, `{}`),
			func(t *testing.T, _, got *vcr.Interaction) {
				want := `{"accessKey": "REDACTED", "nested": {"signature":"REDACTED", "timestamp": 1700000000000},` +
					` "image": "` + cassette.ImageDescriptor(jpg) + `", "photo": "` + cassette.ImageDescriptor(png) + `", "note": "hello"}`
				if got.Request.Body != want {
					t.Errorf("body\n%s\nwant\n%s", got.Request.Body, want)
				}
				if got.Request.ContentLength != int64(len(want)) {
					t.Errorf("content_length %d, want %d", got.Request.ContentLength, len(want))
				}
			}},
		{"form: the image and the credential field, in order; go-vcr's Form follows, query credential included",
			formIn,
			func(t *testing.T, _, got *vcr.Interaction) {
				want := "img=" + url.QueryEscape(cassette.ImageDescriptor(png)) + "&accessKey=REDACTED&z=1"
				if got.Request.Body != want {
					t.Errorf("body %s, want %s", got.Request.Body, want)
				}
				wantForm, _ := url.ParseQuery(want)
				wantForm.Add("key", Redacted)
				if !reflect.DeepEqual(got.Request.Form, wantForm) {
					t.Errorf("form %v, want %v", got.Request.Form, wantForm)
				}
				if got.Request.ContentLength != int64(len(want)) {
					t.Errorf("content_length %d, want %d", got.Request.ContentLength, len(want))
				}
			}},
		{"multipart: a binary PNG file part becomes its descriptor, a credential part REDACTED; the boundary and Content-Type stay valid",
			interaction("POST", "https://api.example.invalid/v1/upload", mpType, mp, `{}`),
			func(t *testing.T, in, got *vcr.Interaction) {
				if got.Request.Headers.Get("Content-Type") != in.Request.Headers.Get("Content-Type") {
					t.Errorf("Content-Type changed: %s", got.Request.Headers.Get("Content-Type"))
				}
				want := map[string]string{"name": "BUDI CONTOH", "signature": Redacted, "card": cassette.ImageDescriptor(png)}
				if ps := parts(t, got.Request.Headers, got.Request.Body); !reflect.DeepEqual(ps, want) {
					t.Errorf("parts %q, want %q", ps, want)
				}
				if got.Request.ContentLength != int64(len(got.Request.Body)) {
					t.Errorf("content_length %d, want %d", got.Request.ContentLength, len(got.Request.Body))
				}
			}},
		{"multipart whose boundary is in the body only, as a hand-written cassette may have it",
			interaction("POST", "https://api.example.invalid/v1/upload", "multipart/form-data", bare, `{}`),
			func(t *testing.T, _, got *vcr.Interaction) {
				if !strings.HasPrefix(got.Request.Body, "--bare-boundary\r\n") || !strings.Contains(got.Request.Body, cassette.ImageDescriptor(jpg)) {
					t.Errorf("body %q", got.Request.Body)
				}
			}},
		{"a body that is raw image bytes becomes its descriptor",
			interaction("POST", "https://api.example.invalid/v1/raw", "image/png", string(png), `{}`),
			func(t *testing.T, _, got *vcr.Interaction) {
				if got.Request.Body != cassette.ImageDescriptor(png) {
					t.Errorf("body %q", got.Request.Body)
				}
			}},
		{"a JWT anywhere in a request is a token whatever its name; a real-looking NIK anywhere becomes synthetic, a number staying a number",
			interaction("POST", "https://api.example.invalid/v1/submit", jsonType, `{"ref":"`+canaryJWT+`","id":"`+canaryNIK+`","n":`+canaryNIK+`}`, `{}`,
				"X-Trace", "token "+canaryJWT),
			func(t *testing.T, _, got *vcr.Interaction) {
				if h := got.Request.Headers.Get("X-Trace"); h != "token REDACTED" {
					t.Errorf("X-Trace %q", h)
				}
				syn := specimen.SyntheticLike("nik", canaryNIK)
				// As a number, the synthetic NIK loses its leading zeros, as JSON writes it: still a number.
				if want := `{"ref":"REDACTED","id":"` + syn + `","n":` + strings.TrimLeft(syn, "0") + `}`; got.Request.Body != want || !specimen.IsSyntheticNIK(syn) {
					t.Errorf("body %s, want %s", got.Request.Body, want)
				}
				if !json.Valid([]byte(got.Request.Body)) {
					t.Error("the body is no longer JSON")
				}
			}},
		{"an answer's secret becomes REDACTED; the rest of the answer stays byte for byte",
			interaction("POST", "https://api.example.invalid/v1/token", jsonType, `{}`,
				`{"code":"OK","data":{"token":"`+canaryJWT+`","expiredTime":1700000000000}}`),
			func(t *testing.T, _, got *vcr.Interaction) {
				if want := `{"code":"OK","data":{"token":"REDACTED","expiredTime":1700000000000}}`; got.Response.Body != want {
					t.Errorf("answer %s, want %s", got.Response.Body, want)
				}
				if got.Response.ContentLength != int64(len(got.Response.Body)) {
					t.Errorf("content_length %d", got.Response.ContentLength)
				}
			}},
		{"answer PII becomes SyntheticLike of it, in its format; null, \"\", \"-\", \"null\" and synthetic values stay; a number at a personal place becomes a zero of its length; a real date of birth becomes a synthetic one; a documented value stays",
			interaction("POST", "https://api.example.invalid/v1/ocr", jsonType, `{}`, ocrAnswer),
			func(t *testing.T, _, got *vcr.Interaction) {
				like := func(kind, v string) string { return specimen.SyntheticLike(kind, v) }
				want := strings.NewReplacer(
					`"`+canaryNIK+`"`, `"`+like("nik", canaryNIK)+`"`,
					`"`+canaryName+`"`, `"`+like("name", canaryName)+`"`,
					`"`+canaryAddr+`"`, `"`+like("address", canaryAddr)+`"`,
					`"`+canaryPlace+`"`, `"`+like("date", canaryPlace)+`"`,
					`"`+canaryRTRW+`"`, `"`+like("text", canaryRTRW)+`"`,
					`"31******01"`, `"`+like("nik", "31******01")+`"`,
					`"17-08-1990"`, `"`+like("date", "17-08-1990")+`"`,
					`"age": 34`, `"age": 10`,
				).Replace(ocrAnswer)
				if got.Response.Body != want {
					t.Errorf("answer\n%s\nwant\n%s", got.Response.Body, want)
				}
				if !json.Valid([]byte(got.Response.Body)) {
					t.Error("the answer is no longer JSON")
				}
			}},
		{"nothing to redact: the interaction is left exactly as it was",
			interaction("POST", "https://api.example.invalid/v1/ocr?key=REDACTED", jsonType, `{"image":"`+cassette.ImageDescriptor(png)+`","accessKey":"REDACTED"}`,
				`{"data":{"nik":"`+specimen.NewIdentity("clean").NIK+`","name":"BUDI CONTOH","other":"3171"}}`, "X-Api-Key", Redacted),
			func(t *testing.T, in, got *vcr.Interaction) {
				if !reflect.DeepEqual(in, got) {
					t.Errorf("changed:\n%s\nwas\n%s", dump(t, got), dump(t, in))
				}
			}},
	}
}

func TestRedactor(t *testing.T) {
	canaries := []string{canaryKey, canaryBearer, canaryAccess, canarySig, canaryNIK, canaryName, canaryAddr, "JAKARTA", canaryRTRW, canaryJWT}
	for _, tc := range redactCases(t) {
		t.Run(tc.reason, func(t *testing.T) {
			in := clone(tc.in)
			got := redacted(t, testRules(), tc.in)
			if !reflect.DeepEqual(in, tc.in) {
				t.Fatal("Redactor changed the interaction it was not given (the test's copy)")
			}
			tc.check(t, tc.in, got)
			for _, b := range [][2]string{{tc.in.Request.Body, got.Request.Body}, {tc.in.Response.Body, got.Response.Body}} {
				if json.Valid([]byte(b[0])) && !json.Valid([]byte(b[1])) {
					t.Errorf("a JSON body is no longer JSON: %s", b[1])
				}
			}
			d := dump(t, got)
			for _, c := range canaries {
				if strings.Contains(d, c) {
					t.Errorf("a canary is still in the redacted interaction: %q", c)
				}
			}
			if strings.Contains(d, base64.StdEncoding.EncodeToString(synthPNG(t, 5, 4, false))[:40]) ||
				strings.Contains(d, base64.StdEncoding.EncodeToString(synthJPEG(t))[:40]) {
				t.Error("an image is still in the redacted interaction")
			}
		})
	}
}

func TestRedactorDeterministicAndIdempotent(t *testing.T) {
	for _, tc := range redactCases(t) {
		t.Run(tc.reason, func(t *testing.T) {
			once := redacted(t, testRules(), tc.in)
			again := redacted(t, testRules(), tc.in)
			if a, b := dump(t, once), dump(t, again); a != b {
				t.Errorf("the same input redacted twice differs:\n%s\n%s", a, b)
			}
			twice := redacted(t, testRules(), once)
			if !reflect.DeepEqual(once, twice) {
				t.Errorf("redacting a redacted interaction changed it:\n%s\nwas\n%s", dump(t, twice), dump(t, once))
			}
		})
	}
}

func TestRedactorBadURL(t *testing.T) {
	i := interaction("GET", "http://[::1", "", "", `{}`)
	err := Redactor(testRules())(i)
	if err == nil || !strings.Contains(err.Error(), "interaction 0") {
		t.Fatalf("err = %v, want one naming the interaction: its answer's rules are unknown", err)
	}
}

// TestRecordRedactedReplays records live requests through WithRedactor, then replays the redacted
// cassette with the same live requests: descriptors stand for the images, and the credentials are ignored.
func TestRecordRedactedReplays(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/v1/token":
			io.WriteString(w, `{"data":{"token":"`+canaryJWT+`"}}`)
		default:
			io.WriteString(w, `{"data":{"nik":"`+canaryNIK+`","name":"`+canaryName+`"}}`)
		}
	}))
	defer srv.Close()
	jpg, png := synthJPEG(t), synthPNG(t, 7, 5, false)
	upload, uploadType := multipartBody(t, "", part{name: "signature", content: canarySig}, part{name: "card", file: "card.png", content: string(png)})
	reqs := []liveReq{
		{method: "POST", url: srv.URL + "/v1/ocr?key=" + canaryKey + "&lang=id", contentType: jsonType,
			body: `{"image":"` + base64.StdEncoding.EncodeToString(jpg) + `","accessKey":"` + canaryAccess + `"}`, headers: []string{"X-Api-Key", canaryKey}},
		{method: "POST", url: srv.URL + "/v1/ocr", contentType: formType,
			body: "img=" + url.QueryEscape(base64.StdEncoding.EncodeToString(png)) + "&signature=" + canarySig, headers: []string{"Authorization", canaryBearer}},
		{method: "POST", url: srv.URL + "/v1/ocr", contentType: uploadType, body: upload},
		{method: "POST", url: srv.URL + "/v1/token", contentType: jsonType, body: `{"accessKey":"` + canaryAccess + `"}`},
	}
	file := filepath.Join(t.TempDir(), "recorded.yaml")
	r, err := recorder.New(file, recorder.WithMode(recorder.ModeRecord), recorder.WithRealTransport(srv.Client().Transport), recorder.WithRedactor(Redactor(testRules())))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range reqs {
		if _, _, err := do(t, r.Client(), l.build(t)); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.Stop(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{canaryKey, canaryBearer, canaryAccess, canarySig, canaryNIK, canaryName, canaryJWT} {
		if bytes.Contains(data, []byte(c)) {
			t.Errorf("the recorded cassette holds the canary %q", c)
		}
	}

	// Each live request matches its redacted interaction, by the matcher alone...
	c, _, err := cassette.Load(file)
	if err != nil {
		t.Fatal(err)
	}
	opts := match.Options{IgnoredHeaders: testRules().Headers, IgnoredFields: testRules().BodyFields, IgnoredQuery: testRules().Query}
	matches := match.NewMatcher(opts)
	for n, l := range reqs {
		if !matches(l.build(t), c.Interactions[n].Request) {
			t.Errorf("live request %d does not match its redacted interaction: %s", n, explain(opts, l.build(t), []byte(l.body), c.Interactions[n].Request))
		}
	}
	// ...and in a strict replay.
	srv.Close()
	rp, err := recorder.New(file, recorder.WithIgnoredHeaders(opts.IgnoredHeaders...), recorder.WithIgnoredFields(opts.IgnoredFields...), recorder.WithIgnoredQuery(opts.IgnoredQuery...))
	if err != nil {
		t.Fatal(err)
	}
	defer rp.Stop()
	for n, l := range reqs {
		if _, _, err := do(t, rp.Client(), l.build(t)); err != nil {
			t.Errorf("replay of live request %d: %v", n, err)
		}
	}
}

func TestRedactFile(t *testing.T) {
	dir := t.TempDir()
	prov := cassette.Provenance{Kind: cassette.ProvenanceRecorded, Recorded: "2026-05-01", Scenario: "redact-file"}
	write := func(name string, is ...*vcr.Interaction) string {
		file := filepath.Join(dir, name)
		writeCassette(t, file, is...)
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, append(prov.Header(), data...), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(file, 0o600); err != nil {
			t.Fatal(err)
		}
		old := time.Now().Add(-time.Hour).Truncate(time.Second)
		if err := os.Chtimes(file, old, old); err != nil {
			t.Fatal(err)
		}
		return file
	}
	var dirty []*vcr.Interaction
	for _, tc := range redactCases(t) {
		dirty = append(dirty, clone(tc.in))
	}
	dirtyFile := write("dirty.yaml", dirty...)
	cleanFile := write("clean.yaml", interaction("GET", "https://api.example.invalid/v1/status?key=REDACTED", "", "", `{"ok":true}`, "X-Api-Key", Redacted))

	stat := func(file string) (os.FileInfo, []byte) {
		fi, err := os.Stat(file)
		if err != nil {
			t.Fatal(err)
		}
		data, _ := os.ReadFile(file)
		return fi, data
	}

	for _, tc := range []struct {
		reason  string
		file    string
		changed bool
	}{
		{"a cassette with secrets is rewritten", dirtyFile, true},
		{"running again changes nothing: redaction is idempotent, and an unchanged file is not written", dirtyFile, false},
		{"a clean cassette is not written at all", cleanFile, false},
	} {
		t.Run(tc.reason, func(t *testing.T) {
			fi0, data0 := stat(tc.file)
			changed, err := RedactFile(tc.file, testRules())
			if err != nil {
				t.Fatal(err)
			}
			if changed != tc.changed {
				t.Fatalf("changed = %v, want %v", changed, tc.changed)
			}
			fi1, data1 := stat(tc.file)
			if !changed {
				if !bytes.Equal(data0, data1) || !fi0.ModTime().Equal(fi1.ModTime()) {
					t.Fatal("the file was touched though nothing changed")
				}
				return
			}
			if !bytes.HasPrefix(data1, append(prov.Header(), "---\n"...)) {
				t.Fatalf("the provenance block is not at the top:\n%.300s", data1)
			}
			if fi1.Mode().Perm() != 0o600 {
				t.Errorf("mode %v, want the file's own 0600", fi1.Mode().Perm())
			}
			c, p, err := cassette.Load(tc.file)
			if err != nil || p != prov || len(c.Interactions) != len(dirty) {
				t.Fatalf("Load = %d interactions, %+v, %v", len(c.Interactions), p, err)
			}
			for n, i := range c.Interactions {
				want := redacted(t, testRules(), dirty[n])
				if i.Request.Body != want.Request.Body || i.Response.Body != want.Response.Body || i.Request.URL != want.Request.URL {
					t.Errorf("interaction %d is not its redaction", n)
				}
			}
			for _, canary := range []string{canaryKey, canaryAccess, canarySig, canaryNIK, canaryName, canaryJWT} {
				if bytes.Contains(data1, []byte(canary)) {
					t.Errorf("the file still holds %q", canary)
				}
			}
			entries, _ := os.ReadDir(dir)
			for _, e := range entries {
				if strings.HasSuffix(e.Name(), ".tmp") {
					t.Errorf("a temporary file is left behind: %s", e.Name())
				}
			}
		})
	}
}

func TestRedactFileErrors(t *testing.T) {
	dir := t.TempDir()
	notCassette := filepath.Join(dir, "notes.yaml")
	os.WriteFile(notCassette, []byte("just: notes\n"), 0o644)
	for _, tc := range []struct{ reason, file, want string }{
		{"a missing file names itself", filepath.Join(dir, "missing.yaml"), "missing.yaml: cannot read cassette"},
		{"a file that is not a cassette is refused, untouched", notCassette, "notes.yaml: not a go-vcr v4 cassette"},
	} {
		t.Run(tc.reason, func(t *testing.T) {
			changed, err := RedactFile(tc.file, testRules())
			if changed || err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("RedactFile = %v, %v; want an error containing %q", changed, err, tc.want)
			}
		})
	}
	if data, _ := os.ReadFile(notCassette); string(data) != "just: notes\n" {
		t.Fatal("a refused file was changed")
	}
}

func TestCommentBlock(t *testing.T) {
	for _, tc := range []struct{ reason, in, want string }{
		{"the provenance block, then the YAML", "# kontrak: provenance=x\n# other\n---\nversion: 2\n", "# kontrak: provenance=x\n# other\n"},
		{"no block", "---\nversion: 2\n", ""},
		{"a block without a final newline gets one", "# only", "# only\n"},
	} {
		if got := string(cassette.CommentBlock([]byte(tc.in))); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.reason, got, tc.want)
		}
	}
}

func TestTrimLeadingZeros(t *testing.T) {
	for _, tc := range []struct{ reason, in, want string }{
		{"a synthetic NIK as a number", "0019036008777071", "19036008777071"},
		{"negative", "-0012", "-12"},
		{"zero stays zero", "0", "0"},
		{"a fraction keeps its zero", "00.5", "0.5"},
		{"an exponent", "0012e3", "12e3"},
		{"nothing to trim", "3171", "3171"},
	} {
		if got := trimLeadingZeros(tc.in); got != tc.want {
			t.Errorf("%s: %q → %q, want %q", tc.reason, tc.in, got, tc.want)
		}
	}
}

// redactWhole is RedactFile as it was before it streamed: the cassette loaded whole, redacted, marshalled
// whole. TestRedactFileStreamsAsWhole holds the streaming writer to its bytes.
func redactWhole(t *testing.T, file string, r RedactRules) ([]byte, bool) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	c, _, err := cassette.Parse(file, data)
	if err != nil {
		t.Fatal(err)
	}
	before, _ := cassette.Marshal(c)
	red := Redactor(r)
	for _, i := range c.Interactions {
		if err := red(i); err != nil {
			t.Fatal(err)
		}
	}
	after, _ := cassette.Marshal(c)
	if bytes.Equal(before, after) {
		return data, false
	}
	head := cassette.CommentBlock(data)
	if notes := decodedNotes(c); len(notes) > 0 {
		head = cassette.AddNote(head, notes)
	}
	return append(head, after...), true
}

// The streaming RedactFile writes, byte for byte, what redacting the loaded cassette writes: on a
// cassette of every redaction case (literal blocks with empty lines, gzip and BOM bodies among them) and
// on every committed cassette (which are clean: nothing is written).
func TestRedactFileStreamsAsWhole(t *testing.T) {
	dir := t.TempDir()
	var dirty []*vcr.Interaction
	for _, tc := range redactCases(t) {
		dirty = append(dirty, clone(tc.in))
	}
	multi := interaction("POST", "https://api.example.invalid/v1/ocr", "application/json", `{"nama":"SITI"}`,
		"{\n  \"nik\": \"3171234567890001\",\n\n  \"nama\": \"SITI AMINAH\"\n}\n\n", "X-Api-Key", "q7X9vB2mK4pL8nR3tY6wZ1aE5sD0fG2hJ")
	dirty = append(dirty, multi)
	files := []string{filepath.Join(dir, "dirty.yaml")}
	writeCassette(t, files[0], dirty...)
	data, _ := os.ReadFile(files[0])
	os.WriteFile(files[0], append([]byte("# kontrak: provenance=recorded-live\n# kontrak: recorded=2026-05-01\n# kontrak: note=x\n"), data...), 0o644)
	rules := testRules()
	for _, f := range committedCassettes(t) {
		data, _ := os.ReadFile(f)
		cp := filepath.Join(dir, filepath.Base(filepath.Dir(f))+"-"+filepath.Base(f))
		os.WriteFile(cp, data, 0o644)
		files = append(files, cp)
		// The made-up vendor documents the pages the committed cassettes name, so that their comment
		// blocks stay and the comparison is of their bodies.
		if u, err := url.Parse(cassette.ParseProvenance(data).Source); err == nil && u.Host != "" {
			rules.Hosts = append(rules.Hosts, u.Host)
		}
		// And it uses the words of their notes (an upper-case word no document uses is taken for a name).
		if rules.Words == nil {
			rules.Words = map[string]bool{}
		}
		for _, w := range strings.FieldsFunc(strings.ToLower(cassette.ParseProvenance(data).Note), func(r rune) bool { return !unicode.IsLetter(r) }) {
			rules.Words[w] = true
		}
	}
	for n, f := range files {
		want, wantChanged := redactWhole(t, f, rules)
		if n == 0 && !wantChanged {
			t.Fatal("the dirty cassette needs no redaction: the comparison would prove nothing")
		}
		changed, err := RedactFile(f, rules)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		got, _ := os.ReadFile(f)
		if changed != wantChanged || !bytes.Equal(got, want) {
			t.Fatalf("%s: streaming redaction (changed %v) differs from whole (changed %v):\n%s", f, changed, wantChanged, cmp.Diff(string(want), string(got)))
		}
	}
	if _, changed := redactWhole(t, files[0], rules); changed {
		t.Fatal("the dirty cassette is not clean after RedactFile")
	}
}

// A provenance line's scenario is kept as a name elsewhere is: a person's name in upper-case words the
// documents do not use is replaced (the red team's scenario=KANARI-INDAH was kept).
func TestScenarioLineIsAName(t *testing.T) {
	v := newRuleSet(testRules()).view("GET", "/v1/status", nil)
	for val, keep := range map[string]bool{"ocr-success": true, "image-invalid-format": true, "KANARI-INDAH": false, "KANARI_INDAH": false} {
		got, leak := v.provenanceValue("scenario", val)
		if kept := got == val && leak == ""; kept != keep {
			t.Errorf("scenario=%s: kept %v (%q, %q), want %v", val, kept, got, leak, keep)
		}
	}
}

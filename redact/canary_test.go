package redact

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/kontrak/kontrak/cassette"
	"github.com/kontrak/kontrak/internal/wire"
	"github.com/kontrak/kontrak/match"
	"github.com/kontrak/kontrak/recorder"
	vcr "gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"
)

// Canaries of the leak classes no spec names: planted where the documents do not look. Each is a value no
// redaction output can hold by chance (synthetic values come from specimen's fictional lists).
const (
	cnNIK       = "3174011708900002"
	cnNIKSpaced = "3174 0117 0890 0003"
	cnNIKDotted = "31.74.01.170890.0004"
	cnName      = "Rahayu Kanarindah"
	cnStreet    = "JL. MERPATI KANARI 77"
	cnCity      = "KANARIBURU"
	cnDateISO   = "1990-08-17"
	cnDateLong  = "17 Agustus 1991"
	cnCookie    = "sess-canary-4d2b7e"
	cnKey       = "kredibel-canary-key-8c1f"
	cnToken     = "q7X9vB2mK4pL8nR3tY6wZ1aE5sD0fG2hJ"
	cnImageURL  = "https://cdn.example.invalid/ktp/canary-9931.jpg"
)

// canaryCases are the leak classes of issue 9, each as an interaction with its planted values.
func canaryCases(t testing.TB) []struct {
	class   string
	in      *vcr.Interaction
	planted []string
} {
	jpg := synthJPEG(t)
	jpg64 := base64.StdEncoding.EncodeToString(jpg)
	wrapped := wrap(jpg64, 76)
	person := `{"data":{"full_name":"` + cnName + `","full_address":"` + cnStreet + `","addressDetail":{"street":"` + cnStreet +
		`","kota":"` + cnCity + `"},"identity":{"idNumber":"` + cnNIK + `"},"dob":"` + cnDateISO + `"}}`
	gz := func(s string) string {
		var b bytes.Buffer
		w := gzip.NewWriter(&b)
		w.Write([]byte(s))
		w.Close()
		return b.String()
	}
	deflate := func(s string) string {
		var b bytes.Buffer
		w := zlib.NewWriter(&b)
		w.Write([]byte(s))
		w.Close()
		return b.String()
	}
	withAnswerHeader := func(i *vcr.Interaction, kv ...string) *vcr.Interaction {
		for n := 0; n+1 < len(kv); n += 2 {
			i.Response.Headers[kv[n]] = []string{kv[n+1]}
		}
		return i
	}
	get := func(url string, answer string) *vcr.Interaction {
		return interaction("GET", url, "", "", answer)
	}
	return []struct {
		class   string
		in      *vcr.Interaction
		planted []string
	}{
		{"gzip-encoded answer", withAnswerHeader(get("https://api.example.invalid/v1/x", gz(person)), "Content-Encoding", "gzip"),
			[]string{cnName, cnStreet, cnNIK, cnDateISO}},
		{"deflate-encoded answer", withAnswerHeader(get("https://api.example.invalid/v1/x", deflate(person)), "Content-Encoding", "deflate"),
			[]string{cnName, cnStreet, cnNIK}},
		{"answer opening with a BOM", get("https://api.example.invalid/v1/x", "\uFEFF"+person), []string{cnName, cnStreet, cnNIK, cnDateISO}},
		{"answer without a JSON type (stored as !!binary by some tools)", func() *vcr.Interaction {
			i := get("https://api.example.invalid/v1/x", person)
			i.Response.Headers = http.Header{"Content-Type": {"application/octet-stream"}}
			return i
		}(), []string{cnName, cnStreet, cnNIK}},
		{"Set-Cookie and Cookie", withAnswerHeader(interaction("GET", "https://api.example.invalid/v1/x", "", "", `{}`, "Cookie", "sid="+cnCookie+"; theme=dark"),
			"Set-Cookie", "sid="+cnCookie+"; Path=/; HttpOnly"), []string{cnCookie}},
		{"API key in ?key= and ?api_key=", get("https://api.example.invalid/v1/x?key="+cnKey+"&api_key="+cnKey+"x", `{}`), []string{cnKey}},
		{"headers in lower case", interaction("POST", "https://api.example.invalid/v1/x", "", `{"photo":"`+jpg64+`"}`, `{}`,
			"content-type", "application/json", "authorization", "bearer "+cnKey), []string{cnKey, jpg64[:40]}},
		{"undocumented personal fields, nested", get("https://api.example.invalid/v1/x", person), []string{cnName, cnStreet, cnCity, cnNIK, cnDateISO}},
		{"a NIK and a name in an error message", get("https://api.example.invalid/v1/x",
			`{"data":{"nama":"`+cnName+`"},"message":"NIK `+cnNIK+` of `+cnName+` born `+cnDateLong+` not found"}`), []string{cnNIK, cnName, "1991"}},
		{"Kredibel validation error list errors.<field>", get("https://api.example.invalid/v1/x",
			`{"errors":{"nik":["The nik `+cnNIKDotted+` is invalid."],"birthDate":["`+cnDateISO+` is not a valid date"]},"message":"Input payload validation failed."}`),
			[]string{cnNIKDotted, cnDateISO}},
		{"NIK and date in the URL path and query", get("https://api.example.invalid/v1/ktp/"+cnNIK+"?birth_date="+cnDateISO+"&q="+strings.ReplaceAll(cnNIKSpaced, " ", "+"), `{}`),
			[]string{cnNIK, cnDateISO, strings.ReplaceAll(cnNIKSpaced, " ", "+"), cnNIKSpaced}},
		{"NIK with spaces and dots", get("https://api.example.invalid/v1/x", `{"ref":"`+cnNIKSpaced+`","other":"`+cnNIKDotted+`"}`), []string{cnNIKSpaced, cnNIKDotted}},
		{"dates in several notations", get("https://api.example.invalid/v1/x",
			`{"birthDate":"17/08/1990","tanggal_lahir":"`+cnDateLong+`","dob":"1990-08-17T00:00:00Z"}`), []string{"1990", "1991"}},
		{"images: data URI, unusual keys, line-wrapped base64", interaction("POST", "https://api.example.invalid/v1/x", jsonType,
			`{"ktpImage":"data:image/jpeg;base64,`+jpg64+`","photo":"`+jpg64+`","scan":"`+strings.ReplaceAll(wrapped, "\n", `\n`)+`"}`, `{}`),
			[]string{jpg64[:40], wrapped[:40]}},
		{"an https image URL in a submit", interaction("POST", "https://api.example.invalid/v1/submit", jsonType, `{"image":"`+cnImageURL+`","reference_id":"r-1"}`, `{}`),
			[]string{cnImageURL}},
		{"a long high-entropy token under no credential name", interaction("POST", "https://api.example.invalid/v1/x", jsonType, `{"ref":"`+cnToken+`"}`, `{}`, "X-Trace", cnToken),
			[]string{cnToken}},
	}
}

func wrap(s string, n int) string {
	var b strings.Builder
	for len(s) > n {
		b.WriteString(s[:n] + "\n")
		s = s[n:]
	}
	b.WriteString(s)
	return b.String()
}

// TestCanaries: every planted value is flagged by the scan (which never prints it), gone after redaction;
// the redacted interaction scans clean, still matches the request that was recorded, and redacting it
// again changes nothing.
func TestCanaries(t *testing.T) {
	rules := ScanRules{RedactRules: testRules()}
	for _, tc := range canaryCases(t) {
		t.Run(tc.class, func(t *testing.T) {
			orig := clone(tc.in)
			c := &vcr.Cassette{File: "canary.yaml", Interactions: []*vcr.Interaction{clone(tc.in)}}
			leaks := Scan(c, rules)
			if len(leaks) == 0 {
				t.Fatalf("scan found nothing")
			}
			for _, l := range leaks {
				for _, p := range tc.planted {
					if strings.Contains(l.String(), p) {
						t.Errorf("scan printed a planted value: %s", l)
					}
				}
			}
			if got := dump(t, c.Interactions[0]); got != dump(t, clone(tc.in)) {
				t.Errorf("scan changed the interaction")
			}

			out := redacted(t, rules.RedactRules, tc.in)
			text := dump(t, out)
			for _, p := range tc.planted {
				if strings.Contains(text, p) {
					t.Errorf("redaction kept %q:\n%s", p, text)
				}
			}
			if strings.Contains(text, `\x`) || strings.Contains(text, "!!binary") {
				t.Errorf("redacted cassette is not readable:\n%s", text)
			}
			if ls := Scan(&vcr.Cassette{File: "canary.yaml", Interactions: []*vcr.Interaction{clone(out)}}, rules); len(ls) > 0 {
				t.Errorf("redacted interaction still scans dirty: %v", ls)
			}
			if again := dump(t, redacted(t, rules.RedactRules, out)); again != text {
				t.Errorf("redaction is not idempotent:\nonce:\n%s\ntwice:\n%s", text, again)
			}
			// Replay: the request a client sends again (the recorded one) still matches the redacted
			// interaction, with the credentials ignored as the vendors' match options ignore them.
			m := match.NewRequestMatcher(match.Options{IgnoredHeaders: []string{"Authorization", "Cookie"}, IgnoredQuery: []string{"key", "api_key"}})
			live := newRequest(t, orig.Request.Method, orig.Request.URL, wire.HeaderValue(orig.Request.Headers, "Content-Type"), orig.Request.Body)
			if why := m.Explain(m.Live(live, []byte(orig.Request.Body)), m.Recorded(out.Request)); why != "" && !strings.Contains(tc.class, "image URL") && !strings.Contains(tc.class, "token") &&
				!strings.Contains(tc.class, "URL path") {
				t.Errorf("the redacted interaction no longer replays: %s", why)
			}
		})
	}
}

// TestEncodedAnswerStoredDecoded: a gzip answer is stored decoded, its Content-Encoding dropped, and the
// redaction says so in the answer's X-Kontrak-Redaction header (and RedactFile in the provenance).
func TestEncodedAnswerStoredDecoded(t *testing.T) {
	i := canaryCases(t)[0].in
	out := redacted(t, testRules(), i)
	if wire.HeaderValue(out.Response.Headers, "Content-Encoding") != "" {
		t.Errorf("Content-Encoding kept on a decoded body")
	}
	if !strings.HasPrefix(out.Response.Body, `{"data"`) {
		t.Errorf("body not stored decoded: %q", out.Response.Body[:min(20, len(out.Response.Body))])
	}
	if got := wire.HeaderValue(out.Response.Headers, RedactionHeader); !strings.Contains(got, "gzip") {
		t.Errorf("%s = %q, want it to name gzip", RedactionHeader, got)
	}
	if out.Response.ContentLength != int64(len(out.Response.Body)) {
		t.Errorf("content length %d, body %d", out.Response.ContentLength, len(out.Response.Body))
	}
}

// The redaction header goes under the spelling the cassette already holds it in (as a tool that lower-
// cases header names wrote it): one header with both notes, not two spellings.
func TestRedactionHeaderSpelling(t *testing.T) {
	i := clone(canaryCases(t)[0].in)
	earlier := "interaction 0: answer body held its chunk framing: stored without it"
	i.Response.Headers["x-kontrak-redaction"] = []string{earlier}
	out := redacted(t, testRules(), i)
	var names []string
	for k := range out.Response.Headers {
		if strings.EqualFold(k, RedactionHeader) {
			names = append(names, k)
		}
	}
	if got := out.Response.Headers["x-kontrak-redaction"]; len(names) != 1 || len(got) != 2 || got[0] != earlier || !strings.Contains(got[1], "gzip") {
		t.Errorf("spellings %q, values %q: want one, the cassette's, with both notes", names, got)
	}
}

// TestTooDeep: a body nested deeper than MaxDepth is a finding of the scan and refused by redaction,
// with an error naming the interaction and the place.
func TestTooDeep(t *testing.T) {
	deep := strings.Repeat(`{"a":`, MaxDepth+1) + `"` + cnNIK + `"` + strings.Repeat("}", MaxDepth+1)
	ok := strings.Repeat(`{"a":`, MaxDepth-1) + `"x"` + strings.Repeat("}", MaxDepth-1)
	i := interaction("GET", "https://api.example.invalid/v1/x", "", "", deep)
	ls := Scan(&vcr.Cassette{File: "deep.yaml", Interactions: []*vcr.Interaction{clone(i)}}, ScanRules{RedactRules: testRules()})
	if len(ls) != 1 || ls[0].Kind != LeakTooDeep || ls[0].Where != "body in the answer" {
		t.Errorf("scan of a too-deep body: %v", ls)
	}
	err := Redactor(testRules())(clone(i))
	if err == nil || !strings.Contains(err.Error(), "interaction 0") || !strings.Contains(err.Error(), "body in the answer") || strings.Contains(err.Error(), cnNIK) {
		t.Errorf("redaction of a too-deep body: %v", err)
	}
	for _, l := range Scan(&vcr.Cassette{Interactions: []*vcr.Interaction{interaction("GET", "https://api.example.invalid/v1/x", "", "", ok)}}, ScanRules{RedactRules: testRules()}) {
		if l.Kind == LeakTooDeep {
			t.Errorf("a body at the maximum depth is read: %v", l)
		}
	}
}

// TestPIIRulesTable: the embedded table loads, every rule has its reason, and the table refuses what it
// should (an unknown kind, a detector the code does not implement, a misspelt key).
func TestPIIRulesTable(t *testing.T) {
	if _, err := loadPIITable(piiRulesYAML); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ reason, edit, old, want string }{
		{"an unknown kind", "kind: secretish", "kind: credential", "unknown kind"},
		{"a detector no code implements", "content:\n  - id: palmprint\n    reason: palms\n", "content:\n", `"palmprint" is listed`},
		{"a misspelt key", "anny:", "any:", "anny"},
	} {
		_, err := loadPIITable([]byte(strings.Replace(string(piiRulesYAML), tc.old, tc.edit, 1)))
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "pii_rules.yaml") {
			t.Errorf("%s: got %v, want an error naming the file and %q", tc.reason, err, tc.want)
		}
	}
	for _, tc := range []struct{ name, side, want string }{
		{"full_address", "answer", "address"},
		{"fileName", "request", ""},
		{"ktpImage", "request", "image"},
		{"api_key", "request", "credential"},
		{"key", "answer", ""},
		{"key", "request", "credential"},
		{"birthPlaceBirthday", "answer", "placedate"},
		{"place_of_birth", "answer", "place"},
		{"date_of_birth", "answer", "date"},
		{"tokenType", "answer", ""},
		{"errors", "answer", "freetext"},
		{"image_quality", "answer", ""},
	} {
		s := sideRequest
		if tc.side == "answer" {
			s = sideAnswer
		}
		if got := kindOfName(s, tc.name); got != tc.want {
			t.Errorf("kind of %s in the %s = %q, want %q", tc.name, tc.side, got, tc.want)
		}
	}
}

// TestRecordThroughLeakyProxy is the end to end case: a recording through a proxy that adds an
// undocumented personal field and a cookie to the vendor's answer is saved redacted, and scans clean.
func TestRecordThroughLeakyProxy(t *testing.T) {
	vendor := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"status":"OK","data":{"nik":"0012014101900001"}}`))
	}))
	defer vendor.Close()
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		resp, err := http.Get(vendor.URL + r.URL.Path)
		if err != nil {
			t.Error(err)
			return
		}
		defer resp.Body.Close()
		var b bytes.Buffer
		b.ReadFrom(resp.Body)
		body := strings.Replace(b.String(), `"data":{`, `"data":{"full_address":"`+cnStreet+`",`, 1)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Set-Cookie", "sid="+cnCookie+"; Path=/")
		w.Write([]byte(body))
	}))
	defer proxy.Close()

	file := t.TempDir() + "/leaky.yaml"
	rec, err := recorder.New(file, recorder.WithMode(recorder.ModeRecord), recorder.WithRealTransport(http.DefaultTransport),
		recorder.WithProvenance(cassette.Provenance{Kind: cassette.ProvenanceRecorded, Recorded: "2024-01-01", Scenario: "leaky"}),
		recorder.WithRedactor(Redactor(testRules())))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := rec.Client().Get(proxy.URL + "/v1/ocr")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if err := rec.Stop(); err != nil {
		t.Fatal(err)
	}
	data := readFile(t, file)
	for _, p := range []string{cnStreet, cnCookie} {
		if strings.Contains(data, p) {
			t.Errorf("the recording kept %q", p)
		}
	}
	c, _, err := cassette.Load(file)
	if err != nil {
		t.Fatal(err)
	}
	if ls := Scan(c, ScanRules{RedactRules: testRules()}); len(ls) > 0 {
		t.Errorf("the redacted recording scans dirty: %v", ls)
	}
}

func readFile(t testing.TB, file string) string {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

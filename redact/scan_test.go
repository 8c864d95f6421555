package redact

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"

	vcr "gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"

	"github.com/kontrak/kontrak/cassette"
	"github.com/kontrak/kontrak/specimen"
)

// publicNIK and publicToken stand for a vendor document's own example values.
const (
	publicNIK   = "3506042602660001"
	publicToken = "eyJhbGciOiJIUzUxMiJ9.eyJpc3MiOiJkb2N1bWVudCJ9.ZXhhbXBsZQ"
)

func testScanRules() ScanRules {
	return ScanRules{RedactRules: testRules(), Public: func(method, path, v string) bool {
		return v == publicNIK && path == "/v1/ocr" || v == publicToken
	}}
}

func scanOne(i *vcr.Interaction) []Leak {
	c := &vcr.Cassette{File: "c.yaml", Interactions: []*vcr.Interaction{i}}
	return Scan(c, testScanRules())
}

func TestScan(t *testing.T) {
	jpg, png := synthJPEG(t), synthPNG(t, 5, 4, false)
	jpg64 := base64.StdEncoding.EncodeToString(jpg)
	mp, mpType := multipartBody(t, "", part{name: "note", content: "BUDI CONTOH"}, part{name: "card", file: "card.png", content: string(png)})
	textImage, textImageType := multipartBody(t, "", part{name: "img", content: jpg64})
	notImage, notImageType := multipartBody(t, "", part{name: "doc", file: "doc.bin", content: "\x00\x01 not an image"})
	leak := func(kind, where string) Leak { return Leak{File: "c.yaml", Interaction: 0, Kind: kind, Where: where} }
	for _, tc := range []struct {
		reason  string
		in      *vcr.Interaction
		planted []string // values that must never be printed
		want    []Leak
	}{
		{"credential headers, whatever their case, and any Authorization; REDACTED and empty ones are fine",
			interaction("GET", "https://api.example.invalid/v1/status", "", "", `{}`,
				"X-API-KEY", canaryKey, "Authorization", canaryBearer, "X-Secondary-Key", "", "Proxy-Authorization", Redacted),
			[]string{canaryKey, canaryBearer},
			[]Leak{leak("credential", "header Authorization in the request"), leak("credential", "header X-Api-Key in the request")}},
		{"a credential query parameter, and go-vcr's Form that copies it",
			func() *vcr.Interaction {
				i := interaction("GET", "https://api.example.invalid/v1/status?key="+canaryKey, "", "", `{}`)
				i.Request.Form = url.Values{"key": {canaryKey}}
				return i
			}(),
			[]string{canaryKey},
			[]Leak{leak("credential", "query key in the request"), leak("credential", "recorded form key in the request")}},
		{"credential body fields at any depth; a JWT under any name; the timestamp is no credential",
			interaction("POST", "https://api.example.invalid/v1/submit", jsonType,
				`{"x":{"accessKey":"`+canaryAccess+`","timestamp":1700000000000},"ref":"`+canaryJWT+`"}`, `{}`),
			[]string{canaryAccess, canaryJWT},
			[]Leak{leak("credential", "/x/accessKey in the request"), leak("credential", "/ref in the request")}},
		{"a base64 JPEG in a JSON body, and a 16-digit NIK as a JSON number",
			interaction("POST", "https://api.example.invalid/v1/submit", jsonType, `{"image":"`+jpg64+`","n":`+canaryNIK+`}`, `{}`),
			[]string{jpg64[:40], canaryNIK},
			[]Leak{leak("image", "/image in the request"), leak("nik", "/n in the request")}},
		{"a binary PNG file part; a documented text part stays unless it is an image",
			interaction("POST", "https://api.example.invalid/v1/upload", mpType, mp, `{}`),
			nil,
			[]Leak{leak("image", "multipart part card in the request")}},
		{"a text part holding an image in base64",
			interaction("POST", "https://api.example.invalid/v1/upload", textImageType, textImage, `{}`),
			[]string{jpg64[:40]},
			[]Leak{leak("image", "multipart part img in the request")}},
		{"a file part that is no image is a file: only its descriptor is kept",
			interaction("POST", "https://api.example.invalid/v1/upload", notImageType, notImage, `{}`),
			nil, []Leak{leak("file", "multipart part doc in the request")}},
		{"a body that is raw image bytes; a form field in base64",
			func() *vcr.Interaction {
				i := interaction("POST", "https://api.example.invalid/v1/raw", "image/png", string(png), `{}`)
				i.Response.Body = "img=" + url.QueryEscape(jpg64)
				i.Response.Headers.Set("Content-Type", formType)
				return i
			}(),
			nil,
			[]Leak{leak("image", "body in the request"), leak("image", "form field img in the answer")}},
		{"answer PII: a real-looking NIK, an unredacted name, address, place and date of birth; masked NIK with a real province; text (RT/RW)",
			interaction("POST", "https://api.example.invalid/v1/ocr", jsonType, `{}`,
				`{"data":{"nik":"`+canaryNIK+`","name":"`+canaryName+`","address":"`+canaryAddr+`","birth":"`+canaryPlace+
					`","rtrw":"`+canaryRTRW+`","masked":"31******01","dob":"17-08-1990","null":null,"dash":"-","synthetic":"BUDI CONTOH"}}`),
			[]string{canaryNIK, canaryName, canaryAddr, "JAKARTA", "31******01", "17-08-1990"},
			[]Leak{leak("nik", "/data/nik in the answer"), leak("name", "/data/name in the answer"), leak("address", "/data/address in the answer"),
				leak("place", "/data/birth in the answer"), leak("text", "/data/rtrw in the answer"), leak("nik", "/data/masked in the answer"),
				leak("date", "/data/dob in the answer")}},
		{"a NIK anywhere: a header, the URL path, a string of the answer; one touched by letters or of 17 digits is no NIK, and undocumented all the same",
			func() *vcr.Interaction {
				i := interaction("GET", "https://api.example.invalid/v1/person/"+canaryNIK, "", "",
					`{"note":"NIK: `+canaryNIK+`","id":"a`+canaryNIK+`","long":"`+canaryNIK+`9"}`, "X-Ref", canaryNIK)
				return i
			}(),
			[]string{canaryNIK},
			[]Leak{leak("nik", "URL path in the request"), leak("nik", "header X-Ref in the request"), leak("nik", "/note in the answer"),
				leak("undocumented", "/id in the answer"), leak("undocumented", "/long in the answer")}},
		{"a JWT at an answer's secret pointer",
			interaction("POST", "https://api.example.invalid/v1/token", jsonType, `{}`, `{"data":{"token":"`+canaryJWT+`"}}`),
			[]string{canaryJWT},
			[]Leak{leak("credential", "/data/token in the answer")}},
		{"the documents' own examples are public: a NIK of the operation's example, the example token",
			interaction("POST", "https://api.example.invalid/v1/ocr", jsonType, `{}`,
				`{"data":{"nik":"`+publicNIK+`","token":"`+publicToken+`"}}`, "X-Api-Key", publicToken),
			nil, nil},
		{"a documented example of one operation is not public in another",
			interaction("POST", "https://api.example.invalid/v1/other", jsonType, `{}`, `{"nik":"`+publicNIK+`"}`),
			[]string{publicNIK},
			[]Leak{leak("nik", "/nik in the answer")}},
		{"a redacted cassette: REDACTED, descriptors, synthetic values",
			interaction("POST", "https://api.example.invalid/v1/ocr?key=REDACTED", jsonType,
				`{"image":"`+cassette.ImageDescriptor(png)+`","accessKey":"REDACTED"}`,
				`{"data":{"nik":"`+specimen.NewIdentity("x").NIK+`","name":"`+specimen.SyntheticLike("name", canaryName)+`"}}`,
				"Authorization", Redacted),
			nil, nil},
	} {
		t.Run(tc.reason, func(t *testing.T) {
			got := scanOne(tc.in)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("leaks\n%q\nwant\n%q", got, tc.want)
			}
			for _, l := range got {
				for _, p := range tc.planted {
					if strings.Contains(l.String(), p) {
						t.Errorf("a leak line prints the value it reports: %s", l)
					}
				}
			}
		})
	}
}

func TestScanAfterRedact(t *testing.T) {
	for _, tc := range redactCases(t) {
		t.Run(tc.reason, func(t *testing.T) {
			if leaks := scanOne(redacted(t, testRules(), tc.in)); len(leaks) != 0 {
				t.Errorf("leaks after redaction: %q", leaks)
			}
		})
	}
}

func TestLeakString(t *testing.T) {
	l := Leak{File: "cassettes/x/y.yaml", Interaction: 3, Kind: "nik", Where: "/data/nik in the answer"}
	if got, want := l.String(), "cassettes/x/y.yaml#3: nik at /data/nik in the answer"; got != want {
		t.Fatalf("%q, want %q", got, want)
	}
}

// TestTapeIsTheWalk: on every committed cassette, and on each with the canaries of issue 19 planted, the
// scan reading its tape of leaves finds what a second walk of each interaction finds.
func TestTapeIsTheWalk(t *testing.T) {
	_, scan := rules19(t)
	compare := func(name string, i *vcr.Interaction) {
		t.Helper()
		tape := scan1(cloneDeep(t, i), scan)
		rewalkAlways = true
		walked := scan1(cloneDeep(t, i), scan)
		rewalkAlways = false
		if !slices.Equal(tape, walked) {
			t.Errorf("%s: the tape found %v, a second walk %v", name, tape, walked)
		}
	}
	for _, f := range committedCassettes(t) {
		c, _, err := cassette.Load(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, i := range c.Interactions {
			compare(fmt.Sprintf("%s#%d", f, i.ID), i)
		}
	}
	n := 0
	for _, tc := range canaries19(t) {
		i := base(t, tc.file, tc.n)
		compare(tc.file, i)
		tc.plant(t, i)
		compare(tc.class, i)
		n++
	}
	if n < 40 {
		t.Fatalf("only %d canaries", n)
	}
}

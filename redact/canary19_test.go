package redact

import (
	"bytes"
	"compress/gzip"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"unicode/utf16"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/zstd"
	kontrak "github.com/kontrak/kontrak"
	"github.com/kontrak/kontrak/cassette"
	"github.com/kontrak/kontrak/contract"
	"golang.org/x/text/unicode/norm"
	vcr "gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"
)

// The canaries of issue 19: values planted, in a committed (clean) exchange of a real vendor, at the places
// and in the notations a deny-list missed. Each case is the clean exchange with one change; the scan must
// find the change, and redaction must leave no canary in any decoded form. The values are fictional and
// made to be found: no redaction output holds them by chance.
const (
	c19NIK     = "3174011708900002"
	c19Name    = "KANARINDAH"
	c19Mother  = "SRIKANARI"
	c19Street  = "MERPATIKANARI"
	c19Key     = "kanaripw7Qx2"
	c19Phone   = "+6281298765432"
	c19Email   = "kanarindah@mail.example.org"
	c19NPWP    = "09.254.294.3-407.000"
	c19Unix    = 650851200 // 1990-08-17, a birth date as a Unix time
	c19FullNIK = "３１７４０１１７０８９００００２"
	c19ONIK    = "3174O117O89OOOO2"
)

var (
	contract19Once sync.Once
	contract19     *contract.Contract
	contract19Err  error
)

// realContract is the contract of the specs in the repository, loaded once for all canary tests.
func realContract(t testing.TB) *contract.Contract {
	t.Helper()
	contract19Once.Do(func() { contract19, contract19Err = contract.Load(kontrak.Files) })
	if contract19Err != nil {
		t.Fatal(contract19Err)
	}
	return contract19
}

// base is interaction n of a committed cassette, read afresh (a case may change any of its maps).
func base(t testing.TB, file string, n int) *vcr.Interaction {
	t.Helper()
	c, _, err := cassette.Load(filepath.Join("..", "cassettes", file))
	if err != nil {
		t.Fatal(err)
	}
	return c.Interactions[n]
}

type canary19 struct {
	class   string
	file    string // the committed cassette the clean exchange comes from
	n       int
	plant   func(t testing.TB, i *vcr.Interaction)
	planted []string
}

func setJSONAnswer(i *vcr.Interaction, body string) {
	i.Response.Body = body
	i.Response.ContentLength = int64(len(body))
}

// ekyc is ekycpro's documented success answer with extra members in its free-text message object.
func ekyc(extra string) string {
	return `{"message":{"address":"BTN UNHALU BLOK C NO. 28","city":"KOTA KENDARI","district":"KAMBU","dob":"01-01-1961","gender":"LAKI-LAKI","id":"3171024302821001","marital_status":"KAWIN","name":"HELLO NAME","nationnality":"WNI","pob":"GARESSI SUPPA","province":"SULAWESI TENGGARA","religion":"ISLAM","rt":"006","rw":"003","village":"KAMBU","work":"PEGAWAI NEGERI SIPIL (PNS)"` +
		extra + `},"status":"OK"}`
}

var personJSON = `{"full_name":"` + c19Name + `","full_address":"JL. ` + c19Street + ` 7","nik":"` + c19NIK + `"}`

func compress(t testing.TB, enc, s string) string {
	t.Helper()
	var b bytes.Buffer
	var w io.WriteCloser
	switch enc {
	case "br":
		w = brotli.NewWriter(&b)
	case "zstd":
		zw, err := zstd.NewWriter(&b)
		if err != nil {
			t.Fatal(err)
		}
		w = zw
	case "gzip":
		w = gzip.NewWriter(&b)
	}
	io.WriteString(w, s)
	w.Close()
	return b.String()
}

func utf16LE(s string) string {
	u := utf16.Encode([]rune(s))
	b := []byte{0xFF, 0xFE}
	for _, r := range u {
		b = append(b, byte(r), byte(r>>8))
	}
	return string(b)
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func jwtOf(payload string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`)) + "." +
		base64.RawURLEncoding.EncodeToString([]byte(payload)) + ".c2lnbmF0dXJlLWthbmFyaQ"
}

// multipartRelated is a multipart/related request whose root part is JSON and whose second part an image.
func multipartRelated(jsonPart, image string) (string, string) {
	const bnd = "kanari-related"
	body := "--" + bnd + "\r\nContent-Type: application/json\r\n\r\n" + jsonPart + "\r\n--" + bnd +
		"\r\nContent-Type: image/jpeg\r\nContent-ID: <ktp>\r\n\r\n" + image + "\r\n--" + bnd + "--\r\n"
	return body, `multipart/related; boundary=` + bnd + `; type="application/json"`
}

func canaries19(t testing.TB) []canary19 {
	jpg := string(synthJPEG(t))
	tiff := "II*\x00" + strings.Repeat("\x08\x00\x00\x00kanari", 20)
	heic := "\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + strings.Repeat("\x01kanari", 20)
	byteArray := func(s string) string {
		var parts []string
		for i := 0; i < len(s); i++ {
			parts = append(parts, strconv.Itoa(int(s[i])))
		}
		return "[" + strings.Join(parts, ",") + "]"
	}
	answer := func(body string) func(testing.TB, *vcr.Interaction) {
		return func(_ testing.TB, i *vcr.Interaction) { setJSONAnswer(i, body) }
	}
	answerHeader := func(k, v string) func(testing.TB, *vcr.Interaction) {
		return func(_ testing.TB, i *vcr.Interaction) { i.Response.Headers[k] = append(i.Response.Headers[k], v) }
	}
	requestURL := func(u string) func(testing.TB, *vcr.Interaction) {
		return func(_ testing.TB, i *vcr.Interaction) { i.Request.URL = u }
	}
	const ekycURL = "https://api.ekycpro.com/v1/id_ocr/general"
	const okycFile = "ekycpro/success.yaml"
	personNested := ekyc(`,"full_address":"JL. ` + c19Street + ` 7"`)
	return []canary19{
		// Bodies it cannot read.
		{"answer in Content-Encoding br", okycFile, 0, func(t testing.TB, i *vcr.Interaction) {
			setJSONAnswer(i, compress(t, "br", ekyc(`,"full_name":"`+c19Name+`","nik2":"`+c19NIK+`"`)))
			i.Response.Headers.Set("Content-Encoding", "br")
		}, []string{c19Name, c19NIK}},
		{"answer in Content-Encoding zstd", okycFile, 0, func(t testing.TB, i *vcr.Interaction) {
			setJSONAnswer(i, compress(t, "zstd", ekyc(`,"full_name":"`+c19Name+`","nik2":"`+c19NIK+`"`)))
			i.Response.Headers.Set("Content-Encoding", "zstd")
		}, []string{c19Name, c19NIK}},
		{"answer in UTF-16 with a BOM", okycFile, 0, func(t testing.TB, i *vcr.Interaction) {
			setJSONAnswer(i, utf16LE(ekyc(`,"full_name":"`+c19Name+`"`)))
			i.Response.Headers.Set("Content-Type", "application/json; charset=utf-16")
		}, []string{c19Name}},
		{"multipart/related request", "kredibel/success.yaml", 0, func(t testing.TB, i *vcr.Interaction) {
			body, ct := multipartRelated(`{"image":"ktp","holder":"`+c19Name+`","nik":"`+c19NIK+`"}`, jpg)
			i.Request.Body, i.Request.ContentLength = body, int64(len(body))
			i.Request.Headers.Set("Content-Type", ct)
		}, []string{c19Name, c19NIK, jpg[:24]}},
		{"answer with its chunk framing left in", okycFile, 0, func(t testing.TB, i *vcr.Interaction) {
			b := ekyc(`,"full_name":"` + c19Name + `"`)
			setJSONAnswer(i, strconv.FormatInt(int64(len(b)), 16)+"\r\n"+b+"\r\n0\r\n\r\n")
			i.Response.TransferEncoding = []string{"chunked"}
		}, []string{c19Name}},
		// Containers inside values.
		{"JSON in a multipart part", "advance/ocr-success.yaml", 1, func(t testing.TB, i *vcr.Interaction) {
			body, ct := multipartBody(t, "kanari-b", part{name: "ocrImage", file: "ktp.jpg", content: "kontrak-redacted-image sha256=efb0bfcde2ed55c9e883714dd6029ebee51f7ce7bdd0d2c8e605d78cc926eccf bytes=66685 640x400 image/jpeg"},
				part{name: "meta", content: personJSON})
			i.Request.Body, i.Request.ContentLength = body, int64(len(body))
			i.Request.Headers.Set("Content-Type", ct)
		}, []string{c19Name, c19Street, c19NIK}},
		{"JSON in a form field", okycFile, 0, func(t testing.TB, i *vcr.Interaction) {
			i.Request.Form.Set("meta", personJSON)
			i.Request.Body = i.Request.Form.Encode()
			i.Request.ContentLength = int64(len(i.Request.Body))
		}, []string{c19Name, c19Street, c19NIK, url.QueryEscape(c19Name)}},
		{"a double-encoded JSON answer", okycFile, 0, func(t testing.TB, i *vcr.Interaction) {
			setJSONAnswer(i, strconv.Quote(personNested))
		}, []string{c19Street}},
		{"base64 JSON in a header", okycFile, 0, answerHeader("X-Context", b64(personJSON)), []string{c19Name, c19Street, c19NIK}},
		{"a queue message's JSON with an image inside", "verihubs/submit-ktp.yaml", 0, func(t testing.TB, i *vcr.Interaction) {
			msg := `{"Type":"Notification","Message":` + strconv.Quote(`{"image":"`+base64.StdEncoding.EncodeToString([]byte(jpg))+`","owner":"`+c19Name+`"}`) + `}`
			i.Request.Body = `{"image":"KTP","callback_payload":` + strconv.Quote(msg) + `}`
			i.Request.ContentLength = int64(len(i.Request.Body))
		}, []string{c19Name, base64.StdEncoding.EncodeToString([]byte(jpg))[:40]}},
		// Places never visited.
		{"a response trailer", okycFile, 0, func(t testing.TB, i *vcr.Interaction) {
			i.Response.Trailer = http.Header{"X-Holder": {c19Name + " " + c19NIK}}
		}, []string{c19Name, c19NIK}},
		// A name is a value when it is not identifier-like (a NIK, words with spaces) or holds a word of a
		// personal value the exchange holds; an identifier-like word no other place holds is a name.
		{"a query parameter name", okycFile, 0, requestURL(ekycURL + "?" + c19NIK + "=1&RAHAYU+" + c19Name + "=x"), []string{c19NIK, c19Name}},
		{"a JSON member name", okycFile, 0, answer(ekyc(`,"` + c19NIK + `":{"RAHAYU ` + c19Name + `":true}`)), []string{c19NIK, c19Name}},
		{"a JSON member name echoing the person", "kredibel/success.yaml", 0, func(t testing.TB, i *vcr.Interaction) {
			setJSONAnswer(i, strings.Replace(strings.Replace(i.Response.Body, "BUDI CONTOH", "RAHAYU "+c19Name, 1), `"information":{`, `"information":{"`+strings.ToLower(c19Name)+`_score":1,`, 1))
		}, []string{c19Name}},
		{"the URL fragment", okycFile, 0, requestURL(ekycURL + "#nik=" + c19NIK + "&n=" + c19Name), []string{c19NIK, c19Name}},
		{"a multipart file name and part headers", "advance/ocr-success.yaml", 1, func(t testing.TB, i *vcr.Interaction) {
			const bnd = "kanari-fn"
			body := "--" + bnd + "\r\nContent-Disposition: form-data; name=\"ocrImage\"; filename=\"" + c19Name + "_" + c19NIK + ".jpg\"\r\nContent-Type: image/jpeg\r\nContent-Description: KTP of " + c19Mother +
				"\r\n\r\nkontrak-redacted-image sha256=efb0bfcde2ed55c9e883714dd6029ebee51f7ce7bdd0d2c8e605d78cc926eccf bytes=66685 640x400 image/jpeg\r\n--" + bnd + "--\r\n"
			i.Request.Body, i.Request.ContentLength = body, int64(len(body))
			i.Request.Headers.Set("Content-Type", "multipart/form-data; boundary="+bnd)
		}, []string{c19Name, c19NIK, c19Mother}},
		{"the second cookie of a folded Set-Cookie", okycFile, 0, answerHeader("Set-Cookie", "theme=dark; Path=/, holder="+c19Name+"; Path=/; HttpOnly"), []string{c19Name}},
		// URLs inside values.
		{"a key in a redirect's Location", okycFile, 0, answerHeader("Location", "https://api.ekycpro.com/v1/next?api_key="+c19Key+"&n="+c19Name), []string{c19Key, c19Name}},
		{"a password in URL user info", "verihubs/submit-ktp.yaml", 0, func(t testing.TB, i *vcr.Interaction) {
			i.Request.Body = `{"image":"KTP","callback_url":"https://hook:` + c19Key + `@hooks.example.com/cb"}`
			i.Request.ContentLength = int64(len(i.Request.Body))
		}, []string{c19Key}},
		{"a NIK after %2F", okycFile, 0, requestURL(ekycURL + "/ktp%2F" + c19NIK), []string{c19NIK}},
		// Values the interaction names, echoed elsewhere.
		{"a name in a debug header", "kredibel/success.yaml", 0, func(t testing.TB, i *vcr.Interaction) {
			setJSONAnswer(i, strings.Replace(i.Response.Body, "BUDI CONTOH", c19Name, 1))
			i.Response.Headers.Set("X-Debug-Holder", c19Name)
		}, []string{c19Name}},
		{"a name in OCR text lines", okycFile, 0, answer(ekyc(`,"lines":["NAMA : ` + c19Name + `","ALAMAT : ` + c19Street + `"]`)), []string{c19Name, c19Street}},
		{"an error message echoing the access key and signature", "advance/token-auth-wrong-access-key.yaml", 0, func(t testing.TB, i *vcr.Interaction) {
			i.Request.Body = `{"accessKey":"` + c19Key + `","signature":"sig` + c19Key + `","timestamp":"1767225600000"}`
			i.Request.ContentLength = int64(len(i.Request.Body))
			setJSONAnswer(i, `{"code":"IAM_FAILED","data":null,"extra":null,"message":"Access Key `+c19Key+` not found (signature sig`+c19Key+`)","pricingStrategy":"FREE","transactionId":"040e769e38f87e3e"}`)
		}, []string{c19Key}},
		// Names and notations the rules lack.
		{"phone, e-mail, mother's maiden name, tax number, domicile", okycFile, 0, answer(ekyc(`,"phone":"` + c19Phone + `","email":"` + c19Email +
			`","mother_maiden_name":"` + c19Mother + `","npwp":"` + c19NPWP + `","domicile":"JL. ` + c19Street + `"`)),
			[]string{c19Phone, c19Email, c19Mother, c19NPWP, c19Street}},
		{"a personal field under a free-text parent", okycFile, 0, answer(personNested), []string{c19Street}},
		{"a NIK in full-width digits", okycFile, 0, answer(ekyc(`,"ref":"` + c19FullNIK + `"`)), []string{c19NIK}},
		{"a NIK with O for 0", okycFile, 0, answer(ekyc(`,"ref":"` + c19ONIK + `"`)), []string{c19ONIK}},
		{"a birth date as a Unix number", okycFile, 0, answer(ekyc(`,"birth_ts":` + strconv.Itoa(c19Unix))), []string{strconv.Itoa(c19Unix)}},
		{"an image as hex", okycFile, 0, answer(ekyc(`,"portrait":"` + hex.EncodeToString([]byte(jpg)) + `"`)), []string{jpg[:24]}},
		{"an image as a JSON byte array", okycFile, 0, answer(ekyc(`,"portrait":` + byteArray(jpg))), []string{jpg[:24]}},
		{"a TIFF image", okycFile, 0, answer(ekyc(`,"portrait":"` + base64.StdEncoding.EncodeToString([]byte(tiff)) + `"`)), []string{tiff[:24]}},
		{"a HEIC image", okycFile, 0, answer(ekyc(`,"portrait":"` + base64.StdEncoding.EncodeToString([]byte(heic)) + `"`)), []string{heic[:24]}},
		// Classes the issue does not list.
		{"a NIK in a cookie name", okycFile, 0, func(t testing.TB, i *vcr.Interaction) {
			i.Request.Headers.Set("Cookie", "n"+c19NIK+"=1; theme=dark")
		}, []string{c19NIK}},
		{"a NIK in a header name", okycFile, 0, answerHeader("X-Nik-"+c19NIK, "1"), []string{c19NIK}},
		{"a name inside a JWT payload", okycFile, 0, answerHeader("X-Session", jwtOf(`{"sub":"`+c19Name+`","nik":"`+c19NIK+`"}`)), []string{c19Name, c19NIK}},
		{"a value inside an XML answer", okycFile, 0, func(t testing.TB, i *vcr.Interaction) {
			setJSONAnswer(i, `<?xml version="1.0"?><ktp><nama>`+c19Name+`</nama><nik>`+c19NIK+`</nik></ktp>`)
			i.Response.Headers.Set("Content-Type", "application/xml")
		}, []string{c19Name, c19NIK}},
		{"a data: URL of text", okycFile, 0, answer(ekyc(`,"attachment":"data:text/plain;base64,` + b64("nama "+c19Name+" nik "+c19NIK) + `"`)), []string{c19Name, c19NIK}},
		{"a gzip base64 value", okycFile, 0, func(t testing.TB, i *vcr.Interaction) {
			setJSONAnswer(i, ekyc(`,"blob":"`+base64.StdEncoding.EncodeToString([]byte(compress(t, "gzip", personJSON)))+`"`))
		}, []string{c19Name, c19NIK, c19Street}},
		// Names that are values: a person's name, one upper-case word, as a key the documents do not give.
		{"a one-word name as an undocumented member name", okycFile, 0, answer(ekyc(`,"` + c19Name + `":{"score":1}`)), []string{c19Name}},
		{"a one-word name as a form field name", okycFile, 0, func(t testing.TB, i *vcr.Interaction) {
			i.Request.Form.Set(c19Mother, "1")
			i.Request.Body = i.Request.Form.Encode()
			i.Request.ContentLength = int64(len(i.Request.Body))
		}, []string{c19Mother}},
		{"a one-word name as a query parameter name", okycFile, 0, requestURL(ekycURL + "?" + c19Name + "=1"), []string{c19Name}},
		{"a URL-escaped JSON value", okycFile, 0, answer(ekyc(`,"state":"` + url.QueryEscape(personJSON) + `"`)), []string{c19Name, c19NIK, c19Street}},
	}
}

// redactorFor19 is redaction and scan by the real contract.
func rules19(t testing.TB) (RedactRules, ScanRules) {
	c := realContract(t)
	return RulesFor(c), ScanRulesFor(c)
}

func scan1(i *vcr.Interaction, r ScanRules) []Leak {
	return Scan(&vcr.Cassette{File: "canary.yaml", Interactions: []*vcr.Interaction{i}}, r)
}

// TestCanaries19: every clean exchange scans clean; with its canary planted the scan flags it (never
// printing it); after redaction no canary survives in any decoded form, the scan is clean, and redacting
// again changes nothing.
func TestCanaries19(t *testing.T) {
	rules, scan := rules19(t)
	survivedTotal, planted := 0, 0
	for _, tc := range canaries19(t) {
		t.Run(tc.class, func(t *testing.T) {
			if ls := scan1(base(t, tc.file, tc.n), scan); len(ls) > 0 {
				t.Fatalf("the clean exchange of %s scans dirty: %v", tc.file, ls)
			}
			in := base(t, tc.file, tc.n)
			tc.plant(t, in)
			before := dump(t, in)
			leaks := scan1(in, scan)
			if len(leaks) == 0 {
				t.Errorf("scan did not flag the canary")
			}
			for _, l := range leaks {
				for _, p := range tc.planted {
					if survives(l.String(), p) {
						t.Errorf("scan printed a canary: %s", l)
					}
				}
			}
			if dump(t, in) != before {
				t.Errorf("scan changed the interaction")
			}
			if err := Redactor(rules)(in); err != nil {
				t.Fatalf("redaction refused: %v", err)
			}
			for _, p := range tc.planted {
				planted++
				if where := survivesIn(in, p); where != "" {
					survivedTotal++
					t.Errorf("canary %q survives in %s:\n%s", p, where, dump(t, in))
				}
			}
			if ls := scan1(in, scan); len(ls) > 0 {
				t.Errorf("redacted exchange scans dirty: %v", ls)
			}
			once := dump(t, in)
			if err := Redactor(rules)(in); err != nil {
				t.Fatal(err)
			}
			if again := dump(t, in); again != once {
				t.Errorf("redacting twice differs from once:\n%s\n%s", once, again)
			}
		})
	}
	t.Logf("%d canaries planted, %d survived", planted, survivedTotal)
}

// survivesIn names the place of an interaction where a canary survives in any decoded form, "" if none.
func survivesIn(i *vcr.Interaction, canary string) string {
	check := func(where, s string) string {
		if survives(s, canary) {
			return where
		}
		return ""
	}
	places := [][2]string{{"url", i.Request.URL}, {"request body", i.Request.Body}, {"answer body", decodeStored(i.Response.Headers, i.Response.Body)},
		{"status", i.Response.Status}, {"host", i.Request.Host}}
	for _, h := range []struct {
		where string
		h     http.Header
	}{{"request header", i.Request.Headers}, {"answer header", i.Response.Headers}, {"request trailer", i.Request.Trailer}, {"answer trailer", i.Response.Trailer}} {
		for k, vs := range h.h {
			places = append(places, [2]string{h.where + " name", k})
			for _, v := range vs {
				places = append(places, [2]string{h.where + " " + k, v})
			}
		}
	}
	for k, vs := range i.Request.Form {
		places = append(places, [2]string{"form name", k})
		for _, v := range vs {
			places = append(places, [2]string{"form " + k, v})
		}
	}
	for _, p := range places {
		if w := check(p[0], p[1]); w != "" {
			return w
		}
	}
	return ""
}

func decodeStored(h http.Header, body string) string {
	switch h.Get("Content-Encoding") {
	case "br":
		b, _ := io.ReadAll(brotli.NewReader(strings.NewReader(body)))
		return string(b)
	case "zstd":
		d, err := zstd.NewReader(strings.NewReader(body))
		if err != nil {
			return body
		}
		defer d.Close()
		b, _ := io.ReadAll(d)
		return string(b)
	case "gzip":
		r, err := gzip.NewReader(strings.NewReader(body))
		if err != nil {
			return body
		}
		b, _ := io.ReadAll(r)
		return string(b)
	}
	return body
}

var (
	b64RunRE = regexp.MustCompile(`[A-Za-z0-9+/_-]{8,}={0,2}`)
	b32RunRE = regexp.MustCompile(`[A-Z2-7]{8,}=*`)
	hexRunRE = regexp.MustCompile(`(?i)(?:[0-9a-f]{2}){8,}`)
	uEscRE   = regexp.MustCompile(`\\u[0-9a-fA-F]{4}`)
	byteArRE = regexp.MustCompile(`\[(?:\s*[0-9]{1,3}\s*,){7,}\s*[0-9]{1,3}\s*\]`)
)

// survives reports whether canary is in s in any decoded form: as written, case-folded, full width or
// compatibility forms folded (NFKC), URL-unescaped, JSON-unescaped, UTF-16, and inside every base64, hex
// or JSON byte-array run, gzip'd or not, nested up to three levels.
func survives(s, canary string) bool { return survivesDepth(s, canary, 0) }

func survivesDepth(s, canary string, depth int) bool {
	if s == "" || depth > 3 {
		return false
	}
	forms := []string{s, norm.NFKC.String(s)}
	if u, err := url.PathUnescape(s); err == nil {
		forms = append(forms, u)
	}
	if u, err := url.QueryUnescape(s); err == nil {
		forms = append(forms, u)
	}
	forms = append(forms, uEscRE.ReplaceAllStringFunc(s, func(m string) string {
		r, _ := strconv.ParseUint(m[2:], 16, 32)
		return string(rune(r))
	}), strings.NewReplacer(`\"`, `"`, `\/`, `/`, `\\`, `\`).Replace(s))
	if len(s) >= 2 && (s[0] == 0xFF && s[1] == 0xFE || s[0] == 0xFE && s[1] == 0xFF) {
		var u []uint16
		for k := 2; k+1 < len(s); k += 2 {
			if s[0] == 0xFF {
				u = append(u, uint16(s[k])|uint16(s[k+1])<<8)
			} else {
				u = append(u, uint16(s[k])<<8|uint16(s[k+1]))
			}
		}
		forms = append(forms, string(utf16.Decode(u)))
	}
	up := strings.ToUpper(canary)
	for _, f := range forms {
		if strings.Contains(strings.ToUpper(f), up) {
			return true
		}
	}
	var inner []string
	for _, f := range forms[:1] {
		for _, run := range b64RunRE.FindAllString(f, -1) {
			for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
				if b, err := enc.DecodeString(run); err == nil {
					inner = append(inner, string(b))
				}
			}
		}
		for _, run := range b32RunRE.FindAllString(f, -1) {
			if b, err := base32.StdEncoding.DecodeString(run); err == nil {
				inner = append(inner, string(b))
			}
		}
		for _, run := range hexRunRE.FindAllString(f, -1) {
			if b, err := hex.DecodeString(run); err == nil {
				inner = append(inner, string(b))
			}
		}
		for _, run := range byteArRE.FindAllString(f, -1) {
			var b []byte
			for _, n := range strings.Split(strings.Trim(run, "[] "), ",") {
				v, _ := strconv.Atoi(strings.TrimSpace(n))
				b = append(b, byte(v))
			}
			inner = append(inner, string(b))
		}
	}
	for _, f := range forms[1:] {
		if f != s {
			inner = append(inner, f)
		}
	}
	for _, in := range inner {
		if r, err := gzip.NewReader(strings.NewReader(in)); err == nil {
			if b, err := io.ReadAll(r); err == nil {
				in = string(b)
			}
		}
		if survivesDepth(in, canary, depth+1) {
			return true
		}
	}
	return false
}

// TestSurvives: the survival check itself finds a canary in each notation it claims to read.
func TestSurvives(t *testing.T) {
	for _, tc := range []struct{ reason, s string }{
		{"verbatim", "x" + c19Name},
		{"lower case", strings.ToLower(c19Name)},
		{"URL-escaped twice", url.QueryEscape(url.QueryEscape(`{"n":"` + c19Name + `"}`))},
		{"base64 of JSON", b64(`{"n":"` + c19Name + `"}`)},
		{"hex", hex.EncodeToString([]byte(c19Name))},
		{"base32", base32.StdEncoding.EncodeToString([]byte(`{"n":"` + c19Name + `"}`))},
		{"JSON \\u escapes", `\u004b\u0041NARINDAH`},
		{"UTF-16", utf16LE(c19Name)},
		{"full width", "ＫＡＮＡＲＩＮＤＡＨ"},
	} {
		if !survives(tc.s, c19Name) {
			t.Errorf("%s: the check does not find the canary in %q", tc.reason, tc.s)
		}
	}
	if survives("CONTOH BUDI", c19Name) {
		t.Errorf("a stand-in taken for the canary")
	}
}

// TestCanaryFiles19: what a cassette's own text holds, and a cassette go-vcr reads with anchors across
// interactions, are redacted by RedactFile; the scan flags both before.
func TestCanaryFiles19(t *testing.T) {
	rules, scan := rules19(t)
	good, err := os.ReadFile("../cassettes/ekycpro/success.yaml")
	if err != nil {
		t.Fatal(err)
	}
	upload, err := os.ReadFile("../cassettes/advance/ocr-success.yaml") // a multipart request
	if err != nil || !strings.Contains(string(upload), "boundary=kontrak-derived-cassette") {
		t.Fatalf("the multipart cassette changed: %v", err)
	}
	for _, tc := range []struct {
		class   string
		text    string
		planted []string
	}{
		{"the cassette's comment", strings.Replace(string(good), "# kontrak: note=", "# holder "+c19Name+" nik "+c19NIK+"\n# kontrak: note=", 1), []string{c19Name, c19NIK}},
		{"a provenance note quoting a person", strings.Replace(string(good), "# kontrak: note=", "# kontrak: note=for "+c19NIK+" ("+c19Email+", "+c19Phone+") ", 1), []string{c19NIK, c19Email, c19Phone}},
		// The boundary is in the Content-Type and in every delimiter line of the body (the red team's
		// boundary=XX3174…, kept in the body by redact and called clean by the scan).
		{"a multipart boundary", strings.ReplaceAll(string(upload), "kontrak-derived-cassette", "KANARI-"+c19NIK), []string{c19NIK}},
		{"a multipart boundary of a NIK after a hex letter", strings.ReplaceAll(string(upload), "kontrak-derived-cassette", "B"+c19NIK), []string{c19NIK}},
		{"a one-word name in a hand-written note", strings.Replace(string(good), "# kontrak: note=", "# kontrak: note=for "+c19Name+"; ", 1), []string{c19Name}},
		{"YAML anchors across interactions", `version: 2
interactions:
    - id: 0
      request: &rq
        headers:
            Content-Type: [application/x-www-form-urlencoded]
            X-Api-Key: [` + c19Key + `]
        body: img=KTP
        form: {img: [KTP]}
        url: https://api.ekycpro.com/v1/id_ocr/general
        method: POST
      response: &rs
        headers:
            Content-Type: [application/json]
            X-Holder: [` + c19Name + `]
        body: '{"status":"OK","message":{"full_address":"JL. ` + c19Street + `","id":"` + c19NIK + `"}}'
        code: 200
    - id: 1
      request: *rq
      response: *rs
`, []string{c19Key, c19Name, c19Street, c19NIK}},
	} {
		t.Run(tc.class, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "canary.yaml")
			if err := os.WriteFile(file, []byte(tc.text), 0o644); err != nil {
				t.Fatal(err)
			}
			leaks, err := ScanFile(file, scan)
			if err != nil {
				t.Fatal(err)
			}
			if len(leaks) == 0 {
				t.Errorf("scan did not flag the canary")
			}
			for _, l := range leaks {
				for _, p := range tc.planted {
					if survives(l.String(), p) {
						t.Errorf("scan printed a canary: %s", l)
					}
				}
			}
			if _, err := RedactFile(file, rules); err != nil {
				t.Fatal(err)
			}
			after := readFile(t, file)
			for _, p := range tc.planted {
				if survives(after, p) {
					t.Errorf("canary %q survives:\n%s", p, after)
				}
			}
			if leaks, err := ScanFile(file, scan); err != nil || len(leaks) > 0 {
				t.Errorf("redacted file scans dirty: %v %v", leaks, err)
			}
			if changed, err := RedactFile(file, rules); changed || err != nil {
				t.Errorf("redacting again: changed %v, %v", changed, err)
			}
		})
	}
}

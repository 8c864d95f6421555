package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v4"
	vcr "gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"

	"github.com/kontrak/kontrak/cassette"
	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/redact"
	"github.com/kontrak/kontrak/specimen"
)

// Planted values: real-looking, and found nowhere once redacted. None is a vendor document's example.
const (
	plantedNIK    = "3171234567890001"
	plantedName   = "SITI KENARI"
	plantedAddr   = "JL. KENARI NO. 9"
	plantedPlace  = "KENARI"
	plantedKey    = "canary-credential-6d2f"
	plantedBearer = "canary-bearer-token-48a1"
	plantedSig    = "canary-signature-0b9e"
	// plantedJWT is a JSON Web Token in form: {"alg":"HS256"}.{"sub":"canary"}.signature.
	plantedJWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjYW5hcnkifQ.Y2FuYXJ5LXNpZ25hdHVyZQ"
)

// testImage draws a small image at test time and encodes it: no image is committed.
func testImage(t *testing.T, format string) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 9, 7))
	for y := range 7 {
		for x := range 9 {
			img.Set(x, y, color.RGBA{uint8(x * 28), uint8(y * 36), 160, 255})
		}
	}
	var b bytes.Buffer
	var err error
	if format == "png" {
		err = png.Encode(&b, img)
	} else {
		err = jpeg.Encode(&b, img, &jpeg.Options{Quality: 90})
	}
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func testContract(t *testing.T) *contract.Contract {
	t.Helper()
	c, err := loadContract()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// findOp returns the first documented operation ok accepts: the tests read the vendors' facts from the
// specs, as the code does.
func findOp(t *testing.T, c *contract.Contract, what string, ok func(*contract.Operation) bool) *contract.Operation {
	t.Helper()
	for _, v := range c.Vendors() {
		for _, op := range v.Operations {
			if ok(op) {
				return op
			}
		}
	}
	t.Fatalf("no operation in the specs has %s", what)
	return nil
}

func piiPointer(op *contract.Operation, kind string) string {
	var best string
	for p, k := range op.PII {
		if k == kind && (best == "" || p < best) {
			best = p
		}
	}
	return best
}

// setPointer writes v at an object pointer of doc, making the objects on the way.
func setPointer(doc map[string]any, ptr string, v any) {
	toks := strings.Split(strings.TrimPrefix(ptr, "/"), "/")
	for _, tok := range toks[:len(toks)-1] {
		next, ok := doc[tok].(map[string]any)
		if !ok {
			next = map[string]any{}
			doc[tok] = next
		}
		doc = next
	}
	doc[toks[len(toks)-1]] = v
}

func answerWith(t *testing.T, base []byte, values map[string]any) string {
	t.Helper()
	doc := map[string]any{}
	if len(base) > 0 {
		if err := json.Unmarshal(base, &doc); err != nil {
			t.Fatal(err)
		}
	}
	for p, v := range values {
		setPointer(doc, p, v)
	}
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// exchange is a recorded interaction of op; headers are name, value pairs.
func exchange(op *contract.Operation, contentType, body string, status int, answer string, headers ...string) *vcr.Interaction {
	h := http.Header{}
	if contentType != "" {
		h.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		h.Set(headers[i], headers[i+1])
	}
	return &vcr.Interaction{
		Request: vcr.Request{Method: op.Method, URL: "https://vendor.example.invalid" + op.Path, Headers: h, Body: body, ContentLength: int64(len(body))},
		Response: vcr.Response{Code: status, Status: fmt.Sprintf("%d %s", status, http.StatusText(status)), Body: answer,
			ContentLength: int64(len(answer)), Headers: http.Header{"Content-Type": {"application/json"}}},
	}
}

func multipartWith(t *testing.T, field string, content []byte, extra ...string) (string, string) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for i := 0; i+1 < len(extra); i += 2 {
		w.WriteField(extra[i], extra[i+1])
	}
	pw, err := w.CreateFormFile(field, "ktp.png")
	if err != nil {
		t.Fatal(err)
	}
	pw.Write(content)
	w.Close()
	return b.String(), w.FormDataContentType()
}

// writeCassetteFile writes a cassette as the recorder does: the provenance block, then go-vcr's YAML.
func writeCassetteFile(t *testing.T, file string, is ...*vcr.Interaction) {
	t.Helper()
	c := vcr.New(strings.TrimSuffix(file, ".yaml"))
	for n, i := range is {
		i.ID = n
	}
	c.Interactions = is
	data, err := yaml.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	head := cassette.Provenance{Kind: cassette.ProvenanceDerived, Source: "https://example.invalid/kontrak-test", Scenario: "leak-scan-test"}.Header()
	if err := os.WriteFile(file, append(append(head, "---\n"...), data...), 0o644); err != nil {
		t.Fatal(err)
	}
}

// leakCassettes writes one cassette per planted leak into dir, and returns the line each must produce
// and the value that must never be printed.
func leakCassettes(t *testing.T, c *contract.Contract, dir string) (lines, planted []string) {
	jpg64 := base64.StdEncoding.EncodeToString(testImage(t, "jpeg"))
	pngBytes := testImage(t, "png")
	nikOp := findOp(t, c, "a nik pointer", func(o *contract.Operation) bool { return piiPointer(o, "nik") != "" })
	nameOp := findOp(t, c, "a name pointer", func(o *contract.Operation) bool { return piiPointer(o, "name") != "" })
	var keyScheme, bearerScheme contract.SecurityScheme
	keyOp := findOp(t, c, "an API key header", func(o *contract.Operation) bool {
		for _, sc := range o.Security {
			if sc.Type == "apiKey" && sc.In == "header" && sc.TokenOperation == "" {
				keyScheme = sc
				return true
			}
		}
		return false
	})
	bearerOp := findOp(t, c, "a bearer scheme", func(o *contract.Operation) bool {
		for _, sc := range o.Security {
			if sc.Type == "http" && sc.Scheme == "bearer" {
				bearerScheme = sc
				return true
			}
		}
		return false
	})
	imageField := func(o *contract.Operation, ct, enc string) string {
		f, r := o.ImageField()
		if f == "" || o.RequestContentType != ct || r.Encoding != enc {
			return ""
		}
		return f
	}
	jsonOp := findOp(t, c, "a base64 image in a JSON body", func(o *contract.Operation) bool { return imageField(o, "application/json", "base64") != "" })
	mpOp := findOp(t, c, "a binary image part", func(o *contract.Operation) bool { return imageField(o, "multipart/form-data", "") != "" })
	mp, mpType := multipartWith(t, imageField(mpOp, "multipart/form-data", ""), pngBytes)

	for _, tc := range []struct {
		name, kind, where, value string
		ix                       *vcr.Interaction
	}{
		{"nik", "nik", piiPointer(nikOp, "nik") + " in the answer", plantedNIK,
			exchange(nikOp, "", "", 200, answerWith(t, nil, map[string]any{piiPointer(nikOp, "nik"): plantedNIK}))},
		{"name", "name", piiPointer(nameOp, "name") + " in the answer", plantedName,
			exchange(nameOp, "", "", 200, answerWith(t, nil, map[string]any{piiPointer(nameOp, "name"): plantedName}))},
		{"api-key", "credential", "header " + textproto.CanonicalMIMEHeaderKey(keyScheme.Header) + " in the request", plantedKey,
			exchange(keyOp, "", "", 200, `{}`, keyScheme.Header, plantedKey)},
		{"bearer", "credential", "header Authorization in the request", plantedBearer,
			exchange(bearerOp, "", "", 200, `{}`, bearerScheme.Header, "Bearer "+plantedBearer)},
		{"json-image", "image", "/" + imageField(jsonOp, "application/json", "base64") + " in the request", jpg64[:48],
			exchange(jsonOp, "application/json", `{"`+imageField(jsonOp, "application/json", "base64")+`":"`+jpg64+`"}`, 200, `{}`)},
		{"multipart-image", "image", "multipart part " + imageField(mpOp, "multipart/form-data", "") + " in the request", base64.StdEncoding.EncodeToString(pngBytes)[:48],
			exchange(mpOp, mpType, mp, 200, `{}`)},
	} {
		file := filepath.Join(dir, "leak-"+tc.name+".yaml")
		writeCassetteFile(t, file, tc.ix)
		lines = append(lines, fmt.Sprintf("%s#0: %s at %s", file, tc.kind, tc.where))
		planted = append(planted, tc.value)
	}
	return lines, planted
}

// cleanCassettes writes what must pass: every documented example as an answer (a vendor's own example
// values are public), and synthetic values at every personal-data pointer, with redacted requests.
func cleanCassettes(t *testing.T, c *contract.Contract, dir string) []string {
	var examples, synthetic []*vcr.Interaction
	img := cassette.ImageDescriptor(testImage(t, "png"))
	for _, v := range c.Vendors() {
		for _, op := range v.Operations {
			var headers []string
			for _, sc := range op.Security {
				headers = append(headers, sc.Header, redact.Redacted)
			}
			body, ct := "", op.RequestContentType
			if f, _ := op.ImageField(); f != "" {
				switch ct {
				case "multipart/form-data":
					body, ct = multipartWith(t, f, []byte(img))
				case "application/x-www-form-urlencoded":
					body = f + "=" + url.QueryEscape(img)
				default:
					body = `{"` + f + `":"` + img + `"}`
				}
			}
			for _, r := range op.Responses {
				for _, ex := range r.Examples {
					status := 200
					fmt.Sscan(r.Status, &status)
					examples = append(examples, exchange(op, ct, body, status, string(ex.Value), headers...))
				}
			}
			values := map[string]any{}
			for p, kind := range op.PII {
				values[p] = plantedLike(kind)
			}
			synthetic = append(synthetic, exchange(op, ct, body, 200, answerWith(t, nil, values), headers...))
		}
	}
	files := []string{filepath.Join(dir, "examples.yaml"), filepath.Join(dir, "synthetic.yaml")}
	writeCassetteFile(t, files[0], examples...)
	writeCassetteFile(t, files[1], synthetic...)
	return files
}

// plantedLike is the synthetic stand-in of a planted value of a personal-data kind, as redaction writes it.
func plantedLike(kind string) string {
	original := map[string]string{"nik": plantedNIK, "name": plantedName, "address": plantedAddr, "place": plantedPlace,
		"date": "17-08-1990", "placedate": plantedPlace + ", 17-08-1990", "text": "003/005"}[kind]
	if kind == "placedate" {
		kind = specimen.KindDate
	}
	return specimen.SyntheticLike(kind, original)
}

func TestScanFindsPlantedLeaks(t *testing.T) {
	c := testContract(t)
	dir := t.TempDir()
	lines, planted := leakCassettes(t, c, dir)
	cleanCassettes(t, c, dir)

	code, out, errs := runKontrak(t, "", "scan", dir)
	if code != 1 {
		t.Fatalf("exit %d, want 1 (stdout %q, stderr %q)", code, out, errs)
	}
	got := strings.Split(strings.TrimSpace(out), "\n")
	if len(got) != len(lines) {
		t.Errorf("%d lines, want one per planted leak (%d):\n%s", len(got), len(lines), out)
	}
	for _, l := range lines {
		if !strings.Contains(out, l+"\n") {
			t.Errorf("stdout lacks %q:\n%s", l, out)
		}
	}
	for _, p := range planted {
		if strings.Contains(out+errs, p) {
			t.Errorf("the scan printed a planted value (%.12s…)", p)
		}
	}
	if !strings.Contains(errs, "6 leaks in 6 of 8 cassettes") {
		t.Errorf("stderr %q, want a summary", errs)
	}
}

func TestScanCleanAndErrors(t *testing.T) {
	c := testContract(t)
	dir := t.TempDir()
	clean := cleanCassettes(t, c, dir)
	notCassette := filepath.Join(t.TempDir(), "notes.yaml")
	os.WriteFile(notCassette, []byte("just: notes\n"), 0o644)
	mixed := t.TempDir() // a .yml cassette is read, a README is said to be skipped
	if data, err := os.ReadFile(clean[0]); err != nil {
		t.Fatal(err)
	} else {
		os.WriteFile(filepath.Join(mixed, "a.yml"), data, 0o644)
	}
	os.WriteFile(filepath.Join(mixed, "README.md"), []byte("# notes\n"), 0o644)
	empty := filepath.Join(t.TempDir(), "empty.yaml")
	os.WriteFile(empty, []byte("version: 2\ninteractions: []\n"), 0o644)
	null := filepath.Join(t.TempDir(), "null.yaml")
	os.WriteFile(null, []byte("version: 2\ninteractions: [~]\n"), 0o644)
	hidden := t.TempDir()
	os.Mkdir(filepath.Join(hidden, ".git"), 0o755)
	os.WriteFile(filepath.Join(hidden, ".git", "x.yaml"), []byte("not: a cassette\n"), 0o644)
	for _, tc := range []struct {
		reason string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"documented examples and synthetic values are no leaks", []string{"scan", dir}, 0, "scanned 2 cassettes, no leaks\n", ""},
		{"files and directories mix", []string{"scan", clean[0], dir}, 0, "scanned 3 cassettes, no leaks\n", ""},
		{"a hidden directory is not walked, and a scan of nothing proves nothing", []string{"scan", hidden}, 2, "", "kontrak scan: no cassette, HAR file or NDJSON log in " + hidden},
		{"*.yml is a cassette too, and what is skipped is named", []string{"scan", mixed}, 0,
			"skipped " + filepath.Join(mixed, "README.md") + ": not a cassette (*.yaml, *.yml), a HAR file (*.har) or an NDJSON log (*.ndjson, *.jsonl)\nscanned 1 cassette, no leaks\n", ""},
		{"an empty cassette is an error, not a clean one", []string{"scan", empty}, 2, "", empty + ": not a go-vcr v4 cassette: an empty cassette"},
		{"interactions: [~] is a one-line error, not a panic", []string{"scan", null}, 2, "", null + ": not a go-vcr v4 cassette: interaction 0 (line 2): empty"},
		{"no input", []string{"scan"}, 2, "", "kontrak scan: no input"},
		{"a missing path", []string{"scan", filepath.Join(dir, "missing")}, 2, "", "cannot read " + filepath.Join(dir, "missing") + ": no such file or directory"},
		{"a yaml file that is not a cassette, named, before anything is judged", []string{"scan", dir, notCassette}, 2, "", notCassette + ": not a go-vcr v4 cassette"},
	} {
		t.Run(tc.reason, func(t *testing.T) {
			code, out, errs := runKontrak(t, "", tc.args...)
			if code != tc.code || out != tc.stdout {
				t.Fatalf("exit %d, stdout %q; want %d, %q (stderr %q)", code, out, tc.code, tc.stdout, errs)
			}
			if !strings.Contains(errs, tc.stderr) || (tc.code == 2 && strings.Count(errs, "\n") != 1) {
				t.Fatalf("stderr %q, want one line containing %q", errs, tc.stderr)
			}
		})
	}
}

// TestScanStdinLikeFile: a HAR file or an NDJSON log given on stdin (-) is told by its bytes and scanned
// as the same file named on the command line: the same leaks, at the same places.
func TestScanStdinLikeFile(t *testing.T) {
	for _, name := range []string{"traffic.har", "traffic.ndjson"} {
		file := filepath.Join("testdata", name)
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		code, fromFile, _ := runKontrak(t, "", "scan", file)
		scode, fromStdin, errs := runKontrak(t, string(data), "scan", "-")
		if code != scode {
			t.Errorf("%s: exit %d from the file, %d from stdin (stderr %q)", name, code, scode, errs)
		}
		if want := strings.ReplaceAll(fromFile, file, "stdin"); fromStdin != want {
			t.Errorf("%s: stdin says\n%s\nthe file says\n%s", name, fromStdin, want)
		}
	}
}

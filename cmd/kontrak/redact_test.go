package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	vcr "gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"

	"github.com/kontrak/kontrak/cassette"
	"github.com/kontrak/kontrak/contract"
)

// canaryRequest is op's request with a planted value in every credential and the image in the clear: a
// JPEG in base64 in JSON and forms, a binary PNG in multipart.
func canaryRequest(t *testing.T, op *contract.Operation, jpg, pngBytes []byte) (contentType, body string, headers []string, rawURL string) {
	rawURL = "https://vendor.example.invalid" + op.Path
	q := url.Values{}
	for _, sc := range op.Security {
		v := plantedKey
		switch {
		case sc.TokenOperation != "":
			v = plantedJWT
		case sc.Type == "http":
			v = "Bearer " + plantedBearer
		}
		if sc.In == "query" {
			q.Set(sc.Header, v)
		} else {
			headers = append(headers, sc.Header, v)
		}
	}
	if len(q) > 0 {
		rawURL += "?" + q.Encode()
	}
	field, _ := op.ImageField()
	contentType = op.RequestContentType
	switch contentType {
	case "multipart/form-data":
		body, contentType = multipartWith(t, field, pngBytes)
	case "application/x-www-form-urlencoded":
		body = field + "=" + url.QueryEscape(base64.StdEncoding.EncodeToString(jpg))
	case "application/json":
		doc := map[string]any{}
		if field != "" {
			doc[field] = base64.StdEncoding.EncodeToString(jpg)
		}
		if s := op.Signature; s != nil {
			props, _ := op.RequestSchema["properties"].(map[string]any)
			for _, in := range s.Concatenation {
				if _, sent := props[in]; !sent {
					continue // a secret that only goes into the signature
				}
				if _, secret := s.Credentials[in]; secret {
					doc[in] = plantedKey
				} else {
					doc[in] = 1700000000000 // the timestamp: no secret
				}
			}
			doc[s.Field] = plantedSig
		}
		b, _ := json.Marshal(doc)
		body = string(b)
	}
	return contentType, body, headers, rawURL
}

// canaryCassettes writes two cassettes full of canaries: examples.yaml holds every documented example,
// with planted personal data at its pointers and a planted token, behind a request with planted
// credentials and clear images (it conforms, and must still conform once redacted); extra.yaml holds the
// operations the documents give no example for.
func canaryCassettes(t *testing.T, c *contract.Contract, dir string) (examples, extra string) {
	jpg, pngBytes := testImage(t, "jpeg"), testImage(t, "png")
	planted := map[string]string{"nik": plantedNIK, "name": plantedName, "address": plantedAddr, "place": plantedPlace,
		"placedate": plantedPlace + ", 17-08-1990"}
	var withExamples, without []*vcr.Interaction
	for _, v := range c.Vendors() {
		for _, op := range v.Operations {
			ct, body, headers, rawURL := canaryRequest(t, op, jpg, pngBytes)
			n := 0
			for _, r := range op.Responses {
				for _, ex := range r.Examples {
					values := map[string]any{}
					for p, kind := range op.PII {
						if s, ok := planted[kind]; ok {
							if cur, _ := contract.Lookup(ex.Value, p); cur != nil {
								if _, isString := cur.(string); isString {
									values[p] = s
								}
							}
						}
					}
					if op.Token != nil {
						if cur, _ := contract.Lookup(ex.Value, op.Token.TokenPointer); cur != nil {
							values[op.Token.TokenPointer] = plantedJWT
						}
					}
					status := 200
					if r.Status != "200" {
						continue // one status is enough, and 4XX keys are no status to record
					}
					ix := exchange(op, ct, body, status, answerWith(t, ex.Value, values), headers...)
					ix.Request.URL = rawURL
					withExamples = append(withExamples, ix)
					n++
				}
			}
			if n == 0 {
				ix := exchange(op, ct, body, 200, `{}`, headers...)
				ix.Request.URL = rawURL
				without = append(without, ix)
			}
		}
	}
	examples, extra = filepath.Join(dir, "examples.yaml"), filepath.Join(dir, "extra.yaml")
	writeCassetteFile(t, examples, withExamples...)
	writeCassetteFile(t, extra, without...)
	return examples, extra
}

func TestRedactThenScan(t *testing.T) {
	c := testContract(t)
	dir := t.TempDir()
	examples, extra := canaryCassettes(t, c, dir)
	jpg64 := base64.StdEncoding.EncodeToString(testImage(t, "jpeg"))
	pngBytes := testImage(t, "png")

	if code, out, errs := runKontrak(t, "", "check", examples); code != 0 {
		t.Fatalf("the canary cassette does not conform before redaction (exit %d): %s%s", code, out, errs)
	}
	if code, out, _ := runKontrak(t, "", "scan", dir); code != 1 || strings.Count(out, "\n") < 10 {
		t.Fatalf("scan before redaction: exit %d, %d leaks; want the canaries found", code, strings.Count(out, "\n"))
	}

	code, out, errs := runKontrak(t, "", "redact", examples, extra)
	if code != 0 || out != "redacted "+examples+"\nredacted "+extra+"\n" {
		t.Fatalf("redact: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	if code, out, errs := runKontrak(t, "", "scan", dir); code != 0 || out != "scanned 2 cassettes, no leaks\n" {
		t.Fatalf("scan after redaction: exit %d\n%s%s", code, out, errs)
	}
	if code, out, errs := runKontrak(t, "", "check", examples); code != 0 {
		t.Fatalf("the redacted cassette no longer conforms (exit %d): %s%s", code, out, errs)
	}
	for _, f := range []string{examples, extra} {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, canary := range []string{plantedNIK, plantedName, plantedAddr, plantedPlace, plantedKey, plantedBearer, plantedSig, plantedJWT,
			jpg64[:48], base64.StdEncoding.EncodeToString(pngBytes)[:48]} {
			if bytes.Contains(data, []byte(canary)) {
				t.Errorf("%s still holds the canary %.16s…", f, canary)
			}
		}
		cs, p, err := cassette.Load(f)
		if err != nil || p.Kind != cassette.ProvenanceDerived {
			t.Fatalf("%s: %v, provenance %+v: the redacted file must load and keep its provenance", f, err, p)
		}
		for _, i := range cs.Interactions {
			if strings.Contains(i.Request.Body, string(pngBytes)) {
				t.Errorf("%s#%d: the PNG is still in the body", f, i.ID)
			}
		}
	}

	// Idempotent: a second run changes nothing and writes nothing.
	old := time.Now().Add(-time.Hour).Truncate(time.Second)
	before := map[string][]byte{}
	for _, f := range []string{examples, extra} {
		os.Chtimes(f, old, old)
		before[f], _ = os.ReadFile(f)
	}
	if code, out, errs := runKontrak(t, "", "redact", examples, extra); code != 0 || out != "" {
		t.Fatalf("second redact: exit %d, stdout %q, stderr %q; want nothing to do", code, out, errs)
	}
	for _, f := range []string{examples, extra} {
		fi, _ := os.Stat(f)
		data, _ := os.ReadFile(f)
		if !bytes.Equal(data, before[f]) || !fi.ModTime().Equal(old) {
			t.Errorf("%s was touched by a redaction that had nothing to do", f)
		}
	}
}

func TestRedactErrors(t *testing.T) {
	c := testContract(t)
	dir := t.TempDir()
	examples, _ := canaryCassettes(t, c, dir)
	original, _ := os.ReadFile(examples)
	notCassette := filepath.Join(dir, "notes.yaml")
	os.WriteFile(notCassette, []byte("just: notes\n"), 0o644)
	for _, tc := range []struct {
		reason string
		args   []string
		stderr string
	}{
		{"no input", []string{"redact"}, "kontrak redact: no input"},
		{"a missing file, after a good one: named, and the good one is left as it was", []string{"redact", examples, filepath.Join(dir, "missing.yaml")},
			filepath.Join(dir, "missing.yaml") + ": cannot read cassette: no such file or directory"},
		{"a file that is not a cassette", []string{"redact", examples, notCassette}, notCassette + ": not a go-vcr v4 cassette"},
		{"an unknown flag", []string{"redact", "--dry-run", examples}, "flag provided but not defined: -dry-run"},
	} {
		t.Run(tc.reason, func(t *testing.T) {
			code, out, errs := runKontrak(t, "", tc.args...)
			if code != 2 || out != "" || !strings.Contains(errs, tc.stderr) || strings.Count(errs, "\n") != 1 {
				t.Fatalf("exit %d, stdout %q, stderr %q; want 2 and one line containing %q", code, out, errs, tc.stderr)
			}
			if data, _ := os.ReadFile(examples); !bytes.Equal(data, original) {
				t.Fatal("a file was written though an input was unreadable")
			}
		})
	}
}

package sandbox_test

import (
	"bytes"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/sandbox"
)

// FuzzServe feeds the sandbox's request handling arbitrary bodies and content types for every operation,
// with valid credentials: it must never panic, and a body that does not even parse as the operation's
// documented media type must never get the documented success (a 2XX with no error code). The seed
// corpus (testdata/fuzz/FuzzServe) holds the documented example requests and the malformed ones of the
// strict table.
func FuzzServe(f *testing.F) {
	for i, body := range []string{`{"image":"KTP"}`, `{"image":"KTP","validate_quality":true}`, `{}`, `[]`, ``, `img=abc`, `{"image":`} {
		f.Add(uint8(i), "application/json", []byte(body))
	}
	f.Add(uint8(3), "multipart/form-data; boundary=xyz", []byte("--xyz\r\nContent-Disposition: form-data; name=\"ocrImage\"; filename=\"k\"\r\nContent-Type: image/jpeg\r\n\r\n\xff\xd8\xff\r\n--xyz--\r\n"))
	f.Add(uint8(4), "application/x-www-form-urlencoded", []byte("img=%2F9j%2F4AAQ"))
	fuzzFix := start(f, sandbox.Config{})
	fuzzHandler := fuzzFix.srv.Config.Handler
	f.Fuzz(func(t *testing.T, which uint8, contentType string, body []byte) {
		var ops []*contract.Operation
		for _, v := range fuzzFix.c.Vendors() {
			ops = append(ops, v.Operations...)
		}
		op := ops[int(which)%len(ops)]
		if op.Signature != nil || strings.ContainsAny(contentType, "\r\n") {
			return // the token operation signs its body: random bodies only test its signature check
		}
		req := fuzzFix.rawRequest(t, op, raw{contentType: contentType, body: body})
		rec := httptest.NewRecorder()
		req.RequestURI = ""
		fuzzHandler.ServeHTTP(rec, req.WithContext(req.Context()))
		if rec.Code/100 != 2 {
			return
		}
		if op.RequestSchema == nil || parses(op.RequestContentType, contentType, body) {
			return
		}
		if cl := op.Classify(rec.Code, rec.Body.Bytes()); cl.Code == "" || op.Codes.Lookup(cl.Code) == nil || op.Codes.Lookup(cl.Code).Billable {
			t.Errorf("%s: a %q body that does not parse got the documented success: HTTP %d %s", op.Name(), contentType, rec.Code, rec.Body.Bytes())
		}
	})
}

// parses is a deliberately coarse oracle: the body is of the documented media type and not plainly broken.
func parses(documented, contentType string, body []byte) bool {
	media, _, _ := strings.Cut(strings.ToLower(contentType), ";")
	if strings.TrimSpace(media) != documented {
		return false
	}
	if documented == "application/json" {
		b := bytes.TrimSpace(body)
		return len(b) > 0 && b[0] == '{'
	}
	return true
}

package contract_test

import (
	"bytes"
	"compress/gzip"
	"io/fs"
	"net/http"
	"strings"
	"testing"
	"testing/fstest"

	kontrak "github.com/kontrak/kontrak"
	"github.com/kontrak/kontrak/contract"
)

// Issue 8: bodies judged byte-exactly, headers judged from the spec, one finding per cause.
func TestByteExact(t *testing.T) {
	const adv, ocr, tok = "advance", "ocrKtpCheck", "generateToken"
	const vh, res = "verihubs", "getExtractKtpAsyncResult"
	gz := func(s string) string {
		var b bytes.Buffer
		w := gzip.NewWriter(&b)
		w.Write([]byte(s))
		w.Close()
		return b.String()
	}
	success := string(example(t, mustOp(t, adv, ocr), "success"))
	vsuccess := string(example(t, mustOp(t, vh, res), "success"))
	json := http.Header{"Content-Type": {"application/json"}}
	runDrift(t, []drift{
		{reason: "a number beyond float64 where a code belongs is judged, not a crash", vendor: adv, op: ocr, status: 200,
			body: `{"code":1e999,"message":"m","data":null,"extra":null,"transactionId":"t","pricingStrategy":"FREE"}`,
			want: []idPointer{br("type-mismatch", "/code"), br("error-code-undocumented", "/code"), br("number-out-of-range", "/code")}},
		{reason: "invalid UTF-8 (a Latin-1 É in a name) is not JSON", vendor: vh, op: res, status: 200,
			body: strings.Replace(vsuccess, `"full_name":"`, "\"full_name\":\"\xc9", 1),
			want: []idPointer{br("body-not-json", "")}},
		{reason: "a UTF-8 byte order mark is not JSON", vendor: adv, op: ocr, status: 200, body: "\xef\xbb\xbf" + success,
			want: []idPointer{br("body-not-json", "")}},
		{reason: "duplicate keys: clients disagree on which wins", vendor: adv, op: ocr, status: 200,
			body: strings.Replace(success, `"code":"SUCCESS"`, `"code":"SUCCESS","code":"SUCCESS"`, 1),
			want: []idPointer{br("duplicate-key", "/code")}},
		{reason: "a gzip-encoded answer is decoded before it is judged", vendor: adv, op: ocr, status: 200,
			header: http.Header{"Content-Encoding": {"gzip"}, "Content-Type": {"application/json"}}, body: gz(success)},
		{reason: "a body that does not decode by its encoding is one finding naming it", vendor: adv, op: ocr, status: 200,
			header: http.Header{"Content-Encoding": {"gzip"}}, body: success,
			want: []idPointer{br("content-encoding-undecodable", "")}},
		{reason: "an encoding kontrak does not decode is named", vendor: adv, op: ocr, status: 200,
			header: http.Header{"Content-Encoding": {"br"}}, body: success,
			want: []idPointer{br("content-encoding-undecodable", "")}},
		{reason: "JSON served as text/html (a notice: no document states a response media type)", vendor: adv, op: ocr, status: 200,
			header: http.Header{"Content-Type": {"text/html; charset=utf-8"}}, body: success,
			want: []idPointer{nt("content-type-mismatch", "")}},
		{reason: "a JSON media type with parameters is the documented one", vendor: adv, op: ocr, status: 200,
			header: http.Header{"Content-Type": {"application/json;charset=UTF-8"}}, body: success},
		{reason: "SERVICE_BUSY with the rate-limit message, without Retry-After", vendor: adv, op: ocr, status: 200, header: json, example: "success",
			patch: `[{"op":"replace","path":"/code","value":"SERVICE_BUSY"},{"op":"replace","path":"/message","value":"Rate limit is exceeded, please retry after the suggested time in HTTP Header."},{"op":"replace","path":"/data","value":null},{"op":"replace","path":"/extra","value":null},{"op":"replace","path":"/pricingStrategy","value":"FREE"}]`,
			want:  []idPointer{br("header-missing", "/headers/Retry-After")}},
		{reason: "SERVICE_BUSY with the daily-quota message, which the document shows without a delay", vendor: adv, op: ocr, status: 200, header: json, example: "success",
			patch: `[{"op":"replace","path":"/code","value":"SERVICE_BUSY"},{"op":"replace","path":"/message","value":"Quota exceeded: You have exceeded the daily quota for free queries, please contact out tech support for help"},{"op":"replace","path":"/data","value":null},{"op":"replace","path":"/extra","value":null},{"op":"replace","path":"/pricingStrategy","value":"FREE"}]`},
		{reason: "SERVICE_BUSY with a Retry-After in the documented form", vendor: adv, op: ocr, status: 200,
			header: http.Header{"Retry-After": {"30s"}}, example: "success",
			patch: `[{"op":"replace","path":"/code","value":"SERVICE_BUSY"},{"op":"replace","path":"/data","value":null},{"op":"replace","path":"/extra","value":null},{"op":"replace","path":"/pricingStrategy","value":"FREE"}]`},
		{reason: "429 with a Retry-After that says no delay: a notice, since the delay on SERVICE_BUSY is inferred", vendor: adv, op: ocr, status: 429,
			header: http.Header{"Retry-After": {"soon"}},
			body:   `{"code":"SERVICE_BUSY","message":"busy","data":null,"extra":null,"transactionId":"t1","pricingStrategy":"FREE"}`,
			want:   []idPointer{nt("header-malformed", "/headers/Retry-After")}},
		{reason: "429 with an HTTP-date Retry-After", vendor: adv, op: ocr, status: 429,
			header: http.Header{"Retry-After": {"Wed, 21 Oct 2015 07:28:00 GMT"}},
			body:   `{"code":"SERVICE_BUSY","message":"busy","data":null,"extra":null,"transactionId":"t1","pricingStrategy":"FREE"}`},
		{reason: "a missing error_code in a Verihubs in-200 error is one finding at /error_code", vendor: vh, op: res, status: 200,
			body: `{"message":"ktp not detected","data":{}}`,
			want: []idPointer{br("field-missing", "/error_code")}},
		{reason: "an undocumented status is still judged by its code's row: a missing billing flag is not hidden (the code's status is inferred: a notice)", vendor: adv, op: ocr, status: 503,
			example: "ocrNoResult", patch: `[{"op":"remove","path":"/pricingStrategy"}]`,
			want: []idPointer{br("status-undocumented", ""), br("field-missing", "/pricingStrategy"), nt("error-code-status-mismatch", "/code")}},
		{reason: "an undocumented status with no code is judged by the body it breaks least", vendor: adv, op: ocr, status: 503,
			body: `{"message":"x","data":null,"extra":null,"transactionId":"t1","pricingStrategy":"FREE"}`,
			want: []idPointer{br("status-undocumented", ""), br("field-missing", "/code")}},
	})
}

func mustOp(t *testing.T, vendor, op string) *contract.Operation {
	t.Helper()
	o, err := load(t).Operation(vendor, op)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// The fractional epoch: RFC 6902 patches carry numbers through float64, so 1642580192430.0 is written here.
func TestIntegerNotation(t *testing.T) {
	op := mustOp(t, "advance", "generateToken")
	body := strings.Replace(string(example(t, op, "success")), `"expiredTime":1642580192430`, `"expiredTime":1642580192430.0`, 1)
	if !strings.Contains(body, "1642580192430.0") {
		t.Fatalf("the token example changed: %s", body)
	}
	fs := op.Check(200, nil, []byte(body), contract.CheckOptions{})
	if len(fs) != 1 || fs[0].ID != contract.NumberNotInteger || fs[0].Pointer != "/data/expiredTime" {
		t.Fatalf("want one number-not-integer at /data/expiredTime, got %+v", fs)
	}
	if fs := op.Check(200, nil, []byte(strings.Replace(body, "1642580192430.0", "1642580192430", 1)), contract.CheckOptions{}); len(fs) != 0 {
		t.Fatalf("the integer form conforms, got %+v", fs)
	}
}

// Messages say plainly what they mean: the root is "/", masked values say they are masked, no Go word,
// and no vendor message text is echoed.
func TestMessagesPlain(t *testing.T) {
	c := load(t)
	adv := mustOp(t, "advance", "ocrKtpCheck")
	vh := mustOp(t, "verihubs", "getExtractKtpAsyncResult")
	kr := mustOp(t, "kredibel", "ocrKtp")
	secret := "Budi Santoso of Jl. Merdeka 17 was refused"
	changed := strings.Replace(string(example(t, adv, "imageInvalidSize")), `"message":"Invalid image size`, `"message":"`+secret+` Invalid image size`, 1)
	_ = c
	for _, tc := range []struct {
		reason string
		op     *contract.Operation
		status int
		body   string
		id     string
		want   []string // in Actual or Message
		never  []string
	}{
		{"the root pointer prints as /", adv, 200, `<html>`, "body-not-json", []string{`error at "/"`}, []string{`error at ""`}},
		{"a masked date says it is withheld", vh, 200, strings.Replace(string(example(t, vh, "success")), `"date_of_birth":"`, `"date_of_birth":"1989/`, 1),
			"format-violation", []string{"(withheld: personal data)", "a value shaped 9999/"}, []string{"1989/"}},
		{"a changed message is told by shape and length", adv, 200, changed, "message-changed",
			[]string{"a text of", "characters shaped Aaaa Aaaaaaa"}, []string{"Budi", "Merdeka"}},
		{"a number constraint in words", kr, 200, strings.Replace(string(readTestdata(t, "kredibel-success.json")), `"tilt":`, `"tilt":1000, "x":`, 1),
			"schema-violation", []string{"a number of at most 360"}, []string{"number_lte", "json.Number"}},
	} {
		var f *contract.Finding
		fs := tc.op.Check(tc.status, nil, []byte(tc.body), contract.CheckOptions{})
		for i := range fs {
			if fs[i].ID == tc.id {
				f = &fs[i]
			}
		}
		if f == nil {
			t.Errorf("%s: no %s in %+v", tc.reason, tc.id, fs)
			continue
		}
		text := f.Expected + " | " + f.Actual + " | " + f.Message
		for _, w := range tc.want {
			if !strings.Contains(text, w) {
				t.Errorf("%s: %q lacks %q", tc.reason, text, w)
			}
		}
		for _, n := range tc.never {
			if strings.Contains(text, n) {
				t.Errorf("%s: %q holds %q", tc.reason, text, n)
			}
		}
	}
}

// A schema with an enum or a const re-decodes a number into float64 (gojsonschema): 1e999 crashed Check
// there. The committed schemas carry no enum, so the test adds one.
func TestEnumOnHugeNumber(t *testing.T) {
	files := fstest.MapFS{}
	err := fs.WalkDir(kontrak.Files, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(kontrak.Files, p)
		files[p] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	const file = "schemas/ekycpro/idOcrGeneral.200.json"
	sch := string(files[file].Data)
	with := strings.Replace(sch, `"description": "status code",`, `"description": "status code", "enum": ["OK", "FAIL", 1],`, 1)
	if with == sch {
		t.Fatal("the ekycpro schema changed; adapt the test")
	}
	files[file] = &fstest.MapFile{Data: []byte(with)}
	c, err := contract.Load(files)
	if err != nil {
		t.Fatal(err)
	}
	op, _ := c.Operation("ekycpro", "idOcrGeneral")
	fs := op.Check(200, nil, []byte(`{"status":1e999,"message":"m"}`), contract.CheckOptions{})
	ids := map[string]bool{}
	for _, f := range fs {
		ids[f.ID] = true
	}
	if !ids[contract.NumberOutOfRange] || ids[contract.CheckFailed] {
		t.Fatalf("want number-out-of-range and no check-failed, got %+v", fs)
	}
	if _, err := c.Check(contract.Interaction{Vendor: "ekycpro", Operation: "idOcrGeneral", Status: 200, Body: []byte(`[1e999]`)}, contract.CheckOptions{}); err != nil {
		t.Fatal(err)
	}
}

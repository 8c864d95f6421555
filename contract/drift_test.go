package contract_test

import (
	"net/http"
	"testing"
)

func TestDriftVerihubs(t *testing.T) {
	const v, res, sub = "verihubs", "getExtractKtpAsyncResult", "submitExtractKtpAsync"
	ok := `{"message": "success extract ktp data", "data": {"reference_id": "ref-0001"}}`
	runDrift(t, []drift{
		{reason: "documented success conforms", vendor: v, op: res, status: 200, example: "success"},
		{reason: "missing nik", vendor: v, op: res, status: 200, example: "success",
			patch: `[{"op":"remove","path":"/data/nik"}]`, want: []idPointer{br("field-missing", "/data/nik")}},
		{reason: "full_name renamed to name", vendor: v, op: res, status: 200, example: "success",
			patch: `[{"op":"move","from":"/data/full_name","path":"/data/name"}]`,
			want:  []idPointer{br("field-missing", "/data/full_name"), nt("field-undocumented", "/data/name")}},
		{reason: "boolean blur becomes a string", vendor: v, op: res, status: 200, example: "success",
			patch: `[{"op":"replace","path":"/data/image_quality/blur","value":"false"}]`,
			want:  []idPointer{br("type-mismatch", "/data/image_quality/blur")}},
		{reason: "date_of_birth moves to ISO", vendor: v, op: res, status: 200, example: "success",
			patch: `[{"op":"replace","path":"/data/date_of_birth","value":"1966-02-26"}]`,
			want:  []idPointer{br("format-violation", "/data/date_of_birth")}},
		{reason: "blur_score comes back (removed 1 Sep 2023)", vendor: v, op: res, status: 200, example: "success",
			patch: `[{"op":"add","path":"/data/blur_score","value":0.1}]`, want: []idPointer{nt("field-undocumented", "/data/blur_score")}},
		{reason: "opaque status_code is optional and accepted", vendor: v, op: res, status: 200, example: "success",
			patch: `[{"op":"add","path":"/status_code","value":"X1"}]`},
		{reason: "new in-200 error_code", vendor: v, op: res, status: 200, body: `{"data": {}, "error_code": "FAIL_ON_2", "message": "fail on quality"}`,
			want: []idPointer{br("error-code-undocumented", "/error_code")}},
		{reason: "in-200 error with data filled: the documents know no field in it", vendor: v, op: res, status: 200, body: `{"data": {"nik": "x"}, "error_code": "FAIL_ON_1", "message": "fail on quality"}`,
			want: []idPointer{nt("field-undocumented", "/data/nik")}},
		{reason: "not-found code on HTTP 400", vendor: v, op: res, status: 400, body: `{"message": "Reference ID not found", "error_code": "INVALID_PAYLOAD_REFERENCE_ID_NOT_FOUND"}`,
			want: []idPointer{br("error-code-status-mismatch", "/error_code")}},
		{reason: "message of a documented code changed", vendor: v, op: res, status: 404, body: `{"message": "reference not found", "error_code": "INVALID_PAYLOAD_REFERENCE_ID_NOT_FOUND"}`,
			want: []idPointer{nt("message-changed", "/message")}},
		{reason: "429 is not documented for KTP OCR", vendor: v, op: res, status: 429, body: `{"message": "Too Many Request"}`,
			want: []idPointer{br("status-undocumented", "")}},
		{reason: "401 gains an error_code", vendor: v, op: res, status: 401, body: `{"message": "Authorization failed", "error_code": "UNAUTHORIZED"}`,
			want: []idPointer{br("error-code-undocumented", "/error_code"), nt("field-undocumented", "/error_code")}},
		{reason: "envelope migrated: data renamed to result", vendor: v, op: res, status: 200, example: "success",
			patch: `[{"op":"move","from":"/data","path":"/result"}]`,
			want:  []idPointer{br("field-missing", "/data"), nt("field-undocumented", "/result")}},
		{reason: "submit success", vendor: v, op: sub, status: 200, body: ok},
		{reason: "submit answers without reference_id (RESEARCH [F] states the answer's reference_id)", vendor: v, op: sub, status: 200, body: `{"message": "ok", "data": {}}`,
			want: []idPointer{br("field-missing", "/data/reference_id")}},
		{reason: "submit quota code on 429 instead of 403", vendor: v, op: sub, status: 429, body: `{"message": "quota", "error_code": "INSUFFICIENT_QUOTA"}`,
			want: []idPointer{br("status-undocumented", ""), br("error-code-status-mismatch", "/error_code")}},
	})
}

func TestDriftKredibel(t *testing.T) {
	const v, op = "kredibel", "ocrKtp"
	ok := string(readTestdata(t, "kredibel-success.json"))
	runDrift(t, []drift{
		{reason: "synthetic success conforms", vendor: v, op: op, status: 200, body: ok},
		{reason: "missing identityId", vendor: v, op: op, status: 200, body: ok,
			patch: `[{"op":"remove","path":"/data/result/identityId"}]`, want: []idPointer{br("field-missing", "/data/result/identityId")}},
		{reason: "information moved into result: a notice, its place beside result is inferred", vendor: v, op: op, status: 200, body: ok,
			patch: `[{"op":"move","from":"/data/information","path":"/data/result/information"}]`,
			want:  []idPointer{nt("field-missing", "/data/information"), nt("field-undocumented", "/data/result/information")}},
		{reason: "tilt becomes a string: a notice, information's place is inferred", vendor: v, op: op, status: 200, body: ok,
			patch: `[{"op":"replace","path":"/data/information/tilt","value":"0.5"}]`, want: []idPointer{nt("type-mismatch", "/data/information/tilt")}},
		{reason: "birthDate moves to ISO", vendor: v, op: op, status: 200, body: ok,
			patch: `[{"op":"replace","path":"/data/result/birthDate","value":"1990-01-01"}]`, want: []idPointer{br("format-violation", "/data/result/birthDate")}},
		{reason: "documented error type on a 4XX", vendor: v, op: op, status: 422,
			body: `{"message": "no card", "errors": {"errorId": "5b0c6c1e-8d7a-4c55-9a51-2f3b1c0d9e11", "errorType": "card_not_found"}}`},
		{reason: "new error type", vendor: v, op: op, status: 400,
			body: `{"message": "blurry", "errors": {"errorId": "5b0c6c1e-8d7a-4c55-9a51-2f3b1c0d9e11", "errorType": "image_too_blurry"}}`,
			want: []idPointer{br("error-code-undocumented", "/errors/errorType")}},
		{reason: "error type on a 5XX", vendor: v, op: op, status: 500,
			body: `{"message": "oops", "errors": {"errorId": "5b0c6c1e-8d7a-4c55-9a51-2f3b1c0d9e11", "errorType": "parsing_failed"}}`,
			want: []idPointer{br("error-code-status-mismatch", "/errors/errorType")}},
		{reason: "documented validation error", vendor: v, op: op, status: 400,
			body: `{"errors": {"img": ["Unknown field."]}, "message": "Input payload validation failed."}`},
		{reason: "5XX with a message is documented and free", vendor: v, op: op, status: 503, body: `{"message": "Service unavailable"}`},
		{reason: "envelope migrated: message dropped for status", vendor: v, op: op, status: 200, body: ok,
			patch: `[{"op":"move","from":"/message","path":"/status"}]`,
			want:  []idPointer{br("field-missing", "/message"), nt("field-undocumented", "/status")}},
		{reason: "3XX is not documented", vendor: v, op: op, status: 302, body: `{"message": "moved"}`,
			want: []idPointer{br("status-undocumented", "")}},
	})
}

func TestDriftAdvance(t *testing.T) {
	const v, ocr, tok = "advance", "ocrKtpCheck", "generateToken"
	runDrift(t, []drift{
		{reason: "documented success conforms", vendor: v, op: ocr, status: 200, example: "success"},
		{reason: "missing idNumber", vendor: v, op: ocr, status: 200, example: "success",
			patch: `[{"op":"remove","path":"/data/idNumber"}]`, want: []idPointer{br("field-missing", "/data/idNumber")}},
		{reason: "idNumber renamed to nik", vendor: v, op: ocr, status: 200, example: "success",
			patch: `[{"op":"move","from":"/data/idNumber","path":"/data/nik"}]`,
			want:  []idPointer{br("field-missing", "/data/idNumber"), nt("field-undocumented", "/data/nik")}},
		{reason: "birthday in dd-MM-yyyy like birthPlaceBirthday", vendor: v, op: ocr, status: 200, example: "success",
			patch: `[{"op":"replace","path":"/data/birthday","value":"01-06-1989"}]`, want: []idPointer{br("format-violation", "/data/birthday")}},
		{reason: "prose's JSON null for birthday is accepted", vendor: v, op: ocr, status: 200, example: "successNoCommaOrSpace",
			patch: `[{"op":"replace","path":"/data/birthday","value":null},{"op":"replace","path":"/data/placeOfBirth","value":null}]`},
		{reason: "type change: transactionId becomes a number", vendor: v, op: ocr, status: 200, example: "success",
			patch: `[{"op":"replace","path":"/transactionId","value":123}]`, want: []idPointer{br("type-mismatch", "/transactionId")}},
		{reason: "new code", vendor: v, op: ocr, status: 200, example: "ocrNoResult",
			patch: `[{"op":"replace","path":"/code","value":"OCR_LOW_QUALITY"}]`,
			want:  []idPointer{br("error-code-undocumented", "/code")}},
		{reason: "a free error suddenly billed", vendor: v, op: ocr, status: 200, example: "imageInvalidSize",
			patch: `[{"op":"replace","path":"/pricingStrategy","value":"PAY"}]`, want: []idPointer{br("billing-flag-mismatch", "/pricingStrategy")}},
		{reason: "a billed error suddenly free", vendor: v, op: ocr, status: 200, example: "ocrNoResult",
			patch: `[{"op":"replace","path":"/pricingStrategy","value":"FREE"}]`, want: []idPointer{br("billing-flag-mismatch", "/pricingStrategy")}},
		{reason: "SUCCESS may not be charged (Glossary)", vendor: v, op: ocr, status: 200, example: "success",
			patch: `[{"op":"replace","path":"/pricingStrategy","value":"FREE"}]`},
		{reason: "billing flag outside FREE|PAY", vendor: v, op: ocr, status: 200, example: "success",
			patch: `[{"op":"replace","path":"/pricingStrategy","value":"MAYBE"}]`, want: []idPointer{br("value-not-in-set", "/pricingStrategy")}},
		{reason: "SERVICE_BUSY migrated to 429, as announced", vendor: v, op: ocr, status: 429, header: http.Header{"Retry-After": {"10s"}},
			body: `{"code":"SERVICE_BUSY","message":"Rate limit is exceeded, please retry after the suggested time in HTTP Header.","data":null,"extra":null,"transactionId":"t1","pricingStrategy":"FREE"}`},
		{reason: "a Glossary code on HTTP 429 other than SERVICE_BUSY (no page states a code's status: a notice)", vendor: v, op: ocr, status: 429, example: "imageInvalidSize",
			header: http.Header{"Retry-After": {"10"}},
			want:   []idPointer{nt("error-code-status-mismatch", "/code")}},
		{reason: "code on a status never documented (the status is breaking; the code's own status is inferred: a notice)", vendor: v, op: ocr, status: 500, example: "ocrNoResult",
			want: []idPointer{br("status-undocumented", ""), nt("error-code-status-mismatch", "/code")}},
		{reason: "SUCCESS with data null", vendor: v, op: ocr, status: 200, example: "success",
			patch: `[{"op":"replace","path":"/data","value":null}]`, want: []idPointer{br("type-mismatch", "/data")}},
		{reason: "envelope migrated to success/data/error", vendor: v, op: ocr, status: 200,
			body: `{"success": true, "data": null, "error": null, "pricingStrategy": "PAY", "transactionId": "t1"}`,
			want: []idPointer{br("field-missing", "/code"), br("field-missing", "/extra"), br("field-missing", "/message"),
				nt("field-undocumented", "/error"), nt("field-undocumented", "/success")}},
		{reason: "token success conforms", vendor: v, op: tok, status: 200, example: "success"},
		{reason: "token expiredTime becomes seconds as a string", vendor: v, op: tok, status: 200, example: "success",
			patch: `[{"op":"replace","path":"/data/expiredTime","value":"1642580192"}]`, want: []idPointer{br("type-mismatch", "/data/expiredTime")}},
		{reason: "token success billed", vendor: v, op: tok, status: 200, example: "success",
			patch: `[{"op":"replace","path":"/pricingStrategy","value":"PAY"}]`, want: []idPointer{br("billing-flag-mismatch", "/pricingStrategy")}},
		{reason: "token message reworded (ACCOUNT_DISABLED's one message; PARAMETER_ERROR's list is open)", vendor: v, op: tok, status: 200, example: "accountDisabled",
			patch: `[{"op":"replace","path":"/message","value":"Account is disabled"}]`, want: []idPointer{nt("message-changed", "/message")}},
	})
}

// One cause, one finding, at its place: a body that matches no documented branch because of its code is
// reported at the code, not as the missing fields of a branch it never claimed. What it carries that the
// schema does not know is still said (what came).
func TestOneCauseOneFinding(t *testing.T) {
	const vh, res = "verihubs", "getExtractKtpAsyncResult"
	const adv, ocr = "advance", "ocrKtpCheck"
	runDrift(t, []drift{
		{reason: "Verihubs' in-200 error_code renamed: the code is missing, and the new name is unknown", vendor: vh, op: res, status: 200, example: "ktpNotDetected",
			patch: `[{"op":"move","from":"/error_code","path":"/errorCode"}]`,
			want:  []idPointer{br("field-missing", "/error_code"), nt("field-undocumented", "/errorCode")}},
		{reason: "Verihubs' in-200 error_code moved into data", vendor: vh, op: res, status: 200, example: "ktpNotDetected",
			patch: `[{"op":"move","from":"/error_code","path":"/data/error_code"}]`,
			want:  []idPointer{br("field-missing", "/error_code"), nt("field-undocumented", "/data/error_code")}},
		{reason: "Verihubs' in-200 error_code dropped: the rest is an error answer", vendor: vh, op: res, status: 200, example: "ktpNotDetected",
			patch: `[{"op":"remove","path":"/error_code"}]`,
			want:  []idPointer{br("field-missing", "/error_code")}},
		{reason: "a success with one date broken is still judged as the success it is", vendor: vh, op: res, status: 200, example: "success",
			patch: `[{"op":"replace","path":"/data/date_of_birth","value":"1966-02-26"}]`,
			want:  []idPointer{br("format-violation", "/data/date_of_birth")}},
		{reason: "ADVANCE's SUCCESS renamed OK on a success body: one undocumented code, not the error shape it never claimed", vendor: adv, op: ocr, status: 200, example: "success",
			patch: `[{"op":"replace","path":"/code","value":"OK"}]`,
			want:  []idPointer{br("error-code-undocumented", "/code")}},
	})
}

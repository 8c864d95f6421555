package specdiff

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestDiffOneFindingPerChange holds the rule of Diff (see Kinds): each change below is one edit of the
// committed spec, and the diff reports it as exactly one finding, with kontrak's severity where kontrak
// and libopenapi both see it, at a place that names it (a JSON Pointer into the spec, or the key of a
// table) and a message that says the place in words.
func TestDiffOneFindingPerChange(t *testing.T) {
	const (
		ekyc     = "specs/ekycpro.yaml"
		verihubs = "specs/verihubs.yaml"
		advance  = "specs/advance.yaml"
		kredibel = "specs/kredibel.yaml"
		retry    = "          headers:\n            Retry-After:\n              description: >-\n                The delay before a retry: \"Retry-After :10s\" (Glossary, SERVICE_BUSY and RETRY_LATER); delay-seconds\n                or an HTTP-date by RFC 9110. Not required on every 429: the Glossary shows the delay with\n                SERVICE_BUSY's rate-limit message and not with its daily-quota message; the code row's\n                retryAfter.messages says which (contradiction retry-after-daily-quota).\n              required: false\n              schema: {type: string}\n              example: \"10s\"\n          content:\n            application/json:\n              schema:\n                $ref: ../schemas/advance/ocrKtpCheck.429.json"
		ekycOp   = "/paths/~1v1~1id_ocr~1general/post"
		ocrOp    = "/paths/~1openapi~1face-recognition~1v3~1ocr-ktp-check/post"
		submitOp = "/paths/~1ktp~1id~1extract-async/post"
		resultOp = "/paths/~1ktp~1id~1extract-async~1result/get"
	)
	for _, tc := range []struct {
		reason string
		vendor string
		edits  []edit
		want   brief
		says   []string // in the message: the place in words
		not    []string // never in the finding: the values of an example
	}{
		{reason: "a removed status is one finding, status-removed, not breaking by kontrak's rule (libopenapi's removed response code, breaking by its rule, used to come too)",
			vendor: "ekycpro",
			edits:  []edit{{ekyc, "        \"401\":\n          description: >-\n            API key refused. Not on the OCR page: the balance API of the same vendor answers 401 for an invalid\n            key; the body shape is not documented anywhere, so only a `message` text is required.\n          x-kontrak-source: {page: \"https://docs.ekycpro.com/zh-cn/balance-api\", basis: inferred, note: \"the balance API answers 401 for an invalid key; status, body and the media type application/json are inferred for the OCR\"}\n          content:\n            application/json:\n              schema:\n                $ref: ../schemas/ekycpro/idOcrGeneral.401.json", ""}},
			want:   brief{"status-removed", "idOcrGeneral", ekycOp + "/responses/401", false}, says: []string{"HTTP 401"}},
		{reason: "a response header made required names the response and the header",
			vendor: "advance",
			edits:  []edit{{advance, retry, strings.Replace(retry, "required: false", "required: true", 1)}},
			want:   brief{"openapi", "ocrKtpCheck", ocrOp + "/responses/429/headers/Retry-After/required", true},
			says:   []string{"response 429 header Retry-After required changed: false → true"}},
		{reason: "a response header's schema retyped is placed at the type, not at the header",
			vendor: "advance",
			edits:  []edit{{advance, retry, strings.Replace(retry, "schema: {type: string}", "schema: {type: integer}", 1)}},
			want:   brief{"openapi", "ocrKtpCheck", ocrOp + "/responses/429/headers/Retry-After/schema/type", true},
			says:   []string{"response 429 header Retry-After schema type changed: string → integer"}},
		{reason: "a response header renamed is one rename (a removal and an addition of equal content), breaking as the removal is",
			vendor: "advance",
			edits:  []edit{{advance, retry, strings.Replace(retry, "            Retry-After:\n", "            Retry-After-Seconds:\n", 1)}},
			want:   brief{"openapi", "ocrKtpCheck", ocrOp + "/responses/429/headers/Retry-After", true},
			says:   []string{"response 429 header Retry-After renamed to Retry-After-Seconds"}},
		{reason: "a request parameter moved from the query to a header names the parameter by in and name",
			vendor: "verihubs",
			edits:  []edit{{verihubs, "        - name: reference_id\n          in: query\n", "        - name: reference_id\n          in: header\n"}},
			want:   brief{"openapi", "getExtractKtpAsyncResult", resultOp + "/parameters/0/in", true},
			says:   []string{"parameter reference_id in changed: query → header"}},
		{reason: "a request parameter renamed is one rename, named by its old in and name",
			vendor: "verihubs",
			edits:  []edit{{verihubs, "        - name: reference_id\n          in: query\n", "        - name: ref_id\n          in: query\n"}},
			want:   brief{"openapi", "getExtractKtpAsyncResult", resultOp + "/parameters/0", true},
			says:   []string{"query parameter reference_id renamed to ref_id"}},
		{reason: "a security scheme's header name changed names the scheme, in the document's components",
			vendor: "ekycpro",
			edits:  []edit{{ekyc, "      name: X-API-Key\n", "      name: X-Api-Token\n"}},
			want:   brief{"openapi", "", "/components/securitySchemes/apiKey/name", true},
			says:   []string{"security scheme apiKey name changed: X-API-Key → X-Api-Token"}},
		{reason: "a request body field retyped names the body, its media type and the field",
			vendor: "verihubs",
			edits:  []edit{{verihubs, "                validate_quality:\n                  type: boolean", "                validate_quality:\n                  type: string"}},
			want:   brief{"openapi", "submitExtractKtpAsync", submitOp + "/requestBody/content/application~1json/schema/properties/validate_quality/type", true},
			says:   []string{"request body application/json field /validate_quality type changed: boolean → string"}},
		{reason: "a request body field renamed is one rename",
			vendor: "verihubs",
			edits:  []edit{{verihubs, "                validate_quality:\n", "                validate_qual:\n"}},
			want:   brief{"openapi", "submitExtractKtpAsync", submitOp + "/requestBody/content/application~1json/schema/properties/validate_quality", true},
			says:   []string{"request body application/json field /validate_quality renamed to validate_qual"}},
		{reason: "an example's value changed names the example and the pointer in it, never the values (they may be personal data)",
			vendor: "ekycpro",
			edits:  []edit{{ekyc, `"name": "HELLO NAME"`, `"name": "OTHER NAME"`}},
			want:   brief{"openapi", "idOcrGeneral", ekycOp + "/responses/200/content/application~1json/examples/success/value/message/name", false},
			says:   []string{"response 200 application/json example success /message/name changed", "values not shown"},
			not:    []string{"HELLO", "OTHER"}},
		{reason: "a header's example changed is withheld the same way",
			vendor: "advance",
			edits:  []edit{{advance, retry, strings.Replace(retry, `example: "10s"`, `example: "12s"`, 1)}},
			want:   brief{"openapi", "ocrKtpCheck", ocrOp + "/responses/429/headers/Retry-After/example", false},
			says:   []string{"response 429 header Retry-After example changed"},
			not:    []string{"10s", "12s"}},
		{reason: "a server's URL changed is one finding, not a removal and an addition",
			vendor: "ekycpro",
			edits:  []edit{{ekyc, "  - url: https://api.ekycpro.com\n", "  - url: https://api2.ekycpro.com\n"}},
			want:   brief{"openapi", "", "/servers/0", true},
			says:   []string{"server https://api.ekycpro.com renamed to https://api2.ekycpro.com"}},
		{reason: "a server variable's default is reported (isStatusKey took \"default\" for a response status and dropped it)",
			vendor: "kredibel",
			edits:  []edit{{kredibel, "        default: https://kredibel.kontrak.invalid\n", "        default: https://other.kontrak.invalid\n"}},
			want:   brief{"openapi", "", "/servers/0/variables/vision/default", true},
			says:   []string{"variable vision default changed"}},
		{reason: "an operationId changed is libopenapi's one finding, not an operation removed and another added",
			vendor: "ekycpro",
			edits:  []edit{{ekyc, "operationId: idOcrGeneral", "operationId: idOcrGeneral2"}},
			want:   brief{"openapi", "idOcrGeneral2", ekycOp + "/operationId", true},
			says:   []string{"operationId changed: idOcrGeneral → idOcrGeneral2"}},
		{reason: "a path renamed is operation-moved, not libopenapi's path removed and path added",
			vendor: "ekycpro",
			edits:  []edit{{ekyc, "  /v1/id_ocr/general:\n", "  /v2/id_ocr/general:\n"}},
			want:   brief{"operation-moved", "idOcrGeneral", ekycOp, true},
			says:   []string{"POST /v1/id_ocr/general → POST /v2/id_ocr/general"}},
		{reason: "a change of a schema file two statuses share (advance's 429 body is its 200 envelope) is one finding naming both",
			vendor: "advance",
			edits: []edit{{"schemas/advance/ocrKtpCheck.200.json", `"message": {"description": "Status Code Explanation", "type": "string"},`,
				`"message": {"description": "Status Code Explanation", "type": ["string", "null"]},`}},
			want: brief{"field-type-changed", "ocrKtpCheck", "200,429 /message", true},
			says: []string{"HTTP 200, 429: /message type string → null,string"}},
		{reason: "a code's description, which no table comparison reads, is one extension-changed naming the code",
			vendor: "ekycpro",
			edits:  []edit{{ekyc, "description: charge , image recognition error, please check input image", "description: charge, recognition error"}},
			want:   brief{"extension-changed", "idOcrGeneral", ekycOp + "/x-kontrak-codes/codes/1/description", false},
			says:   []string{"x-kontrak-codes codes FAIL description changed"}},
		{reason: "the provenance of a response, an extension libopenapi sees as one opaque value, is placed at its leaf",
			vendor: "ekycpro",
			edits:  []edit{{ekyc, "x-kontrak-source: {page: \"https://docs.ekycpro.com/zh-cn/balance-api\", basis: inferred, note:", "x-kontrak-source: {page: \"https://docs.ekycpro.com/zh-cn/balance-api\", basis: documented, note:"}},
			want:   brief{"extension-changed", "idOcrGeneral", ekycOp + "/responses/401/x-kontrak-source/basis", false},
			says:   []string{"response 401 x-kontrak-source basis changed: inferred → documented"}},
		{reason: "a vendor page of the document's x-kontrak is compared leaf by leaf (it used to be dropped with every x-kontrak change)",
			vendor: "ekycpro",
			edits:  []edit{{ekyc, "    - https://docs.ekycpro.com/zh-cn/balance-api\n", "    - https://docs.ekycpro.com/zh-cn/balance\n"}},
			want:   brief{"extension-changed", "", "/x-kontrak/pages/1", false},
			says:   []string{"x-kontrak pages 1 changed"}},
		{reason: "a status of a callback, which kontrak does not compare, is libopenapi's one finding at the callback",
			vendor: "verihubs",
			edits:  []edit{{verihubs, "                \"4XX\":\n                  description: >-\n                    The receiver refused the result (a wrong Basic auth, a body it cannot read). What Verihubs does\n                    then (retry or drop) is not documented.\n                  x-kontrak-source: {page: \"https://docs.verihubs.com/docs/extract-ktp-async\", basis: inferred, note: \"no page documents the receiver's answer; listed so that a receiver's refusal is a documented outcome of the callback\"}\n", ""}},
			want:   brief{"openapi", "submitExtractKtpAsync", submitOp + "/callbacks/result/{$request.body#~1callback_url}/post/responses/4XX", true},
			says:   []string{"callback result (POST {$request.body#/callback_url}) response 4XX removed"}},
	} {
		t.Run(tc.reason, func(t *testing.T) {
			r, err := Diff(today(t, tc.vendor), edited(t, tc.vendor, tc.edits...))
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff([]brief{tc.want}, briefs(r.Changes)); d != "" {
				t.Fatalf("changes (-want +got):\n%s\n%v", d, r.Changes)
			}
			c := r.Changes[0]
			for _, s := range tc.says {
				if !strings.Contains(c.Message, s) {
					t.Errorf("message %q lacks %q", c.Message, s)
				}
			}
			for _, s := range tc.not {
				if strings.Contains(c.Message+c.Old+c.New, s) {
					t.Errorf("finding shows %q: %+v", s, c)
				}
			}
			if strings.HasPrefix(c.Where, "/") && c.Line == 0 {
				t.Errorf("no line for %s", c.Where)
			}
		})
	}
}

package contract_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/kontrak/kontrak/contract"
)

// Every x-kontrak-flow of the specs decodes and names what the spec documents: its result operation, the
// parameter that takes the id, the pointer of the id, and switch results that are sandbox codes of the
// result. Verihubs' submit has one, and a blur photo submitted with validate_quality has the _V result.
func TestFlows(t *testing.T) {
	c := load(t)
	n := 0
	for _, v := range c.Vendors() {
		for _, op := range v.Operations {
			f, err := op.Flow()
			if err != nil {
				t.Errorf("%v", err)
				continue
			}
			if f == nil {
				continue
			}
			n++
			if f.Operation() != op || f.ResultOperation() == nil || f.ResultOperation().Vendor != v {
				t.Errorf("%s: the flow's operations are not resolved", op.Name())
			}
		}
	}
	if n == 0 {
		t.Fatal("no operation of the specs has a flow")
	}
	op, _ := c.Operation("verihubs", "submitExtractKtpAsync")
	f, _ := op.Flow()
	fields := func(m map[string]string) func(string) (string, bool) {
		return func(name string) (string, bool) { v, ok := m[name]; return v, ok }
	}
	for _, tc := range []struct {
		result string
		fields map[string]string
		want   string
		reason string
	}{
		{"REFERENCE_ID_KTP_B", nil, "REFERENCE_ID_KTP_B", "no switch set: the submit's own result"},
		{"REFERENCE_ID_KTP_B", map[string]string{"validate_quality": "true"}, "REFERENCE_ID_KTP_B_V", "validate_quality: the result with validation"},
		{"REFERENCE_ID_KTP_B", map[string]string{"validate_quality": "false"}, "REFERENCE_ID_KTP_B", "validate_quality false is no switch"},
		{"REFERENCE_ID_KTP", map[string]string{"validate_quality": "true"}, "REFERENCE_ID_KTP", "a clean photo has no _V code: its result stays"},
	} {
		if got := f.ResultCode(tc.result, fields(tc.fields)); got != tc.want {
			t.Errorf("%s: ResultCode(%s, %v) = %s, want %s", tc.reason, tc.result, tc.fields, got, tc.want)
		}
	}
}

// A flow that names what the spec does not document is an error that names the operation and the key.
func TestFlowErrors(t *testing.T) {
	for _, tc := range []struct {
		old, new, want, reason string
	}{
		{"result: getExtractKtpAsyncResult", "result: noSuchOperation", `result "noSuchOperation" is no operation`, "an unknown result operation"},
		{"parameter: reference_id ", "parameter: referenceId ", `id.parameter "referenceId"`, "a parameter the result does not take"},
		{"exists: INVALID_PAYLOAD_REFERENCE_ID_EXISTS", "exists: NO_SUCH_CODE", "id.exists NO_SUCH_CODE", "a code outside the table"},
		{"REFERENCE_ID_KTP_B: REFERENCE_ID_KTP_B_V", "REFERENCE_ID_KTP_B: REFERENCE_ID_KTP_B_X", "REFERENCE_ID_KTP_B_X is no sandbox code", "a switch result that is no sandbox code"},
		{"answer: /data/reference_id", "answer: data/reference_id", "is not a JSON Pointer", "an answer that is no pointer"},
	} {
		t.Run(tc.reason, func(t *testing.T) {
			fsys := copyFiles(t)
			f := fsys["specs/verihubs.yaml"]
			if !strings.Contains(string(f.Data), tc.old) {
				t.Fatalf("specs/verihubs.yaml lacks %q", tc.old)
			}
			f.Data = []byte(strings.Replace(string(f.Data), tc.old, tc.new, 1))
			c, err := contract.Load(fsys)
			if err != nil {
				t.Fatal(err)
			}
			op, _ := c.Operation("verihubs", "submitExtractKtpAsync")
			_, err = op.Flow()
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "verihubs submitExtractKtpAsync: x-kontrak-flow") {
				t.Errorf("got %v, want an error naming the operation and %q", err, tc.want)
			}
		})
	}
}

func TestMethods(t *testing.T) {
	c := load(t)
	for _, tc := range []struct {
		path   string
		want   []string
		reason string
	}{
		{"/ktp/id/extract-async", []string{"POST"}, "Verihubs' submit"},
		{"/ktp/id/extract-async/result", []string{"GET"}, "Verihubs' result"},
		{"/kontrak/vision/v1/ocr/id/ktp", []string{"POST"}, "Kredibel's under a prefix"},
		{"/nowhere", nil, "no operation"},
	} {
		if got := c.Methods(tc.path); !slices.Equal(got, tc.want) {
			t.Errorf("%s: Methods(%s) = %v, want %v", tc.reason, tc.path, got, tc.want)
		}
	}
}

func TestRoutePath(t *testing.T) {
	c := load(t)
	v := c.Vendor("verihubs")
	for _, tc := range []struct {
		method, path, want, reason string
	}{
		{"POST", "/ktp/id/extract-async", "/ktp/id/extract-async", "the documented path"},
		{"POST", "/mount/point/ktp/id/extract-async", "/ktp/id/extract-async", "under a prefix"},
		{"GET", "/mount/ktp/id/extract-async/result", "/ktp/id/extract-async/result", "the result under a prefix"},
		{"GET", "/mount/ktp/id/extract-async", "/mount/ktp/id/extract-async", "another method: no operation, the path as it is"},
		{"POST", "/v1/id_ocr/general", "/v1/id_ocr/general", "another vendor's path is not this vendor's"},
	} {
		if got := v.RoutePath(tc.method, tc.path); got != tc.want {
			t.Errorf("%s: RoutePath(%s %s) = %s, want %s", tc.reason, tc.method, tc.path, got, tc.want)
		}
	}
}

func TestHostKind(t *testing.T) {
	c := load(t)
	for _, tc := range []struct {
		vendor, url, want, reason string
	}{
		{"verihubs", "https://api.verihubs.com", contract.HostDocumented, "the documented server"},
		{"advance", "https://sg-api.advance.ai/prefix", contract.HostDocumented, "a documented regional server"},
		{"verihubs", "http://127.0.0.1:8080", contract.HostLocal, "loopback"},
		{"verihubs", "http://[::1]:8080", contract.HostLocal, "IPv6 loopback"},
		{"verihubs", "http://localhost:8080/x", contract.HostLocal, "localhost"},
		{"verihubs", "https://10.1.2.3", contract.HostLocal, "a private address"},
		{"verihubs", "https://sandbox.kontrak.test", contract.HostLocal, "a reserved test domain"},
		{"verihubs", "https://proxy.example.com", contract.HostUndocumented, "another host, where the vendor documents its own"},
		{"kredibel", "https://vision.kredibel.example.net", contract.HostUnstated, "Kredibel documents no host: the configured one cannot be confirmed"},
		{"kredibel", "https://kredibel.kontrak.invalid", contract.HostLocal, "kontrak's own placeholder"},
	} {
		if got := c.Vendor(tc.vendor).HostKind(tc.url); got != tc.want {
			t.Errorf("%s: %s HostKind(%s) = %s, want %s", tc.reason, tc.vendor, tc.url, got, tc.want)
		}
	}
	if h := c.Vendor("kredibel").Hosts(); len(h) != 0 {
		t.Errorf("Kredibel documents no host, Hosts = %v", h)
	}
}

// The request rules a sandbox applies are spec rows: an operation whose request schema is closed
// (additionalProperties false) answers an unknown field with a refusal, never lets it through; every
// operation with a request body says what a body over its limit gets; and every value bound of a request
// schema that is no signature input nor the image has a row for its violation.
func TestRequestRulesAreRows(t *testing.T) {
	c := load(t)
	for _, v := range c.Vendors() {
		for _, op := range v.Operations {
			if op.RequestSchema == nil && len(op.Parameters) == 0 {
				continue
			}
			if op.Request == nil {
				t.Errorf("%s: a request and no x-kontrak-request", op.Name())
				continue
			}
			if op.RequestSchema != nil && op.RequestSchema["additionalProperties"] == false {
				if a := op.Request.Answer("unknown", ""); a == nil || a.Accept {
					t.Errorf("%s: the request schema is closed and x-kontrak-request lets an unknown field through", op.Name())
				}
			}
			if a := op.Request.Answer("bodySize", ""); a == nil || a.Accept {
				t.Errorf("%s: no x-kontrak-request row says what a body over the limit gets", op.Name())
			}
			props, _ := op.RequestSchema["properties"].(map[string]any)
			image, _ := op.ImageField()
			for name, p := range props {
				m, _ := p.(map[string]any)
				bounded := false
				for _, k := range []string{"pattern", "minimum", "maximum", "minLength", "maxLength", "format"} {
					_, has := m[k]
					bounded = bounded || has
				}
				if !bounded || signed(op, name) || name == image { // the image's rules are x-kontrak-image's
					continue
				}
				if a := op.Request.Answer("value", name); a == nil || a.Accept {
					t.Errorf("%s: %s has documented bounds and no x-kontrak-request row for a value outside them", op.Name(), name)
				}
			}
		}
	}
}

// signed reports whether a field is an input of the operation's signature (the signature rule checks it).
func signed(op *contract.Operation, name string) bool {
	if op.Signature == nil {
		return false
	}
	return name == op.Signature.Field || slices.Contains(op.Signature.Concatenation, name)
}

package contract_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	jsonpatch "github.com/evanphx/json-patch/v5"
	"github.com/google/go-cmp/cmp"

	kontrak "github.com/kontrak/kontrak"
	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/internal/wire"
)

var (
	loadOnce sync.Once
	loaded   *contract.Contract
	loadErr  error
)

func load(t testing.TB) *contract.Contract {
	t.Helper()
	loadOnce.Do(func() { loaded, loadErr = contract.Load(kontrak.Files) })
	if loadErr != nil {
		t.Fatalf("Load: %v", loadErr)
	}
	return loaded
}

// The operations other tools call by id (issue "The contract"): they must exist exactly so.
func TestFixedOperations(t *testing.T) {
	c := load(t)
	for _, tc := range []struct{ vendor, op, route string }{
		{"verihubs", "submitExtractKtpAsync", "POST /ktp/id/extract-async"},
		{"verihubs", "getExtractKtpAsyncResult", "GET /ktp/id/extract-async/result"},
		{"advance", "generateToken", "POST /openapi/auth/ticket/v1/generate-token"},
		{"advance", "ocrKtpCheck", "POST /openapi/face-recognition/v3/ocr-ktp-check"},
		{"ekycpro", "idOcrGeneral", "POST /v1/id_ocr/general"},
		{"kredibel", "ocrKtp", "POST /v1/ocr/id/ktp"},
	} {
		op, err := c.Operation(tc.vendor, tc.op)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		if op.Route() != tc.route {
			t.Errorf("%s %s: route %q, want %q", tc.vendor, tc.op, op.Route(), tc.route)
		}
		method, path, _ := cut(tc.route)
		if got, ok := c.Lookup(method, "/some/prefix"+path); !ok || got != op {
			t.Errorf("Lookup(%s, prefix+%s) = %v, want %s", method, path, got, op.Name())
		}
	}
}

func cut(route string) (string, string, bool) {
	for i := range route {
		if route[i] == ' ' {
			return route[:i], route[i+1:], true
		}
	}
	return route, "", false
}

// Every example of every spec conforms: an example is the document's own word, and the schema must
// accept it. A notice is allowed only where a contradiction of the spec records it (its findings, at its
// pointer, for its operation): the document disagreeing with itself, said so.
func TestExamplesConform(t *testing.T) {
	c := load(t)
	n := 0
	for _, v := range c.Vendors() {
		for _, op := range v.Operations {
			for _, r := range op.Responses {
				for _, ex := range r.Examples {
					n++
					st := exampleStatus(t, r.Status)
					// an inferred example is kontrak's own, and its personal values are synthetic
					for _, f := range op.Check(st, nil, ex.Value, contract.CheckOptions{Synthetic: ex.Source.Basis == contract.BasisInferred}) {
						if f.Severity == contract.Notice && recorded(v, op.ID, f) {
							continue
						}
						t.Errorf("%s response %s example %q: %s %s: %s", op.Name(), r.Status, ex.Name, f.Severity, f.ID, f.Message)
					}
					if ex.Source.Page == "" || (ex.Source.Basis != "documented" && ex.Source.Basis != "inferred") {
						t.Errorf("%s response %s example %q: source %+v lacks a page or a basis", op.Name(), r.Status, ex.Name, ex.Source)
					}
				}
			}
		}
	}
	if n < 20 {
		t.Errorf("only %d examples in all specs; the documents give more than 20", n)
	}
}

// recorded reports whether a contradiction of v records finding f of operation op.
func recorded(v *contract.Vendor, op string, f contract.Finding) bool {
	for _, ct := range v.Contradictions {
		if (ct.Operation == "" || ct.Operation == op) && ct.Pointer == f.Pointer {
			for _, id := range ct.Findings {
				if id == f.ID {
					return true
				}
			}
		}
	}
	return false
}

func exampleStatus(t *testing.T, key string) int {
	if n, err := strconv.Atoi(key); err == nil {
		return n
	}
	if len(key) == 3 && key[1:] == "XX" {
		return int(key[0]-'0') * 100
	}
	t.Fatalf("cannot pick a status for response key %q", key)
	return 0
}

// Every fact carries its provenance: codes, sandbox codes, responses, operations.
func TestProvenance(t *testing.T) {
	c := load(t)
	ok := func(s contract.Source) bool {
		return s.Page != "" && (s.Basis == "documented" || s.Basis == "inferred")
	}
	for _, v := range c.Vendors() {
		for _, ct := range v.Contradictions {
			if ct.ID == "" || ct.Text == "" || ct.Resolution == "" || !ok(ct.Source) {
				t.Errorf("%s contradiction %q: needs id, text, resolution and a source", v.ID, ct.ID)
			}
		}
		for _, op := range v.Operations {
			if !ok(op.Source) {
				t.Errorf("%s: operation source %+v", op.Name(), op.Source)
			}
			for _, r := range op.Responses {
				if !ok(r.Source) {
					t.Errorf("%s response %s: source %+v", op.Name(), r.Status, r.Source)
				}
			}
			for _, code := range op.Codes.Codes {
				if !ok(code.Source) {
					t.Errorf("%s code %s: source %+v", op.Name(), code.Code, code.Source)
				}
			}
			for _, sp := range op.Sandbox {
				for _, sc := range sp.Codes {
					if !ok(sc.Source) || sc.Outcome.Status == 0 {
						t.Errorf("%s sandbox %s: needs an outcome status and a source", op.Name(), sc.Value)
					}
				}
			}
		}
	}
}

// drift is one drifted answer and the findings it must yield, compared whole (id and pointer).
type drift struct {
	reason string
	vendor string
	op     string
	status int
	// body is the answer: a JSON document, or example plus patch (RFC 6902) on the named example.
	body    string
	example string
	patch   string
	strict  bool
	header  http.Header
	want    []idPointer
	// synthetic: the body's personal values are kontrak's own (a fixture with a synthetic NIK)
	synthetic bool
}

type idPointer struct {
	ID       string
	Pointer  string
	Severity contract.Severity
}

func br(id, pointer string) idPointer { return idPointer{id, pointer, contract.Breaking} }
func nt(id, pointer string) idPointer { return idPointer{id, pointer, contract.Notice} }

// syntheticFixtureNIK is the NIK of testdata/kredibel-success.json, kontrak's own fixture: a body that holds
// it is synthetic (CheckOptions.Synthetic).
const syntheticFixtureNIK = "0071010101900001"

// testDay is the day of every check of the drift tables: a date of birth is judged against it.
func testDay() time.Time { return time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC) }

func runDrift(t *testing.T, cases []drift) {
	c := load(t)
	for _, tc := range cases {
		t.Run(tc.vendor+"/"+tc.reason, func(t *testing.T) {
			op, err := c.Operation(tc.vendor, tc.op)
			if err != nil {
				t.Fatal(err)
			}
			body := []byte(tc.body)
			if tc.example != "" {
				body = example(t, op, tc.example)
			}
			if tc.patch != "" {
				p, err := jsonpatch.DecodePatch([]byte(tc.patch))
				if err != nil {
					t.Fatalf("patch: %v", err)
				}
				if body, err = p.Apply(body); err != nil {
					t.Fatalf("applying patch to %s: %v", tc.example, err)
				}
			}
			fs := op.Check(tc.status, tc.header, body, contract.CheckOptions{Strict: tc.strict, Now: testDay,
				Synthetic: tc.synthetic || tc.body != "" && bytes.Contains(body, []byte(syntheticFixtureNIK))})
			got := []idPointer{}
			for _, f := range fs {
				got = append(got, idPointer{f.ID, f.Pointer, f.Severity})
				if f.Source == "" || f.Message == "" || f.Expected == "" || f.Actual == "" {
					t.Errorf("finding %s at %q lacks source, message, expected or actual: %+v", f.ID, f.Pointer, f)
				}
			}
			want := tc.want
			if want == nil {
				want = []idPointer{}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
		})
	}
}

// example returns the named example of any response of op.
func example(t testing.TB, op *contract.Operation, name string) []byte {
	t.Helper()
	for _, r := range op.Responses {
		for _, ex := range r.Examples {
			if ex.Name == name {
				return ex.Value
			}
		}
	}
	t.Fatalf("%s has no example %q", op.Name(), name)
	return nil
}

func TestDriftEkycpro(t *testing.T) {
	const v, op = "ekycpro", "idOcrGeneral"
	envelope := `{"success": true, "data": {"id": "3171010101900001"}, "error": null, "pricingStrategy": "PAY", "transactionId": "t1"}`
	// The documented success example's NIK encodes a woman born 03-02-1982; its body says a man born
	// 01-01-1961: two notices, recorded as the contradiction nik-disagrees-with-body.
	nikDate, nikGender := nt("nik-birthdate-mismatch", "/message/id"), nt("nik-gender-mismatch", "/message/id")
	runDrift(t, []drift{
		{reason: "documented success conforms, with its recorded NIK notices", vendor: v, op: op, status: 200, example: "success",
			want: []idPointer{nikDate, nikGender}},
		{reason: "missing field", vendor: v, op: op, status: 200, example: "success",
			patch: `[{"op":"remove","path":"/message/id"}]`, want: []idPointer{br("field-missing", "/message/id")}},
		{reason: "renamed field nationnality to nationality: its absence is a notice, the document says it may be empty", vendor: v, op: op, status: 200, example: "success",
			patch: `[{"op":"move","from":"/message/nationnality","path":"/message/nationality"}]`,
			want:  []idPointer{nt("field-missing", "/message/nationnality"), nt("field-undocumented", "/message/nationality"), nikDate, nikGender}},
		{reason: "type change rt to a number", vendor: v, op: op, status: 200, example: "success",
			patch: `[{"op":"replace","path":"/message/rt","value":6}]`, want: []idPointer{br("type-mismatch", "/message/rt"), nikDate, nikGender}},
		{reason: "date format changed to ISO", vendor: v, op: op, status: 200, example: "success",
			patch: `[{"op":"replace","path":"/message/dob","value":"1961-01-01"}]`, want: []idPointer{br("format-violation", "/message/dob"), nikGender}},
		{reason: "empty dob is documented (maybe empty)", vendor: v, op: op, status: 200, example: "success",
			patch: `[{"op":"replace","path":"/message/dob","value":""}]`, want: []idPointer{nikGender}},
		{reason: "new code: one finding, from the table (the schema lists no codes)", vendor: v, op: op, status: 200, body: `{"status": "QUOTA_EXCEEDED", "message": "no quota"}`,
			want: []idPointer{br("error-code-undocumented", "/status")}},
		{reason: "code on the wrong status (its status is only inferred: a notice, beside the breaking undocumented status)", vendor: v, op: op, status: 500, example: "fail",
			want: []idPointer{br("status-undocumented", ""), nt("error-code-status-mismatch", "/status")}},
		{reason: "envelope migrated to success/data/error", vendor: v, op: op, status: 200, body: envelope,
			want: []idPointer{
				br("field-missing", "/message"), br("field-missing", "/status"),
				nt("field-undocumented", "/data"), nt("field-undocumented", "/error"), nt("field-undocumented", "/pricingStrategy"),
				nt("field-undocumented", "/success"), nt("field-undocumented", "/transactionId"),
			}},
		{reason: "message text changed is a notice", vendor: v, op: op, status: 200, example: "fail",
			patch: `[{"op":"replace","path":"/message","value":"please retry"}]`, want: []idPointer{nt("message-changed", "/message")}},
		{reason: "strict makes a notice breaking", vendor: v, op: op, status: 200, example: "fail", strict: true,
			patch: `[{"op":"replace","path":"/message","value":"please retry"}]`, want: []idPointer{br("message-changed", "/message")}},
		{reason: "result object on a failure", vendor: v, op: op, status: 200, example: "success",
			patch: `[{"op":"replace","path":"/status","value":"FAIL"}]`, want: []idPointer{br("type-mismatch", "/message")}},
		{reason: "HTML instead of JSON", vendor: v, op: op, status: 200, body: `<html>502 Bad Gateway</html>`,
			want: []idPointer{br("body-not-json", "")}},
		{reason: "empty body", vendor: v, op: op, status: 200, body: ``, want: []idPointer{br("body-not-json", "")}},
		{reason: "refused key with a message", vendor: v, op: op, status: 401, body: `{"message": "invalid api key"}`},
	})
}

// goWords are Go's and gojsonschema's names, which a finding never shows.
var goWords = regexp.MustCompile(`json\.Number|map\[|\[\]interface|\(root\)|\b(number|string|array)_(gte?|lte?|min|max)|invalid_type|condition_(then|else)|additional_property`)

// Check never panics and always answers, whatever the bytes, the status and the headers; and what it
// answers holds the invariants of a finding. Seeds: every documented example, and one body for each
// case of issue 8 under testdata/fuzz/FuzzCheck.
func FuzzCheck(f *testing.F) {
	c := load(f)
	for _, v := range c.Vendors() {
		for _, op := range v.Operations {
			for _, r := range op.Responses {
				for _, ex := range r.Examples {
					f.Add(ex.Value, 200, "", "")
				}
			}
		}
	}
	f.Add([]byte(`{"data": {"nik": 1}, "error_code": []}`), 404, "application/json", "")
	f.Add([]byte(`[1, 2, {"status": null}]`), 429, "", "")
	f.Add([]byte("\xff\xfe"), 599, "text/html", "gzip")
	known := map[string]contract.Severity{}
	for _, r := range contract.Rules() {
		known[r.ID] = r.Severity
	}
	f.Fuzz(func(t *testing.T, body []byte, status int, contentType, encoding string) {
		h := http.Header{}
		if contentType != "" {
			h.Set("Content-Type", contentType)
		}
		if encoding != "" {
			h.Set("Content-Encoding", encoding)
		}
		for _, v := range c.Vendors() {
			for _, op := range v.Operations {
				fs := op.Check(status, h, body, contract.CheckOptions{})
				for _, x := range fs {
					sev, ok := known[x.ID]
					switch {
					case x.ID == contract.CheckFailed:
						t.Fatalf("%s: Check failed on its input: %s", op.Name(), x.Message)
					case !ok || x.Severity != sev && !(sev == contract.Breaking && x.Inferred && inferredFact(c, op, x)):
						t.Fatalf("%s: finding of an unknown rule or severity %+v", op.Name(), x)
					case x.Pointer != "" && !strings.HasPrefix(x.Pointer, "/"):
						t.Fatalf("%s: pointer %q is no JSON Pointer", op.Name(), x.Pointer)
					case x.Expected == "" || x.Actual == "" || !strings.HasPrefix(x.Message, op.Name()+": "):
						t.Fatalf("%s: finding without expected, actual or a message naming the operation %+v", op.Name(), x)
					case goWords.MatchString(x.Message + " " + x.Actual + " " + x.Expected):
						t.Fatalf("%s: a Go or library word in %+v", op.Name(), x)
					}
				}
				if again := op.Check(status, h, body, contract.CheckOptions{}); !cmp.Equal(fs, again) {
					t.Fatalf("%s: two checks of one answer differ:\n%s", op.Name(), cmp.Diff(fs, again))
				}
				strict := op.Check(status, h, body, contract.CheckOptions{Strict: true})
				if len(strict) != len(fs) || contract.HasBreaking(strict) != (len(fs) > 0) {
					t.Fatalf("%s: strict mode must make every finding breaking, and only those", op.Name())
				}
				cl := op.Classify(status, body)
				if cl.Status != status {
					t.Fatalf("%s: Classify changed the status", op.Name())
				}
				if _, err := wire.DecodeJSONStrict(body); err != nil && (cl.Code != "" || cl.Flag != "") {
					t.Fatalf("%s: Classify read a code from a body that is not JSON: %+v", op.Name(), cl)
				}
				_, _ = contract.Canonical(op, body)
			}
		}
		_, _ = contract.Lookup(body, string(body))
	})
}

// Bad specs give a one-line error naming the file and the place.
func TestLoadErrors(t *testing.T) {
	good, err := kontrak.Files.ReadFile("specs/ekycpro.yaml")
	if err != nil {
		t.Fatal(err)
	}
	schema, _ := kontrak.Files.ReadFile("schemas/ekycpro/idOcrGeneral.200.json")
	schema401, _ := kontrak.Files.ReadFile("schemas/ekycpro/idOcrGeneral.401.json")
	for _, tc := range []struct {
		reason string
		files  map[string]string
		want   string
	}{
		{"no specs at all", map[string]string{"README.md": "x"}, "specs: no vendor specs (*.yaml) found"},
		{"invalid YAML", map[string]string{"specs/x.yaml": "openapi: [3.1\n  :"}, "specs/x.yaml: invalid YAML: "},
		{"missing schema file", map[string]string{"specs/ekycpro.yaml": string(good)},
			"specs/ekycpro.yaml: operation idOcrGeneral: response 200: schema schemas/ekycpro/idOcrGeneral.200.json: open schemas/ekycpro/idOcrGeneral.200.json: file does not exist"},
		{"misspelt key in a code table", map[string]string{
			"specs/ekycpro.yaml":                    replace(string(good), "messagePointer: /message", "messagePointr: /message"),
			"schemas/ekycpro/idOcrGeneral.200.json": string(schema), "schemas/ekycpro/idOcrGeneral.401.json": string(schema401)},
			`specs/ekycpro.yaml: /paths/~1v1~1id_ocr~1general/post/x-kontrak-codes: unknown key "messagePointr"`},
		{"broken schema JSON", map[string]string{
			"specs/ekycpro.yaml": string(good), "schemas/ekycpro/idOcrGeneral.200.json": "{", "schemas/ekycpro/idOcrGeneral.401.json": string(schema401)},
			"specs/ekycpro.yaml: operation idOcrGeneral: response 200: schema schemas/ekycpro/idOcrGeneral.200.json: "},
	} {
		t.Run(tc.reason, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for name, data := range tc.files {
				fsys[name] = &fstest.MapFile{Data: []byte(data)}
			}
			_, err := contract.Load(fsys)
			if err == nil {
				t.Fatalf("Load succeeded, want an error starting %q", tc.want)
			}
			msg := err.Error()
			if len(msg) < len(tc.want) || msg[:len(tc.want)] != tc.want {
				t.Errorf("error %q\nwant prefix %q", msg, tc.want)
			}
			for _, r := range msg {
				if r == '\n' {
					t.Errorf("error is not one line: %q", msg)
				}
			}
		})
	}
}

func replace(s, old, new string) string {
	for i := 0; i+len(old) <= len(s); i++ {
		if s[i:i+len(old)] == old {
			return s[:i] + new + s[i+len(old):]
		}
	}
	panic("replace: " + old + " not found")
}

// successBody is each vendor's documented success body, for the benchmarks; Kredibel documents none, so
// its body is the synthetic one of testdata (the fields and formats of its result table).
func successBody(tb testing.TB, c *contract.Contract, vendor string) (*contract.Operation, []byte) {
	tb.Helper()
	documented := map[string][2]string{
		"verihubs": {"getExtractKtpAsyncResult", ""},
		"advance":  {"ocrKtpCheck", ""},
		"ekycpro":  {"idOcrGeneral", "success"},
	}
	if vendor == "kredibel" {
		op, _ := c.Operation("kredibel", "ocrKtp")
		return op, readTestdata(tb, "kredibel-success.json")
	}
	which, ok := documented[vendor]
	if !ok {
		tb.Fatalf("%s: no success body chosen for the benchmark", vendor)
	}
	op, err := c.Operation(vendor, which[0])
	if err != nil {
		tb.Fatal(err)
	}
	if which[1] != "" {
		return op, example(tb, op, which[1])
	}
	return op, op.Response(200).Examples[0].Value
}

// BenchmarkCheck judges each vendor's success body. A documented example may carry the notices a
// contradiction of its spec records (ekycpro's NIK disagrees with its own body); any other finding fails
// the benchmark, and so does a change in the number of findings between iterations.
// inferredFact reports whether a finding of a breaking rule may be a notice (the Policy): it cites an
// inferred source, or its place is marked with x-kontrak-basis in a schema of the operation.
func inferredFact(c *contract.Contract, op *contract.Operation, f contract.Finding) bool {
	if strings.Contains(f.Source, "("+contract.BasisInferred+")") {
		return true
	}
	for _, r := range op.Responses {
		fs, _ := c.Fields(r)
		for _, fl := range fs {
			if fl.Basis != "" && (f.Pointer == fl.Pointer || strings.HasPrefix(f.Pointer, fl.Pointer+"/")) {
				return true
			}
		}
	}
	return false
}

func BenchmarkCheck(b *testing.B) {
	c := load(b)
	for _, v := range c.Vendors() {
		op, body := successBody(b, c, v.ID)
		b.Run(v.ID, func(b *testing.B) {
			want := op.Check(200, nil, body, contract.CheckOptions{})
			for _, f := range want {
				if f.Severity != contract.Notice || !recorded(v, op.ID, f) {
					b.Fatalf("documented success body drifts: %+v", f)
				}
			}
			b.ReportAllocs()
			for b.Loop() {
				if fs := op.Check(200, nil, body, contract.CheckOptions{}); len(fs) != len(want) {
					b.Fatalf("documented success body drifts: %+v", fs)
				}
			}
		})
	}
}

func BenchmarkDecode(b *testing.B) {
	c := load(b)
	for _, v := range c.VendorIDs() {
		_, body := successBody(b, c, v)
		b.Run(v, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				var doc any
				if err := json.Unmarshal(body, &doc); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkRatio measures the speed target itself, Check's time over Decode's, on a machine others share:
// it alternates batches of each and keeps the fastest batch of either (the one least disturbed by the
// neighbours), reporting check/decode as a metric. A measurement, not an assertion.
func BenchmarkRatio(b *testing.B) {
	c := load(b)
	for _, v := range c.Vendors() {
		op, body := successBody(b, c, v.ID)
		want := len(op.Check(200, nil, body, contract.CheckOptions{}))
		b.Run(v.ID, func(b *testing.B) {
			const batch = 50
			best := [2]time.Duration{1 << 62, 1 << 62}
			for b.Loop() {
				for k := range 2 {
					start := time.Now()
					for range batch {
						if k == 0 {
							if len(op.Check(200, nil, body, contract.CheckOptions{})) != want {
								b.Fatal("the verdict changed between iterations")
							}
						} else {
							var doc any
							if err := json.Unmarshal(body, &doc); err != nil {
								b.Fatal(err)
							}
						}
					}
					best[k] = min(best[k], time.Since(start))
				}
			}
			b.ReportMetric(float64(best[0])/batch, "check-ns")
			b.ReportMetric(float64(best[1])/batch, "decode-ns")
			b.ReportMetric(float64(best[0])/float64(best[1]), "check/decode")
		})
	}
}

func BenchmarkLoad(b *testing.B) {
	for b.Loop() {
		if _, err := contract.Load(kontrak.Files); err != nil {
			b.Fatal(err)
		}
	}
}

// Judge is Check and Classify in one decode: on every documented example, under every documented
// status and under an undocumented one, as it comes and gzip-encoded, it gives Check's findings and
// Classify's classification of the body as read.
func TestJudgeIsCheckAndClassify(t *testing.T) {
	c := load(t)
	n := 0
	for _, v := range c.Vendors() {
		for _, op := range v.Operations {
			for _, r := range op.Responses {
				st, err := strconv.Atoi(strings.ReplaceAll(r.Status, "X", "0"))
				if err != nil {
					st = 500
				}
				for _, ex := range r.Examples {
					for _, status := range []int{st, 299, 418} {
						var zipped bytes.Buffer
						zw := gzip.NewWriter(&zipped)
						zw.Write(ex.Value)
						zw.Close()
						for _, enc := range []struct {
							header http.Header
							body   []byte
						}{{http.Header{"Content-Type": {"application/json"}}, ex.Value},
							{http.Header{"Content-Type": {"application/json"}, "Content-Encoding": {"gzip"}}, zipped.Bytes()},
							{http.Header{"Content-Encoding": {"gzip"}}, ex.Value}} {
							fs, cl := op.Judge(status, enc.header, enc.body, contract.CheckOptions{})
							if d := cmp.Diff(op.Check(status, enc.header, enc.body, contract.CheckOptions{}), fs); d != "" {
								t.Errorf("%s %s HTTP %d: Judge's findings differ from Check's:\n%s", op.Name(), ex.Name, status, d)
							}
							plain := enc.body
							if string(enc.body) != string(ex.Value) {
								plain = ex.Value // the body as read, after its Content-Encoding
							}
							if want := op.Classify(status, plain); cl != want {
								t.Errorf("%s %s HTTP %d: Judge classifies %+v, Classify %+v", op.Name(), ex.Name, status, cl, want)
							}
							n++
						}
					}
				}
			}
		}
	}
	if n < 100 {
		t.Fatalf("only %d cases", n)
	}
}

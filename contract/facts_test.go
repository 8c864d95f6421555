package contract_test

import (
	"encoding/json"
	"io/fs"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"github.com/xeipuuv/gojsonpointer"
	"go.yaml.in/yaml/v4"

	kontrak "github.com/kontrak/kontrak"
	"github.com/kontrak/kontrak/contract"
)

// copyFiles returns the embedded specs and schemas as a MapFS that a test may change.
func copyFiles(t testing.TB) fstest.MapFS {
	t.Helper()
	out := fstest.MapFS{}
	err := fs.WalkDir(kontrak.Files, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := kontrak.Files.ReadFile(p)
		out[p] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// mapValue returns the value node of key in a YAML mapping node, or nil.
func mapValue(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// addCodeRow appends to operation op's x-kontrak-codes table of spec file a copy of the row of code
// from, renamed to code to. It is the whole edit a new vendor code needs (besides its scenario).
func addCodeRow(t *testing.T, fsys fstest.MapFS, file, op, from, to string) {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal(fsys[file].Data, &doc); err != nil {
		t.Fatal(err)
	}
	var table *yaml.Node
	for _, item := range mapValue(doc.Content[0], "paths").Content {
		if item.Kind != yaml.MappingNode {
			continue
		}
		for i := 1; i < len(item.Content); i += 2 {
			if o := item.Content[i]; mapValue(o, "operationId") != nil && mapValue(o, "operationId").Value == op {
				table = mapValue(mapValue(o, "x-kontrak-codes"), "codes")
			}
		}
	}
	if table == nil {
		t.Fatalf("%s: operation %s has no x-kontrak-codes codes", file, op)
	}
	for _, row := range table.Content {
		if mapValue(row, "code").Value != from {
			continue
		}
		b, err := yaml.Marshal(row)
		if err != nil {
			t.Fatal(err)
		}
		var cp yaml.Node
		if err := yaml.Unmarshal(b, &cp); err != nil {
			t.Fatal(err)
		}
		mapValue(cp.Content[0], "code").Value = to
		table.Content = append(table.Content, cp.Content[0])
		out, err := yaml.Marshal(&doc)
		if err != nil {
			t.Fatal(err)
		}
		fsys[file] = &fstest.MapFile{Data: out}
		return
	}
	t.Fatalf("%s %s: no row %s to copy", file, op, from)
}

// A new vendor code is one row of the spec's x-kontrak-codes table (plus its scenario), and nothing
// else: no schema lists codes. Before the row an answer with the code is one error-code-undocumented
// finding (not also a schema value-not-in-set); after it, the answer conforms and is classified by the
// row. Each case copies an existing row, the way a reviewer adds a code the vendor announced.
func TestNewCodeIsOneTableRow(t *testing.T) {
	const newCode = "KONTRAK_NEW_CODE"
	for _, tc := range []struct {
		reason, vendor, op string
		status             int
		example, body      string // the answer: a spec example, or a literal body
		like               string // the row the new one copies
	}{
		{"an in-200 error of a result", "verihubs", "getExtractKtpAsyncResult", 200, "ktpNotDetected", "", "KTP_NOT_DETECTED"},
		{"a code of one status (formerly a per-status schema enum)", "verihubs", "getExtractKtpAsyncResult", 404, "referenceIdNotFound", "", "INVALID_PAYLOAD_REFERENCE_ID_NOT_FOUND"},
		{"an OCR code beside a shared Glossary table, with a billing flag", "advance", "ocrKtpCheck", 200, "ocrNoResult", "", "OCR_NO_RESULT"},
		{"a token code", "advance", "generateToken", 200, "clientError", "", "CLIENT_ERROR"},
		{"a status of the status table", "ekycpro", "idOcrGeneral", 200, "fail", "", "FAIL"},
		{"an error type of a 4XX", "kredibel", "ocrKtp", 422, "",
			`{"message": "no card", "errors": {"errorId": "5b0c6c1e-8d7a-4c55-9a51-2f3b1c0d9e11", "errorType": "card_not_found"}}`, "card_not_found"},
	} {
		t.Run(tc.vendor+"/"+tc.reason, func(t *testing.T) {
			before := load(t)
			op, err := before.Operation(tc.vendor, tc.op)
			if err != nil {
				t.Fatal(err)
			}
			body := []byte(tc.body)
			if tc.example != "" {
				body = example(t, op, tc.example)
			}
			body = setPointer(t, body, op.Codes.Pointer, newCode)

			got := ids(op.Check(tc.status, nil, body, contract.CheckOptions{Strict: true}))
			if diff := cmp.Diff([]idPointer{br(contract.ErrorCodeUndocumented, op.Codes.Pointer)}, got); diff != "" {
				t.Errorf("before the row (-want +got):\n%s", diff)
			}

			fsys := copyFiles(t)
			addCodeRow(t, fsys, op.Vendor.File, tc.op, tc.like, newCode)
			after, err := contract.Load(fsys)
			if err != nil {
				t.Fatalf("Load with the new row: %v", err)
			}
			op2, _ := after.Operation(tc.vendor, tc.op)
			if fs := op2.Check(tc.status, nil, body, contract.CheckOptions{Strict: true}); len(fs) != 0 {
				t.Errorf("with the row the answer should conform, got %+v", fs)
			}
			row, like := op2.Codes.Lookup(newCode), op2.Codes.Lookup(tc.like)
			if row == nil || like == nil {
				t.Fatalf("rows %s / %s not loaded", newCode, tc.like)
			}
			cl := op2.Classify(tc.status, body)
			if cl.Code != newCode || cl.Billable != row.Billable || !cl.Known {
				t.Errorf("Classify = %+v, want code %s billable %t", cl, newCode, row.Billable)
			}
		})
	}
}

func ids(fs []contract.Finding) []idPointer {
	out := []idPointer{}
	for _, f := range fs {
		out = append(out, idPointer{f.ID, f.Pointer, f.Severity})
	}
	return out
}

func setPointer(t *testing.T, body []byte, pointer, value string) []byte {
	t.Helper()
	var doc any
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	p, err := gojsonpointer.NewJsonPointer(pointer)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Set(doc, value); err != nil {
		t.Fatalf("set %s: %v", pointer, err)
	}
	out, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

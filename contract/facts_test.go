package contract_test

import (
	"encoding/json"
	"io/fs"
	"strconv"
	"strings"
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

// firstExtension finds the first occurrence of extension name in a YAML tree, depth first, with the
// JSON Pointer of its value and the mapping that holds it.
func firstExtension(n *yaml.Node, name, ptr string) (parent *yaml.Node, keyIndex int, pointer string) {
	switch n.Kind {
	case yaml.DocumentNode:
		return firstExtension(n.Content[0], name, ptr)
	case yaml.SequenceNode:
		for i, c := range n.Content {
			if p, k, at := firstExtension(c, name, ptr+"/"+strconv.Itoa(i)); p != nil {
				return p, k, at
			}
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			at := ptr + "/" + strings.ReplaceAll(strings.ReplaceAll(n.Content[i].Value, "~", "~0"), "/", "~1")
			if n.Content[i].Value == name {
				return n, i, at
			}
			if p, k, found := firstExtension(n.Content[i+1], name, at); p != nil {
				return p, k, found
			}
		}
	}
	return nil, 0, ""
}

// Every x-kontrak-* extension decodes strictly: a misspelt key anywhere in one is a Load error naming
// the file, the JSON Pointer and the key. Extensions whose value has no keys of ours (a string, or a map
// keyed by pointers) are misspelt in their own name instead, which is as much an error.
func TestMisspeltExtensionKey(t *testing.T) {
	covered := map[string]bool{}
	defer func() {
		for _, ext := range contract.ExtensionNames() {
			if !covered[ext] {
				t.Errorf("extension %s has no misspelt-key case", ext)
			}
		}
	}()
	for _, tc := range []struct {
		ext    string
		nested string // where inside the value the misspelt key goes: "" the value itself, "0" its first item, or a key
		typo   string // the misspelt key; for a value without keys, the misspelt extension name
	}{
		{"x-kontrak", "", "vendr"},
		{"x-kontrak", "env", "baseURl"},
		{"x-kontrak-source", "", "pages"},
		{"x-kontrak-codes", "", "messagePointr"},
		{"x-kontrak-codes", "codes", "billabel"},
		{"x-kontrak-billing", "", "statusus"},
		{"x-kontrak-sandbox", "0", "paramter"},
		{"x-kontrak-signature", "", "algoritm"},
		{"x-kontrak-token", "", "tokenPointr"},
		{"x-kontrak-image", "", "maxByte"},
		{"x-kontrak-env", "", "x-kontrak-envs"},
		{"x-kontrak-environment", "", "x-kontrak-enviroment"},
		{"x-kontrak-token-operation", "", "x-kontrak-token-operaton"},
		{"x-kontrak-pii", "", "x-kontrak-pi"},
		{"x-kontrak-canonical", "", "whn"},
		{"x-kontrak-request", "answers", "violaton"},
		{"x-kontrak-request", "", "unmatchd"},
		{"x-kontrak-flow", "", "reslt"},
		{"x-kontrak-flow", "id", "answr"},
		{"x-kontrak-flow", "switches", "feld"},
	} {
		covered[tc.ext] = true
		t.Run(tc.ext+"/"+tc.typo, func(t *testing.T) {
			fsys := copyFiles(t)
			var file, pointer string
			var doc yaml.Node
			files, _ := fs.Glob(fsys, "specs/*.yaml")
			for _, f := range files {
				doc = yaml.Node{}
				if err := yaml.Unmarshal(fsys[f].Data, &doc); err != nil {
					t.Fatal(err)
				}
				parent, k, at := firstExtension(&doc, tc.ext, "")
				if parent == nil {
					continue
				}
				file, pointer = f, at
				val := parent.Content[k+1]
				switch {
				case strings.HasPrefix(tc.typo, "x-kontrak"):
					parent.Content[k].Value = tc.typo
					pointer = pointer[:strings.LastIndex(pointer, "/")+1] + tc.typo
				default:
					switch tc.nested {
					case "":
					case "0":
						val = val.Content[0]
						pointer += "/0"
					default:
						val = mapValue(val, tc.nested)
						pointer += "/" + tc.nested
						if val.Kind == yaml.SequenceNode {
							val = val.Content[0]
							pointer += "/0"
						}
					}
					val.Content = append(val.Content,
						&yaml.Node{Kind: yaml.ScalarNode, Value: tc.typo}, &yaml.Node{Kind: yaml.ScalarNode, Value: "x"})
				}
				break
			}
			if file == "" {
				t.Fatalf("no spec uses %s", tc.ext)
			}
			out, err := yaml.Marshal(&doc)
			if err != nil {
				t.Fatal(err)
			}
			fsys[file] = &fstest.MapFile{Data: out}
			_, err = contract.Load(fsys)
			if err == nil {
				t.Fatalf("Load accepted %s with %q in %s", tc.ext, tc.typo, file)
			}
			msg := err.Error()
			t.Log(msg)
			for _, want := range []string{file + ": ", pointer, `"` + tc.typo + `"`} {
				if !strings.Contains(msg, want) {
					t.Errorf("error %q does not name %q", msg, want)
				}
			}
			if strings.Contains(msg, "\n") {
				t.Errorf("error is not one line: %q", msg)
			}
		})
	}
}

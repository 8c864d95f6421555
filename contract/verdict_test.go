package contract

import (
	"encoding/json"
	"io/fs"
	"strings"
	"testing"

	kontrak "github.com/kontrak/kontrak"
	"github.com/kontrak/kontrak/internal/wire"
)

// The verdict validator must agree with gojsonschema on every schema and every body: it answers "conforms"
// for gojsonschema (contract.compiledSchema.validate), so a body it let through that gojsonschema refuses
// would be a drift nobody sees. FuzzSchemaVerdict plants any JSON value, and the committed examples
// mutated, against every schema file.
func FuzzSchemaVerdict(f *testing.F) {
	c, fsys := testContract(f)
	var schemas []*compiledSchema
	for _, v := range c.vendors {
		for _, op := range v.Operations {
			for _, r := range op.Responses {
				if r.schema != nil {
					schemas = append(schemas, r.schema)
				}
				for _, ex := range r.Examples {
					f.Add(ex.Value)
					for _, m := range mutations(ex.Value) {
						f.Add(m)
					}
				}
			}
		}
	}
	for _, s := range schemas {
		if s.verdict == nil {
			f.Errorf("%s: no verdict validator (a keyword it does not implement): every body of it pays gojsonschema", s.file)
		}
	}
	_ = fsys
	f.Fuzz(func(t *testing.T, body []byte) {
		sj, err := wire.DecodeJSONStrict(body)
		if err != nil {
			return
		}
		doc := validationDoc(sj)
		for _, s := range schemas {
			if s.verdict == nil {
				continue
			}
			res, err := s.schema.Validate(decodedLoader{doc})
			if err != nil {
				continue
			}
			if got, want := s.verdict.valid(doc), res.Valid(); got != want {
				t.Fatalf("%s: verdict validator says valid=%v, gojsonschema %v (%v) on %s", s.file, got, want, res.Errors(), body)
			}
		}
	})
}

func testContract(tb testing.TB) (*Contract, fs.FS) {
	tb.Helper()
	fsys := fs.FS(kontrak.Files)
	c, err := Load(fsys)
	if err != nil {
		tb.Fatal(err)
	}
	return c, fsys
}

// mutations are the example's documented shape bent in the ways drift bends it: each member removed,
// retyped, emptied, nulled, and a member added, at every depth.
func mutations(body []byte) [][]byte {
	var doc any
	d := json.NewDecoder(strings.NewReader(string(body)))
	d.UseNumber()
	if d.Decode(&doc) != nil {
		return nil
	}
	var out [][]byte
	var walk func(ptr string, v any)
	walk = func(ptr string, v any) {
		if m, ok := v.(map[string]any); ok {
			for k, x := range m {
				p := ptr + "/" + wire.Escape(k)
				for _, repl := range []any{nil, "", "x", json.Number("1"), json.Number("1.5"), true, []any{}, map[string]any{}, "01-13-2020", "2020/02/30"} {
					cp := wire.CopyJSON(doc, nil)
					cp, _ = wire.Set(cp, p, repl)
					b, _ := json.Marshal(cp)
					out = append(out, b)
				}
				cp := wire.CopyJSON(doc, nil)
				if parent, ok := wireGetMap(cp, ptr); ok {
					delete(parent, k)
					b, _ := json.Marshal(cp)
					out = append(out, b)
					parent["kontrakAdded"] = 1
					b, _ = json.Marshal(cp)
					out = append(out, b)
				}
				walk(p, x)
			}
		}
	}
	walk("", doc)
	return out
}

func wireGetMap(doc any, ptr string) (map[string]any, bool) {
	v, ok := wire.Get(doc, ptr)
	m, isMap := v.(map[string]any)
	return m, ok && isMap
}

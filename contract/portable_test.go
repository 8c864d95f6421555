package contract_test

import (
	"encoding/json"
	"io/fs"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	kontrak "github.com/kontrak/kontrak"
	"github.com/kontrak/kontrak/contract"
)

// TestSchemasPortable: the schema files are read by other tools too (libopenapi-validator, kin-openapi,
// Spectral, Redocly), so they carry no relative $id, no $schema those tools cannot load, no draft-07-only
// `definitions`, and a pattern beside every custom date format that accepts what the format accepts and
// refuses an ISO date, which no other tool would refuse by the format alone.
func TestSchemasPortable(t *testing.T) {
	files, err := fs.Glob(kontrak.Files, "schemas/*/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no schema files: %v", err)
	}
	dates := 0
	for _, file := range files {
		b, err := fs.ReadFile(kontrak.Files, file)
		if err != nil {
			t.Fatal(err)
		}
		var doc any
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		walkSchema(doc, "", func(ptr string, m map[string]any) {
			for _, k := range []string{"$schema", "$id", "definitions"} {
				if _, ok := m[k]; ok {
					t.Errorf("%s%s: %s, which other tools cannot load", file, ptr, k)
				}
			}
			if p, ok := m["pattern"].(string); ok && strings.Contains(p, "(?") && !strings.Contains(p, "(?:") {
				t.Errorf("%s%s: pattern %q has an inline flag, which ECMAScript tools cannot compile", file, ptr, p)
			}
			f, _ := m["format"].(string)
			layout, custom := contract.DateFormats[f]
			if !custom {
				return
			}
			dates++
			p, _ := m["pattern"].(string)
			re, err := regexp.Compile(p)
			if p == "" || err != nil {
				t.Errorf("%s%s: format %s without a pattern beside it (%v)", file, ptr, f, err)
				return
			}
			good := time.Date(1905, 1, 31, 0, 0, 0, 0, time.UTC).Format(layout)
			if !re.MatchString(good) {
				t.Errorf("%s%s: pattern %q refuses %q, which format %s accepts", file, ptr, p, good, f)
			}
			if iso := "1905-01-31"; re.MatchString(iso) {
				t.Errorf("%s%s: pattern %q accepts the ISO date %q, which format %s refuses", file, ptr, p, iso, f)
			}
		})
	}
	if dates == 0 {
		t.Fatal("no custom date format found in schemas/: the test proves nothing")
	}
}

// walkSchema calls fn on every object of doc, with its JSON Pointer.
func walkSchema(doc any, ptr string, fn func(string, map[string]any)) {
	switch v := doc.(type) {
	case map[string]any:
		fn(ptr, v)
		for k, c := range v {
			walkSchema(c, ptr+"/"+strings.NewReplacer("~", "~0", "/", "~1").Replace(k), fn)
		}
	case []any:
		for i, c := range v {
			walkSchema(c, ptr+"/"+strconv.Itoa(i), fn)
		}
	}
}

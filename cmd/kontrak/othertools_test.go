package main

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	"github.com/pb33f/libopenapi-validator/config"
	verrors "github.com/pb33f/libopenapi-validator/errors"
	"github.com/pb33f/libopenapi/datamodel"
	"go.yaml.in/yaml/v4"

	"github.com/kontrak/kontrak/cassette"
	"github.com/kontrak/kontrak/contract"
)

// otherToolsExceptions is the committed list of the interactions where libopenapi-validator and kontrak
// check disagree, each with the reason: what kontrak judges that a schema cannot say (code tables, billing,
// KTP semantics), or what the other tool cannot read.
const otherToolsExceptions = "testdata/othertools-exceptions.yaml"

type otherToolsException struct {
	Cassette    string `yaml:"cassette"`
	Interaction int    `yaml:"interaction"`
	Kontrak     string `yaml:"kontrak"`   // conform | drift
	Validator   string `yaml:"validator"` // conform | drift
	Reason      string `yaml:"reason"`
}

// TestOtherToolsAgree loads every spec with libopenapi-validator (its own JSON Schema engine, format
// assertions on, the generic date notations of contract.DateFormats registered) and judges every committed
// cassette's answer with it and with kontrak check. Where they disagree the interaction must be listed, with
// a reason, in testdata/othertools-exceptions.yaml; a listed exception that no longer disagrees fails too.
func TestOtherToolsAgree(t *testing.T) {
	root := filepath.Join("..", "..")
	c, err := loadContract()
	if err != nil {
		t.Fatal(err)
	}
	validators := map[string]validator.Validator{}
	for _, v := range c.Vendors() {
		file := filepath.Join(root, v.File)
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := libopenapi.NewDocumentWithConfiguration(raw, &datamodel.DocumentConfiguration{
			BasePath: filepath.Dir(file), AllowFileReferences: true,
		})
		if err != nil {
			t.Fatalf("%s: libopenapi: %v", v.File, err)
		}
		opts := []config.Option{config.WithFormatAssertions(), config.WithoutSecurityValidation()}
		for name, layout := range contract.DateFormats {
			opts = append(opts, config.WithCustomFormat(name, func(x any) error {
				if s, ok := x.(string); ok {
					if _, err := time.Parse(layout, s); err != nil {
						return fmt.Errorf("not %s", name)
					}
				}
				return nil
			}))
		}
		val, errs := validator.NewValidator(doc, opts...)
		if len(errs) > 0 {
			t.Fatalf("%s: libopenapi-validator cannot load it: %v", v.File, errs)
		}
		if ok, verrs := val.ValidateDocument(); !ok {
			t.Errorf("%s: libopenapi-validator finds the document invalid: %s", v.File, validationText(verrs))
		}
		validators[v.ID] = val
	}

	// Both must be able to say drift: an array where every documented answer is an object.
	for _, v := range c.Vendors() {
		for _, op := range v.Operations {
			req, _ := http.NewRequest(op.Method, strings.TrimSuffix(v.Servers[0].URL, "/")+op.Path, nil)
			resp := &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
				Request: req, Body: io.NopCloser(strings.NewReader("[]"))}
			if ok, _ := validators[v.ID].ValidateHttpResponse(req, resp); ok {
				t.Errorf("%s: libopenapi-validator accepts an array as the 200 answer", op.Name())
			}
			// Drift is breaking, or a notice where the answer's shape is only inferred (the severity policy).
			if fs := op.Check(200, resp.Header, []byte("[]"), contract.CheckOptions{}); !contract.HasBreaking(fs) && !slices.ContainsFunc(fs, func(f contract.Finding) bool { return f.Inferred }) {
				t.Errorf("%s: kontrak accepts an array as the 200 answer", op.Name())
			}
		}
	}

	files, err := filepath.Glob(filepath.Join(root, "cassettes", "*", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no cassettes: %v", err)
	}
	// And this package's drifted cassette, so that the comparison sees kontrak find drift too.
	files = append(files, filepath.Join(root, "cmd", "kontrak", "testdata", "drifted.yaml"))
	got := map[string]otherToolsException{}
	judged := 0
	for _, file := range files {
		rel, _ := filepath.Rel(root, file)
		rel = filepath.ToSlash(rel)
		ixs, err := cassette.ReadExchanges(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, ix := range ixs {
			// kontrak check's verdict of the interaction, as check judges a cassette (no waivers).
			op, ok := c.Lookup(ix.Method, ix.Path)
			if !ok {
				t.Fatalf("%s#%d: %s %s matches no documented operation", rel, ix.ID, ix.Method, ix.Path)
			}
			kv := verdictJSON{Vendor: op.Vendor.ID, Operation: op.ID,
				Verdict: verdict(op.Check(ix.Status, ix.Header, ix.Body, contract.CheckOptions{}), "")}
			// kontrak matches an operation by its path under any base URL (Kredibel's $vision, a local
			// sandbox); the validator by its servers. Both judge the answer, so the request goes to the
			// first server, with the operation's path and the query it had.
			u, err := url.Parse(ix.URL)
			if err != nil {
				t.Fatalf("%s#%d: %v", rel, ix.ID, err)
			}
			target := strings.TrimSuffix(op.Vendor.Servers[0].URL, "/") + op.Path
			if u.RawQuery != "" {
				target += "?" + u.RawQuery
			}
			req, err := http.NewRequest(ix.Method, target, bytes.NewReader(ix.RequestBody))
			if err != nil {
				t.Fatalf("%s#%d: %v", rel, ix.ID, err)
			}
			req.Header = ix.RequestHeader.Clone()
			resp := &http.Response{StatusCode: ix.Status, Header: ix.Header.Clone(), Request: req,
				Body: io.NopCloser(bytes.NewReader(ix.Body))}
			ok, verrs := validators[kv.Vendor].ValidateHttpResponse(req, resp)
			judged++
			vv := "conform"
			if !ok {
				vv = "drift"
			}
			if vv != kv.Verdict {
				got[fmt.Sprintf("%s#%d", rel, ix.ID)] = otherToolsException{Cassette: rel, Interaction: ix.ID,
					Kontrak: kv.Verdict, Validator: vv, Reason: validationText(verrs)}
			}
		}
	}
	if judged == 0 {
		t.Fatal("no interaction judged: the test proves nothing")
	}

	raw, err := os.ReadFile(otherToolsExceptions)
	if err != nil {
		t.Fatal(err)
	}
	var listed []otherToolsException
	if err := yaml.Unmarshal(raw, &listed); err != nil {
		t.Fatalf("%s: %v", otherToolsExceptions, err)
	}
	want := map[string]otherToolsException{}
	for _, e := range listed {
		key := fmt.Sprintf("%s#%d", e.Cassette, e.Interaction)
		if strings.TrimSpace(e.Reason) == "" {
			t.Errorf("%s: %s has no reason", otherToolsExceptions, key)
		}
		want[key] = e
	}
	var keys []string
	for k := range got {
		keys = append(keys, k)
	}
	for k := range want {
		if _, ok := got[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		g, isGot := got[k]
		w, isWant := want[k]
		switch {
		case isGot && !isWant:
			t.Errorf("%s: kontrak check says %s, libopenapi-validator %s (%s), and %s does not list it", k,
				g.Kontrak, g.Validator, g.Reason, otherToolsExceptions)
		case isWant && !isGot:
			t.Errorf("%s: listed in %s, but the two now agree: remove it", k, otherToolsExceptions)
		case g.Kontrak != w.Kontrak || g.Validator != w.Validator:
			t.Errorf("%s: listed as kontrak %s / validator %s, now kontrak %s / validator %s (%s)", k,
				w.Kontrak, w.Validator, g.Kontrak, g.Validator, g.Reason)
		}
	}
	t.Logf("%d interactions of %d cassettes judged by both; %d disagree", judged, len(files), len(got))
}

// validationText is libopenapi-validator's errors on one line, the schema errors' locations included.
func validationText(errs []*verrors.ValidationError) string {
	var parts []string
	for _, e := range errs {
		s := e.Message
		for _, se := range e.SchemaValidationErrors {
			s += "; " + se.FieldPath + ": " + se.Reason
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " | ")
}

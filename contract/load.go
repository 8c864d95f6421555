package contract

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/kontrak/kontrak/internal/wire"
	yaml "github.com/pb33f/go-yaml"
	"github.com/pb33f/libopenapi"
	"github.com/pb33f/libopenapi/datamodel"
	"github.com/pb33f/libopenapi/datamodel/high/base"
	v3 "github.com/pb33f/libopenapi/datamodel/high/v3"
	"github.com/pb33f/libopenapi/orderedmap"
)

// SpecDir is where Load looks for the vendor specs in the FS it is given; schemas are found by the
// relative $ref of each response.
const SpecDir = "specs"

// The extension names of the spec format (specs/README.md). Our own vocabulary, not vendor facts.
const (
	extRoot    = "x-kontrak"
	extSource  = "x-kontrak-source"
	extCodes   = "x-kontrak-codes"
	extBilling = "x-kontrak-billing"
	extSandbox = "x-kontrak-sandbox"
	extEnv     = "x-kontrak-env"
	extEnviron = "x-kontrak-environment"
	extTokenOp = "x-kontrak-token-operation"
	extSign    = "x-kontrak-signature"
	extToken   = "x-kontrak-token"
	extImage   = "x-kontrak-image"
	extPII     = "x-kontrak-pii"
)

// x-kontrak-canonical is extCanonical (canonical.go).

type rootExt struct {
	Vendor         string                `yaml:"vendor"`
	Name           string                `yaml:"name"`
	Pages          []string              `yaml:"pages"`
	Env            Env                   `yaml:"env"`
	Contradictions []Contradiction       `yaml:"contradictions"`
	Notes          []Contradiction       `yaml:"notes"`
	CodeTables     map[string]sharedCode `yaml:"codeTables"`
}

type sharedCode struct {
	Source Source  `yaml:"source"`
	Codes  []*Code `yaml:"codes"`
}

// Load reads every specs/*.yaml of fsys and the schemas they reference, and checks that the spec format
// is kept: a vendor id, operationIds, a schema for every JSON response, known code tables. The first
// problem found is returned as a one-line error naming the file and the place.
func Load(fsys fs.FS) (c *Contract, err error) {
	defer recoverInto(&err, "loading the specs")
	files, err := fs.Glob(fsys, SpecDir+"/*.yaml")
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("%s: no vendor specs (*.yaml) found", SpecDir)
	}
	sort.Strings(files)
	schemas := newSchemaSet(fsys)
	c = &Contract{fsys: fsys}
	for _, f := range files {
		v, err := loadVendor(fsys, f, schemas)
		if err != nil {
			return nil, err
		}
		if err := c.attachVocabulary(fsys, v); err != nil {
			return nil, err
		}
		if prev := c.Vendor(v.ID); prev != nil {
			return nil, fmt.Errorf("%s: vendor %q is already defined by %s", f, v.ID, prev.File)
		}
		c.vendors = append(c.vendors, v)
	}
	sort.Slice(c.vendors, func(i, j int) bool { return c.vendors[i].ID < c.vendors[j].ID })
	return c, nil
}

func loadVendor(fsys fs.FS, file string, schemas *schemaSet) (*Vendor, error) {
	raw, err := fs.ReadFile(fsys, file)
	if err != nil {
		return nil, err
	}
	fail := func(format string, a ...any) error {
		return fmt.Errorf("%s: %s", file, fmt.Sprintf(format, a...))
	}
	doc, err := libopenapi.NewDocumentWithConfiguration(raw, &datamodel.DocumentConfiguration{
		SkipExternalRefResolution: true, // schemas are JSON Schema draft-07 files, compiled by gojsonschema
	})
	if err != nil {
		// libopenapi's own error for a broken file is long and multi-line: say what YAML says, if it does.
		var probe yaml.Node
		if yerr := yaml.Unmarshal(raw, &probe); yerr != nil {
			return nil, fail("invalid YAML: %s", oneLine(yerr.Error()))
		}
		return nil, fail("not an OpenAPI document: %s", oneLine(err.Error()))
	}
	model, err := doc.BuildV3Model()
	if err != nil || model == nil {
		return nil, fail("OpenAPI model: %s", oneLine(fmt.Sprint(err)))
	}
	if info := doc.GetSpecInfo(); info != nil && info.RootNode != nil {
		if err := checkExtensions(info.RootNode); err != nil {
			return nil, fail("%v", err)
		}
	}
	m := &model.Model
	var root rootExt
	if err := decodeExt(m.Extensions, extRoot, &root, true); err != nil {
		return nil, fail("%v", err)
	}
	if root.Vendor == "" {
		return nil, fail("%s.vendor is missing", extRoot)
	}
	v := &Vendor{
		ID: root.Vendor, Name: root.Name, File: file, Pages: root.Pages, Env: root.Env,
		Contradictions: root.Contradictions, Notes: root.Notes,
	}
	if m.Info != nil {
		v.Title, v.Version, v.Description = m.Info.Title, m.Info.Version, m.Info.Description
	}
	for _, s := range m.Servers {
		srv := Server{URL: s.URL, Description: s.Description}
		if err := decodeExt(s.Extensions, extEnviron, &srv.Environment, false); err != nil {
			return nil, fail("server %s: %v", s.URL, err)
		}
		if err := decodeExt(s.Extensions, extSource, &srv.Source, false); err != nil {
			return nil, fail("server %s: %v", s.URL, err)
		}
		if s.Variables != nil {
			for name, sv := range s.Variables.FromOldest() {
				srv.URL = strings.ReplaceAll(srv.URL, "{"+name+"}", sv.Default)
			}
		}
		v.Servers = append(v.Servers, srv)
	}
	schemes := map[string]SecurityScheme{}
	if m.Components != nil && m.Components.SecuritySchemes != nil {
		for name, s := range m.Components.SecuritySchemes.FromOldest() {
			sc := SecurityScheme{Name: name, Type: s.Type, In: s.In, Header: s.Name, Scheme: strings.ToLower(s.Scheme)}
			if s.Type == "http" {
				sc.In, sc.Header = "header", "Authorization"
			}
			if err := decodeExt(s.Extensions, extEnv, &sc.Env, false); err != nil {
				return nil, fail("security scheme %s: %v", name, err)
			}
			if err := decodeExt(s.Extensions, extSource, &sc.Source, false); err != nil {
				return nil, fail("security scheme %s: %v", name, err)
			}
			if err := decodeExt(s.Extensions, extTokenOp, &sc.TokenOperation, false); err != nil {
				return nil, fail("security scheme %s: %v", name, err)
			}
			schemes[name] = sc
		}
	}
	resolveSecurity := func(reqs []*v3Security) ([]SecurityScheme, error) {
		if len(reqs) == 0 {
			return nil, nil
		}
		var out []SecurityScheme
		for _, name := range reqs[0].names {
			sc, ok := schemes[name]
			if !ok {
				return nil, fmt.Errorf("security scheme %q is not in components.securitySchemes", name)
			}
			out = append(out, sc)
		}
		return out, nil
	}
	docSecurity := securityOf(m.Security)

	if m.Paths == nil || m.Paths.PathItems == nil {
		return nil, fail("no paths")
	}
	for p, item := range m.Paths.PathItems.FromOldest() {
		for method, op := range item.GetOperations().FromOldest() {
			where := fmt.Sprintf("%s %s", strings.ToUpper(method), p)
			if op.OperationId == "" {
				return nil, fail("%s: operationId is missing", where)
			}
			o := &Operation{Vendor: v, ID: op.OperationId, Method: strings.ToUpper(method), Path: p, Summary: op.Summary}
			ofail := func(format string, a ...any) error {
				return fail("operation %s: %s", o.ID, fmt.Sprintf(format, a...))
			}
			if v.Operation(o.ID) != nil {
				return nil, ofail("operationId is used twice")
			}
			if err := decodeExt(op.Extensions, extSource, &o.Source, false); err != nil {
				return nil, ofail("%v", err)
			}
			sec := docSecurity
			if op.GoLow() != nil && op.GoLow().Security.KeyNode != nil {
				sec = securityOf(op.Security)
			}
			if o.Security, err = resolveSecurity(sec); err != nil {
				return nil, ofail("%v", err)
			}
			for _, prm := range append(append([]*v3.Parameter{}, item.Parameters...), op.Parameters...) {
				pp := Parameter{Name: prm.Name, In: prm.In, Required: prm.Required != nil && *prm.Required}
				if prm.Schema != nil {
					_ = prm.Schema.GetValueNode().Decode(&pp.Schema)
				}
				o.Parameters = append(o.Parameters, pp)
			}
			if rb := op.RequestBody; rb != nil && rb.Content != nil {
				for ct, mt := range rb.Content.FromOldest() {
					o.RequestContentType = ct
					if mt.Schema != nil {
						if err := mt.Schema.GetValueNode().Decode(&o.RequestSchema); err != nil {
							return nil, ofail("request body schema: %v", err)
						}
						if o.imageField, o.imageRules, err = imageRules(mt.Schema.GetValueNode()); err != nil {
							return nil, ofail("request body schema: %v", err)
						}
					}
					break
				}
			}
			if err := decodeExt(op.Extensions, extCodes, &o.Codes, true); err != nil {
				return nil, ofail("%v", err)
			}
			for _, c := range o.Codes.Codes {
				c.Table = o.ID
			}
			for _, name := range o.Codes.Include {
				t, ok := root.CodeTables[name]
				if !ok {
					return nil, ofail("%s includes code table %q, which %s.codeTables does not define", extCodes, name, extRoot)
				}
				for _, c := range t.Codes {
					if o.Codes.Lookup(c.Code) == nil {
						cc := *c
						cc.Table = name
						o.Codes.Codes = append(o.Codes.Codes, &cc)
					}
				}
			}
			for _, c := range o.Codes.Codes {
				if c.Code == "" || len(c.Statuses) == 0 {
					return nil, ofail("%s: every code needs code and statuses (%q)", extCodes, c.Code)
				}
			}
			// the operation's tables, each decoded strictly into its Go type, in this order
			for _, t := range []struct {
				name string
				into any
			}{{extBilling, &o.Billing}, {extSandbox, &o.Sandbox}, {extSign, &o.Signature}, {extToken, &o.Token}, {extPII, &o.PII}, {extRequest, &o.Request}} {
				if err := decodeExt(op.Extensions, t.name, t.into, true); err != nil {
					return nil, ofail("%v", err)
				}
			}
			if n, ok := op.Extensions.Get(extCanonical); ok && n != nil {
				ptr := "/paths/" + wire.Escape(p) + "/" + strings.ToLower(method) + "/" + extCanonical
				if o.Canonical, err = decodeCanonical(n, ptr); err != nil {
					return nil, ofail("%v", err)
				}
				if err := o.Canonical.checkFailures(&o.Codes, ptr); err != nil {
					return nil, ofail("%v", err)
				}
			}
			o.Extensions = map[string]any{}
			if op.Extensions != nil {
				for k, n := range op.Extensions.FromOldest() {
					var val any
					if err := n.Decode(&val); err == nil {
						o.Extensions[k] = val
					}
				}
			}
			if op.Responses == nil || op.Responses.Codes == nil || op.Responses.Codes.Len() == 0 {
				return nil, ofail("no responses")
			}
			for st, r := range op.Responses.Codes.FromOldest() {
				resp, err := loadResponse(file, st, r, schemas)
				if err != nil {
					return nil, ofail("response %s: %v", st, err)
				}
				o.Responses = append(o.Responses, resp)
			}
			if o.Callbacks, err = loadCallbacks(file, o, op, schemes, schemas); err != nil {
				return nil, ofail("%v", err)
			}
			v.Operations = append(v.Operations, o)
		}
	}
	if err := linkCallbacks(v); err != nil {
		return nil, fail("%v", err)
	}
	for _, o := range v.Operations {
		for _, sc := range o.Security {
			if sc.TokenOperation != "" {
				if t := v.Operation(sc.TokenOperation); t == nil || t.Token == nil {
					return nil, fail("security scheme %s: %s %q is not an operation with %s", sc.Name, extTokenOp, sc.TokenOperation, extToken)
				}
			}
		}
	}
	return v, nil
}

func loadResponse(file, status string, r *v3.Response, schemas *schemaSet) (*Response, error) {
	resp := &Response{Status: strings.ToUpper(status), Description: r.Description}
	if err := decodeExt(r.Extensions, extSource, &resp.Source, false); err != nil {
		return nil, err
	}
	if r.Headers != nil {
		for name, h := range r.Headers.FromOldest() {
			rh := ResponseHeader{Name: name, Required: h.Required}
			if h.Example != nil {
				rh.Example = h.Example.Value
			}
			resp.Headers = append(resp.Headers, rh)
		}
	}
	if r.Content == nil {
		return resp, nil
	}
	for ct, mt := range r.Content.FromOldest() {
		resp.ContentType = ct
		if mt.Schema == nil || !mt.Schema.IsReference() {
			return nil, fmt.Errorf("%s: schema must be a $ref to a file under schemas/", ct)
		}
		resp.SchemaFile = path.Clean(path.Join(path.Dir(file), mt.Schema.GetReference()))
		sch, err := schemas.get(resp.SchemaFile)
		if err != nil {
			return nil, err
		}
		resp.schema = sch
		if mt.Examples != nil {
			for name, ex := range mt.Examples.FromOldest() {
				e := Example{Name: name, Summary: ex.Summary}
				if err := decodeExt(ex.Extensions, extSource, &e.Source, false); err != nil {
					return nil, fmt.Errorf("example %s: %v", name, err)
				}
				var val any
				if ex.Value == nil {
					return nil, fmt.Errorf("example %s: no value", name)
				}
				if err := ex.Value.Decode(&val); err != nil {
					return nil, fmt.Errorf("example %s: %v", name, err)
				}
				b, err := json.Marshal(val)
				if err != nil {
					return nil, fmt.Errorf("example %s: not JSON: %v", name, err)
				}
				e.Value = b
				resp.Examples = append(resp.Examples, e)
			}
		}
		break // one media type a response: the vendors document one
	}
	return resp, nil
}

// imageRules finds the request body property that carries x-kontrak-image and decodes its rules (the
// keys are already checked by checkExtensions). None is "", nil.
func imageRules(schema *yaml.Node) (string, *ImageRules, error) {
	props := yamlMapValue(schema, "properties")
	if props == nil || props.Kind != yaml.MappingNode {
		return "", nil, nil
	}
	for i := 0; i+1 < len(props.Content); i += 2 {
		n := yamlMapValue(props.Content[i+1], extImage)
		if n == nil {
			continue
		}
		name := props.Content[i].Value
		var r ImageRules
		if err := n.Load(&r, yaml.WithKnownFields()); err != nil {
			return "", nil, fmt.Errorf("property %s: %s: %s", name, extImage, oneLine(err.Error()))
		}
		return name, &r, nil
	}
	return "", nil, nil
}

// yamlMapValue returns the value of key in mapping n, or nil.
func yamlMapValue(n *yaml.Node, key string) *yaml.Node {
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

// v3Security is one security requirement: the scheme names that must all be sent.
type v3Security struct{ names []string }

func securityOf(reqs []*base.SecurityRequirement) []*v3Security {
	var out []*v3Security
	for _, r := range reqs {
		s := &v3Security{}
		if r != nil && r.Requirements != nil {
			for name := range r.Requirements.FromOldest() {
				s.names = append(s.names, name)
			}
		}
		out = append(out, s)
	}
	return out
}

// decodeExt decodes extension name of exts into out. strict refuses keys the Go type does not know, so
// that a misspelt key in a spec is an error rather than a silently missing fact.
func decodeExt(exts *orderedmap.Map[string, *yaml.Node], name string, out any, strict bool) error {
	if exts == nil {
		return nil
	}
	n, ok := exts.Get(name)
	if !ok || n == nil {
		return nil
	}
	if !strict {
		if err := n.Decode(out); err != nil {
			return fmt.Errorf("%s: %s", name, oneLine(err.Error()))
		}
		return nil
	}
	if err := n.Load(out, yaml.WithKnownFields()); err != nil {
		return fmt.Errorf("%s: %s", name, oneLine(err.Error()))
	}
	return nil
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}

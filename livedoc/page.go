package livedoc

import (
	"fmt"
	"io/fs"
	"maps"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"text/template"

	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/scenario"
)

// page is one vendor's contract and scenarios, as the templates see them. The templates lay a page out;
// the methods and funcs below shape the data (counts, table rows) and escape it for Markdown.
type page struct {
	V    *contract.Vendor
	F    *scenario.File
	C    *contract.Contract // the contract, for the schema fields the field tables read
	FS   fs.FS              // the repository, for the cassettes the coverage reads
	Root string             // the repository's directory, for the committed selftest baseline
}

// table is a GitHub-flavoured Markdown table, written by the "table" template; cells are Markdown,
// escaped for one cell when written.
type table struct {
	Head []string
	Rows [][]string
}

func newTable(head ...string) *table { return &table{Head: head} }

func (t *table) add(cells ...string) { t.Rows = append(t.Rows, cells) }

// funcs are the template functions: Markdown and the cells of the page.
var funcs = template.FuncMap{
	"mark":       func() string { return GeneratedMark },
	"cell":       mdCell,
	"code":       mdCode,
	"codes":      mdCodes,
	"codeList":   mdCodeList,
	"prose":      mdProse,
	"escapeHTML": mdEscapeHTML,
	"link":       mdLink,
	"anchor":     mdAnchor,
	"hash":       func(id string) string { return "#" + mdAnchor(id) },
	"source":     docSource,
	"plural":     docPlural,
	"pluralWord": docPluralWord,
	"orDash":     docOrDash,
	"outcome":    docOutcome,
	"accepted":   docAccepted,
	"join":       strings.Join,
	"trim":       strings.TrimSpace,

	"paramsTable":    paramsTable,
	"fieldsTable":    fieldsTable,
	"image":          imageOf,
	"closedBody":     closedBody,
	"secretInputs":   secretInputs,
	"timestamp":      timestamp,
	"periods":        periods,
	"responsesTable": responsesTable,
	"codeTable":      codeTable,
	"billingValues":  billingValues,
	"billingStatus":  billingStatuses,
	"sandboxTable":   sandboxTable,
	"piiTable":       piiTable,
	"where":          contradictionWhere,
}

func (p *page) CodeRows() int {
	n := 0
	for _, op := range p.V.Operations {
		n += len(op.Codes.Codes)
	}
	return n
}

func (p *page) SandboxValues() int {
	n := 0
	for _, op := range p.V.Operations {
		n += sandboxCount(op)
	}
	return n
}

func sandboxCount(op *contract.Operation) int {
	n := 0
	for _, sp := range op.Sandbox {
		n += len(sp.Codes)
	}
	return n
}

func (p *page) scenariosOf(op string) int {
	n := 0
	for _, s := range p.F.Scenarios {
		if s.Operation == op {
			n++
		}
	}
	return n
}

// SpecFile and ScenarioFile are the page's sources, relative to the repository root.
func (p *page) SpecFile() string     { return path.Clean(filepath.ToSlash(p.V.File)) }
func (p *page) ScenarioFile() string { return path.Join(scenario.Dir, p.V.ID, "scenarios.yaml") }

// Title is the API's title and version.
func (p *page) Title() string {
	t := mdProse(p.V.Title)
	if p.V.Version != "" {
		t += ", version " + mdProse(p.V.Version)
	}
	return t
}

// Gaps are the codes and sandbox values no scenario exercises.
func (p *page) Gaps() []scenario.Gap { return scenario.Coverage(p.V, p.F) }

// index is the data of docs/README.md.
type index []*page

func (ps index) Vendors() *table {
	t := newTable("vendor", "id", "operations", "code rows", "sandbox values", "scenarios", "contradictions", "pages cited", "without a scenario")
	for _, p := range ps {
		t.add(mdLink(p.V.Name, p.V.ID+".md"), mdCode(p.V.ID), docItoa(len(p.V.Operations)), docItoa(p.CodeRows()),
			docItoa(p.SandboxValues()), docItoa(len(p.F.Scenarios)), docItoa(len(p.V.Contradictions)), docItoa(len(p.V.Pages)),
			docItoa(len(p.Gaps())))
	}
	return t
}

func (ps index) Operations() *table {
	t := newTable("vendor", "operation", "route", "statuses", "code rows", "sandbox values", "scenarios")
	for _, p := range ps {
		for _, op := range p.V.Operations {
			t.add(p.V.Name, mdLink(op.ID, p.V.ID+".md#"+mdAnchor(op.ID)), mdCode(op.Route()), strings.Join(op.Statuses(), ", "),
				docItoa(len(op.Codes.Codes)), docItoa(sandboxCount(op)), docItoa(p.scenariosOf(op.ID)))
		}
	}
	return t
}

func (ps index) Rules() *table {
	t := newTable("id", "severity", "meaning", "basis")
	for _, r := range contract.Rules() {
		t.add(mdCode(r.ID), string(r.Severity), mdProse(r.Summary), mdProse(r.Basis))
	}
	return t
}

// Policy is the severity policy, as the contract states it (contract.Policy), on one paragraph.
func (ps index) Policy() string { return strings.Join(strings.Fields(contract.Policy), " ") }

func (p *page) Operations() *table {
	t := newTable("operation", "route", "summary", "statuses", "code rows", "sandbox values", "scenarios")
	for _, op := range p.V.Operations {
		t.add(mdLink(op.ID, "#"+mdAnchor(op.ID)), mdCode(op.Route()), mdProse(op.Summary), strings.Join(op.Statuses(), ", "),
			docItoa(len(op.Codes.Codes)), docItoa(sandboxCount(op)), docItoa(p.scenariosOf(op.ID)))
	}
	return t
}

func (p *page) Servers() *table {
	if len(p.V.Servers) == 0 {
		return nil
	}
	t := newTable("base URL", "environment", "description", "source")
	for _, s := range p.V.Servers {
		u := mdCode(s.URL)
		if s.URL == "" {
			u = "none documented: " + mdCode(p.V.Env.BaseURL)
		}
		t.add(u, docOrDash(s.Environment), mdProse(s.Description), docSource(s.Source))
	}
	return t
}

// Schemes is the table of the security schemes the vendor's operations send, in spec order, each once;
// nil when there is none.
func (p *page) Schemes() *table {
	var t *table
	seen := map[string]bool{}
	for _, op := range p.V.Operations {
		for _, s := range op.Security {
			if seen[s.Name] {
				continue
			}
			seen[s.Name] = true
			if t == nil {
				t = newTable("security scheme", "type", "sent in", "value from", "source")
			}
			typ := s.Type
			if s.Scheme != "" {
				typ += " " + s.Scheme
			}
			from := "—"
			switch {
			case s.Env != "":
				from = "environment variable " + mdCode(s.Env)
			case s.TokenOperation != "":
				from = "the token of " + mdLink(mdCode(s.TokenOperation), "#"+mdAnchor(s.TokenOperation))
			}
			t.add(mdCode(s.Name), typ, s.In+" "+mdCode(s.Header), from, docSource(s.Source))
		}
	}
	return t
}

// LiveEnv is the table of the variables live mode reads for the vendor.
func (p *page) LiveEnv() *table {
	v := p.V
	t := newTable("variable", "what")
	base := "the base URL"
	switch {
	case v.Env.BaseURLRequired:
		base += "; required, no default"
	case len(v.Servers) > 0 && v.Servers[0].URL != "":
		base += "; default " + mdCode(v.Servers[0].URL) + " (the first server)"
	}
	if v.Env.BaseURL != "" {
		t.add(mdCode(v.Env.BaseURL), base)
	}
	declared := map[string]bool{}
	for _, name := range v.Env.Credentials {
		declared[name] = true
		t.add(mdCode(name), "credential")
	}
	for _, name := range v.CredentialVars() {
		if !declared[name] {
			t.add(mdCode(name), "credential (of a security scheme or signature, not in "+mdCode("x-kontrak.env")+")")
		}
	}
	return t
}

// Op is one operation of the page, for the "operation" template.
func (p *page) Op(op *contract.Operation) *opView { return &opView{Page: p, Op: op} }

type opView struct {
	Page *page
	Op   *contract.Operation
}

// Contradictions links the contradictions recorded for the operation.
func (o *opView) Contradictions() []string {
	var cs []string
	for _, c := range o.Page.V.Contradictions {
		if c.Operation == o.Op.ID {
			cs = append(cs, mdLink(c.ID, "#"+mdAnchor(c.ID)))
		}
	}
	return cs
}

func (o *opView) SecurityNames() []string {
	var names []string
	for _, s := range o.Op.Security {
		names = append(names, mdCode(s.Name))
	}
	return names
}

func paramsTable(op *contract.Operation) *table {
	if len(op.Parameters) == 0 {
		return nil
	}
	t := newTable("parameter", "in", "required", "type")
	for _, prm := range op.Parameters {
		t.add(mdCode(prm.Name), prm.In, docYesNo(prm.Required), docSchemaType(prm.Schema))
	}
	return t
}

func closedBody(op *contract.Operation) bool {
	ap, ok := op.RequestSchema["additionalProperties"].(bool)
	return ok && !ap
}

func fieldsTable(op *contract.Operation) *table {
	props, _ := op.RequestSchema["properties"].(map[string]any)
	req, opt := op.RequestFields()
	if len(req)+len(opt) == 0 {
		return nil
	}
	t := newTable("field", "required", "type", "constraints", "description")
	for i, name := range append(append([]string{}, req...), opt...) {
		pm, _ := props[name].(map[string]any)
		t.add(mdCode(name), docYesNo(i < len(req)), docSchemaType(pm), docConstraints(pm), mdProse(docStr(pm["description"])))
	}
	return t
}

// imageView is the request's image field and its rules (`x-kontrak-image`), as list items.
type imageView struct {
	Name       string
	Lines      []string
	Violations *table
}

func imageOf(op *contract.Operation) *imageView {
	name, rules := op.ImageField()
	if rules == nil {
		return nil
	}
	v := &imageView{Name: name}
	add := func(format string, a ...any) { v.Lines = append(v.Lines, fmt.Sprintf(format, a...)) }
	enc := "binary (a file part)"
	if rules.Encoding != "" {
		enc = rules.Encoding
	}
	add("encoding: %s", enc)
	props, _ := op.RequestSchema["properties"].(map[string]any)
	pm, _ := props[name].(map[string]any)
	raw, _ := pm["x-kontrak-image"].(map[string]any)
	if _, stated := raw["dataURIPrefix"]; stated {
		add("a `data:` URI prefix: %s", docAccepted(rules.DataURIPrefix))
	}
	if rules.URLAccepted {
		add("an image URL: accepted instead of the image")
	}
	if len(rules.Formats) > 0 {
		add("formats: %s", mdCodes(rules.Formats))
	}
	if len(rules.PartContentTypes) > 0 {
		add("part content types: %s", mdCodes(rules.PartContentTypes))
	}
	if rules.MaxBytes > 0 {
		add("at most %s", docBytes(rules.MaxBytes))
	}
	if rules.RecommendedBytes > 0 {
		add("recommended: at most %s", docBytes(rules.RecommendedBytes))
	}
	if d := docDims(rules.MinWidth, rules.MinHeight); d != "" {
		add("at least %s px", d)
	}
	if d := docDims(rules.MaxWidth, rules.MaxHeight); d != "" {
		add("at most %s px", d)
	}
	if d := docDims(rules.RecommendedWidth, rules.RecommendedHeight); d != "" {
		add("recommended: %s px", d)
	}
	if len(rules.Violations) > 0 {
		v.Violations = newTable("broken rule", "answered with code")
		for _, k := range slices.Sorted(maps.Keys(rules.Violations)) {
			v.Violations.add(k, mdCode(rules.Violations[k]))
		}
	}
	return v
}

// secretInputs are a signature's credentials: "`field` from `VARIABLE`", sorted by field.
func secretInputs(s *contract.Signature) string {
	var ins []string
	for _, k := range slices.Sorted(maps.Keys(s.Credentials)) {
		ins = append(ins, mdCode(k)+" from "+mdCode(s.Credentials[k]))
	}
	return strings.Join(ins, ", ")
}

// timestamp is the unit, digits and window of a signature's timestamp; "" when it has none.
func timestamp(s *contract.Signature) string {
	if s.TimestampUnit == "" {
		return ""
	}
	ts := "timestamp in " + s.TimestampUnit
	if s.TimestampDigits > 0 {
		ts += fmt.Sprintf(" (%d digits)", s.TimestampDigits)
	}
	if s.Window != "" {
		ts += ", window " + s.Window
	}
	return ts
}

func periods(ps map[string]int) string {
	var out []string
	for _, k := range slices.Sorted(maps.Keys(ps)) {
		out = append(out, fmt.Sprintf("%s %d", k, ps[k]))
	}
	return strings.Join(out, ", ")
}

func responsesTable(op *contract.Operation) *table {
	t := newTable("status", "description", "schema", "examples", "source")
	for _, r := range op.Responses {
		sch := "no body"
		if r.SchemaFile != "" {
			f := filepath.ToSlash(r.SchemaFile)
			sch = mdLink(mdCode(f), "../"+f)
		}
		var ex []string
		for _, e := range r.Examples {
			ex = append(ex, mdCode(e.Name))
		}
		t.add(r.Status, mdProse(r.Description), sch, docOrDash(strings.Join(ex, ", ")), docSource(r.Source))
	}
	return t
}

func codeTable(op *contract.Operation) *table {
	t := newTable("code", "HTTP", "billable", "class", "documented messages", "description", "table", "source")
	for _, c := range op.Codes.Codes {
		bill := "free"
		if c.Billable {
			bill = "pay"
		}
		if len(c.Flags) > 0 {
			bill += "; flags " + mdCodes(c.Flags)
		}
		class := docOrDash(c.Class)
		if c.RetryAfter != nil {
			class += "; retry after " + mdCode(c.RetryAfter.Header)
			if c.RetryAfter.Example != "" {
				class += " (e.g. " + mdCode(c.RetryAfter.Example) + ")"
			}
		}
		msgs := "—"
		if len(c.Messages) > 0 {
			msgs = strings.Join(mdCodeList(c.Messages), "<br>")
		}
		tbl := mdCode(c.Table)
		if c.Table == op.ID {
			tbl = mdCode(op.ID) + " (own)"
		}
		t.add(mdCode(c.Code), strings.Join(c.Statuses, ", "), bill, class, msgs, mdProse(c.Description), tbl, docSource(c.Source))
	}
	return t
}

// billingValues are the flag's values, "`PAY` pay, `FREE` free", sorted.
func billingValues(b contract.Billing) string {
	var vs []string
	for _, k := range slices.Sorted(maps.Keys(b.Values)) {
		vs = append(vs, mdCode(k)+" "+docPayFree(b.Values[k]))
	}
	return docOrDash(strings.Join(vs, ", "))
}

// billingStatuses is how an answer without a code is billed by status; "" when the spec says nothing.
func billingStatuses(b contract.Billing) string {
	var ss []string
	for _, k := range slices.Sorted(maps.Keys(b.Statuses)) {
		ss = append(ss, "HTTP "+k+" "+docPayFree(b.Statuses[k]))
	}
	return strings.Join(ss, ", ")
}

func sandboxTable(sp contract.SandboxParam) *table {
	t := newTable("value", "description", "status", "code", "body", "source")
	for _, sc := range sp.Codes {
		var body []string
		for _, k := range slices.Sorted(maps.Keys(sc.Outcome.Body)) {
			body = append(body, mdCode(k)+" = "+mdCode(docJSON(sc.Outcome.Body[k])))
		}
		t.add(mdCode(sc.Value), mdProse(sc.Description), docItoa(sc.Outcome.Status), mdCodeOrDash(sc.Outcome.Code),
			docOrDash(strings.Join(body, "<br>")), docSource(sc.Source))
	}
	return t
}

func piiTable(op *contract.Operation) *table {
	t := newTable("pointer", "kind")
	for _, k := range slices.Sorted(maps.Keys(op.PII)) {
		t.add(mdCode(k), op.PII[k])
	}
	return t
}

func contradictionWhere(c contract.Contradiction) string {
	var where []string
	if c.Operation != "" {
		where = append(where, "operation "+mdLink(mdCode(c.Operation), "#"+mdAnchor(c.Operation)))
	} else {
		where = append(where, "every operation")
	}
	if c.Pointer != "" {
		where = append(where, "pointer "+mdCode(c.Pointer))
	}
	return strings.Join(where, ", ")
}

func (p *page) Scenarios() *table {
	t := newTable("scenario", "kind", "operation", "exercises", "title", "live", "cassette")
	for _, s := range p.F.Scenarios {
		op := p.V.Operation(s.Operation)
		t.add(mdCode(s.Name), s.Kind, mdLink(mdCode(s.Operation), "#"+mdAnchor(s.Operation)), docExercises(s, op), mdProse(s.Title),
			docLive(s, op), docCassette(s))
	}
	return t
}

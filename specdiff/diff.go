package specdiff

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/internal/wire"
	"gopkg.in/yaml.v3"
)

// Change is one difference between two versions of a spec, classified for a client written against the
// old one.
type Change struct {
	// Kind is a stable kebab-case id (see Kinds).
	Kind string `json:"kind"`
	// Operation is the operationId, empty for a change of the document.
	Operation string `json:"operation,omitempty"`
	// Where names the place. A place of the spec document is a JSON Pointer into it
	// ("/paths/~1v1~1x/post/responses/400", "/components/securitySchemes/apiKey/name"): what libopenapi's
	// what-changed saw, a status, an operation, an extension's leaf. A place of a table is its natural
	// key within the operation: the statuses and body pointer of a schema field ("200,429 /data/name"), a
	// code, a sandbox value, an image limit, a billing key, a contradiction or note.
	Where string `json:"where,omitempty"`
	// Line is where a place of the document starts: its line in the new version, or in the old one when
	// the new version has no such place (a removal); 0 for a place of a table.
	Line int `json:"line,omitempty"`
	// Old and New are the values before and after, empty where there is none or where they are not
	// shown: the values of an example (personal data) and of a signature's known answer (a credential).
	Old      string `json:"old,omitempty"`
	New      string `json:"new,omitempty"`
	Breaking bool   `json:"breaking"`
	// Message says the change in words, naming its place: "response 429 header Retry-After required
	// changed: true → false".
	Message string `json:"message"`
}

// Kind is one kind of change and why it breaks a client, or does not.
type Kind struct {
	ID       string `yaml:"id"`
	Breaking bool   `yaml:"breaking,omitempty"` // the usual severity; a kind marked "either" decides per change
	Either   bool   `yaml:"either,omitempty"`
	Why      string `yaml:"why"`
}

// Kinds lists every kind of change, with its severity and the reason: the rules table of the diff.
//
// One change is one finding. Where libopenapi's what-changed and kontrak's own comparison both see a change
// (an operation or a response status added or removed, an extension kontrak compares by key), kontrak's
// kind is the one reported, with kontrak's severity, and libopenapi's finding is dropped; the Why of those
// kinds says so. A change of a schema file that several statuses of an operation read is one finding
// naming every status; a removal and an addition of equal content under one parent are one rename.
var Kinds = mustLoadKinds(kindsFile)

//go:embed kinds.yaml
var kindsFile []byte

// mustLoadKinds reads kinds.yaml strictly; a table that does not load is a fault of this package, found by
// every test.
func mustLoadKinds(data []byte) []Kind {
	var rows []Kind
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&rows); err != nil {
		panic("specdiff/kinds.yaml: " + wire.OneLine(err.Error()))
	}
	return rows
}

// Report is the difference between two versions of one vendor's spec.
type Report struct {
	Vendor  string   `json:"vendor"`
	Old     string   `json:"old"`
	New     string   `json:"new"`
	Changes []Change `json:"changes"`
	// Rejudged lists the cassettes whose verdict (or findings) differ under the new spec (--cassettes).
	Rejudged []Rejudged `json:"rejudged,omitempty"`
}

// Breaking reports whether any change breaks a client, or any re-judged cassette now drifts.
func (r *Report) Breaking() bool {
	for _, c := range r.Changes {
		if c.Breaking {
			return true
		}
	}
	for _, j := range r.Rejudged {
		if j.New == "drift" && j.Old != "drift" {
			return true
		}
	}
	return false
}

// Diff compares two versions of one vendor's spec. Every change is one finding (see Kinds), naming its
// operation and its place.
func Diff(old, new *Spec) (*Report, error) {
	if old.Vendor.ID != new.Vendor.ID {
		return nil, fmt.Errorf("%s is vendor %s, %s is vendor %s: diff compares two versions of one vendor", old.Name, old.Vendor.ID, new.Name, new.Vendor.ID)
	}
	dc, ot, nt, err := compare(old, new)
	if err != nil {
		return nil, err
	}
	d := &differ{old: old, new: new, oldT: ot, newT: nt, renamed: map[string]string{}}
	pairs, removed, added := pairOperations(old.Vendor, new.Vendor)
	for _, p := range pairs {
		if p.o.ID != p.n.ID {
			d.renamed[p.o.ID] = p.n.ID
		}
	}
	d.openapi(dc)
	d.document(old.Vendor, new.Vendor)
	d.sharedCodes()
	for _, p := range pairs {
		if p.o.Route() != p.n.Route() {
			d.add("operation-moved", p.n.ID, opPointer(p.o), p.o.Route(), p.n.Route(), true, "operation %s moved: %s → %s", p.n.ID, p.o.Route(), p.n.Route())
		}
		if err := d.operation(old, new, p.o, p.n); err != nil {
			return nil, err
		}
	}
	for _, o := range removed {
		d.add("operation-removed", o.ID, opPointer(o), o.Route(), "", true, "operation %s (%s) removed", o.ID, o.Route())
	}
	for _, o := range added {
		d.add("operation-added", o.ID, opPointer(o), "", o.Route(), false, "operation %s (%s) added", o.ID, o.Route())
	}
	for i := range d.changes {
		if c := &d.changes[i]; strings.HasPrefix(c.Where, "/") {
			if c.Line = nt.line(c.Where); c.Line == 0 {
				c.Line = ot.line(c.Where)
			}
		}
	}
	sort.SliceStable(d.changes, func(i, j int) bool {
		a, b := d.changes[i], d.changes[j]
		if a.Operation != b.Operation {
			return a.Operation < b.Operation
		}
		if a.Where != b.Where {
			return a.Where < b.Where
		}
		return a.Kind+a.Message < b.Kind+b.Message
	})
	if d.changes == nil {
		d.changes = []Change{}
	}
	return &Report{Vendor: new.Vendor.ID, Old: old.Name, New: new.Name, Changes: d.changes}, nil
}

type opPair struct{ o, n *contract.Operation }

// pairOperations pairs the operations of two versions by operationId, then those left by method and
// path: an operation whose operationId changed is the same operation to a client (libopenapi says the
// operationId change), one whose route changed is operation-moved.
func pairOperations(ov, nv *contract.Vendor) (pairs []opPair, removed, added []*contract.Operation) {
	taken := map[*contract.Operation]bool{}
	var left []*contract.Operation
	for _, o := range ov.Operations {
		if n := nv.Operation(o.ID); n != nil {
			pairs = append(pairs, opPair{o, n})
			taken[n] = true
			continue
		}
		left = append(left, o)
	}
	for _, o := range left {
		var match *contract.Operation
		for _, n := range nv.Operations {
			if !taken[n] && ov.Operation(n.ID) == nil && n.Route() == o.Route() {
				match = n
				break
			}
		}
		if match == nil {
			removed = append(removed, o)
			continue
		}
		taken[match] = true
		pairs = append(pairs, opPair{o, match})
	}
	for _, n := range nv.Operations {
		if !taken[n] {
			added = append(added, n)
		}
	}
	return pairs, removed, added
}

// opPointer is the JSON Pointer of an operation in its spec.
func opPointer(o *contract.Operation) string {
	return wire.Join("", "paths", o.Path, strings.ToLower(o.Method))
}

type differ struct {
	old, new   *Spec
	oldT, newT *tree
	renamed    map[string]string // old operationId → new, for operations paired by route
	changes    []Change
}

func (d *differ) add(kind, op, where, old, new string, breaking bool, format string, a ...any) {
	d.changes = append(d.changes, Change{Kind: kind, Operation: op, Where: where, Old: old, New: new, Breaking: breaking,
		Message: fmt.Sprintf(format, a...)})
}

func (d *differ) document(ov, nv *contract.Vendor) {
	cmp := func(what string, o, n []contract.Contradiction) {
		om, nm := map[string]contract.Contradiction{}, map[string]contract.Contradiction{}
		for _, c := range o {
			om[c.ID] = c
		}
		for _, c := range n {
			nm[c.ID] = c
		}
		for _, id := range unionKeys(om, nm) {
			oc, inOld := om[id]
			nc, inNew := nm[id]
			switch {
			case !inNew:
				d.add("document-changed", oc.Operation, what+" "+id, id, "", false, "%s %s removed", what, id)
			case !inOld:
				d.add("document-changed", nc.Operation, what+" "+id, "", id, false, "%s %s added", what, id)
			case !reflect.DeepEqual(oc, nc):
				d.add("document-changed", nc.Operation, what+" "+id, oc.Resolution, nc.Resolution, false, "%s %s changed", what, id)
			}
		}
	}
	cmp("contradiction", ov.Contradictions, nv.Contradictions)
	cmp("note", ov.Notes, nv.Notes)
	// The rest of the document's x-kontrak (vendor, pages, env), leaf by leaf.
	rest := func(t *tree) any {
		m, _ := decode(t.get("/x-kontrak")).(map[string]any)
		delete(m, "contradictions")
		delete(m, "notes")
		return m
	}
	for _, l := range leafDiff("/x-kontrak", rest(d.oldT), rest(d.newT)) {
		if native("x-kontrak", strings.TrimPrefix(l.path, "/x-kontrak"), l) {
			continue // the shared code tables, compared by code (sharedCodes)
		}
		d.changes = append(d.changes, Change{Kind: "extension-changed", Where: l.path, Old: l.old, New: l.new,
			Message: withValues("x-kontrak "+l.words+" changed", l)})
	}
}

func (d *differ) operation(old, new *Spec, oo, no *contract.Operation) error {
	op := no.ID
	// Statuses.
	for _, r := range oo.Responses {
		if !slices.Contains(no.Statuses(), r.Status) {
			d.add("status-removed", op, wire.Join(opPointer(oo), "responses", r.Status), r.Status, "", false, "HTTP %s no longer documented", r.Status)
		}
	}
	for _, r := range no.Responses {
		if !slices.Contains(oo.Statuses(), r.Status) {
			d.add("status-added", op, wire.Join(opPointer(no), "responses", r.Status), "", r.Status, true, "HTTP %s now documented", r.Status)
		}
	}
	// Schemas, status by status; a change every status sees through one schema file is one finding.
	var fcs []fieldChange
	for _, or := range oo.Responses {
		var nr *contract.Response
		for _, r := range no.Responses {
			if r.Status == or.Status {
				nr = r
			}
		}
		if nr == nil || or.SchemaFile == "" || nr.SchemaFile == "" {
			continue
		}
		of, err := old.Contract.Fields(or)
		if err != nil {
			return fmt.Errorf("%s: %v", old.Name, err)
		}
		nf, err := new.Contract.Fields(nr)
		if err != nil {
			return fmt.Errorf("%s: %v", new.Name, err)
		}
		fcs = mergeFields(fcs, fields(or.Status, of, nf))
	}
	for _, f := range fcs {
		d.add(f.kind, op, strings.Join(f.statuses, ",")+" "+wire.Display(f.ptr), f.old, f.new, f.breaking, "HTTP %s: %s", strings.Join(f.statuses, ", "), f.what)
	}
	d.codes(op, &oo.Codes, &no.Codes)
	d.billing(op, &oo.Billing, &no.Billing)
	d.sandbox(op, oo.Sandbox, no.Sandbox)
	_, oi := oo.ImageField()
	_, ni := no.ImageField()
	d.image(op, oi, ni)
	for _, k := range unionKeys(oo.Extensions, no.Extensions) {
		kind, breaking := extKind(k)
		ext := wire.Join(opPointer(no), k)
		for _, l := range leafDiff(ext, oo.Extensions[k], no.Extensions[k]) {
			if native(k, strings.TrimPrefix(l.path, ext), l) {
				continue // compared above, by key
			}
			d.changes = append(d.changes, Change{Kind: kind, Operation: op, Where: l.path, Old: l.old, New: l.new, Breaking: breaking,
				Message: withValues(strings.TrimSpace(k+" "+l.words)+" changed", l)})
		}
	}
	return nil
}

// fieldChange is a change of one field of a response body, seen through the statuses listed.
type fieldChange struct {
	kind, ptr, old, new, what string
	breaking                  bool
	statuses                  []string
}

// mergeFields adds the changes of one status to those of the statuses before: a change already seen
// (the same kind, field and values: a schema file two statuses share, advance's 429 is its 200) gains the
// status instead of being said twice.
func mergeFields(into, more []fieldChange) []fieldChange {
next:
	for _, m := range more {
		for i, f := range into {
			if f.kind == m.kind && f.ptr == m.ptr && f.old == m.old && f.new == m.new && f.what == m.what && f.breaking == m.breaking {
				into[i].statuses = append(into[i].statuses, m.statuses...)
				continue next
			}
		}
		into = append(into, m)
	}
	return into
}

func fields(status string, of, nf []contract.Field) []fieldChange {
	om, nm := map[string]contract.Field{}, map[string]contract.Field{}
	for _, f := range of {
		om[f.Pointer] = f
	}
	for _, f := range nf {
		nm[f.Pointer] = f
	}
	var out []fieldChange
	add := func(kind, p, old, new string, breaking bool, format string, a ...any) {
		out = append(out, fieldChange{kind: kind, ptr: p, old: old, new: new, breaking: breaking, what: fmt.Sprintf(format, a...), statuses: []string{status}})
	}
	for _, p := range unionKeys(om, nm) {
		o, inOld := om[p]
		n, inNew := nm[p]
		switch {
		case !inNew:
			req := o.Required != "no"
			add("field-removed", p, p, "", req, "field %s removed (required: %s)", p, o.Required)
			continue
		case !inOld:
			add("field-added", p, "", p, false, "field %s added (required: %s)", p, n.Required)
			continue
		}
		if !slices.Equal(o.Types, n.Types) {
			widened := len(n.Types) == 0 && len(o.Types) > 0 || len(o.Types) > 0 && !subset(n.Types, o.Types)
			add("field-type-changed", p, list(o.Types), list(n.Types), widened, "%s type %s → %s", p, list(o.Types), list(n.Types))
		}
		if !slices.Equal(o.Formats, n.Formats) {
			loosened := !subset(o.Formats, n.Formats)
			add("field-format-changed", p, list(o.Formats), list(n.Formats), loosened, "%s format %s → %s", p, list(o.Formats), list(n.Formats))
		}
		if !slices.Equal(o.Set, n.Set) {
			switch {
			case o.Set == nil || n.Set != nil && subset(n.Set, o.Set):
				add("field-set-narrowed", p, setList(o.Set), setList(n.Set), false, "%s closed set %s → %s", p, setList(o.Set), setList(n.Set))
			default:
				add("field-set-widened", p, setList(o.Set), setList(n.Set), true, "%s closed set %s → %s", p, setList(o.Set), setList(n.Set))
			}
		}
		if o.Required != n.Required {
			if rank(n.Required) < rank(o.Required) {
				add("field-required-dropped", p, o.Required, n.Required, true, "%s required %s → %s", p, o.Required, n.Required)
			} else {
				add("field-required-added", p, o.Required, n.Required, false, "%s required %s → %s", p, o.Required, n.Required)
			}
		}
	}
	return out
}

func rank(req string) int {
	switch req {
	case "yes":
		return 2
	case "when":
		return 1
	}
	return 0
}

// codes compares an operation's code table by code. A code both versions take from one shared table of
// the document (x-kontrak.codeTables, include) is left to sharedCodes, which says its change once.
func (d *differ) codes(op string, ot, nt *contract.CodeTable) {
	if ot.Pointer != nt.Pointer {
		d.add("code-pointer-changed", op, "pointer", ot.Pointer, nt.Pointer, true, "codes read at %s → %s", wire.Display(ot.Pointer), wire.Display(nt.Pointer))
	}
	if ot.MessagePointer != nt.MessagePointer {
		d.add("code-pointer-changed", op, "messagePointer", ot.MessagePointer, nt.MessagePointer, true, "messages read at %s → %s", wire.Display(ot.MessagePointer), wire.Display(nt.MessagePointer))
	}
	shared := func(c *contract.Code) bool {
		return c.Table != op && slices.Contains(ot.Include, c.Table) && slices.Contains(nt.Include, c.Table)
	}
	d.compareCodes(op, "", ot.Codes, nt.Codes, func(o, n *contract.Code) bool {
		return (o == nil || shared(o)) && (n == nil || shared(n)) && (o == nil || n == nil || o.Table == n.Table)
	})
}

// sharedCodes compares every code table of the document that operations include, once: a change of it is
// one finding of the document, whatever the number of operations that include it. A table's codes are
// those the including operations take from it.
func (d *differ) sharedCodes() {
	tables := func(v *contract.Vendor) map[string][]*contract.Code {
		out := map[string][]*contract.Code{}
		for _, o := range v.Operations {
			for _, t := range o.Codes.Include {
				for _, c := range o.Codes.Codes {
					if c.Table == t && !slices.ContainsFunc(out[t], func(x *contract.Code) bool { return x.Code == c.Code }) {
						out[t] = append(out[t], c)
					}
				}
			}
		}
		return out
	}
	ot, nt := tables(d.old.Vendor), tables(d.new.Vendor)
	for _, t := range unionKeys(ot, nt) {
		if _, ok := ot[t]; !ok {
			continue // a table no operation included before: each operation that does now says its codes
		}
		if _, ok := nt[t]; !ok {
			continue
		}
		d.compareCodes("", t, ot[t], nt[t], nil)
	}
}

// compareCodes compares two lists of codes by code; table, when not "", is the shared table they are of
// (it prefixes each place); skip leaves a pair (nil for the one side missing) to another comparison.
func (d *differ) compareCodes(op, table string, ol, nl []*contract.Code, skip func(o, n *contract.Code) bool) {
	om, nm := map[string]*contract.Code{}, map[string]*contract.Code{}
	for _, c := range ol {
		om[c.Code] = c
	}
	for _, c := range nl {
		nm[c.Code] = c
	}
	where, pre := func(k string) string { return k }, ""
	if table != "" {
		where, pre = func(k string) string { return table + " " + k }, "code table "+table+": "
	}
	add := func(kind, k, old, new string, breaking bool, format string, a ...any) {
		d.add(kind, op, where(k), old, new, breaking, "%s", pre+fmt.Sprintf(format, a...))
	}
	for _, k := range unionKeys(om, nm) {
		o, inOld := om[k]
		n, inNew := nm[k]
		if skip != nil && skip(o, n) {
			continue
		}
		switch {
		case !inNew:
			add("code-removed", k, k, "", false, "code %s removed", k)
			continue
		case !inOld:
			add("code-added", k, "", k, true, "code %s added (HTTP %s, billable %t)", k, list(n.Statuses), n.Billable)
			continue
		}
		if !sameSet(o.Statuses, n.Statuses) {
			add("code-status-moved", k, list(o.Statuses), list(n.Statuses), true, "code %s arrives with HTTP %s, was %s", k, list(n.Statuses), list(o.Statuses))
		}
		if o.Billable != n.Billable {
			kind := "code-made-free"
			if n.Billable {
				kind = "code-made-billable"
			}
			add(kind, k, strconv.FormatBool(o.Billable), strconv.FormatBool(n.Billable), true, "code %s billable %t → %t", k, o.Billable, n.Billable)
		}
		if !sameSet(o.Flags, n.Flags) {
			add("code-flags-changed", k, list(o.Flags), list(n.Flags), true, "code %s billing flags %s → %s", k, list(o.Flags), list(n.Flags))
		}
		if !sameSet(o.Messages, n.Messages) || o.MessagesOpen != n.MessagesOpen {
			add("code-message-changed", k, msgList(o), msgList(n), false, "code %s messages %s → %s", k, msgList(o), msgList(n))
		}
		if o.Class != n.Class || !reflect.DeepEqual(o.RetryAfter, n.RetryAfter) {
			add("code-class-changed", k, o.Class+retryText(o), n.Class+retryText(n), false, "code %s class %q → %q", k, o.Class+retryText(o), n.Class+retryText(n))
		}
	}
}

func retryText(c *contract.Code) string {
	if c.RetryAfter == nil {
		return ""
	}
	return " retry-after " + c.RetryAfter.Header
}

func msgList(c *contract.Code) string {
	s := list(c.Messages)
	if c.MessagesOpen {
		s += " (open)"
	}
	return s
}

func (d *differ) billing(op string, o, n *contract.Billing) {
	if o.Pointer != n.Pointer {
		d.add("billing-changed", op, "pointer", o.Pointer, n.Pointer, true, "the billing flag is read at %s, was %s", wire.Display(n.Pointer), wire.Display(o.Pointer))
	}
	for _, k := range unionKeys(o.Values, n.Values) {
		ov, okO := o.Values[k]
		nv, okN := n.Values[k]
		if ov != nv || okO != okN {
			d.add("billing-changed", op, "values "+k, presence(okO, ov), presence(okN, nv), true, "billing flag value %s: billable %s → %s", k, presence(okO, ov), presence(okN, nv))
		}
	}
	for _, k := range unionKeys(o.Statuses, n.Statuses) {
		ov, okO := o.Statuses[k]
		nv, okN := n.Statuses[k]
		if ov != nv || okO != okN {
			d.add("billing-changed", op, "statuses "+k, presence(okO, ov), presence(okN, nv), true, "HTTP %s without a code: billable %s → %s", k, presence(okO, ov), presence(okN, nv))
		}
	}
}

func presence(ok, v bool) string {
	if !ok {
		return "unstated"
	}
	return strconv.FormatBool(v)
}

func (d *differ) sandbox(op string, o, n []contract.SandboxParam) {
	key := func(p contract.SandboxParam) string { return p.Parameter.In + ":" + p.Parameter.Name }
	om, nm := map[string]contract.SandboxParam{}, map[string]contract.SandboxParam{}
	for _, p := range o {
		om[key(p)] = p
	}
	for _, p := range n {
		nm[key(p)] = p
	}
	for _, k := range unionKeys(om, nm) {
		op2, inOld := om[k]
		np, inNew := nm[k]
		if !inOld {
			d.add("sandbox-code-added", op, k, "", k, false, "sandbox parameter %s added", k)
			continue
		}
		oc, nc := map[string]contract.SandboxCode{}, map[string]contract.SandboxCode{}
		for _, c := range op2.Codes {
			oc[c.Value] = c
		}
		if inNew {
			for _, c := range np.Codes {
				nc[c.Value] = c
			}
			if !reflect.DeepEqual(op2.Unknown, np.Unknown) {
				d.add("sandbox-outcome-changed", op, k+" (unknown value)", outcome(op2.Unknown), outcome(np.Unknown), true, "sandbox %s: an unknown value answers %s, was %s", k, outcome(np.Unknown), outcome(op2.Unknown))
			}
		}
		for _, v := range unionKeys(oc, nc) {
			o, inO := oc[v]
			n, inN := nc[v]
			switch {
			case !inN:
				d.add("sandbox-code-removed", op, v, v, "", true, "sandbox value %s removed", v)
			case !inO:
				d.add("sandbox-code-added", op, v, "", v, false, "sandbox value %s added (%s)", v, outcome(&n.Outcome))
			case !reflect.DeepEqual(normal(o.Outcome), normal(n.Outcome)):
				d.add("sandbox-outcome-changed", op, v, outcome(&o.Outcome), outcome(&n.Outcome), true, "sandbox value %s answers %s, was %s", v, outcome(&n.Outcome), outcome(&o.Outcome))
			}
		}
	}
}

// normal renders an outcome's body through JSON so that equal YAML values compare equal.
func normal(o contract.Outcome) string { return outcome(&o) }

func outcome(o *contract.Outcome) string {
	if o == nil {
		return "none"
	}
	s := "HTTP " + strconv.Itoa(o.Status)
	if o.Code != "" {
		s += " " + o.Code
	}
	if len(o.Body) > 0 {
		b, _ := json.Marshal(o.Body)
		s += " " + string(b)
	}
	return s
}

func (d *differ) image(op string, o, n *contract.ImageRules) {
	if o == nil && n == nil {
		return
	}
	if o == nil || n == nil {
		d.add("image-limit-changed", op, "x-kontrak-image", present(o != nil), present(n != nil), o == nil, "image rules %s → %s", present(o != nil), present(n != nil))
		return
	}
	num := func(name string, ov, nv int, narrowsWhenLower bool) {
		if ov == nv {
			return
		}
		narrow := nv < ov == narrowsWhenLower
		if ov == 0 { // no limit before
			narrow = true
		}
		if nv == 0 {
			narrow = false
		}
		d.add("image-limit-changed", op, name, strconv.Itoa(ov), strconv.Itoa(nv), narrow, "image %s %d → %d", name, ov, nv)
	}
	num("maxBytes", o.MaxBytes, n.MaxBytes, true)
	num("maxWidth", o.MaxWidth, n.MaxWidth, true)
	num("maxHeight", o.MaxHeight, n.MaxHeight, true)
	num("minWidth", o.MinWidth, n.MinWidth, false)
	num("minHeight", o.MinHeight, n.MinHeight, false)
	lists := func(name string, ov, nv []string) {
		if sameSet(ov, nv) {
			return
		}
		d.add("image-limit-changed", op, name, list(ov), list(nv), !subset(ov, nv), "image %s %s → %s", name, list(ov), list(nv))
	}
	lists("formats", o.Formats, n.Formats)
	lists("partContentTypes", o.PartContentTypes, n.PartContentTypes)
	if o.Encoding != n.Encoding || o.DataURIPrefix != n.DataURIPrefix {
		d.add("image-limit-changed", op, "encoding", fmt.Sprintf("%s prefix=%t", o.Encoding, o.DataURIPrefix), fmt.Sprintf("%s prefix=%t", n.Encoding, n.DataURIPrefix), true, "image encoding changed")
	}
	if o.URLAccepted != n.URLAccepted {
		d.add("image-limit-changed", op, "urlAccepted", strconv.FormatBool(o.URLAccepted), strconv.FormatBool(n.URLAccepted), o.URLAccepted, "image URL accepted %t → %t", o.URLAccepted, n.URLAccepted)
	}
	for _, k := range unionKeys(o.Violations, n.Violations) {
		if o.Violations[k] != n.Violations[k] {
			d.add("image-limit-changed", op, "violations "+k, o.Violations[k], n.Violations[k], true, "an image breaking %s answers %q, was %q", k, n.Violations[k], o.Violations[k])
		}
	}
	if o.RecommendedBytes != n.RecommendedBytes || o.RecommendedWidth != n.RecommendedWidth || o.RecommendedHeight != n.RecommendedHeight {
		d.add("image-limit-changed", op, "recommended", fmt.Sprintf("%d B %dx%d", o.RecommendedBytes, o.RecommendedWidth, o.RecommendedHeight),
			fmt.Sprintf("%d B %dx%d", n.RecommendedBytes, n.RecommendedWidth, n.RecommendedHeight), false, "image recommendations changed")
	}
}

func present(b bool) string {
	if b {
		return "present"
	}
	return "absent"
}

// leaf is one differing leaf of two values: its JSON Pointer, the same place in words (an item of a
// list matched by its identity is named by it: "codes FAIL source note"), the values (JSON; a string as
// it is), and whether they are withheld (see withheld).
type leaf struct {
	path, words, old, new string
	hidden                bool
}

// leafDiff compares two decoded YAML values and lists the differing leaves below p: mappings member by
// member; lists whose items are mappings with one identity member (code, value, parameter, id, name,
// violation) item by item matched by it, other lists of one length item by item; anything else as a whole.
func leafDiff(p string, o, n any) []leaf { return leafDiffAt(p, "", o, n) }

func leafDiffAt(p, words string, o, n any) []leaf {
	join := func(w string) string { return strings.TrimSpace(words + " " + w) }
	om, okO := o.(map[string]any)
	nm, okN := n.(map[string]any)
	if okO && okN {
		var out []leaf
		for _, k := range unionKeys(om, nm) {
			out = append(out, leafDiffAt(wire.Join(p, k), join(k), om[k], nm[k])...)
		}
		return out
	}
	ol, okO := o.([]any)
	nl, okN := n.([]any)
	if okO && okN {
		if key := identity(ol, nl); key != "" {
			oi, ni := map[string]int{}, map[string]int{}
			for i, x := range ol {
				oi[short(x.(map[string]any)[key])] = i
			}
			var out []leaf
			for j, x := range nl {
				id := short(x.(map[string]any)[key])
				var ox any
				if i, ok := oi[id]; ok {
					ox = ol[i]
				}
				ni[id] = j
				out = append(out, leafDiffAt(wire.JoinIndex(p, j), join(id), ox, x)...)
			}
			for i, x := range ol {
				if id := short(x.(map[string]any)[key]); !hasKey(ni, id) {
					out = append(out, leafDiffAt(wire.JoinIndex(p, i), join(id), x, nil)...)
				}
			}
			return out
		}
		if len(ol) == len(nl) {
			var out []leaf
			for i := range ol {
				out = append(out, leafDiffAt(wire.JoinIndex(p, i), join(strconv.Itoa(i)), ol[i], nl[i])...)
			}
			return out
		}
	}
	if reflect.DeepEqual(o, n) {
		return nil
	}
	if withheld(p) {
		return []leaf{{path: p, words: words, hidden: true}}
	}
	return []leaf{{path: p, words: words, old: short(o), new: short(n)}}
}

func hasKey[V any](m map[string]V, k string) bool {
	_, ok := m[k]
	return ok
}

// identity is the member that names every item of both lists, each once: "" when there is none.
func identity(ol, nl []any) string {
next:
	for _, key := range []string{"code", "value", "parameter", "id", "name", "violation"} {
		for _, l := range [][]any{ol, nl} {
			seen := map[string]bool{}
			for _, x := range l {
				m, ok := x.(map[string]any)
				if !ok || m[key] == nil || seen[short(m[key])] {
					continue next
				}
				seen[short(m[key])] = true
			}
		}
		return key
	}
	return ""
}

// natively lists what compareTables compares by key in each table extension, as paths below it ("*"
// is any token): a path of whole is said when it is added or removed as a whole, a path of under
// wherever it changes. The rest of a table (its provenance, a code's description) is compared leaf by
// leaf, as extension-changed.
var natively = map[string]struct{ whole, under [][]string }{
	"x-kontrak-codes": {whole: [][]string{{}, {"codes", "*"}}, under: [][]string{{"pointer"}, {"messagePointer"},
		{"codes", "*", "code"}, {"codes", "*", "statuses"}, {"codes", "*", "billable"}, {"codes", "*", "flags"},
		{"codes", "*", "messages"}, {"codes", "*", "messagesOpen"}, {"codes", "*", "class"}, {"codes", "*", "retryAfter"}}},
	"x-kontrak": {whole: [][]string{{"codeTables"}, {"codeTables", "*"}, {"codeTables", "*", "codes"}, {"codeTables", "*", "codes", "*"}},
		under: [][]string{{"codeTables", "*", "codes", "*", "code"}, {"codeTables", "*", "codes", "*", "statuses"},
			{"codeTables", "*", "codes", "*", "billable"}, {"codeTables", "*", "codes", "*", "flags"}, {"codeTables", "*", "codes", "*", "messages"},
			{"codeTables", "*", "codes", "*", "messagesOpen"}, {"codeTables", "*", "codes", "*", "class"}, {"codeTables", "*", "codes", "*", "retryAfter"}}},
	"x-kontrak-billing": {whole: [][]string{{}}, under: [][]string{{"pointer"}, {"values"}, {"statuses"}}},
	"x-kontrak-sandbox": {whole: [][]string{{}, {"*"}, {"*", "codes", "*"}}, under: [][]string{{"*", "parameter"}, {"*", "unknown"},
		{"*", "codes", "*", "value"}, {"*", "codes", "*", "outcome"}}},
}

// native reports whether the leaf rel (a pointer below the extension ext) is compared by key.
func native(ext, rel string, l leaf) bool {
	t, ok := natively[ext]
	if !ok {
		return false
	}
	segs, _ := wire.Split(rel)
	match := func(pat []string, exact bool) bool {
		if len(segs) < len(pat) || exact && len(segs) != len(pat) {
			return false
		}
		for i, x := range pat {
			if x != "*" && x != segs[i] {
				return false
			}
		}
		return true
	}
	for _, pat := range t.under {
		if match(pat, false) {
			return true
		}
	}
	for _, pat := range t.whole {
		if match(pat, true) && (l.old == "" || l.new == "") {
			return true
		}
	}
	return false
}

func short(v any) string {
	if v == nil {
		return ""
	}
	if s, ok := v.(string); ok {
		return clip(s)
	}
	b, _ := json.Marshal(v)
	return clip(string(b))
}

func unionKeys[V any](a, b map[string]V) []string {
	seen := map[string]bool{}
	var out []string
	for k := range a {
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	for k := range b {
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

func subset(a, b []string) bool {
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}

func sameSet(a, b []string) bool { return subset(a, b) && subset(b, a) }

func list(l []string) string {
	if len(l) == 0 {
		return "any"
	}
	return strings.Join(l, ",")
}

func setList(l []string) string {
	if l == nil {
		return "open"
	}
	return "{" + strings.Join(l, ",") + "}"
}

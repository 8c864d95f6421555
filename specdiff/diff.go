package specdiff

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/internal/wire"
)

// Change is one difference between two versions of a spec, classified for a client written against the
// old one.
type Change struct {
	// Kind is a stable kebab-case id (see Kinds).
	Kind string `json:"kind"`
	// Operation is the operationId, empty for a change of the document.
	Operation string `json:"operation,omitempty"`
	// Where names the place: a status, a JSON Pointer in the body, a code, a sandbox value, a key.
	Where    string `json:"where,omitempty"`
	Old      string `json:"old,omitempty"`
	New      string `json:"new,omitempty"`
	Breaking bool   `json:"breaking"`
	Message  string `json:"message"`
}

// Kind is one kind of change and why it breaks a client, or does not.
type Kind struct {
	ID       string
	Breaking bool // the usual severity; a kind marked "either" decides per change
	Either   bool
	Why      string
}

// Kinds lists every kind of change, with its severity and the reason: the rules table of the diff.
var Kinds = []Kind{
	{ID: "operation-removed", Breaking: true, Why: "a client calls an operation the vendor no longer documents"},
	{ID: "operation-added", Why: "nothing a client does changes"},
	{ID: "status-added", Breaking: true, Why: "a client meets an HTTP status it was not told of"},
	{ID: "status-removed", Why: "a client handles a status that no longer comes"},
	{ID: "field-removed", Either: true, Why: "breaking when the field was required: a client reads it"},
	{ID: "field-added", Why: "an added field is ignored by a tolerant client"},
	{ID: "field-type-changed", Either: true, Why: "breaking when a new type is allowed; a narrowed type is not"},
	{ID: "field-format-changed", Either: true, Why: "breaking when a format is dropped or replaced: a client parses by it"},
	{ID: "field-set-widened", Breaking: true, Why: "a client meets a value outside the closed set it knew"},
	{ID: "field-set-narrowed", Why: "every value still comes from the set a client knew"},
	{ID: "field-required-dropped", Breaking: true, Why: "a client reads a field that may now be missing"},
	{ID: "field-required-added", Why: "a field that was optional now always comes"},
	{ID: "code-added", Breaking: true, Why: "a client meets a code outside the table it knew"},
	{ID: "code-removed", Why: "a client handles a code that no longer comes"},
	{ID: "code-status-moved", Breaking: true, Why: "a client routes by status: the code arrives where it is not expected"},
	{ID: "code-made-free", Breaking: true, Why: "the client's billing reconciliation counts a charge that is not made"},
	{ID: "code-made-billable", Breaking: true, Why: "the client is charged for an answer it counted free"},
	{ID: "code-flags-changed", Breaking: true, Why: "the billing flag a client reads for the code changed"},
	{ID: "code-message-changed", Why: "vendors change messages without notice; clients match codes"},
	{ID: "code-class-changed", Why: "how kontrak reads the code (auth, rate-limit, server) changed: retry policy, not the contract"},
	{ID: "code-pointer-changed", Breaking: true, Why: "a client reads the code (or message) at another place"},
	{ID: "billing-changed", Breaking: true, Why: "where or how the charge is told changed"},
	{ID: "sandbox-code-removed", Breaking: true, Why: "a sandbox test relies on a value that no longer exists"},
	{ID: "sandbox-code-added", Why: "a new sandbox value changes no test"},
	{ID: "sandbox-outcome-changed", Breaking: true, Why: "a sandbox test expects another answer"},
	{ID: "image-limit-changed", Either: true, Why: "breaking when the limit narrows (smaller, fewer formats): a client's image is refused"},
	{ID: "auth-changed", Breaking: true, Why: "the signature or token a client computes or reads changed"},
	{ID: "extension-changed", Why: "a kontrak table that is not the vendor's answer changed (canonical map, PII, request answers, provenance)"},
	{ID: "document-changed", Why: "notes, contradictions, provenance"},
	{ID: "openapi", Either: true, Why: "libopenapi's what-changed, with its own breaking rules"},
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

// Diff compares two versions of one vendor's spec.
func Diff(old, new *Spec) (*Report, error) {
	if old.Vendor.ID != new.Vendor.ID {
		return nil, fmt.Errorf("%s is vendor %s, %s is vendor %s: diff compares two versions of one vendor", old.Name, old.Vendor.ID, new.Name, new.Vendor.ID)
	}
	d := &differ{}
	if err := d.openapi(old, new); err != nil {
		return nil, err
	}
	d.document(old.Vendor, new.Vendor)
	for _, oo := range old.Vendor.Operations {
		no := new.Vendor.Operation(oo.ID)
		if no == nil {
			d.add("operation-removed", oo.ID, oo.Route(), oo.Route(), "", true, "operation %s (%s) removed", oo.ID, oo.Route())
			continue
		}
		if err := d.operation(old, new, oo, no); err != nil {
			return nil, err
		}
	}
	for _, no := range new.Vendor.Operations {
		if old.Vendor.Operation(no.ID) == nil {
			d.add("operation-added", no.ID, no.Route(), "", no.Route(), false, "operation %s (%s) added", no.ID, no.Route())
		}
	}
	sort.SliceStable(d.changes, func(i, j int) bool {
		a, b := d.changes[i], d.changes[j]
		if a.Operation != b.Operation {
			return a.Operation < b.Operation
		}
		if (a.Kind == "openapi") != (b.Kind == "openapi") {
			return a.Kind == "openapi"
		}
		// libopenapi's what-changed reports some changes (tags) in map order: the line decides, then the
		// text, so that the same two specs always give the same report (the changelog is golden).
		if la, lb := lineOf(a.Where), lineOf(b.Where); la != lb {
			return la < lb
		}
		return a.Where+a.Message < b.Where+b.Message
	})
	if d.changes == nil {
		d.changes = []Change{}
	}
	return &Report{Vendor: new.Vendor.ID, Old: old.Name, New: new.Name, Changes: d.changes}, nil
}

type differ struct{ changes []Change }

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
}

func (d *differ) operation(old, new *Spec, oo, no *contract.Operation) error {
	op := oo.ID
	// Statuses.
	for _, r := range oo.Responses {
		if !slices.Contains(no.Statuses(), r.Status) {
			d.add("status-removed", op, r.Status, r.Status, "", false, "HTTP %s no longer documented", r.Status)
		}
	}
	for _, r := range no.Responses {
		if !slices.Contains(oo.Statuses(), r.Status) {
			d.add("status-added", op, r.Status, "", r.Status, true, "HTTP %s now documented", r.Status)
		}
	}
	// Schemas, status by status.
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
		d.fields(op, or.Status, of, nf)
	}
	d.codes(op, &oo.Codes, &no.Codes)
	d.billing(op, &oo.Billing, &no.Billing)
	d.sandbox(op, oo.Sandbox, no.Sandbox)
	_, oi := oo.ImageField()
	_, ni := no.ImageField()
	d.image(op, oi, ni)
	for _, k := range unionKeys(oo.Extensions, no.Extensions) {
		switch k {
		case "x-kontrak-codes", "x-kontrak-billing", "x-kontrak-sandbox", "x-kontrak-source":
			continue // compared above, or provenance of the operation (below)
		}
		kind, breaking := "extension-changed", false
		if k == "x-kontrak-signature" || k == "x-kontrak-token" {
			kind, breaking = "auth-changed", true
		}
		for _, l := range leafDiff(k, oo.Extensions[k], no.Extensions[k]) {
			d.add(kind, op, l.path, l.old, l.new, breaking, "%s changed at %s", k, l.path)
		}
	}
	return nil
}

func (d *differ) fields(op, status string, of, nf []contract.Field) {
	om, nm := map[string]contract.Field{}, map[string]contract.Field{}
	for _, f := range of {
		om[f.Pointer] = f
	}
	for _, f := range nf {
		nm[f.Pointer] = f
	}
	where := func(p string) string { return status + " " + wire.Display(p) }
	for _, p := range unionKeys(om, nm) {
		o, inOld := om[p]
		n, inNew := nm[p]
		switch {
		case !inNew:
			req := o.Required != "no"
			d.add("field-removed", op, where(p), p, "", req, "HTTP %s: field %s removed (required: %s)", status, p, o.Required)
			continue
		case !inOld:
			d.add("field-added", op, where(p), "", p, false, "HTTP %s: field %s added (required: %s)", status, p, n.Required)
			continue
		}
		if !slices.Equal(o.Types, n.Types) {
			widened := len(n.Types) == 0 && len(o.Types) > 0 || len(o.Types) > 0 && !subset(n.Types, o.Types)
			d.add("field-type-changed", op, where(p), list(o.Types), list(n.Types), widened, "HTTP %s: %s type %s → %s", status, p, list(o.Types), list(n.Types))
		}
		if !slices.Equal(o.Formats, n.Formats) {
			loosened := !subset(o.Formats, n.Formats)
			d.add("field-format-changed", op, where(p), list(o.Formats), list(n.Formats), loosened, "HTTP %s: %s format %s → %s", status, p, list(o.Formats), list(n.Formats))
		}
		if !slices.Equal(o.Set, n.Set) {
			switch {
			case o.Set == nil || n.Set != nil && subset(n.Set, o.Set):
				d.add("field-set-narrowed", op, where(p), setList(o.Set), setList(n.Set), false, "HTTP %s: %s closed set %s → %s", status, p, setList(o.Set), setList(n.Set))
			default:
				d.add("field-set-widened", op, where(p), setList(o.Set), setList(n.Set), true, "HTTP %s: %s closed set %s → %s", status, p, setList(o.Set), setList(n.Set))
			}
		}
		if o.Required != n.Required {
			if rank(n.Required) < rank(o.Required) {
				d.add("field-required-dropped", op, where(p), o.Required, n.Required, true, "HTTP %s: %s required %s → %s", status, p, o.Required, n.Required)
			} else {
				d.add("field-required-added", op, where(p), o.Required, n.Required, false, "HTTP %s: %s required %s → %s", status, p, o.Required, n.Required)
			}
		}
	}
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

func (d *differ) codes(op string, ot, nt *contract.CodeTable) {
	if ot.Pointer != nt.Pointer {
		d.add("code-pointer-changed", op, "pointer", ot.Pointer, nt.Pointer, true, "codes read at %s → %s", wire.Display(ot.Pointer), wire.Display(nt.Pointer))
	}
	if ot.MessagePointer != nt.MessagePointer {
		d.add("code-pointer-changed", op, "messagePointer", ot.MessagePointer, nt.MessagePointer, true, "messages read at %s → %s", wire.Display(ot.MessagePointer), wire.Display(nt.MessagePointer))
	}
	om, nm := map[string]*contract.Code{}, map[string]*contract.Code{}
	for _, c := range ot.Codes {
		om[c.Code] = c
	}
	for _, c := range nt.Codes {
		nm[c.Code] = c
	}
	for _, k := range unionKeys(om, nm) {
		o, inOld := om[k]
		n, inNew := nm[k]
		switch {
		case !inNew:
			d.add("code-removed", op, k, k, "", false, "code %s removed", k)
			continue
		case !inOld:
			d.add("code-added", op, k, "", k, true, "code %s added (HTTP %s, billable %t)", k, list(n.Statuses), n.Billable)
			continue
		}
		if !sameSet(o.Statuses, n.Statuses) {
			d.add("code-status-moved", op, k, list(o.Statuses), list(n.Statuses), true, "code %s arrives with HTTP %s, was %s", k, list(n.Statuses), list(o.Statuses))
		}
		if o.Billable != n.Billable {
			kind := "code-made-free"
			if n.Billable {
				kind = "code-made-billable"
			}
			d.add(kind, op, k, strconv.FormatBool(o.Billable), strconv.FormatBool(n.Billable), true, "code %s billable %t → %t", k, o.Billable, n.Billable)
		}
		if !sameSet(o.Flags, n.Flags) {
			d.add("code-flags-changed", op, k, list(o.Flags), list(n.Flags), true, "code %s billing flags %s → %s", k, list(o.Flags), list(n.Flags))
		}
		if !sameSet(o.Messages, n.Messages) || o.MessagesOpen != n.MessagesOpen {
			d.add("code-message-changed", op, k, msgList(o), msgList(n), false, "code %s messages %s → %s", k, msgList(o), msgList(n))
		}
		if o.Class != n.Class || !reflect.DeepEqual(o.RetryAfter, n.RetryAfter) {
			d.add("code-class-changed", op, k, o.Class+retryText(o), n.Class+retryText(n), false, "code %s class %q → %q", k, o.Class+retryText(o), n.Class+retryText(n))
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

type leaf struct{ path, old, new string }

// leafDiff compares two decoded YAML values and lists the differing leaves by a dotted path.
func leafDiff(p string, o, n any) []leaf {
	om, okO := o.(map[string]any)
	nm, okN := n.(map[string]any)
	if okO && okN {
		var out []leaf
		for _, k := range unionKeys(om, nm) {
			out = append(out, leafDiff(p+"."+k, om[k], nm[k])...)
		}
		return out
	}
	if reflect.DeepEqual(o, n) {
		return nil
	}
	return []leaf{{p, short(o), short(n)}}
}

func short(v any) string {
	if v == nil {
		return ""
	}
	b, _ := json.Marshal(v)
	s := string(b)
	if len(s) > 120 {
		s = s[:117] + "..."
	}
	return s
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

// lineOf is the line number a what-changed location ends with ("tags (line 301)"), 0 when it has none.
func lineOf(where string) int {
	i := strings.LastIndex(where, "(line ")
	if i < 0 || !strings.HasSuffix(where, ")") {
		return 0
	}
	n, err := strconv.Atoi(where[i+len("(line ") : len(where)-1])
	if err != nil {
		return 0
	}
	return n
}

package specdiff

import (
	"fmt"
	"strings"

	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/internal/wire"
	"github.com/pb33f/go-yaml"
	"github.com/pb33f/libopenapi"
	"github.com/pb33f/libopenapi/datamodel"
	"github.com/pb33f/libopenapi/what-changed/model"
)

// compare is libopenapi's what-changed of the two versions, and each version's YAML as libopenapi parsed it
// (the line and column of a change are positions in it).
func compare(old, new *Spec) (*model.DocumentChanges, *tree, *tree, error) {
	cfg := &datamodel.DocumentConfiguration{SkipExternalRefResolution: true}
	od, err := libopenapi.NewDocumentWithConfiguration(old.Raw, cfg)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("%s: %v", old.Name, oneLine(err.Error()))
	}
	nd, err := libopenapi.NewDocumentWithConfiguration(new.Raw, cfg)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("%s: %v", new.Name, oneLine(err.Error()))
	}
	dc, err := libopenapi.CompareDocuments(od, nd)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("libopenapi what-changed: %v", oneLine(err.Error()))
	}
	return dc, newTree(od.GetSpecInfo().RootNode), newTree(nd.GetSpecInfo().RootNode), nil
}

// lib is one change of libopenapi's what-changed, placed.
type lib struct {
	c                 *model.Change
	t                 *tree      // the version the place is in: the old one for a removal, else the new one
	ptr               string     // the place, a JSON Pointer into t
	obj               *yaml.Node // the node at ptr; nil when the change carries no position
	removal, addition bool
}

// openapi adds libopenapi's what-changed of the two documents, each change placed (a JSON Pointer into
// the spec: what-changed gives only a line and a column) and said in words. What kontrak compares itself
// is left out, so that one change is one finding with kontrak's severity: operations and response
// statuses added or removed (operation-*, status-*), and the x-kontrak extension of the document and every
// extension of an operation and the image field's x-kontrak-image (compared by their natural keys). An
// x-kontrak-* extension elsewhere (the provenance of a response, a server, a scheme) is compared here,
// leaf by leaf. A removal and an addition of equal content under one parent are one rename.
func (d *differ) openapi(dc *model.DocumentChanges) {
	if dc == nil {
		return
	}
	// A change without a position is placed at its operation, found from the tree of changes.
	fallback := map[*model.Change]string{}
	if pc := dc.PathsChanges; pc != nil {
		for path, pic := range pc.PathItemsChanges {
			ops := map[string]*model.OperationChanges{"get": pic.GetChanges, "put": pic.PutChanges, "post": pic.PostChanges,
				"delete": pic.DeleteChanges, "patch": pic.PatchChanges, "head": pic.HeadChanges, "options": pic.OptionsChanges,
				"trace": pic.TraceChanges}
			for method, oc := range ops {
				for _, c := range oc.GetAllChanges() {
					fallback[c] = wire.Join("", "paths", path, method)
				}
			}
		}
	}
	var kept []*lib
	seen := map[string]bool{}
	for _, c := range dc.GetAllChanges() {
		f := d.place(c, fallback[c])
		segs, _ := wire.Split(f.ptr)
		if d.covered(f, segs) {
			continue
		}
		// A change reached through several $refs is reported where it is, once.
		key := fmt.Sprint(f.t == d.oldT, f.ptr, c.ChangeType, c.Property, c.Original, c.New)
		if seen[key] {
			continue
		}
		seen[key] = true
		if e := extIndex(segs); e >= 0 {
			d.libExtension(f, segs, e)
			continue
		}
		kept = append(kept, f)
	}
	used := make([]bool, len(kept))
	for i, a := range kept {
		if !a.removal {
			continue
		}
		for j, b := range kept {
			// One kind of thing (a tag's property is its name), under one parent, of equal content.
			same := a.c.Property == b.c.Property || a.c.Property == a.name() && b.c.Property == b.name()
			if used[j] || !b.addition || !same || parentOf(a.ptr) != parentOf(b.ptr) || !sameContent(a, b) {
				continue
			}
			used[i], used[j] = true, true
			d.changes = append(d.changes, Change{Kind: "openapi", Operation: d.opOf(a), Where: a.ptr, Old: a.name(), New: b.name(),
				Breaking: a.c.Breaking || b.c.Breaking, Message: a.t.describe(a.ptr, d.known(a.t)) + " renamed to " + named(b.name())})
			break
		}
	}
	for i, f := range kept {
		if !used[i] {
			d.libChange(f)
		}
	}
}

// place finds where c is: the node at its position in the old version (a removal) or the new one. A
// position is the node's own (a scalar changed) or its object's (a schema whose type changed, a parameter
// removed, given by its name): the pointer is moved to the member or the object.
func (d *differ) place(c *model.Change, fallback string) *lib {
	f := &lib{c: c, t: d.newT,
		removal:  c.ChangeType == model.ObjectRemoved || c.ChangeType == model.PropertyRemoved,
		addition: c.ChangeType == model.ObjectAdded || c.ChangeType == model.PropertyAdded}
	var line, col *int
	if c.Context != nil {
		line, col = c.Context.NewLine, c.Context.NewColumn
		if f.removal || line == nil {
			f.t, line, col = d.oldT, c.Context.OriginalLine, c.Context.OriginalColumn
		}
	}
	s := f.t.locate(line, col)
	if s == nil {
		f.ptr = fallback
		return f
	}
	f.ptr, f.obj = s.ptr, s.node
	object := c.ChangeType == model.ObjectAdded || c.ChangeType == model.ObjectRemoved
	switch {
	case object && !s.isKey && s.node.Kind == yaml.MappingNode && len(s.node.Content) > 1 && s.node.Content[0].Value == c.Property &&
		s.node.Content[0].Line == s.node.Line && s.node.Content[0].Column == s.node.Column:
		// A mapping starts where its first key does: a path or a method removed is given by its key.
		f.ptr, f.obj = wire.Join(s.ptr, c.Property), s.node.Content[1]
	case object && !s.isKey && s.node.Kind == yaml.ScalarNode && s.parent != nil && s.parent.Kind == yaml.MappingNode && s.key != c.Property:
		f.ptr, f.obj = parentOf(s.ptr), s.parent // the name of an item (a parameter's): the item
	case !object && s.node.Kind == yaml.MappingNode && s.key != c.Property && child(s.node, c.Property) != nil:
		f.ptr, f.obj = wire.Join(s.ptr, c.Property), child(s.node, c.Property) // the object of a property
	}
	// An object reached through a YAML alias has the position of its anchor: a member of a mapping is
	// found again by the name what-changed gives it.
	if name := f.c.Original + f.c.New; object && name != "" {
		if p := f.t.get(parentOf(f.ptr)); p != nil && p.Kind == yaml.MappingNode && lastOf(f.ptr) != name && child(p, name) != nil {
			f.ptr, f.obj = wire.Join(parentOf(f.ptr), name), child(p, name)
		}
	}
	return f
}

// covered reports whether kontrak's own comparison sees the change f (and says it, with its severity).
func (d *differ) covered(f *lib, segs []string) bool {
	op := d.opAt(f.t, segs)
	if e := extIndex(segs); e >= 0 {
		switch {
		case e == 0 && segs[0] == "x-kontrak":
			return true // document: contradictions, notes, the rest leaf by leaf
		case op != nil && e == 3:
			return true // the operation's extensions
		case op != nil && len(segs) > 4 && segs[3] == "requestBody" && segs[e] == "x-kontrak-image":
			return true // image-limit-changed
		}
		return false
	}
	if !f.removal && !f.addition || len(segs) < 2 || segs[0] != "paths" {
		return false
	}
	if len(segs) == 2 || len(segs) == 3 && methods[segs[2]] {
		return true // operation-added, -removed, -moved
	}
	return op != nil && len(segs) == 5 && segs[3] == "responses" // status-added, -removed
}

// extIndex is the index of the first extension token of segs, -1 for none.
func extIndex(segs []string) int {
	for i, s := range segs {
		if strings.HasPrefix(s, "x-") {
			return i
		}
	}
	return -1
}

// opAt is the operation at /paths/{path}/{method} of the version of t, nil for another place.
func (d *differ) opAt(t *tree, segs []string) *contract.Operation {
	if len(segs) < 3 || segs[0] != "paths" || !methods[segs[2]] {
		return nil
	}
	v := d.new.Vendor
	if t == d.oldT {
		v = d.old.Vendor
	}
	for _, o := range v.Operations {
		if o.Path == segs[1] && strings.EqualFold(o.Method, segs[2]) {
			return o
		}
	}
	return nil
}

// opOf is the operationId a finding at f is reported under: the new one of an operation renamed.
func (d *differ) opOf(f *lib) string {
	segs, _ := wire.Split(f.ptr)
	o := d.opAt(f.t, segs)
	if o == nil {
		return ""
	}
	if f.t == d.oldT {
		if id, ok := d.renamed[o.ID]; ok {
			return id
		}
	}
	return o.ID
}

// known is describe's test of a documented operation at path and method of t's version.
func (d *differ) known(t *tree) func(path, method string) string {
	return func(path, method string) string {
		if o := d.opAt(t, []string{"paths", path, method}); o != nil {
			return o.ID
		}
		return ""
	}
}

// name is what a removed or added object is called: its key in a mapping, its name (or url) in a list.
func (f *lib) name() string {
	if p := f.t.get(parentOf(f.ptr)); p != nil && p.Kind == yaml.MappingNode {
		return lastOf(f.ptr)
	}
	if n := f.c.Original + f.c.New; n != "" {
		return n // one of them is empty: the removed one's name, or the added one's
	}
	if f.obj != nil && f.obj.Kind == yaml.MappingNode {
		for _, m := range members(f.obj, "") {
			if m[1].Kind == yaml.ScalarNode && m[1].Value == f.c.Property {
				return f.c.Property // a tag's name is the property what-changed gives
			}
		}
	}
	return ""
}

// sameContent reports whether the removed a and the added b hold the same content but for their name:
// a rename.
func sameContent(a, b *lib) bool {
	if a.obj == nil || b.obj == nil {
		return false
	}
	skip := func(f *lib, n *yaml.Node) string {
		if p := f.t.get(parentOf(f.ptr)); p != nil && p.Kind == yaml.MappingNode {
			return "" // the name is the key, outside the object
		}
		for _, m := range members(n, "") {
			if m[1].Kind == yaml.ScalarNode && m[1].Value == f.name() {
				return m[0].Value
			}
		}
		return ""
	}
	if a.obj.Kind != yaml.MappingNode {
		return a.obj.Kind == b.obj.Kind
	}
	return sameNode(a.obj, b.obj, skip(a, a.obj), skip(b, b.obj))
}

// libChange adds one change of libopenapi with its severity. A value compared as a whole (an example's
// value) is reported leaf by leaf, each leaf at its pointer.
func (d *differ) libChange(f *lib) {
	c := f.c
	verb := map[int]string{model.Modified: "changed", model.PropertyAdded: "added", model.ObjectAdded: "added",
		model.ObjectRemoved: "removed", model.PropertyRemoved: "removed"}[c.ChangeType]
	what := f.t.describe(f.ptr, d.known(f.t))
	if f.obj == nil && c.Property != "" {
		what += " " + c.Property // no position: the operation (or the document), and the property
	}
	if c.ChangeType == model.Modified && f.obj != nil {
		o, n := d.oldT.get(f.ptr), f.obj
		if c.Context != nil && c.Context.OriginalLine != nil {
			if s := d.oldT.locate(c.Context.OriginalLine, c.Context.OriginalColumn); s != nil && s.ptr == f.ptr {
				o = s.node
			}
		}
		if o != nil && o.Kind != yaml.ScalarNode && n.Kind != yaml.ScalarNode {
			if ls := leafDiff(f.ptr, decode(o), decode(n)); len(ls) > 0 {
				for _, l := range ls {
					d.changes = append(d.changes, Change{Kind: "openapi", Operation: d.opOf(f), Where: l.path, Old: l.old, New: l.new,
						Breaking: c.Breaking, Message: withValues(f.t.describe(l.path, d.known(f.t))+" changed", l)})
				}
				return
			}
		}
	}
	l := leaf{path: f.ptr, old: clip(c.Original), new: clip(c.New)}
	if l.old == "" && l.new == "" && f.obj != nil {
		// an object added or removed: its name (a tag's, given as what-changed's property)
		if f.removal {
			l.old = f.name()
		} else if f.addition {
			l.new = f.name()
		}
	}
	if withheld(f.ptr) {
		l.old, l.new, l.hidden = "", "", true
	}
	msg := what + " " + verb
	if c.ChangeType == model.Modified {
		msg = withValues(msg, l)
	}
	d.changes = append(d.changes, Change{Kind: "openapi", Operation: d.opOf(f), Where: f.ptr, Old: l.old, New: l.new,
		Breaking: c.Breaking, Message: msg})
}

// libExtension adds an extension change libopenapi saw and kontrak does not compare by key (the
// provenance of a response, the environment of a server), leaf by leaf: what-changed sees an extension
// as one opaque value.
func (d *differ) libExtension(f *lib, segs []string, e int) {
	ext := "/" + strings.Join(escapeAll(segs[:e+1]), "/")
	oldPtr, newPtr := ext, ext
	if c := f.c.Context; c != nil {
		if s := d.oldT.locate(c.OriginalLine, c.OriginalColumn); s != nil && c.OriginalLine != nil {
			oldPtr = cutAt(s.ptr, e)
		}
		if s := d.newT.locate(c.NewLine, c.NewColumn); s != nil && c.NewLine != nil {
			newPtr = cutAt(s.ptr, e)
		}
	}
	where := newPtr
	if f.removal {
		where = oldPtr
	}
	kind, breaking := extKind(segs[e])
	op := d.opOf(f)
	for _, l := range leafDiff(where, decode(d.oldT.get(oldPtr)), decode(d.newT.get(newPtr))) {
		d.changes = append(d.changes, Change{Kind: kind, Operation: op, Where: l.path, Old: l.old, New: l.new, Breaking: breaking,
			Message: withValues(f.t.describe(l.path, d.known(f.t))+" changed", l)})
	}
}

// extKind is the kind of a change of extension name: the credential a client computes or reads is
// auth-changed; another extension is kontrak's own table, not the vendor's answer.
func extKind(name string) (string, bool) {
	switch name {
	case "x-kontrak-signature", "x-kontrak-token", "x-kontrak-token-operation":
		return "auth-changed", true
	}
	return "extension-changed", false
}

// cutAt is ptr cut after its token i.
func cutAt(ptr string, i int) string {
	segs, err := wire.Split(ptr)
	if err != nil || len(segs) <= i {
		return ptr
	}
	return "/" + strings.Join(escapeAll(segs[:i+1]), "/")
}

func escapeAll(segs []string) []string {
	out := make([]string, len(segs))
	for i, s := range segs {
		out[i] = wire.Escape(s)
	}
	return out
}

// withValues is msg with ": old → new" when both are short enough for a line and may be shown.
func withValues(msg string, l leaf) string {
	switch {
	case l.hidden:
		return msg + " (values not shown: an example or a known answer may hold personal data or a secret)"
	case len(l.old) <= 60 && len(l.new) <= 60 && (l.old != "" || l.new != ""):
		return msg + ": " + orNone(l.old) + " → " + orNone(l.new)
	}
	return msg
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// withheld reports whether the values at ptr are not shown: an example's values may be personal data
// (name the example and the pointer, never the value), and a signature's known answer is a credential.
func withheld(ptr string) bool {
	segs, _ := wire.Split(ptr)
	for _, s := range segs {
		switch s {
		case "example", "examples", "knownAnswer":
			return true
		}
	}
	return false
}

func clip(s string) string {
	s = oneLine(s)
	if len(s) > 120 {
		return s[:117] + "..."
	}
	return s
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

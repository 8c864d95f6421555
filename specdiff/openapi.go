package specdiff

import (
	"fmt"
	"strings"

	"github.com/pb33f/libopenapi"
	"github.com/pb33f/libopenapi/datamodel"
	"github.com/pb33f/libopenapi/what-changed/model"
)

// openapi adds libopenapi's what-changed of the two documents: operations, parameters, request bodies,
// responses, examples, servers, info. Changes inside x-kontrak-* extensions are left out: libopenapi sees
// an extension as one opaque value, and the tables are compared by their natural keys instead. So are
// response codes added or removed, which status-added and status-removed say with a client's severity.
func (d *differ) openapi(old, new *Spec) error {
	cfg := &datamodel.DocumentConfiguration{SkipExternalRefResolution: true}
	od, err := libopenapi.NewDocumentWithConfiguration(old.Raw, cfg)
	if err != nil {
		return fmt.Errorf("%s: %v", old.Name, oneLine(err.Error()))
	}
	nd, err := libopenapi.NewDocumentWithConfiguration(new.Raw, cfg)
	if err != nil {
		return fmt.Errorf("%s: %v", new.Name, oneLine(err.Error()))
	}
	dc, err := libopenapi.CompareDocuments(od, nd)
	if err != nil {
		return fmt.Errorf("libopenapi what-changed: %v", oneLine(err.Error()))
	}
	if dc == nil {
		return nil
	}
	seen := map[*model.Change]bool{}
	opID := func(path, method string) string {
		for _, s := range []*Spec{new, old} {
			for _, o := range s.Vendor.Operations {
				if o.Path == path && o.Method == strings.ToUpper(method) {
					return o.ID
				}
			}
		}
		return ""
	}
	if pc := dc.PathsChanges; pc != nil {
		for path, pic := range pc.PathItemsChanges {
			ops := map[string]*model.OperationChanges{"get": pic.GetChanges, "put": pic.PutChanges, "post": pic.PostChanges,
				"delete": pic.DeleteChanges, "patch": pic.PatchChanges, "head": pic.HeadChanges, "options": pic.OptionsChanges}
			for method, oc := range ops {
				if oc == nil {
					continue
				}
				id := opID(path, method)
				for _, c := range oc.GetAllChanges() {
					seen[c] = true
					d.libChange(id, c)
				}
			}
		}
	}
	for _, c := range dc.GetAllChanges() {
		if !seen[c] {
			d.libChange("", c)
		}
	}
	return nil
}

func (d *differ) libChange(op string, c *model.Change) {
	if strings.HasPrefix(c.Property, "x-kontrak") || c.Property == "x-kontrak" {
		return
	}
	if isStatusKey(c.Property) && (c.ChangeType == model.ObjectAdded || c.ChangeType == model.ObjectRemoved ||
		c.ChangeType == model.PropertyAdded || c.ChangeType == model.PropertyRemoved) {
		return // status-added / status-removed
	}
	line := 0
	if c.Context != nil {
		if c.Context.NewLine != nil {
			line = *c.Context.NewLine
		} else if c.Context.OriginalLine != nil {
			line = *c.Context.OriginalLine
		}
	}
	verb := map[int]string{model.Modified: "modified", model.PropertyAdded: "added", model.ObjectAdded: "added",
		model.ObjectRemoved: "removed", model.PropertyRemoved: "removed"}[c.ChangeType]
	where := c.Property
	if line > 0 {
		where = fmt.Sprintf("%s (line %d)", c.Property, line)
	}
	d.changes = append(d.changes, Change{Kind: "openapi", Operation: op, Where: where, Old: clip(c.Original), New: clip(c.New),
		Breaking: c.Breaking, Message: fmt.Sprintf("%s %s", c.Property, verb)})
}

func isStatusKey(s string) bool {
	if s == "default" {
		return true
	}
	if len(s) != 3 {
		return false
	}
	for i, r := range s {
		if !(r >= '0' && r <= '9' || i > 0 && (r == 'X' || r == 'x')) {
			return false
		}
	}
	return true
}

func clip(s string) string {
	s = oneLine(s)
	if len(s) > 120 {
		return s[:117] + "..."
	}
	return s
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

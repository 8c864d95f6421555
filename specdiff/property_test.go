package specdiff

import (
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"path"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	kontrak "github.com/kontrak/kontrak"
	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/internal/wire"
	"github.com/pb33f/go-yaml"
)

var propertySeed = flag.Uint64("specdiff.seed", 1, "the seed of the values TestDiffReportsEverySingleEditOnce writes")

// operator is one kind of single edit. It applies at every place of a spec (or of a response's schema
// file) that where accepts, and edit changes the node there.
type operator struct {
	name   string
	schema bool // edits the schema files of the responses, not the spec
	where  func(segs []string, n *yaml.Node) bool
	// edit changes n, the node at segs, whose parent is p; it returns what the finding must not show (an
	// example's value) or "", and the pointer below n it edited ("" for n itself).
	edit func(r *rand.Rand, p, n *yaml.Node, segs []string) (secret, below string)
}

var jsonTypes = []string{"string", "integer", "number", "boolean", "object", "array"}

func word(r *rand.Rand) string {
	const letters = "bcdfghjkmnpqrstvwxz"
	b := make([]byte, 8)
	for i := range b {
		b[i] = letters[r.IntN(len(letters))]
	}
	return string(b)
}

func hasExt(segs []string) bool { return extIndex(segs) >= 0 }

func under(segs []string, key string) bool { return slices.Contains(segs, key) }

var operators = []operator{
	{name: "delete a response",
		where: func(s []string, n *yaml.Node) bool {
			return len(s) >= 5 && s[0] == "paths" && s[len(s)-2] == "responses" && n.Kind == yaml.MappingNode
		},
		edit: func(_ *rand.Rand, p, _ *yaml.Node, s []string) (string, string) {
			deleteMember(p, s[len(s)-1])
			return "", ""
		}},
	{name: "rename a response header",
		where: func(s []string, n *yaml.Node) bool {
			return len(s) >= 2 && s[len(s)-2] == "headers" && n.Kind == yaml.MappingNode
		},
		edit: func(r *rand.Rand, p, _ *yaml.Node, s []string) (string, string) {
			renameMember(p, s[len(s)-1], s[len(s)-1]+"-"+word(r))
			return "", ""
		}},
	{name: "rename a request parameter",
		where: func(s []string, n *yaml.Node) bool {
			return len(s) >= 2 && s[len(s)-2] == "parameters" && member(n, "name") != ""
		},
		edit: func(r *rand.Rand, _, n *yaml.Node, _ []string) (string, string) {
			child(n, "name").Value += "_" + word(r)
			return "", ""
		}},
	{name: "retype a schema of the spec",
		where: func(s []string, n *yaml.Node) bool {
			return len(s) > 0 && s[len(s)-1] == "type" && under(s, "schema") && !hasExt(s) && !under(s, "examples") &&
				n.Kind == yaml.ScalarNode && slices.Contains(jsonTypes, n.Value)
		},
		edit: func(r *rand.Rand, _, n *yaml.Node, _ []string) (string, string) {
			n.Value = other(r, jsonTypes, n.Value)
			return "", ""
		}},
	{name: "edit a security scheme",
		where: func(s []string, n *yaml.Node) bool {
			return len(s) == 4 && s[0] == "components" && s[1] == "securitySchemes" && (s[3] == "name" || s[3] == "description") &&
				n.Kind == yaml.ScalarNode
		},
		edit: func(r *rand.Rand, _, n *yaml.Node, _ []string) (string, string) {
			n.Value += "-" + word(r)
			return "", ""
		}},
	{name: "edit an example's value",
		where: func(s []string, n *yaml.Node) bool {
			// the first string leaf of every example value, and every example of a header or parameter
			if len(s) > 0 && s[len(s)-1] == "example" && n.Kind == yaml.ScalarNode && !hasExt(s) {
				return true
			}
			if len(s) < 3 || s[len(s)-1] != "value" || s[len(s)-3] != "examples" {
				return false
			}
			leaf, _ := firstString(n)
			return leaf != nil
		},
		edit: func(r *rand.Rand, _, n *yaml.Node, _ []string) (string, string) {
			below := ""
			if n.Kind != yaml.ScalarNode {
				n, below = firstString(n)
			}
			n.Value += word(r)
			return n.Value, below
		}},
	{name: "edit a description",
		where: func(s []string, n *yaml.Node) bool {
			return len(s) > 0 && s[len(s)-1] == "description" && !hasExt(s) && !under(s, "examples") && n.Kind == yaml.ScalarNode
		},
		edit: func(r *rand.Rand, _, n *yaml.Node, _ []string) (string, string) {
			n.Value += " " + word(r)
			return "", ""
		}},
	{name: "flip the basis of a fact's provenance",
		where: func(s []string, n *yaml.Node) bool {
			return len(s) >= 2 && s[len(s)-1] == "basis" && (s[len(s)-2] == "x-kontrak-source" || s[len(s)-2] == "source" && hasExt(s)) &&
				(n.Value == "documented" || n.Value == "inferred")
		},
		edit: func(_ *rand.Rand, _, n *yaml.Node, _ []string) (string, string) {
			n.Value = map[string]string{"documented": "inferred", "inferred": "documented"}[n.Value]
			return "", ""
		}},
	{name: "edit a code's first message",
		where: func(s []string, n *yaml.Node) bool {
			return codeAt(s) >= 0 && len(s) == codeAt(s)+4 && s[len(s)-2] == "messages" && s[len(s)-1] == "0" && n.Kind == yaml.ScalarNode
		},
		edit: func(r *rand.Rand, _, n *yaml.Node, _ []string) (string, string) {
			n.Value += " " + word(r)
			return "", ""
		}},
	{name: "flip a code's billable",
		where: func(s []string, n *yaml.Node) bool {
			return codeAt(s) >= 0 && len(s) == codeAt(s)+3 && s[len(s)-1] == "billable" && (n.Value == "true" || n.Value == "false")
		},
		edit: func(_ *rand.Rand, _, n *yaml.Node, _ []string) (string, string) {
			n.Value = map[string]string{"true": "false", "false": "true"}[n.Value]
			return "", ""
		}},
	{name: "retype a leaf field of a response's schema file", schema: true,
		where: func(s []string, n *yaml.Node) bool {
			return len(s) >= 2 && s[len(s)-2] == "properties" && n.Kind == yaml.MappingNode && child(n, "type") != nil &&
				child(n, "properties") == nil && child(n, "items") == nil && child(n, "$ref") == nil
		},
		edit: func(r *rand.Rand, _, n *yaml.Node, _ []string) (string, string) {
			t := child(n, "type")
			*t = yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: other(r, jsonTypes, t.Value)}
			return "", ""
		}},
}

// codeAt is the index of "codes" in segs when they are a place in a code table (an operation's
// x-kontrak-codes or a shared table of the document), -1 otherwise.
func codeAt(s []string) int {
	for i := 1; i+1 < len(s); i++ {
		if s[i] == "codes" && (s[i-1] == "x-kontrak-codes" || i >= 3 && s[i-3] == "codeTables") {
			return i
		}
	}
	return -1
}

func other(r *rand.Rand, set []string, not string) string {
	for {
		if v := set[r.IntN(len(set))]; v != not {
			return v
		}
	}
}

func deleteMember(m *yaml.Node, key string) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			m.Content = append(m.Content[:i], m.Content[i+2:]...)
			return
		}
	}
}

func renameMember(m *yaml.Node, key, to string) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			m.Content[i].Value = to
			return
		}
	}
}

// firstString is the first string leaf below n, and its pointer below n.
func firstString(n *yaml.Node) (*yaml.Node, string) {
	switch n.Kind {
	case yaml.ScalarNode:
		if n.ShortTag() == "!!str" {
			return n, ""
		}
	case yaml.MappingNode:
		for i := 1; i < len(n.Content); i += 2 {
			if s, p := firstString(n.Content[i]); s != nil {
				return s, wire.Join("", n.Content[i-1].Value) + p
			}
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			if s, p := firstString(c); s != nil {
				return s, wire.JoinIndex("", i) + p
			}
		}
	}
	return nil, ""
}

// places lists the JSON Pointers of the nodes of root that where accepts, in document order.
func places(root *yaml.Node, where func([]string, *yaml.Node) bool) []string {
	var out []string
	var visit func(n *yaml.Node, segs []string)
	visit = func(n *yaml.Node, segs []string) {
		if where(segs, n) {
			out = append(out, "/"+strings.Join(escapeAll(segs), "/"))
		}
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				visit(n.Content[i+1], append(slices.Clip(segs), n.Content[i].Value))
			}
		case yaml.SequenceNode:
			for i, c := range n.Content {
				visit(c, append(slices.Clip(segs), fmt.Sprint(i)))
			}
		}
	}
	visit(newTree(root).root, nil)
	return out
}

func parse(t *testing.T, file string, b []byte) *yaml.Node {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return &doc
}

// TestDiffReportsEverySingleEditOnce is Diff's property over the committed specs: for every single edit
// an operator makes at a place of a spec or of a response's schema file — a response deleted, a header
// or a parameter renamed, a schema retyped, a security scheme, an example's value, a description, a
// fact's provenance, a code's message or billable flag changed — the diff reports exactly one finding, at a place that contains the edited
// one (a JSON Pointer into the spec, or the code of a code table), and an example's value never shows. An edit the contract refuses to load is skipped and counted;
// an operator that applies nowhere fails the test (it would prove nothing). The values written are
// random (-specdiff.seed).
func TestDiffReportsEverySingleEditOnce(t *testing.T) {
	t.Logf("seed %d", *propertySeed)
	var mu sync.Mutex
	applied := map[string]int{}
	count := func(name string) {
		mu.Lock()
		applied[name]++
		mu.Unlock()
	}
	t.Cleanup(func() {
		for _, op := range operators {
			if applied[op.name] == 0 {
				t.Errorf("%s applied nowhere: the property is not tested for it", op.name)
			}
		}
		t.Logf("edits diffed: %v", applied)
	})
	for _, vendor := range []string{"advance", "ekycpro", "kredibel", "verihubs"} {
		t.Run(vendor, func(t *testing.T) {
			t.Parallel()
			property(t, vendor, count)
		})
	}
}

// property diffs every edit of every operator on one vendor's spec and schema files. Under -short it
// makes the first edit of each operator on each file only, under -race about one in four.
func property(t *testing.T, vendor string, count func(string)) {
	{
		file := "specs/" + vendor + ".yaml"
		base := today(t, vendor)
		raw, err := fs.ReadFile(kontrak.Files, file)
		if err != nil {
			t.Fatal(err)
		}
		r := rand.New(rand.NewPCG(*propertySeed, uint64(len(vendor))))
		load := func(files map[string][]byte) (*Spec, error) {
			return Load("edited", Overlay(kontrak.Files, files), file)
		}
		// The round trip of the YAML alone changes nothing.
		same, err := yaml.Marshal(parse(t, file, raw))
		if err != nil {
			t.Fatal(err)
		}
		if s, err := load(map[string][]byte{file: same}); err != nil {
			t.Fatalf("%s, written back: %v", file, err)
		} else if rep, err := Diff(base, s); err != nil || len(rep.Changes) != 0 {
			t.Fatalf("%s, written back: %v %v", file, err, rep)
		}
		schemas := map[string][]string{} // schema file → the operations whose responses read it
		for _, o := range base.Vendor.Operations {
			for _, resp := range o.Responses {
				if resp.SchemaFile != "" && !slices.Contains(schemas[resp.SchemaFile], o.ID) {
					schemas[resp.SchemaFile] = append(schemas[resp.SchemaFile], o.ID)
				}
			}
		}
		for _, op := range operators {
			targets := []string{file}
			if op.schema {
				targets = nil
				for f := range schemas {
					targets = append(targets, f)
				}
				slices.Sort(targets)
			}
			for _, target := range targets {
				orig, err := fs.ReadFile(kontrak.Files, target)
				if err != nil {
					t.Fatal(err)
				}
				ats := places(parse(t, target, orig), op.where)
				switch {
				case testing.Short() && len(ats) > 1:
					ats = ats[:1]
				case raceEnabled:
					var every4th []string
					for i := 0; i < len(ats); i += 4 {
						every4th = append(every4th, ats[i])
					}
					ats = every4th
				}
				for _, at := range ats {
					doc := parse(t, target, orig)
					tr := newTree(doc)
					segs, _ := wire.Split(at)
					secret, below := op.edit(r, tr.get(parentOf(at)), tr.get(at), segs)
					at += below
					out, err := yaml.Marshal(doc)
					if op.schema {
						out, err = json.Marshal(decode(doc))
					}
					if err != nil {
						t.Fatal(err)
					}
					if op.schema && !fieldsChange(t, target, out) {
						continue // the flattened fields are as they were (a union already allowed the type): no change a client sees
					}
					s, err := load(map[string][]byte{target: out})
					if err != nil {
						count(op.name + " (refused by the contract)")
						continue
					}
					rep, err := Diff(base, s)
					if err != nil {
						t.Fatalf("%s at %s %s: %v", op.name, target, at, err)
					}
					count(op.name)
					name := fmt.Sprintf("%s: %s at %s %s", vendor, op.name, target, at)
					if len(rep.Changes) != 1 {
						t.Errorf("%s: %d findings, want 1:\n%s", name, len(rep.Changes), list(changeLines(rep.Changes)))
						continue
					}
					c := rep.Changes[0]
					if !contains(tr, c, target, at, schemas[target]) {
						t.Errorf("%s: the finding's place %q (%s) does not contain the edit: %s", name, c.Where, c.Kind, c.Message)
					}
					if secret != "" && (c.Old != "" || c.New != "" || strings.Contains(c.Message, secret)) {
						t.Errorf("%s: an example's value shows: %+v", name, c)
					}
					if strings.HasPrefix(c.Where, "/") && c.Line == 0 {
						t.Errorf("%s: no line for %s", name, c.Where)
					}
				}
			}
		}
	}
}

func changeLines(cs []Change) []string {
	var out []string
	for _, c := range cs {
		out = append(out, fmt.Sprintf("\n  %s %s %s: %s", c.Kind, c.Operation, c.Where, c.Message))
	}
	return out
}

func fieldsChange(t *testing.T, file string, edited []byte) bool {
	t.Helper()
	was, err := contract.SchemaFields(kontrak.Files, file)
	if err != nil {
		t.Fatal(err)
	}
	now, err := contract.SchemaFields(Overlay(kontrak.Files, map[string][]byte{file: edited}), file)
	return err != nil || !reflect.DeepEqual(was, now)
}

// contains reports whether c's place contains the edited place at of target: a JSON Pointer into the
// spec equal to at or above it, the contradiction or note an edit of the document's x-kontrak is in, or,
// for a schema file, the body pointer of the edited property in an operation that reads the file.
func contains(tr *tree, c Change, target, at string, readers []string) bool {
	segs, _ := wire.Split(at)
	if path.Ext(target) == ".json" {
		_, ptr, _ := strings.Cut(c.Where, " ")
		return slices.Contains(readers, c.Operation) && strings.HasSuffix(ptr, "/"+wire.Escape(segs[len(segs)-1]))
	}
	if i := codeAt(segs); i >= 0 && len(segs) > i+2 && slices.Contains([]string{"messages", "billable", "statuses", "flags", "class"}, segs[i+2]) {
		code := member(tr.get("/"+strings.Join(escapeAll(segs[:i+2]), "/")), "code")
		if segs[i-1] != "x-kontrak-codes" {
			code = segs[i-1] + " " + code // a shared table: its name, then the code
		}
		return c.Where == code
	}
	if len(segs) > 2 && segs[0] == "x-kontrak" && (segs[1] == "contradictions" || segs[1] == "notes") {
		what := map[string]string{"contradictions": "contradiction", "notes": "note"}[segs[1]]
		return c.Where == what+" "+member(tr.get("/x-kontrak/"+segs[1]+"/"+segs[2]), "id")
	}
	return c.Where == at || strings.HasPrefix(at, c.Where+"/")
}

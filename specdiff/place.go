package specdiff

import (
	"strconv"
	"strings"

	"github.com/kontrak/kontrak/internal/wire"
	"github.com/pb33f/go-yaml"
)

// tree is one version's YAML, the very nodes libopenapi parsed, indexed by position. libopenapi's
// what-changed says where a change is only by line and column (its Change.Path is empty: "not used in the
// current implementation", v0.42), so the place is found here: the JSON Pointer of the node at that
// position. The index costs one walk of each version: BenchmarkDiff allocates 1.6 MB a diff of ekycpro's
// spec where it allocated 1.2 MB without it, 6.0 MB for verihubs' where 4.3 MB.
type tree struct {
	root  *yaml.Node
	at    map[pos]*spot
	lines map[int][]*spot // the spots of a line, by column: for a position no node starts at
}

type pos struct{ line, col int }

// spot is a node at its place.
type spot struct {
	ptr    string
	node   *yaml.Node // the value: for a mapping key, the key's value
	parent *yaml.Node // the mapping or sequence that holds node; nil for the root
	key    string     // the member name, when parent is a mapping
	isKey  bool       // the position is the key's, not the value's
	col    int        // the column the spot starts at
}

func newTree(root *yaml.Node) *tree {
	if root != nil && root.Kind == yaml.DocumentNode && len(root.Content) > 0 {
		root = root.Content[0]
	}
	t := &tree{root: root, at: map[pos]*spot{}, lines: map[int][]*spot{}}
	t.walk(root, "", nil, "")
	return t
}

// walk indexes n and below. A parent is visited before its children and a mapping starts where its first
// key does: at a shared position the outermost node (the object, not its first member) is kept.
func (t *tree) walk(n *yaml.Node, ptr string, parent *yaml.Node, key string) {
	if n == nil {
		return
	}
	t.put(n, &spot{ptr: ptr, node: n, parent: parent, key: key})
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			p := wire.Join(ptr, k.Value)
			t.put(k, &spot{ptr: p, node: v, parent: n, key: k.Value, isKey: true})
			t.walk(v, p, n, k.Value)
		}
	case yaml.SequenceNode:
		for i, v := range n.Content {
			t.walk(v, wire.JoinIndex(ptr, i), n, "")
		}
	}
}

func (t *tree) put(n *yaml.Node, s *spot) {
	p := pos{n.Line, n.Column}
	if _, ok := t.at[p]; ok {
		return
	}
	s.col = p.col
	t.at[p] = s
	l := t.lines[p.line]
	i := len(l)
	for i > 0 && l[i-1].col > p.col {
		i--
	}
	t.lines[p.line] = append(l[:i], append([]*spot{s}, l[i:]...)...)
}

// locate is the spot at line and column; else the last one of the line that starts before the column
// (or the line's first); nil when the line has none.
func (t *tree) locate(line, col *int) *spot {
	if t == nil || line == nil {
		return nil
	}
	c := 0
	if col != nil {
		c = *col
	}
	if s, ok := t.at[pos{*line, c}]; ok {
		return s
	}
	l := t.lines[*line]
	if len(l) == 0 {
		return nil
	}
	best := l[0]
	for _, s := range l {
		if s.col <= c {
			best = s
		}
	}
	return best
}

// get is the node at ptr, nil when there is none.
func (t *tree) get(ptr string) *yaml.Node {
	if t == nil {
		return nil
	}
	segs, err := wire.Split(ptr)
	if err != nil {
		return nil
	}
	n := t.root
	for _, s := range segs {
		n = child(n, s)
		if n == nil {
			return nil
		}
	}
	return n
}

// line is the line ptr starts at, 0 when there is no such place.
func (t *tree) line(ptr string) int {
	if n := t.get(ptr); n != nil {
		return n.Line
	}
	return 0
}

// child is the member or item seg of n.
func child(n *yaml.Node, seg string) *yaml.Node {
	if n == nil {
		return nil
	}
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == seg {
				return n.Content[i+1]
			}
		}
	case yaml.SequenceNode:
		if i, err := strconv.Atoi(seg); err == nil && i >= 0 && i < len(n.Content) {
			return n.Content[i]
		}
	}
	return nil
}

// member is the scalar value of key in mapping n, "" when there is none.
func member(n *yaml.Node, key string) string {
	if c := child(n, key); c != nil && c.Kind == yaml.ScalarNode {
		return c.Value
	}
	return ""
}

// decode is n as plain Go values (nil for nil).
func decode(n *yaml.Node) any {
	if n == nil {
		return nil
	}
	var v any
	if err := n.Decode(&v); err != nil {
		return n.Value
	}
	return v
}

// sameNode reports whether two nodes hold the same value, wherever they are; skip, when not "", names a
// member of a and b that is left out (the name of a renamed sequence item: a parameter's name, a server's
// url).
func sameNode(a, b *yaml.Node, skipA, skipB string) bool {
	if a == nil || b == nil {
		return a == b
	}
	for a.Kind == yaml.AliasNode && a.Alias != nil {
		a = a.Alias
	}
	for b.Kind == yaml.AliasNode && b.Alias != nil {
		b = b.Alias
	}
	if a.Kind != b.Kind {
		return false
	}
	switch a.Kind {
	case yaml.ScalarNode:
		return a.Value == b.Value && a.ShortTag() == b.ShortTag()
	case yaml.MappingNode:
		am, bm := members(a, skipA), members(b, skipB)
		if len(am) != len(bm) {
			return false
		}
		for i := range am {
			if am[i][0].Value != bm[i][0].Value || !sameNode(am[i][1], bm[i][1], "", "") {
				return false
			}
		}
		return true
	case yaml.SequenceNode:
		if len(a.Content) != len(b.Content) {
			return false
		}
		for i := range a.Content {
			if !sameNode(a.Content[i], b.Content[i], "", "") {
				return false
			}
		}
		return true
	}
	return false
}

func members(n *yaml.Node, skip string) [][2]*yaml.Node {
	var out [][2]*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		if skip != "" && n.Content[i].Value == skip {
			continue
		}
		out = append(out, [2]*yaml.Node{n.Content[i], n.Content[i+1]})
	}
	return out
}

var methods = map[string]bool{"get": true, "put": true, "post": true, "delete": true, "options": true, "head": true,
	"patch": true, "trace": true, "query": true}

// parentOf is ptr without its last token.
func parentOf(ptr string) string {
	if i := strings.LastIndex(ptr, "/"); i >= 0 {
		return ptr[:i]
	}
	return ""
}

// lastOf is the last token of ptr, unescaped.
func lastOf(ptr string) string {
	return wire.Unescape(ptr[strings.LastIndex(ptr, "/")+1:])
}

// describe says in words what the place ptr of t is: "response 429 header Retry-After required",
// "query parameter reference_id", "security scheme apiKey name", "request body application/json field
// /image type". The operation is left out when opID names it (it is the finding's Operation).
func (t *tree) describe(ptr string, opID func(path, method string) string) string {
	segs, err := wire.Split(ptr)
	if err != nil || len(segs) == 0 {
		return "the document"
	}
	var parts []string
	n := t.root
	step := func(s string) { n = child(n, s) }
	field, inSchema := "", false
	flush := func() {
		if inSchema {
			if field == "" {
				parts = append(parts, "schema")
			} else {
				parts = append(parts, "field "+field)
			}
			inSchema, field = false, ""
		}
	}
	for i := 0; i < len(segs); i++ {
		s := segs[i]
		next := func() (string, bool) {
			if i+1 < len(segs) {
				return segs[i+1], true
			}
			return "", false
		}
		if inSchema {
			switch s {
			case "properties", "patternProperties", "$defs", "definitions", "dependentSchemas":
				if nx, ok := next(); ok {
					step(s)
					step(nx)
					if s == "properties" || s == "patternProperties" {
						field += "/" + nx
					} else {
						field += "/" + s + "/" + nx
					}
					i++
					continue
				}
			case "items", "additionalProperties", "unevaluatedProperties", "contains":
				step(s)
				field += "/*"
				continue
			case "allOf", "anyOf", "oneOf", "prefixItems":
				if nx, ok := next(); ok {
					step(s)
					step(nx)
					i++
					continue
				}
			case "if", "then", "else", "not":
				step(s)
				continue
			}
			flush()
		}
		switch {
		case i == 0 && s == "paths" && len(segs) > 1:
			p := segs[1]
			step(s)
			step(p)
			if len(segs) > 2 && methods[segs[2]] {
				step(segs[2])
				if id := opID(p, segs[2]); id == "" {
					parts = append(parts, strings.ToUpper(segs[2])+" "+p)
				}
				i += 2
				continue
			}
			parts = append(parts, "path "+named(p))
			i++
			continue
		case i == 0 && s == "components" && len(segs) > 2:
			step(s)
			step(segs[1])
			step(segs[2])
			switch segs[1] {
			case "securitySchemes":
				parts = append(parts, "security scheme "+named(segs[2]))
			case "schemas":
				parts = append(parts, "schema "+segs[2])
				inSchema = true
			default:
				parts = append(parts, segs[1]+" "+segs[2])
			}
			i += 2
			continue
		case s == "schema":
			step(s)
			inSchema = true
			continue
		case s == "callbacks" && len(segs) > i+3:
			parts = append(parts, "callback "+segs[i+1]+" ("+strings.ToUpper(segs[i+3])+" "+segs[i+2]+")")
			for _, x := range segs[i : i+4] {
				step(x)
			}
			i += 3
			continue
		case s == "requestBody":
			step(s)
			parts = append(parts, "request body")
			continue
		}
		if nx, ok := next(); ok {
			label := ""
			item := child(child(n, s), nx)
			switch s {
			case "parameters":
				label = strings.TrimSpace(member(item, "in") + " parameter " + named(member(item, "name")))
			case "responses":
				label = "response " + named(nx)
			case "headers":
				label = "header " + named(nx)
			case "examples":
				label = "example " + named(nx)
				if i+2 < len(segs) && segs[i+2] == "value" {
					// a place in the example's value, as a pointer into the body
					parts = append(parts, label+" "+wire.Display("/"+strings.Join(escapeAll(segs[i+3:]), "/")))
					if i+3 == len(segs) {
						parts[len(parts)-1] = label + " value"
					}
					return oneLine(strings.Join(parts, " "))
				}
			case "content", "encoding":
				label = named(nx)
			case "servers":
				label = "server " + named(member(item, "url"))
			case "variables":
				label = "variable " + named(nx)
			case "tags":
				if item != nil && item.Kind == yaml.ScalarNode {
					label = "tag " + named(item.Value)
				} else {
					label = "tag " + named(member(item, "name"))
				}
			case "security":
				var names []string
				for _, m := range members(item, "") {
					names = append(names, m[0].Value)
				}
				label = "security requirement {" + strings.Join(names, ", ") + "}"
			}
			if label != "" {
				step(s)
				step(nx)
				parts = append(parts, label)
				i++
				continue
			}
		}
		step(s)
		if n != nil && n.Kind == yaml.ScalarNode && len(parts) > 0 && isIndex(s) {
			parts = append(parts, named(n.Value)) // an item of a list of names: "required image"
			continue
		}
		parts = append(parts, s)
	}
	flush()
	if len(parts) == 0 {
		return "the operation"
	}
	return oneLine(strings.Join(parts, " ")) // a key may hold a line break: a message is one line
}

// named is a name as a message says it: "" for the empty one.
func named(s string) string {
	if s == "" {
		return `""`
	}
	return s
}

func isIndex(s string) bool {
	_, err := strconv.Atoi(s)
	return err == nil
}

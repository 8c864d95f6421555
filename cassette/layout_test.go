package cassette

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"go.yaml.in/yaml/v4"
	vcr "gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"
)

// The layouts go-vcr v4 reads besides its own: each re-serialises a loaded cassette, and Read must read
// the result exactly as go-vcr's loader (Parse) does.

// A layout writes a cassette; rnd picks what a layout may vary (which repeated nodes become aliases).
type layout struct {
	name  string
	why   string
	write func(t testing.TB, c *vcr.Cassette, rnd *rand.Rand) []byte
	// whole: how Split reads the layout: "none" (every item cut by the line scan), "all" (the whole
	// document decoded whole), "some" (in many cassettes, from an item on: the first anchor).
	whole string
}

var layouts = []layout{
	{"go-vcr", "go-vcr's own layout, as Save writes it: streamed item by item", func(t testing.TB, c *vcr.Cassette, _ *rand.Rand) []byte {
		b, err := Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}, "none"},
	{"block, 2 spaces, items at column 0", "another emitter's block layout: still cut by the line scan", func(t testing.TB, c *vcr.Cassette, _ *rand.Rand) []byte {
		return dump(t, toNode(t, c), yaml.WithIndent(2), yaml.WithCompactSeqIndent(true))
	}, "none"},
	{"block, long lines folded", "an emitter that folds quoted scalars over lines at 80 columns (PyYAML's default): cut", func(t testing.TB, c *vcr.Cassette, _ *rand.Rand) []byte {
		return dump(t, toNode(t, c), yaml.WithLineWidth(80))
	}, "none"},
	{"JSON on one line", "a tool that writes cassettes as JSON: YAML is a superset", func(t testing.TB, c *vcr.Cassette, _ *rand.Rand) []byte {
		b, err := json.Marshal(generic(t, c))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}, "all"},
	{"JSON pretty-printed", "JSON over many lines, closing brackets at column 0", func(t testing.TB, c *vcr.Cassette, _ *rand.Rand) []byte {
		b, err := json.MarshalIndent(generic(t, c), "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		return append(b, '\n')
	}, "all"},
	{"flow style", "the whole document as one flow mapping", func(t testing.TB, c *vcr.Cassette, _ *rand.Rand) []byte {
		n := toNode(t, c)
		setFlow(n)
		return dump(t, n)
	}, "all"},
	{"flow items", "a block sequence of flow mappings, wrapped over lines by the emitter", func(t testing.TB, c *vcr.Cassette, _ *rand.Rand) []byte {
		n := toNode(t, c)
		for _, it := range interactionsOf(n).Content {
			setFlow(it)
		}
		return dump(t, n)
	}, "none"},
	{"anchors across interactions", "repeated nodes (headers, protocols, statuses) written once and aliased", func(t testing.TB, c *vcr.Cassette, rnd *rand.Rand) []byte {
		n := toNode(t, c)
		aliasRepeats(n, rnd)
		return dump(t, n)
	}, "some"},
	{"merge keys", "each request and answer merges the first interaction's (<<) and overrides what differs", func(t testing.TB, c *vcr.Cassette, _ *rand.Rand) []byte {
		n := toNode(t, c)
		mergeFromFirst(t, n)
		return dump(t, n)
	}, "all"},
	{"comments", "comments before items, after values and at the end", func(t testing.TB, c *vcr.Cassette, _ *rand.Rand) []byte {
		n := toNode(t, c)
		for i, it := range interactionsOf(n).Content {
			it.HeadComment = fmt.Sprintf("# interaction %d", i)
			for j := 0; j+1 < len(it.Content); j += 2 {
				if it.Content[j+1].Kind == yaml.ScalarNode {
					it.Content[j+1].LineComment = "# value"
				}
			}
		}
		n.Content[0].FootComment = "# the end"
		return dump(t, n)
	}, "none"},
	{"multiple documents", "go-vcr reads the first document; what follows the end marker is not its", func(t testing.TB, c *vcr.Cassette, _ *rand.Rand) []byte {
		b, err := Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		return append(b, "...\n---\nversion: 1\ninteractions:\n    - id: 99\n---\n{a: b}\n"...)
	}, "none"},
}

// toNode is a cassette as a YAML node tree, as go-vcr's Save would write it.
func toNode(t testing.TB, c *vcr.Cassette) *yaml.Node {
	t.Helper()
	b, err := yaml.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var n yaml.Node
	if err := yaml.Unmarshal(b, &n); err != nil {
		t.Fatal(err)
	}
	return &n
}

func dump(t testing.TB, n *yaml.Node, opts ...yaml.Option) []byte {
	t.Helper()
	b, err := yaml.Dump(n, append([]yaml.Option{yaml.WithV3Defaults(), yaml.WithLineWidth(-1)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// generic is a cassette as plain maps, lists and scalars, with go-vcr's keys: what JSON writes.
func generic(t testing.TB, c *vcr.Cassette) any {
	t.Helper()
	b, err := yaml.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := yaml.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func setFlow(n *yaml.Node) {
	if n.Kind == yaml.MappingNode || n.Kind == yaml.SequenceNode {
		n.Style |= yaml.FlowStyle
	}
	for _, c := range n.Content {
		setFlow(c)
	}
}

func interactionsOf(doc *yaml.Node) *yaml.Node {
	m := doc.Content[0]
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == "interactions" {
			return m.Content[i+1]
		}
	}
	return &yaml.Node{}
}

func valueOf(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// nodeText is a node's YAML: equal texts are equal nodes.
func nodeText(n *yaml.Node) string {
	b, _ := yaml.Marshal(n)
	return string(b)
}

// aliasRepeats writes a node that repeats an earlier one (not a key) as an alias of it, for the
// repeats rnd picks (three in four), from an interaction rnd picks on: the ones before it are streamed.
func aliasRepeats(doc *yaml.Node, rnd *rand.Rand) {
	seen := map[string]*yaml.Node{}
	anchors := 0
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		for i, ch := range n.Content {
			if n.Kind == yaml.MappingNode && i%2 == 0 {
				continue
			}
			key := fmt.Sprint(ch.Kind) + nodeText(ch)
			first, ok := seen[key]
			if ok && rnd.IntN(4) != 0 {
				if first.Anchor == "" {
					anchors++
					first.Anchor = fmt.Sprintf("a%d", anchors)
				}
				n.Content[i] = &yaml.Node{Kind: yaml.AliasNode, Value: first.Anchor, Alias: first}
				continue
			}
			if !ok {
				seen[key] = ch
			}
			walk(ch)
		}
	}
	items := interactionsOf(doc)
	from := rnd.IntN(len(items.Content))
	walk(&yaml.Node{Kind: yaml.SequenceNode, Content: items.Content[from:]})
}

// mergeFromFirst writes each later interaction's request and answer as a merge of the first
// interaction's (`<<: *r0`) and the keys whose values differ; a key of the first it lacks is null, which
// decodes as the absent key does.
func mergeFromFirst(t testing.TB, doc *yaml.Node) {
	t.Helper()
	items := interactionsOf(doc).Content
	for _, part := range []string{"request", "response"} {
		base := valueOf(items[0], part)
		if base == nil || base.Kind != yaml.MappingNode {
			continue
		}
		base.Anchor = part
		for _, it := range items[1:] {
			m := valueOf(it, part)
			if m == nil || m.Kind != yaml.MappingNode {
				continue
			}
			out := []*yaml.Node{{Kind: yaml.ScalarNode, Tag: "!!merge", Value: "<<"}, {Kind: yaml.AliasNode, Value: part, Alias: base}}
			for i := 0; i+1 < len(m.Content); i += 2 {
				if b := valueOf(base, m.Content[i].Value); b == nil || nodeText(b) != nodeText(m.Content[i+1]) {
					out = append(out, m.Content[i], m.Content[i+1])
				}
			}
			for i := 0; i+1 < len(base.Content); i += 2 {
				if valueOf(m, base.Content[i].Value) == nil {
					out = append(out, base.Content[i], &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "~"})
				}
			}
			m.Content = out
		}
	}
}

// readAsGoVCR reads data as go-vcr's loader (Parse) and as Read, and fails the test where they differ:
// in accepting it, in its interactions, in its exchanges. It returns the interactions and how many
// items Split decoded whole.
func readAsGoVCR(t testing.TB, data []byte) (its []*vcr.Interaction, whole int, err error) {
	t.Helper()
	c, _, perr := Parse("layout.yaml", data)
	var got []*vcr.Interaction
	var xs []contractExchange
	rerr := Split(bytes.NewReader(data), func(item Item) error {
		if item.Whole {
			whole++
		}
		it, err := item.Decode()
		if err != nil {
			return err
		}
		got = append(got, it)
		x, xerr := ExchangeOf(it, 0)
		xs = append(xs, contractExchange{x, xerr})
		return nil
	})
	if (perr == nil) != (rerr == nil) {
		t.Fatalf("go-vcr's loader and Read disagree:\n  go-vcr: %v\n  Read:   %v\n%q", perr, rerr, data)
	}
	if perr != nil {
		return nil, whole, perr
	}
	if d := cmp.Diff(c.Interactions, got, cmpopts.IgnoreUnexported(vcr.Interaction{})); d != "" {
		t.Fatalf("Read reads otherwise than go-vcr (-go-vcr +Read):\n%s\n%q", d, data)
	}
	var want []contractExchange
	for _, it := range c.Interactions {
		x, xerr := ExchangeOf(it, 0)
		want = append(want, contractExchange{x, xerr})
	}
	if d := cmp.Diff(want, xs, cmp.Comparer(func(a, b error) bool { return (a == nil) == (b == nil) }), cmp.Comparer(bytes.Equal)); d != "" {
		t.Fatalf("exchanges differ (-go-vcr +Read):\n%s", d)
	}
	return got, whole, nil
}

type contractExchange struct {
	X   any
	Err error
}

func TestReadLayoutsAsGoVCR(t *testing.T) {
	files := committedCassettes(t)
	for _, l := range layouts {
		t.Run(l.name, func(t *testing.T) {
			multi, partly := 0, 0
			for n, f := range files {
				orig, _, err := Load(f)
				if err != nil {
					t.Fatal(err)
				}
				data := l.write(t, orig, rand.New(rand.NewPCG(uint64(n), 7)))
				its, whole, err := readAsGoVCR(t, data)
				if err != nil {
					t.Fatalf("%s: %s: go-vcr refuses the layout: %v\n%s", l.why, f, err, data)
				}
				if d := cmp.Diff(orig.Interactions, its, cmpopts.IgnoreUnexported(vcr.Interaction{})); d != "" {
					t.Fatalf("%s: %s: the layout changed the interactions (-before +after):\n%s", l.why, f, d)
				}
				switch {
				case l.whole == "none" && whole != 0, l.whole == "all" && whole != len(its):
					t.Errorf("%s: %s: %d of %d items decoded whole, want %s", l.why, f, whole, len(its), l.whole)
				}
				if len(its) > 1 {
					multi++
				}
				if whole > 0 && whole < len(its) {
					partly++
				}
			}
			if l.whole == "some" && partly < 5 {
				t.Errorf("%s: only %d cassettes read partly whole: the layout does not put anchors after the first interaction", l.why, partly)
			}
			if multi < 20 {
				t.Fatalf("only %d cassettes of several interactions: the layouts are not tried across interactions", multi)
			}
		})
	}
}

// edgeCases are hand-written shapes at the edges of what the line scan cuts, each read as go-vcr reads
// it (or refused as it refuses it).
func edgeCases() []struct {
	reason, in string
	ok         bool
	whole      int // items decoded whole
} {
	it := func(id int) string {
		return fmt.Sprintf("    - id: %d\n      request:\n        method: GET\n        url: https://x.invalid/%d\n      response:\n        code: 200\n        body: ok\n", id, id)
	}
	head := "version: 2\ninteractions:\n"
	return []struct {
		reason, in string
		ok         bool
		whole      int
	}{
		{"go-vcr's layout", head + it(0) + it(1), true, 0},
		{"an item aliases a whole earlier one", head + "    - &i0\n      id: 0\n      request: {method: GET, url: 'https://x.invalid/'}\n    - *i0\n", true, 2},
		{"an item merges an earlier one and overrides its id", head + "    - &i0\n      id: 0\n      request: {method: GET, url: 'https://x.invalid/'}\n    - <<: *i0\n      id: 1\n", true, 2},
		{"an anchor in the third item: the first two are streamed", head + it(0) + it(1) + "    - id: 2\n      request: &r\n        method: GET\n        url: https://x.invalid/2\n    - id: 3\n      request: *r\n", true, 2},
		{"a request's headers alias the one before's", head + "    - id: 0\n      request:\n        url: https://x.invalid/\n        headers: &h\n          Accept: [application/json]\n    - id: 1\n      request:\n        url: https://x.invalid/\n        headers: *h\n", true, 2},
		{"an anchor before the interactions, aliased in one", "version: 2\nx-shared: &h {Accept: [application/json]}\ninteractions:\n    - id: 0\n      request: {url: 'https://x.invalid/', headers: *h}\n", true, 1},
		{"an alias of no anchor is refused", head + it(0) + "    - id: 1\n      request: *nope\n", false, 0},
		{"a trailer that aliases no anchor is refused", head + it(0) + "x: *nope\n", false, 0},
		{"a quoted scalar over two lines, closed in its item: cut", head + "    - id: 0\n      request:\n        url: \"https://x.invalid/a\n          b\"\n" + it(1), true, 0},
		{"a quoted scalar continued at column 0", head + "    - id: 0\n      request:\n        url: \"https://x.invalid/a\nb\"\n", true, 1},
		{"double quotes with escaped quotes and backslashes", head + "    - id: 0\n      request: {url: " + `"https://x.invalid/\"a\\"` + "}\n" + it(1), true, 0},
		{"a line break escaped in double quotes", head + "    - id: 0\n      response:\n        body: " + `"a\` + "\n          b\"\n" + it(1), true, 0},
		{"an escaped line break runs on past its item", head + "    - id: 0\n      response:\n        body: " + `"a\` + "\n    - b\"\n" + it(1), true, 2},
		{"a flow mapping over two lines, closed in its item: cut", head + "    - {id: 0, request: {url: 'https://x.invalid/',\n        method: GET}}\n", true, 0},
		{"a flow mapping continued at the items' indentation", head + "    - {id: 0, request: {url: 'https://x.invalid/',\n    method: GET}}\n", true, 1},
		{"a flow mapping with an anchor", head + "    - {id: 0, request: &r {url: 'https://x.invalid/'}}\n    - {id: 1, request: *r}\n", true, 2},
		{"the interactions as a flow sequence", "version: 2\ninteractions: [{id: 3}, {id: 4}]\n", true, 2},
		{"version after the interactions", "interactions:\n" + it(0) + "version: 2\n", true, 0},
		{"version twice is a duplicate key", "version: 2\nversion: 2\ninteractions:\n" + it(0), false, 0},
		{"version twice, after the interactions", head + it(0) + "version: 2\n", false, 0},
		{"a tagged version", "version: !!int 2\ninteractions:\n" + it(0), true, 0},
		{"a hexadecimal version", "version: 0x2\ninteractions:\n" + it(0), true, 0},
		{"a version with a digit separator is 20", "version: 2_0\ninteractions:\n" + it(0), false, 0},
		{"quoted keys", "\"version\": 2\n\"interactions\":\n" + it(0), true, 1},
		{"interactions twice", head + it(0) + "interactions:\n" + it(1), false, 0},
		{"interactions twice, the second quoted", head + it(0) + "\"interactions\": []\n", false, 0},
		{"a line like the key inside a quoted scalar after the items", head + it(0) + "note: \"a\ninteractions: b\"\n", true, 0},
		{"a second document is not read", head + it(0) + "---\nversion: 2\ninteractions:\n" + it(1), true, 0},
		{"an end marker, then anything", head + it(0) + "...\ngarbage: [\n", true, 0},
		{"an end marker, then a bad directive: the decoder reads that far", head + it(0) + "...\n%%%% [[[ : : :\n", false, 0},
		{"an empty first document", "---\n...\n---\n" + head + it(0), false, 0},
		{"a directive", "%YAML 1.1\n---\n" + head + it(0), true, 1},
		{"a byte order mark", "\ufeff" + head + it(0), true, 1},
		{"CRLF line breaks", strings.ReplaceAll(head+it(0)+it(1), "\n", "\r\n"), true, 0},
		{"a lone CR is a line break to YAML", head + "    - id: 0\r      request: {url: 'https://x.invalid/'}\n", true, 1},
		{"a CR before CRLF is two line breaks", head + "    - id: 0\r\r\n      request: {url: 'https://x.invalid/'}\r\n", true, 1},
		{"a tab after a dash", head + it(0) + "    -\tid: 1\n", false, 0},
		{"an item less indented than the first", head + it(0) + "  - id: 1\n", false, 0},
		{"a line between the items' indentation and the key's", head + it(0) + "  x: 1\n", false, 0},
		{"comments between and after items", head + "# one\n" + it(0) + "  # two\n" + it(1) + "# end\n", true, 0},
		{"a literal block with lines like items", head + "    - id: 0\n      response:\n        body: |\n          - id: 9\n          &a *b \"\n    - id: 1\n", true, 0},
		{"a literal block with an indentation indicator", head + "    - id: 0\n      response:\n        body: |2\n           x\n    - id: 1\n", true, 2},
		{"an explicit key", head + "    - ? id\n      : 0\n", true, 1},
		{"a top-level sequence", "- version: 2\n", false, 0},
		{"a scalar", "just words\n", false, 0},
		{"JSON with a numeric duration", `{"version":2,"interactions":[{"id":0,"response":{"duration":0}}]}`, true, 1},
		{"JSON with escapes", `{"version":2,"interactions":[{"id":0,"response":{"body":"\u003c\"\/\\\t\u00e9"}}]}`, true, 1},
		{"JSON with a surrogate pair, which YAML refuses", `{"version":2,"interactions":[{"id":0,"response":{"body":"\ud83d\ude00"}}]}`, false, 0},
		{"UTF-16 with a byte order mark", utf16LE("\ufeff" + head + it(0)), true, 1},
	}
}

func TestReadEdgesAsGoVCR(t *testing.T) {
	for _, tc := range edgeCases() {
		t.Run(tc.reason, func(t *testing.T) {
			its, whole, err := readAsGoVCR(t, []byte(tc.in))
			if (err == nil) != tc.ok {
				t.Fatalf("go-vcr and Read agree, but on %v (%d interactions): want ok=%v", err, len(its), tc.ok)
			}
			if whole != tc.whole {
				t.Errorf("%d items decoded whole, want %d", whole, tc.whole)
			}
		})
	}
}

func utf16LE(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r > 0xFFFF {
			panic("BMP only")
		}
		b.WriteByte(byte(r))
		b.WriteByte(byte(r >> 8))
	}
	return b.String()
}

// FuzzReadLayouts re-serialises a committed cassette in one of the layouts (its choices drawn from the
// seed) and holds Read to go-vcr's reading of the result: the same interactions, the same exchanges.
// Seeds: every layout of a few cassettes, and testdata/fuzz/FuzzReadLayouts.
func FuzzReadLayouts(f *testing.F) {
	files := committedCassettes(f)
	for i := range layouts {
		f.Add(uint16(i*7), uint8(i), uint64(i))
	}
	loaded := make([]*vcr.Cassette, len(files))
	f.Fuzz(func(t *testing.T, which uint16, l uint8, seed uint64) {
		n := int(which) % len(files)
		if loaded[n] == nil {
			c, _, err := Load(files[n])
			if err != nil {
				t.Fatal(err)
			}
			loaded[n] = c
		}
		lay := layouts[int(l)%len(layouts)]
		data := lay.write(t, loaded[n], rand.New(rand.NewPCG(seed, seed>>32)))
		its, _, err := readAsGoVCR(t, data)
		if err != nil {
			t.Fatalf("%s: go-vcr refuses the layout: %v", lay.name, err)
		}
		if d := cmp.Diff(loaded[n].Interactions, its, cmpopts.IgnoreUnexported(vcr.Interaction{})); d != "" {
			t.Fatalf("%s: the layout changed the interactions (-before +after):\n%s", lay.name, d)
		}
	})
}

// The committed cassettes are go-vcr's layout: all of them are read item by item, none decoded whole.
func TestCommittedCassettesStream(t *testing.T) {
	for _, f := range committedCassettes(t) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := Split(bytes.NewReader(data), func(item Item) error {
			if item.Whole {
				return fmt.Errorf("interaction %d decoded whole", item.Index)
			}
			return nil
		}); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}

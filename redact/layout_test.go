package redact

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v4"
	vcr "gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"

	"github.com/kontrak/kontrak/cassette"
)

// relayouts write a go-vcr cassette (its YAML, without the comment block) in another layout go-vcr
// reads: JSON, flow style, anchors and aliases.
var relayouts = []struct {
	name  string
	write func(t *testing.T, doc []byte) []byte
}{
	{"JSON on one line", func(t *testing.T, doc []byte) []byte {
		var v any
		if err := yaml.Unmarshal(doc, &v); err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}},
	{"JSON pretty-printed", func(t *testing.T, doc []byte) []byte {
		var v any
		if err := yaml.Unmarshal(doc, &v); err != nil {
			t.Fatal(err)
		}
		b, err := json.MarshalIndent(v, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		return b
	}},
	{"flow style", func(t *testing.T, doc []byte) []byte {
		var n yaml.Node
		if err := yaml.Unmarshal(doc, &n); err != nil {
			t.Fatal(err)
		}
		var flow func(*yaml.Node)
		flow = func(n *yaml.Node) {
			if n.Kind == yaml.MappingNode || n.Kind == yaml.SequenceNode {
				n.Style = yaml.FlowStyle
			}
			for _, c := range n.Content {
				flow(c)
			}
		}
		flow(&n)
		b, err := yaml.Marshal(&n)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}},
	{"anchors across interactions", func(t *testing.T, doc []byte) []byte {
		var n yaml.Node
		if err := yaml.Unmarshal(doc, &n); err != nil {
			t.Fatal(err)
		}
		seen := map[string]*yaml.Node{}
		aliases, anchors := 0, 0
		var walk func(*yaml.Node)
		walk = func(n *yaml.Node) {
			for i, c := range n.Content {
				if n.Kind == yaml.MappingNode && i%2 == 0 {
					continue
				}
				text, _ := yaml.Marshal(c)
				key := fmt.Sprint(c.Kind) + string(text)
				if first, ok := seen[key]; ok {
					if first.Anchor == "" {
						anchors++
						first.Anchor = fmt.Sprintf("a%d", anchors)
					}
					n.Content[i] = &yaml.Node{Kind: yaml.AliasNode, Value: first.Anchor, Alias: first}
					aliases++
					continue
				}
				seen[key] = c
				walk(c)
			}
		}
		walk(&n)
		if aliases < 10 {
			t.Fatalf("only %d aliases", aliases)
		}
		b, err := yaml.Marshal(&n)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}},
}

// RedactFile reads every layout go-vcr reads, and rewrites it whole in go-vcr's own layout: the same
// bytes as redacting go-vcr's loading of the file, with a provenance note that the layout was normalised.
// Redacting again changes nothing; the scan (streamed) sees what Scan of go-vcr's loading sees before,
// nothing after. (JSON cannot hold the binary bodies: there they are text, and no images.)
func TestRedactFileOtherLayouts(t *testing.T) {
	dir := t.TempDir()
	var dirty []*vcr.Interaction
	for _, tc := range redactCases(t) {
		dirty = append(dirty, clone(tc.in))
	}
	base := filepath.Join(dir, "go-vcr.yaml")
	writeCassette(t, base, dirty...)
	doc, err := os.ReadFile(base)
	if err != nil {
		t.Fatal(err)
	}
	head := []byte("# kontrak: provenance=recorded-live\n# kontrak: recorded=2026-05-01\n")
	os.WriteFile(base, append(head, doc...), 0o644)
	for _, l := range relayouts {
		t.Run(l.name, func(t *testing.T) {
			file := filepath.Join(dir, "layout.yaml")
			data := append(append([]byte(nil), head...), l.write(t, doc)...)
			os.WriteFile(file, data, 0o644)
			got, err := ScanFile(file, testScanRules())
			if err != nil {
				t.Fatal(err)
			}
			loaded, _, err := cassette.Parse(file, data)
			if err != nil {
				t.Fatal(err)
			}
			// The file itself is another layout than go-vcr's writer writes: one leak of the file.
			if n := len(got) - 1; n < 0 || got[n].Kind != LeakLayout || got[n].Interaction != -1 {
				t.Fatalf("the streamed scan does not report the layout: %v", got)
			}
			got = got[:len(got)-1]
			if want := Scan(loaded, testScanRules()); len(want) < 10 || !reflect.DeepEqual(got, want) {
				t.Fatalf("the streamed scan differs from Scan of go-vcr's loading, or finds little (%d):\n%s", len(want), cmp.Diff(want, got))
			}
			if err := CheckFile(file); err != nil {
				t.Fatal(err)
			}
			whole, wantChanged := redactWhole(t, file, testRules())
			body := whole[len(cassette.CommentBlock(whole)):]
			want := append(cassette.AddNote(cassette.CommentBlock(whole), []string{LayoutNote}), body...)
			changed, err := RedactFile(file, testRules())
			if err != nil || !changed || !wantChanged {
				t.Fatalf("RedactFile = %v, %v (whole: %v)", changed, err, wantChanged)
			}
			out, _ := os.ReadFile(file)
			if !bytes.Equal(out, want) {
				t.Fatalf("RedactFile wrote otherwise than redacting go-vcr's loading (-want +got):\n%s", cmp.Diff(string(want), string(out)))
			}
			if p := cassette.ParseProvenance(out); p.Kind != cassette.ProvenanceRecorded || p.Recorded != "2026-05-01" {
				t.Errorf("the provenance is lost: %+v", p)
			}
			if changed, err := RedactFile(file, testRules()); changed || err != nil {
				t.Fatalf("redacting twice: changed %v, %v", changed, err)
			}
			if again, _ := os.ReadFile(file); !bytes.Equal(again, out) {
				t.Fatal("redacting twice changed the file")
			}
			if left, err := ScanFile(file, testScanRules()); err != nil || len(left) > 0 {
				t.Fatalf("the redacted file scans to %v, %v", left, err)
			}
		})
	}
}

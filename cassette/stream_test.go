package cassette

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	vcr "gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"
)

func committedCassettes(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob("../cassettes/*/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no committed cassettes (%v)", err)
	}
	return files
}

func streamAll(data []byte) ([]*vcr.Interaction, []int, error) {
	var out []*vcr.Interaction
	var idx []int
	err := Read(bytes.NewReader(data), func(i int, it *vcr.Interaction) error {
		out = append(out, it)
		idx = append(idx, i)
		return nil
	})
	return out, idx, err
}

// The streaming reader must read every committed cassette exactly as go-vcr's own loader does.
func TestReadCassetteMatchesGoVCR(t *testing.T) {
	for _, f := range committedCassettes(t) {
		c, _, err := Load(f)
		if err != nil {
			t.Fatal(err)
		}
		data, _ := os.ReadFile(f)
		got, idx, err := streamAll(data)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if len(got) != len(c.Interactions) {
			t.Fatalf("%s: %d interactions, go-vcr reads %d", f, len(got), len(c.Interactions))
		}
		for i := range got {
			if idx[i] != i {
				t.Errorf("%s: index %d delivered as %d", f, i, idx[i])
			}
			if d := cmp.Diff(c.Interactions[i], got[i], cmpopts.IgnoreUnexported(vcr.Interaction{})); d != "" {
				t.Errorf("%s interaction %d (-go-vcr +stream):\n%s", f, i, d)
			}
		}
	}
}

func TestReadCassetteShapes(t *testing.T) {
	one := "    - id: 7\n      request:\n        method: GET\n        url: https://x/y\n        body: |\n            line one\n            - not an item\n      response:\n        code: 200\n        body: ok\n"
	cases := []struct {
		reason, in string
		n          int
		want       string // error substring; empty for success
	}{
		{"go-vcr's layout", "---\nversion: 2\ninteractions:\n" + one + one, 2, ""},
		{"version after the interactions", "interactions:\n" + one + "version: 2\n", 1, ""},
		{"items at column 0 under their key", "version: 2\ninteractions:\n- id: 1\n  request: {method: GET}\n- id: 2\n", 2, ""},
		{"empty flow sequence: nothing to judge is an error", "version: 2\ninteractions: []\n", 0, "an empty cassette"},
		{"flow sequence", "version: 2\ninteractions: [{id: 3}]\n", 1, ""},
		{"CRLF line ends", strings.ReplaceAll("version: 2\ninteractions:\n"+one, "\n", "\r\n"), 1, ""},
		{"no version", "interactions: []\n", 0, "no version"},
		{"old version", "version: 1\ninteractions: []\n", 0, "version 1, want 2"},
		{"a null interaction", "version: 2\ninteractions: [~]\n", 0, "interaction 0 (line 2): empty"},
		{"a null item", "version: 2\ninteractions:\n    -\n", 0, "interaction 0 (line 3): empty"},
		{"bad item: an open flow collection is decoded whole, and the error names the line", "version: 2\ninteractions:\n    - id: [\n", 0, "line 4: did not find expected node content"},
		{"a bad item the scan cuts names its interaction", "version: 2\ninteractions:\n    - id: x\n", 0, "interaction 0 (line 3)"},
		{"not YAML keys", "just words\n", 0, "line 1: cannot construct !!str `aaaa aaaaa` into cassette.Cassette"}, // the decoder quotes its input: by its shape (wire.ShapeQuoted)
	}
	for _, tc := range cases {
		t.Run(tc.reason, func(t *testing.T) {
			got, _, err := streamAll([]byte(tc.in))
			if tc.want == "" && err != nil {
				t.Fatalf("error %v", err)
			}
			if tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
			if tc.want == "" && len(got) != tc.n {
				t.Fatalf("%d interactions, want %d", len(got), tc.n)
			}
		})
	}
	got, _, _ := streamAll([]byte("version: 2\ninteractions:\n" + one))
	if got[0].Request.Body != "line one\n- not an item\n" || got[0].ID != 7 {
		t.Errorf("block scalar read as %q (id %d)", got[0].Request.Body, got[0].ID)
	}
}

// FuzzReadCassette: any bytes are read as go-vcr's loader reads them (Parse), or refused as it refuses
// them, never with a panic: the same verdict, the same interactions, the same exchanges. It is the proof
// that the line scan, the cutter and the fast reader together read no other dialect than go-vcr's.
// Seeds: committed cassettes, the edge cases of TestReadEdgesAsGoVCR, testdata/fuzz/FuzzReadCassette.
func FuzzReadCassette(f *testing.F) {
	for _, file := range committedCassettes(f)[:6] {
		data, _ := os.ReadFile(file)
		f.Add(data)
	}
	f.Add([]byte("version: 2\ninteractions: [~]\n"))
	for _, tc := range edgeCases() {
		f.Add([]byte(tc.in))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		readAsGoVCR(t, data)
	})
}

package wire

import (
	"maps"
	"strings"
	"testing"
)

func TestMarkdownCell(t *testing.T) {
	for _, tc := range []struct{ reason, in, want string }{
		{"plain text is kept", "billing-flag-mismatch", "billing-flag-mismatch"},
		{"a pipe is escaped", "a | b", `a \| b`},
		{"an escaped pipe is not escaped twice", `a \| b`, `a \| b`},
		{"a pipe after an escaped backslash is bare, and escaped", `a\\|b`, `a\\\|b`},
		{"a cell is one line", "one\ntwo\r\n  three\tfour", "one two three four"},
		{"an empty cell stays empty", " \n ", ""},
		{"a trailing backslash is kept", `a\`, `a\`},
	} {
		if got := MarkdownCell(tc.in); got != tc.want {
			t.Errorf("%s: MarkdownCell(%q) = %q, want %q", tc.reason, tc.in, got, tc.want)
		}
	}
}

// FuzzMarkdownCell: whatever the text, the cell is one line that GFM reads as one cell, escaping it again
// changes nothing, and text without a backslash is escaped as report and specdiff escaped it before this
// copy was the only one (every pipe escaped, white space folded).
func FuzzMarkdownCell(f *testing.F) {
	for _, s := range []string{"", "a|b", `a\|b`, `a\\|b`, "x\ny|", `\`, "`a|b`", "||"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := MarkdownCell(s)
		if strings.ContainsAny(got, "\r\n") {
			t.Fatalf("MarkdownCell(%q) = %q: more than one line", s, got)
		}
		if i := bareCellPipe(got); i >= 0 {
			t.Fatalf("MarkdownCell(%q) = %q: a bare pipe at %d ends the cell", s, got, i)
		}
		if again := MarkdownCell(got); again != got {
			t.Fatalf("escaped twice: %q, then %q", got, again)
		}
		if !strings.Contains(s, `\`) {
			if before := strings.Join(strings.Fields(strings.ReplaceAll(s, "|", `\|`)), " "); got != before {
				t.Fatalf("MarkdownCell(%q) = %q, the former escaping gave %q", s, got, before)
			}
		}
	})
}

// bareCellPipe is where GFM's table extension would end a cell in s (a "|" not taken by a backslash
// escape, which takes the next character whatever it is), or -1.
func bareCellPipe(s string) int {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '|':
			return i
		}
	}
	return -1
}

func TestSetOf(t *testing.T) {
	got := SetOf([]string{"X-Api-Key", "x-request-id", "X-Api-Key"}, strings.ToLower)
	want := map[string]bool{"x-api-key": true, "x-request-id": true}
	if !maps.Equal(got, want) {
		t.Errorf("SetOf with a key = %v, want %v", got, want)
	}
	if got := SetOf([]string{"/a", "/b"}, nil); !maps.Equal(got, map[string]bool{"/a": true, "/b": true}) {
		t.Errorf("SetOf as it is = %v", got)
	}
	if got := SetOf(nil, nil); got == nil || len(got) != 0 {
		t.Errorf("SetOf(nil) = %#v, want an empty set ready for lookups", got)
	}
}

// TestByteSet: the table holds exactly the bytes named, a byte past ASCII too.
func TestByteSet(t *testing.T) {
	set := ByteSet("a-\t\xff")
	for b := 0; b < 256; b++ {
		want := b == 'a' || b == '-' || b == '\t' || b == 0xff
		if set[b] != want {
			t.Errorf("ByteSet[%#x] = %v, want %v", b, set[b], want)
		}
	}
}

// The registries name protocol words only: a name or a NIK in their place is no member.
func TestRegistries(t *testing.T) {
	for _, tc := range []struct {
		is   func(string) bool
		in   []string
		out  []string
		name string
	}{
		{MediaTopLevel, []string{"application", "multipart", "haptics"}, []string{"kanari", "Application", "*", ""}, "MediaTopLevel"},
		{Coding, []string{"gzip", " GZIP ", "br", "chunked", "zstd"}, []string{"kanari-indah", "3174051201900003", ""}, "Coding"},
		{Method, []string{"GET", "POST", "PROPFIND", "VERSION-CONTROL"}, []string{"get", "KANARI", "KANARI_INDAH", "3174051201900003", ""}, "Method"},
	} {
		for _, s := range tc.in {
			if !tc.is(s) {
				t.Errorf("%s(%q) = false", tc.name, s)
			}
		}
		for _, s := range tc.out {
			if tc.is(s) {
				t.Errorf("%s(%q) = true", tc.name, s)
			}
		}
	}
}

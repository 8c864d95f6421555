package wire

import (
	"fmt"
	"runtime"
	"strings"
)

// OneLine folds s onto one line: every run of white space, newlines included, becomes one space. An error
// kontrak prints is one line, whatever the library under it wrote.
func OneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// Recovered, deferred by a public entry point that reads outside input, turns a panic into the entry
// point's error: one line that names the input (a file, a cassette), so that a bug of kontrak's on some
// input never takes a caller down with a stack trace. A runtime error is kontrak's bug, not the input's
// fault, and says so.
func Recovered(input string, err *error) {
	r := recover()
	if r == nil {
		return
	}
	*err = PanicError(input, r)
}

// PanicError is the one-line error of a recovered panic r while reading input (see Recovered).
func PanicError(input string, r any) error {
	if input == "" {
		input = "(unnamed input)"
	}
	if _, ok := r.(runtime.Error); ok {
		return fmt.Errorf("%s: internal error, please report it with this input: %v", input, r)
	}
	return fmt.Errorf("%s: %v", input, r)
}

// MarkdownCell fits s in one cell of a GitHub-flavoured Markdown table: on one line (OneLine), and every
// "|" escaped as `\|`, which GFM reads as a pipe even inside a code span (a bare one ends the cell). A pipe
// already escaped — after an odd run of backslashes — is left as it is: a cell is never escaped twice.
// This is the one copy of the rule: report, livedoc and specdiff write their tables' cells with it.
func MarkdownCell(s string) string {
	s = OneLine(s)
	if !strings.Contains(s, "|") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	backslashes := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '|' && backslashes%2 == 0 {
			b.WriteByte('\\')
		}
		if c == '\\' {
			backslashes++
		} else {
			backslashes = 0
		}
		b.WriteByte(c)
	}
	return b.String()
}

// SetOf is the set of items, each as key writes it (nil: as it is): a list of names made ready for
// lookups, as the matcher and redaction both need.
func SetOf(items []string, key func(string) string) map[string]bool {
	set := make(map[string]bool, len(items))
	for _, it := range items {
		if key != nil {
			it = key(it)
		}
		set[it] = true
	}
	return set
}

// ByteSet is a table of the bytes of chars, for a test a byte in a hot loop (a switch per byte costs
// more).
func ByteSet(chars string) (t [256]bool) {
	for i := 0; i < len(chars); i++ {
		t[chars[i]] = true
	}
	return t
}

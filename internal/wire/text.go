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

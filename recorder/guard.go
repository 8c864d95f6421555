package recorder

import (
	"fmt"
	"runtime"
)

// recovered, deferred by each public entry point, turns a panic into the entry point's error: one line
// that names the input (a file, a cassette), so that a bug of kontrak's on some input never takes a caller
// down with a stack trace. A runtime error is kontrak's bug, not the input's fault, and says so.
func recovered(input string, err *error) {
	r := recover()
	if r == nil {
		return
	}
	if input == "" {
		input = "(unnamed cassette)"
	}
	if _, ok := r.(runtime.Error); ok {
		*err = fmt.Errorf("%s: internal error, please report it with this input: %v", input, r)
		return
	}
	*err = fmt.Errorf("%s: %v", input, r)
}

// scanRecovered is recovered for Scan, which has no error to return: the panic becomes a leak of kind
// LeakUnscannable, so that a cassette the scan could not read fails the scan (fail closed).
func scanRecovered(file string, out *[]Leak) {
	r := recover()
	if r == nil {
		return
	}
	*out = append(*out, Leak{File: file, Interaction: -1, Kind: LeakUnscannable, Where: fmt.Sprintf("the whole cassette (internal error, please report it: %v)", r)})
}

package redact

import "fmt"

// scanRecovered is recovered for Scan, which has no error to return: the panic becomes a leak of kind
// LeakUnscannable, so that a cassette the scan could not read fails the scan (fail closed).
func scanRecovered(file string, out *[]Leak) {
	r := recover()
	if r == nil {
		return
	}
	*out = append(*out, Leak{File: file, Interaction: -1, Kind: LeakUnscannable, Where: fmt.Sprintf("the whole cassette (internal error, please report it: %v)", r)})
}

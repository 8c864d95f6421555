package redact

import (
	"encoding/hex"
	"strconv"
	"testing"

	"github.com/kontrak/kontrak/contract"
)

// TestReservedHostLabels: a host under a reserved name keeps only labels that are safe names as names
// are elsewhere: one that holds a token or a NIK in hex is replaced, as under any other host.
func TestReservedHostLabels(t *testing.T) {
	v := newRuleSet(testRules()).view("GET", "/v1/status", nil)
	for _, tc := range []struct {
		host string
		keep bool
	}{
		{"api.example.invalid", true},
		{"sandbox.api.example.com", true},
		{"localhost:8080", true},
		{"q7X9vB2mK4pL8nR3tY6wZ1aE5sD0fG2hJ.example.invalid", false},                   // a token
		{"x" + hex.EncodeToString([]byte("3852963074185296")) + ".example.com", false}, // a NIK in hex, after a letter
		{"mv4uu33cgj4gwwsy.example.test", true},                                        // lower-case letters and digits: no base32 (upper case) to read
	} {
		got, hits := v.host(tc.host)
		if kept := got == tc.host && len(hits) == 0; kept != tc.keep {
			t.Errorf("host %q: kept %v (%q), want %v", tc.host, kept, got, tc.keep)
		}
	}
}

// TestStandInsAreSafeNames: a stand-in name is a safe name by construction, whatever it replaces, so that
// a second redaction keeps it and the scan does not report it.
func TestStandInsAreSafeNames(t *testing.T) {
	for n := range 20000 {
		s := strconv.Itoa(n) // "3047" and "19026" drew base64 of text before safeStandIn
		for _, name := range []string{standInName(s), standInHeaderName(s)} {
			if !contract.SafeName(name) || base64Text(name) || isToken(name) {
				t.Fatalf("the stand-in %q of %q is not a safe name", name, s)
			}
		}
	}
}

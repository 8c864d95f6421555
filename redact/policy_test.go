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

// TestMediaTypes: a Content-Type or Accept value is kept in its grammar only when nothing rides in it:
// registered top-level types, subtypes and parameters of safe names, charsets IANA registers, random
// boundaries; hex, base32 or base64 of a name, a NIK or an upper-case name as a subtype or a parameter is
// not kept (FuzzPlantedNDJSON and FuzzPlantedRedacted found them kept).
func TestMediaTypes(t *testing.T) {
	v := newRuleSet(testRules()).view("GET", "/v1/status", nil)
	for _, tc := range []struct {
		value string
		keep  bool
	}{
		{"application/json", true},
		{"application/json; charset=utf-8", true},
		{"text/plain;charset=UTF-8", true},
		{"text/html; charset=ISO-8859-1", true},
		{"application/problem+json", true},
		{"application/vnd.api+json", true},
		{"application/x-www-form-urlencoded", true},
		{"multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW", true},
		{"multipart/form-data; boundary=kontrak-derived-cassette", true},
		{"image/jpeg", true},
		{"*/*", true},
		{hex.EncodeToString([]byte("RAHAYU KNRABCDEF")), false},                             // a bare token, no subtype
		{"application/json; profile=" + hex.EncodeToString([]byte("RAHAYU KNRABC")), false}, // hex of a name
		{"text/plain; profile=3174051201900003", false},                                     // a NIK
		{"application/RAHAYU-KNRABCDEF", false},                                             // an upper-case name
		{"text/UkFIQVlVIEtOUlZFVktUS1o", false},                                             // base64 of a name
		{"madeup/json", false},                                                              // no registered type
		{"multipart/form-data; boundary=3174051201900003", false},                           // a NIK as the boundary
	} {
		if got := v.mediaTypeOK(tc.value); got != tc.keep {
			t.Errorf("Content-Type %q: kept %v, want %v", tc.value, got, tc.keep)
		}
		if got := v.acceptOK(tc.value + ", */*;q=0.1"); got != tc.keep {
			t.Errorf("Accept %q: kept %v, want %v", tc.value, got, tc.keep)
		}
	}
}

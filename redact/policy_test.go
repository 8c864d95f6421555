package redact

import (
	"encoding/base64"
	"encoding/hex"
	"strconv"
	"strings"
	"testing"

	"github.com/kontrak/kontrak/contract"
	vcr "gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"
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
		// A port is kept only as a port is written: a NIK there went through (the red team's
		// api.advance.ai:3174051201900003, kept by redact and called clean by the scan).
		{"api.example.com:65535", true},
		{"api.example.com:3174051201900003", false},
		{"api.example.com:0", false},
		{"[::1]:70000", false},
	} {
		got, hits := v.host(tc.host)
		if kept := got == tc.host && len(hits) == 0; kept != tc.keep {
			t.Errorf("host %q: kept %v (%q), want %v", tc.host, kept, got, tc.keep)
		}
		if strings.Contains(got, "3174") || strings.Contains(got, "70000") {
			t.Errorf("host %q: %q keeps the port", tc.host, got)
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
		{"application/json; profile=kanari-indah", false},                                   // a parameter no allow-list names
		{"text/plain; charset=kanari-indah", false},                                         // no charset IANA registers
		{`multipart/form-data; boundary="KANARI INDAH"`, false},
		{"image/jpeg; name=kanari-indah", false},
		{"application/json;v=2", true},
		{`multipart/related; type="application/json"; boundary=b1`, true},
	} {
		if got := v.mediaTypeOK(tc.value); got != tc.keep {
			t.Errorf("Content-Type %q: kept %v, want %v", tc.value, got, tc.keep)
		}
		if got := v.acceptOK(tc.value + ", */*;q=0.1"); got != tc.keep {
			t.Errorf("Accept %q: kept %v, want %v", tc.value, got, tc.keep)
		}
	}
	// A parameter taken out leaves the type: the body is still read as what it is.
	if out, changed, ok := v.cleanMediaType("application/json; charset=utf-8; profile=kanari-indah"); !ok || !changed || out != "application/json; charset=utf-8" {
		t.Errorf("cleanMediaType: %q, changed %v, ok %v", out, changed, ok)
	}
}

// TestDocumentedIDsHoldNoPerson: a documented id place (Verihubs' reference_id, which a client chooses)
// keeps an id as it is, and not a person's name, a NIK glued to letters or written with slashes or
// underscores, or base64 of a name and a NIK (the red team's survivors of issue 19's allow-list).
func TestDocumentedIDsHoldNoPerson(t *testing.T) {
	rules, scan := rules19(t)
	for _, tc := range []struct {
		id     string
		keep   bool
		needle string
	}{
		{"kontrak-ref-0001", true, ""},
		{"my-ref-203a800c", true, ""},
		{"b3f1c2d4-0000-4000-8000-000000000001", true, ""},
		{"6c2c50a3049ce67e3174051201900003", true, ""}, // a hex id: its digits are no NIK
		{"KANARI INDAH", false, "KANARI"},
		{"KANARI_INDAH", false, "KANARI"},
		{"ＫＡＮＡＲＩ　ＩＮＤＡＨ", false, "KANARI"},
		{"ref3174051201900003", false, "3174051201900003"},
		{"K3174051201900003X", false, "3174051201900003"},
		{"3174/0512/0190/0003", false, "3174051201900003"},
		{"3174_0512_0190_0003", false, "3174051201900003"},
		{base64.StdEncoding.EncodeToString([]byte("KANARI INDAH 3174051201900003")), false, "3174051201900003"},
		{"kanari.indah＠example.com", false, "kanari"},
		{"kanari.indah%40example.com", false, "kanari"},
		{"kanari.indah&#64;example.com", false, "kanari"},
		{"０８１２３４５６７８９０", false, "081234567890"},
		{"3174\u200b051201900003", false, "3174"},
	} {
		i := base(t, "verihubs/submit-ktp.yaml", 0)
		i.Response.Body = strings.Replace(i.Response.Body, "kontrak-ref-0001", tc.id, 1)
		flagged := len(scan1(cloneDeep(t, i), scan)) > 0
		if err := Redactor(rules)(i); err != nil {
			t.Fatal(err)
		}
		kept := strings.Contains(i.Response.Body, `"`+tc.id+`"`)
		switch {
		case tc.keep && (!kept || flagged):
			t.Errorf("reference_id %q: kept %v, flagged %v; want kept, not flagged:\n%s", tc.id, kept, flagged, i.Response.Body)
		case !tc.keep && (!flagged || survives(i.Response.Body, tc.needle)):
			t.Errorf("reference_id %q: flagged %v, survives %v; want flagged, gone:\n%s", tc.id, flagged, survives(i.Response.Body, tc.needle), i.Response.Body)
		}
		if ls := scan1(cloneDeep(t, i), scan); len(ls) > 0 {
			t.Errorf("reference_id %q: redacted, still scans dirty: %v", tc.id, ls)
		}
	}
}

// TestLayoutNumbers: a number of go-vcr's layout holds what its field can (an index, a version, a length,
// a status, a day); a NIK put there is flagged and becomes the field's neutral value (the red team's S3).
func TestLayoutNumbers(t *testing.T) {
	rules, scan := rules19(t)
	const nik = 3174051201900003
	for _, field := range []struct {
		name string
		set  func(i *vcr.Interaction)
		get  func(i *vcr.Interaction) int64
	}{
		{"id", func(i *vcr.Interaction) { i.ID = nik }, func(i *vcr.Interaction) int64 { return int64(i.ID) }},
		{"proto_major", func(i *vcr.Interaction) { i.Request.ProtoMajor = nik }, func(i *vcr.Interaction) int64 { return int64(i.Request.ProtoMajor) }},
		{"content_length", func(i *vcr.Interaction) { i.Request.ContentLength = nik }, func(i *vcr.Interaction) int64 { return i.Request.ContentLength }},
		{"code", func(i *vcr.Interaction) { i.Response.Code = nik }, func(i *vcr.Interaction) int64 { return int64(i.Response.Code) }},
		{"duration", func(i *vcr.Interaction) { i.Response.Duration = nik }, func(i *vcr.Interaction) int64 { return int64(i.Response.Duration) }},
	} {
		i := base(t, "verihubs/submit-ktp.yaml", 0)
		if ls := scan1(cloneDeep(t, i), scan); len(ls) > 0 {
			t.Fatalf("the clean exchange scans dirty: %v", ls)
		}
		field.set(i)
		if ls := scan1(cloneDeep(t, i), scan); len(ls) == 0 {
			t.Errorf("%s: a NIK there is not flagged", field.name)
		}
		if err := Redactor(rules)(i); err != nil {
			t.Fatal(err)
		}
		if got := field.get(i); got == nik || survives(dump(t, i), "3174051201900003") {
			t.Errorf("%s: the NIK survives redaction (%d)", field.name, got)
		}
	}
}

// TestPhoneNotations: a mobile number in parentheses or with slashes or underscores is found in a kept
// value and replaced by a synthetic one, the rest of the value kept.
func TestPhoneNotations(t *testing.T) {
	v := newRuleSet(testRules()).view("GET", "/v1/status", nil)
	for _, phone := range []string{"(0812) 3456-7890", "0812/3456/7890", "0812_3456_7890", "+62 812 3456 7890"} {
		out, hits := v.content("call "+phone+" now", false)
		if len(hits) == 0 || strings.Contains(out, "3456") || !strings.HasPrefix(out, "call ") || !strings.HasSuffix(out, " now") {
			t.Errorf("%q: %q, hits %v", phone, out, hits)
		}
		again, hits := v.content(out, false)
		if again != out || len(hits) > 0 {
			t.Errorf("%q: redacting %q again gives %q, %v", phone, out, again, hits)
		}
	}
}

// A request's method is kept only when the IANA registry names it (wire.Method, as the printers judge
// it); an upper-case name in its place was kept as a token ("KANARI").
func TestMethodsByRegistry(t *testing.T) {
	v := newRuleSet(testRules()).view("GET", "/v1/status", nil)
	for m, keep := range map[string]bool{"GET": true, "POST": true, Redacted: true, "KANARI": false, "KANARI_INDAH": false, "3174051201900003": false} {
		got, hits := v.leafPolicy(leaf{side: sideRequest, place: inMethod, value: m})
		if kept := got == m && len(hits) == 0; kept != keep {
			t.Errorf("method %q: kept %v (%q), want %v", m, kept, got, keep)
		}
	}
}

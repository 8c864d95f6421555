package redact

import (
	"net/http"
	"strings"
	"testing"

	vcr "gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"
)

// FuzzRedactBody: for any answer body (under any content type and encoding header), redaction then scan
// reports nothing, and redacting twice is redacting once. A body redaction refuses (too deep) is one the
// scan reports. Seeds: testdata/fuzz/FuzzRedactBody.
func FuzzRedactBody(f *testing.F) {
	f.Add(`{"data":{"nik":"3171234567890001","full_address":"JL. KENARI 9"},"message":"NIK 3171 2345 6789 0001 born 17-08-1990"}`, "application/json", "")
	f.Add("\uFEFF{\"nama\":\"Siti\"}", "application/json", "")
	f.Add(`{"errors":{"nik":["31.71.23.456789.0001 is invalid"]}}`, "", "")
	f.Add(strings.Repeat("[", 100)+strings.Repeat("]", 100), "application/json", "")
	f.Add("not json at all 3171234567890001", "text/plain", "gzip")
	f.Add(`a=1&api_key=q7X9vB2mK4pL8nR3tY6wZ1aE5sD0fG2hJ&dob=1990-01-01`, "application/x-www-form-urlencoded", "")
	rules := testRules()
	f.Fuzz(func(t *testing.T, body, contentType, encoding string) {
		i := &vcr.Interaction{
			Request:  vcr.Request{Method: "POST", URL: "https://api.example.invalid/v1/ocr", Body: body, Headers: http.Header{"Content-Type": {contentType}}},
			Response: vcr.Response{Code: 200, Body: body, Headers: http.Header{"Content-Type": {contentType}, "Content-Encoding": {encoding}}},
		}
		once := clone(i)
		if err := Redactor(rules)(once); err != nil {
			ls := Scan(&vcr.Cassette{Interactions: []*vcr.Interaction{clone(i)}}, ScanRules{RedactRules: rules})
			for _, l := range ls {
				if l.Kind == LeakTooDeep {
					return
				}
			}
			t.Fatalf("redaction refused (%v) what the scan does not report: %v", err, ls)
		}
		if ls := Scan(&vcr.Cassette{Interactions: []*vcr.Interaction{clone(once)}}, ScanRules{RedactRules: rules}); len(ls) > 0 {
			t.Fatalf("redacted body scans dirty: %v\nbody %q\nredacted %q", ls, body, once.Response.Body)
		}
		twice := clone(once)
		if err := Redactor(rules)(twice); err != nil {
			t.Fatal(err)
		}
		if a, b := dump(t, once), dump(t, twice); a != b {
			t.Fatalf("redact twice differs from once:\n%s\n%s", a, b)
		}
	})
}

// BenchmarkRedact: a 10 MB answer (records alike, or each its own person) and a nesting one level deeper
// than MaxDepth, each in time and memory linear in its size (the nesting is refused, not recursed).
func BenchmarkRedact(b *testing.B) {
	var big strings.Builder
	big.WriteString(`{"items":[`)
	for n := 0; big.Len() < 10<<20; n++ {
		if n > 0 {
			big.WriteString(",")
		}
		big.WriteString(`{"full_name":"Siti Kanari","message":"NIK 3171234567890001 on 17-08-1990","ref":"abc-123","n":12}`)
	}
	big.WriteString(`]}`)
	// The same size with every record its own person, quoted in its message: as many known values as
	// records, each text masked of them all.
	var distinct strings.Builder
	distinct.WriteString(`{"items":[`)
	for n := 0; distinct.Len() < 10<<20; n++ {
		if n > 0 {
			distinct.WriteString(",")
		}
		name := "Kanari " + letters(n)
		distinct.WriteString(`{"full_name":"` + name + `","message":"` + name + ` NIK 3171234567890001 on 17-08-1990","n":12}`)
	}
	distinct.WriteString(`]}`)
	deep := strings.Repeat(`{"a":`, MaxDepth+1) + `1` + strings.Repeat("}", MaxDepth+1)
	for _, bc := range []struct{ name, body string }{{"10MB", big.String()}, {"10MB-distinct", distinct.String()}, {"too-deep", deep}} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(bc.body)))
			red := Redactor(testRules())
			for b.Loop() {
				i := interaction("GET", "https://api.example.invalid/v1/x", "", "", bc.body)
				_ = red(i)
			}
		})
		b.Run(bc.name+"/scan", func(b *testing.B) {
			b.SetBytes(int64(len(bc.body)))
			for b.Loop() {
				c := &vcr.Cassette{Interactions: []*vcr.Interaction{interaction("GET", "https://api.example.invalid/v1/x", "", "", bc.body)}}
				Scan(c, ScanRules{RedactRules: testRules()})
			}
		})
	}
}

// letters writes n in base 26 with the letters A–Z: a name part no two records share.
func letters(n int) string {
	b := []byte{byte('A' + n%26)}
	for n /= 26; n > 0; n /= 26 {
		b = append(b, byte('A'+n%26))
	}
	return string(b)
}

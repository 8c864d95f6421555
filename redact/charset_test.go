package redact

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"

	"github.com/kontrak/kontrak/cassette"
	"github.com/kontrak/kontrak/contract"
	vcr "gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"
)

// TestCanaryLatin1 is the canary of the charset class: an ISO-8859-1 answer whose holder is "JOSÉ
// KANARINDAH" (É is one byte, 0xC9, in Latin-1, and invalid UTF-8 on its own) and whose documented,
// non-personal id holds a non-ASCII letter that redaction keeps. Redaction must read the body in its
// charset and write it back in it: the Content-Type keeps its charset, the body's bytes are Latin-1 (the
// kept é is the byte 0xE9, not UTF-8's two bytes, and no U+FFFD stands anywhere), no canary survives in
// either encoding, the scan flags the canary before and is clean after, and the contract judges the
// exchange as it did before (its verdict does not flip), in strict mode too. The contract judges a JSON
// body that is not UTF-8 body-not-json (RFC 8259 §8.1): the redacted body must keep that verdict, neither
// turned into a passing UTF-8 body nor into a digest marker.
func TestCanaryLatin1(t *testing.T) {
	rules, scan := rules19(t)
	const (
		contentType = "application/json; charset=ISO-8859-1"
		holder      = "JOSÉ " + c19Name
		id          = "réf-0001" // a documented, non-personal value: kept, é and all
	)
	latin1 := func(s string) string {
		out, err := charmap.ISO8859_1.NewEncoder().String(s)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	in := base(t, "kredibel/success.yaml", 0)
	body := in.Response.Body
	for _, r := range [][2]string{{`"BUDI CONTOH"`, `"` + holder + `"`}, {`"b3f1c2d4-0000-4000-8000-000000000001"`, `"` + id + `"`}} {
		if !strings.Contains(body, r[0]) {
			t.Fatalf("kredibel/success.yaml no longer holds %s: the fixture changed", r[0])
		}
		body = strings.Replace(body, r[0], r[1], 1)
	}
	setJSONAnswer(in, latin1(body))
	in.Response.Headers.Set("Content-Type", contentType)
	if utf8.ValidString(in.Response.Body) {
		t.Fatal("the planted body is valid UTF-8: it tests nothing")
	}

	verdict := func(i *vcr.Interaction) []string {
		x, err := cassette.ExchangeOf(i, 0)
		if err != nil {
			t.Fatal(err)
		}
		x.Synthetic = true
		var out []string
		for _, strict := range []bool{false, true} {
			for _, f := range realContract(t).Judge(x, contract.JudgeOptions{Strict: strict}).Findings {
				out = append(out, f.ID+" "+f.Pointer+" "+string(f.Severity))
			}
		}
		slices.Sort(out)
		return out
	}
	was := verdict(in)

	leaks := scan1(in, scan)
	if len(leaks) == 0 {
		t.Error("scan did not flag the Latin-1 holder's name")
	}
	for _, l := range leaks {
		if strings.Contains(l.String(), c19Name) || strings.Contains(l.String(), "JOS") {
			t.Errorf("scan printed the canary: %s", l)
		}
	}
	if err := Redactor(rules)(in); err != nil {
		t.Fatalf("redaction refused: %v", err)
	}
	got := in.Response.Body
	if ct := in.Response.Headers.Get("Content-Type"); ct != contentType {
		t.Errorf("Content-Type is %q after redaction, want %q: a charset was changed", ct, contentType)
	}
	if n := in.Response.Headers.Values(RedactionHeader); len(n) > 0 {
		t.Errorf("redaction noted %q: a Latin-1 body holds its ASCII stand-ins, nothing needs saying", n)
	}
	if strings.Contains(got, "\uFFFD") || strings.Contains(got, `\ufffd`) {
		t.Errorf("the redacted body holds U+FFFD: %q", got)
	}
	if !strings.Contains(got, latin1(`"`+id+`"`)) || strings.Contains(got, id) {
		t.Errorf("the kept id is not written in Latin-1 (want the byte 0xE9 for é): %q", got)
	}
	text, err := charmap.ISO8859_1.NewDecoder().String(got)
	if err != nil || latin1(text) != got {
		t.Errorf("the redacted body is not Latin-1 that round-trips: %v", err)
	}
	for _, c := range []string{c19Name, "JOSÉ", latin1("JOSÉ")} {
		if where := survivesIn(in, c); where != "" || survives(text, c) {
			t.Errorf("canary %q survives (%s): %q", c, where, got)
		}
	}
	if now := verdict(in); !slices.Equal(was, now) {
		t.Errorf("the verdict flipped:\nwas %q\nnow %q", was, now)
	}
	if ls := scan1(in, scan); len(ls) > 0 {
		t.Errorf("redacted exchange scans dirty: %v", ls)
	}
	once := dump(t, in)
	if err := Redactor(rules)(in); err != nil || dump(t, in) != once {
		t.Errorf("redacting twice differs from once (%v)", err)
	}
}

package redact

import (
	"math/rand"
	"reflect"
	"strings"
	"testing"

	"github.com/kontrak/kontrak/specimen"
)

// dateMatches must find exactly what dateInTextRE.FindAllStringIndex finds, at a cost linear in the text.
func TestDateMatchesAsRegexp(t *testing.T) {
	texts := []string{
		"NIK 3171234567890001 on 17-08-1990", "born 17 Agustus 1991, or Aug. 17, 1991", "1990-08-17T10:00",
		"11990-08-17", "ſeptember 1, 2001", "oKtober 5 1999", "17-08-90 and 1/2/2003 and 2003.1.2", "MEI 3, 1999",
		"12 desember 2020x", "3171.2345.6789.0001 17.08.1990", "", "1", "Des. 1 2000",
	}
	r := rand.New(rand.NewSource(2))
	atoms := []string{"1", "7", "08", "1990", "-", "/", ".", " ", ",", "a", "x", "Agustus", "aug", "SEPT", "ſep", "oKt", "mei", "T", "é", "Desember", "jan", "\xff"}
	for range 50000 {
		var b strings.Builder
		for range r.Intn(16) {
			b.WriteString(atoms[r.Intn(len(atoms))])
		}
		texts = append(texts, b.String())
	}
	for _, s := range texts {
		want := spans(dateInTextRE.FindAllStringIndex(s, -1))
		if len(want) == 0 {
			want = nil
		}
		if got := dateMatches(s); !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: dateMatches %v, the regexp %v", s, got, want)
		}
	}
}

// knownValues.mask must replace exactly what replacing every known value in turn replaces (the code it
// replaced), in time that does not grow with the number of values.
func TestKnownValuesMaskAsSequentialReplace(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	words := []string{"Siti", "KANARI", "kanari", "Budi", "Jl. Mawar", "é", "Ünï", " ", ",", "siti kanari", "Sitti", "Kanar"}
	phrase := func(n int) string {
		var b strings.Builder
		for range n {
			b.WriteString(words[r.Intn(len(words))])
		}
		return b.String()
	}
	for range 3000 {
		k := &knownValues{}
		for range r.Intn(6) {
			k.add([]string{"name", "address", "place"}[r.Intn(3)], phrase(1+r.Intn(3)))
		}
		s := phrase(r.Intn(12))
		keep := func(v string) bool { return len(v)%5 == 0 }
		want := s
		for _, kv := range k.list {
			if !keep(kv[1]) {
				want = replaceFold(want, kv[1], func(found string) string { return specimen.SyntheticLike(kv[0], found) })
			}
		}
		if got := k.mask(s, keep); got != want {
			t.Fatalf("mask(%q) with %q = %q, want %q", s, k.list, got, want)
		}
	}
}

package cassette

import (
	"bufio"
	"bytes"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	vcr "gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"
)

// TestFastMarshalItem holds the fast writer to the YAML encoder on every committed interaction, and on
// values chosen at each of its decisions: where it writes, it writes the encoder's bytes.
func TestFastMarshalItem(t *testing.T) {
	files, _ := filepath.Glob("../cassettes/*/*.yaml")
	if len(files) == 0 {
		t.Fatal("no committed cassette")
	}
	fast := 0
	total := 0
	for _, f := range files {
		in, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		br := bufio.NewReader(in)
		if _, err := ReadCommentBlock(br); err != nil {
			t.Fatal(err)
		}
		err = Read(br, func(_ int, i *vcr.Interaction) error {
			total++
			if sameAsEncoder(t, f, i) {
				fast++
			}
			return nil
		})
		in.Close()
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
	}
	// Most committed interactions are written by the fast writer, or it saves nothing.
	t.Logf("the fast writer wrote %d of %d committed interactions", fast, total)
	if fast*2 < total {
		t.Errorf("the fast writer wrote %d of %d committed interactions", fast, total)
	}
	for _, s := range fastMarshalStrings {
		i := stringsEverywhere(s)
		sameAsEncoder(t, "string "+s, i)
	}
}

// fastMarshalStrings reach each decision of the fast writer: plain, single- and double-quoted, the
// resolver's numbers, nulls and booleans, indicators at the start and inside, spaces at either end.
var fastMarshalStrings = []string{
	"", " ", "a", "200 OK", "204", "-1", "-", "- a", "-a", ":", ": a", "a:", "a: b", "a:b", "a #b", "a#b",
	"#a", "?", "? a", "?a", "{}", "[x]", "a{b}", "'", "a'b", "\"", "a\"b", "a\\b", "\r\n", "a\tb", "a\tb\nc", "a\r\nb\tc", "x\n\x01", "\x00\x7f\x1b",
	"true", "True", "tRue", "null", "~", "~a", "yes", "on", "<<", "<", ".5", ".inf", "1e3", "0x1F", "1_000",
	"12:30", "10", "+10", "-0", "007", "09", "99999999999999999999999", "+-1", "1-2", "2001-12-14", "2001-12-14 21:59:43", "0s", "1h2m3s", "+", "+.inf", "infinity", "-Inf", "nan",
	"---", "--- a", "...", "a b", "a  b", " a", "a ", "https://x.test/a?b=c#d", "application/json; charset=utf-8",
	"é", "a\nb", "\n", "x\u2028y", "%a", "@a", "`a", "!a", "&a", "*a", "|", ">", ",a", "a,b",
}

// stringsEverywhere is an interaction holding s at every string place, and as a header and form key.
func stringsEverywhere(s string) *vcr.Interaction {
	i := &vcr.Interaction{ID: 7}
	q, r := &i.Request, &i.Response
	q.Proto, q.Host, q.RemoteAddr, q.RequestURI, q.Body, q.URL, q.Method = s, s, s, s, s, s, s
	q.TransferEncoding = []string{s, "chunked"}
	q.Headers = http.Header{s: {s}, "Content-Type": {s, ""}, "X-B3-Id": nil, "X-A2": {}, "X-A10": {"1"}}
	q.Form = map[string][]string{s: {s}, "a": {s}}
	q.Trailer = http.Header{"T": {s}}
	r.Proto, r.Body, r.Status = s, s, s
	r.Headers = http.Header{s: {s}}
	r.Uncompressed = len(s)%2 == 0
	r.Duration = time.Duration(len(s)) * 1500 * time.Millisecond
	return i
}

// sameAsEncoder reports whether the fast writer wrote i, and fails when it wrote other bytes than the
// encoder.
func sameAsEncoder(t testing.TB, what string, i *vcr.Interaction) bool {
	t.Helper()
	want, err := yamlMarshalItem(i)
	got, ok := fastMarshalItem(i)
	if !ok {
		return false
	}
	if err != nil {
		t.Fatalf("%s: the encoder fails (%v), the fast writer writes %q", what, err, got)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s: the fast writer wrote\n%s\nthe encoder\n%s", what, got, want)
	}
	return true
}

// FuzzFastMarshalItem holds the fast writer to the encoder for any string at any place.
func FuzzFastMarshalItem(f *testing.F) {
	for _, s := range fastMarshalStrings {
		f.Add(s, "Content-Type")
	}
	f.Fuzz(func(t *testing.T, s, key string) {
		i := stringsEverywhere(s)
		i.Response.Headers[key] = []string{s, key}
		sameAsEncoder(t, "fuzz", i)
	})
}

package redact_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	kontrak "github.com/kontrak/kontrak"
	"github.com/kontrak/kontrak/cassette"
	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/redact"
	vcr "gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"
)

// FuzzCassette follows a cassette from outside the way kontrak check, scan and redact do: parse, list its
// exchanges, judge each against the contract, scan it, redact it. Whatever the bytes, nothing panics, every
// error is one line that names the cassette, and no entry point reports an internal error (a recovered
// panic). Seeds: a cassette of each vendor, the shapes issue 8 found (`interactions: [~]`, an empty list)
// and testdata/fuzz/FuzzCassette; they run in make test.
func FuzzCassette(f *testing.F) {
	for _, glob := range []string{"../cassettes/advance/*.yaml", "../cassettes/verihubs/*.yaml", "../cassettes/ekycpro/*.yaml", "../cassettes/kredibel/*.yaml"} {
		files, _ := filepath.Glob(glob)
		if len(files) > 0 {
			data, err := os.ReadFile(files[0])
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
	for _, s := range []string{
		"version: 2\ninteractions: [~]\n",
		"version: 2\ninteractions: []\n",
		"version: 2\ninteractions:\n  - ~\n  - {id: 1}\n",
		"version: 2\ninteractions:\n  - {id: 0, request: {url: '%zz', method: POST}, response: {code: 200}}\n",
		"version: 2\ninteractions:\n  - {id: 0, request: {url: 'https://api.advance.ai/openapi/face-recognition/v3/ocr-ktp-check', method: POST}, response: {code: 200, body: '{\"code\":1e999}'}}\n",
	} {
		f.Add([]byte(s))
	}
	c, err := contract.Load(kontrak.Files)
	if err != nil {
		f.Fatal(err)
	}
	rules, scan := redact.RulesFor(c), redact.ScanRulesFor(c)
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		const file = "fuzz.yaml"
		streamed(t, dir, data, c, scan, rules)
		oneLine := func(what string, err error) {
			t.Helper()
			msg := err.Error()
			if strings.ContainsAny(msg, "\n\r") || strings.Contains(msg, "internal error") || !strings.Contains(msg, file) && what != "redact" {
				t.Fatalf("%s: want a one-line error naming %s, got %q", what, file, msg)
			}
		}
		cs, _, err := cassette.Parse(file, data)
		if err != nil {
			oneLine("parse", err)
			return
		}
		if len(cs.Interactions) == 0 {
			t.Fatal("parse accepted a cassette with no interaction")
		}
		xs, err := cassette.Exchanges(cs)
		if err != nil {
			oneLine("exchanges", err)
		}
		for _, x := range xs {
			if op, ok := c.Lookup(x.Method, x.Path); ok {
				op.Check(x.Status, x.Header, x.Body, contract.CheckOptions{})
			}
		}
		for _, l := range redact.Scan(cs, scan) {
			if l.Kind == redact.LeakUnscannable {
				t.Fatalf("scan: %v", l)
			}
		}
		red := redact.Redactor(rules)
		for _, i := range cs.Interactions {
			if err := red(i); err != nil {
				oneLine("redact", err)
			}
		}
	})
}

// streamed follows the cassette the way kontrak check, scan and redact read it now, streamed: each
// interaction read and judged, the file scanned, then redacted in place (twice: the second run finds
// nothing to change, so what the first wrote reads back as a cassette). Errors are one line naming the
// file; a file that is refused is left as it was.
func streamed(t *testing.T, dir string, data []byte, c *contract.Contract, scan redact.ScanRules, rules redact.RedactRules) {
	t.Helper()
	file := filepath.Join(dir, "stream.yaml")
	oneLine := func(what string, err error) {
		t.Helper()
		msg := err.Error()
		if strings.ContainsAny(msg, "\n\r") || strings.Contains(msg, "internal error") || !strings.Contains(msg, file) {
			t.Fatalf("%s: want a one-line error naming %s, got %q", what, file, msg)
		}
	}
	err := cassette.Read(bytes.NewReader(data), func(_ int, it *vcr.Interaction) error {
		if x, err := cassette.ExchangeOf(it, 0); err == nil {
			if op, ok := c.Lookup(x.Method, x.Path); ok {
				op.Judge(x.Status, x.Header, x.Body, contract.CheckOptions{})
			}
		}
		return nil
	})
	if _, serr := redact.ScanReader(file, bytes.NewReader(data), scan); (serr == nil) != (err == nil) {
		t.Fatalf("the scan and the reader disagree on the file: %v / %v", serr, err)
	} else if serr != nil {
		oneLine("scan", serr)
	}
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := redact.RedactFile(file, rules); err != nil {
		oneLine("redact", err)
		if now, _ := os.ReadFile(file); !bytes.Equal(now, data) {
			t.Fatalf("a refused redaction changed the file")
		}
		return
	}
	if changed, err := redact.RedactFile(file, rules); err != nil || changed {
		now, _ := os.ReadFile(file)
		t.Fatalf("redacting the redacted file again: changed %v, %v\n%s", changed, err, now)
	}
}

package main

import (
	"io"
	"strings"
	"testing"
)

// TestHelp: kontrak -h and every subcommand's -h and --help print, on stdout, the usage, every flag the
// command parses, the vendor and operation ids of the specs and an example, and exit 0.
func TestHelp(t *testing.T) {
	c := testContract(t)
	var ids []string
	for _, v := range c.Vendors() {
		ids = append(ids, v.ID)
		ids = append(ids, v.OperationIDs()...)
	}
	for _, args := range [][]string{{"-h"}, {"--help"}, {"help"}} {
		code, out, errs := runKontrak(t, "", args...)
		if code != 0 || errs != "" {
			t.Errorf("%v: exit %d, stderr %q", args, code, errs)
		}
		for _, want := range append([]string{"usage: kontrak COMMAND", "example:\n  kontrak "}, ids...) {
			if !strings.Contains(out, want) {
				t.Errorf("%v: lacks %q:\n%s", args, want, out)
			}
		}
	}
	for name := range commands {
		for _, flagArg := range []string{"-h", "--help"} {
			code, out, errs := runKontrak(t, "", name, flagArg)
			if code != 0 || errs != "" {
				t.Errorf("%s %s: exit %d, stderr %q", name, flagArg, code, errs)
			}
			want := append([]string{"usage: kontrak " + name, "example:\n  kontrak " + name}, ids...)
			for _, f := range flagsOf(t, name) {
				want = append(want, "-"+f+" ")
			}
			for _, w := range want {
				if !strings.Contains(out, w) && !strings.Contains(out, strings.TrimSuffix(w, " ")+"\n") {
					t.Errorf("%s %s: lacks %q:\n%s", name, flagArg, w, out)
				}
			}
		}
	}
	if code, out, _ := runKontrak(t, "", "help", "scan"); code != 0 || !strings.HasPrefix(out, "usage: kontrak scan PATH...") {
		t.Errorf("help scan: exit %d:\n%s", code, out)
	}
}

// flagsOf lists the flags a command parses, by asking it for its help and reading the flag set it used.
func flagsOf(t *testing.T, name string) []string {
	t.Helper()
	err := commands[name].run([]string{"-h"}, strings.NewReader(""), io.Discard, io.Discard)
	fs, ok := helpOf(err)
	if !ok {
		t.Fatalf("%s -h: %v, want a help request", name, err)
	}
	var out []string
	if fs != nil {
		for _, f := range []string{"format", "vendor", "operation", "status", "strict", "waivers", "root", "addr", "cassettes", "log", "out", "check"} {
			if fs.Lookup(f) != nil {
				out = append(out, f)
			}
		}
	}
	return out
}

// TestPanicIsOneLine: a panic in a subcommand (a bug) is one line on stderr naming the input, exit 2.
func TestPanicIsOneLine(t *testing.T) {
	commands["panics"] = command{summary: "test only", run: func(args []string, _ io.Reader, _, _ io.Writer) error {
		var m map[string]int
		m[args[0]]++ // assignment to entry in nil map
		return nil
	}}
	defer delete(commands, "panics")
	code, out, errs := runKontrak(t, "", "panics", "input.yaml")
	if code != 2 || out != "" || strings.Count(errs, "\n") != 1 || !strings.HasPrefix(errs, `kontrak panics: internal error on input "input.yaml"`) {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, errs)
	}
}

// TestUnknownFormat: an unknown --format is a usage error (exit 2) in every command that takes one.
func TestUnknownFormat(t *testing.T) {
	for _, args := range [][]string{
		{"check", "--format", "yaml", "testdata/drifted.yaml"},
		{"check", "--format", "yaml", "--vendor", "advance", "--operation", "ocrKtpCheck", "--status", "200", "-"},
		{"report", "--format", "yaml", "reports/report.json"},
		{"serve", "--log", "yaml"},
	} {
		code, out, errs := runKontrak(t, "{}", args...)
		if code != 2 || out != "" || strings.Count(errs, "\n") != 1 || !strings.Contains(errs, "yaml") {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want 2 and one line naming the value", args, code, out, errs)
		}
	}
}

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kontrak/kontrak/contract"
)

// kontrak waive writes a waiver a run then honours: created when the file is missing, appended to the
// committed file's "waivers: []", dated 30 days from today unless told, refused (the file untouched)
// without a ticket or link, for an unknown operation or finding, or a date already past.
func TestWaive(t *testing.T) {
	defer func(f func() time.Time) { today = f }(today)
	today = func() time.Time { return time.Date(2031, 3, 1, 12, 0, 0, 0, time.UTC) }
	dir := t.TempDir()
	file := filepath.Join(dir, "waivers.yaml")
	waive := func(args ...string) (int, string, string) {
		return runKontrak(t, "", append([]string{"waive", "--file", file}, args...)...)
	}
	base := []string{"--vendor", "ekycpro", "--operation", "idOcrGeneral", "--finding", "error-code-undocumented", "--pointer", "/status", "--reason", `ekycpro's "quota" code: # asked`}
	code, out, errs := waive(append(base, "--ticket", "SUP-7")...)
	if code != 0 || !strings.Contains(out, "until 2031-03-31") {
		t.Fatalf("a new file: exit %d, %q, %q; want the waiver, 30 days from today", code, out, errs)
	}
	ws, err := contract.LoadWaivers(file)
	if err != nil || len(ws.List) != 1 || ws.List[0].Reason != `ekycpro's "quota" code: # asked` || ws.List[0].Expires != "2031-03-31" || ws.List[0].Pointer != "/status" {
		t.Fatalf("the file reads back as %+v, %v", ws, err)
	}
	// The committed file's layout: comments, then waivers: [].
	committed, err := os.ReadFile(filepath.Join("..", "..", "waivers.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(file, committed, 0o644)
	if code, _, errs := waive("--vendor", "advance", "--operation", "ocrKtpCheck", "--finding", "field-missing", "--pointer", "", "--reason", "r", "--link", "https://tracker.example/1", "--days", "7"); code != 0 {
		t.Fatalf("appending to the committed waivers.yaml: exit %d, %q", code, errs)
	}
	if code, _, errs := waive(append(base, "--ticket", "SUP-8", "--expires", "2031-06-30")...); code != 0 {
		t.Fatalf("a second waiver: exit %d, %q", code, errs)
	}
	ws, err = contract.LoadWaivers(file)
	if err != nil || len(ws.List) != 2 || ws.List[0].Expires != "2031-03-08" || ws.List[0].Pointer != "" || ws.List[1].Expires != "2031-06-30" {
		t.Fatalf("after two waivers: %+v, %v", ws, err)
	}
	before, _ := os.ReadFile(file)
	for _, tc := range []struct {
		reason string
		args   []string
		want   string
	}{
		{"no ticket or link", base, "--ticket or --link is required"},
		{"no pointer", []string{"--vendor", "ekycpro", "--operation", "idOcrGeneral", "--finding", "field-missing", "--reason", "r", "--ticket", "T"}, "--pointer is required"},
		{"an unknown operation", []string{"--vendor", "ekycpro", "--operation", "nope", "--finding", "field-missing", "--pointer", "/a", "--reason", "r", "--ticket", "T"}, `no operation "nope"`},
		{"an unknown finding id", []string{"--vendor", "ekycpro", "--operation", "idOcrGeneral", "--finding", "looks-wrong", "--pointer", "/a", "--reason", "r", "--ticket", "T"}, `"looks-wrong" is not a finding id`},
		{"a date already past", append(append([]string{}, base...), "--ticket", "T", "--expires", "2030-01-01"), "already past"},
		{"the same waiver twice", append(append([]string{}, base...), "--ticket", "T"), "the same finding is waived"},
	} {
		code, _, errs := waive(tc.args...)
		if code != 2 || !strings.Contains(errs, tc.want) {
			t.Errorf("%s: exit %d, %q; want 2 and %q", tc.reason, code, errs, tc.want)
		}
		if after, _ := os.ReadFile(file); string(after) != string(before) {
			t.Errorf("%s: the file was changed", tc.reason)
		}
	}
}

// The README's waiver example cannot expire before it is read: it parses as a waiver and holds for years.
func TestReadmeWaiverExample(t *testing.T) {
	doc := readme(t)
	start := strings.Index(doc, "```yaml\nwaivers:\n")
	if start < 0 {
		t.Fatal("README.md: no ```yaml waivers: example")
	}
	body := doc[start+len("```yaml\n"):]
	body = body[:strings.Index(body, "```")]
	ws, err := contract.ParseWaivers("README.md", []byte(body))
	if err != nil || len(ws.List) == 0 {
		t.Fatalf("the README's example: %v", err)
	}
	for _, w := range ws.List {
		if w.Expired(time.Now().AddDate(10, 0, 0)) {
			t.Errorf("the README's example expires on %s: a reader of the next years would copy an expired waiver", w.Expires)
		}
	}
}

// make conformance (live, record) read waivers.yaml when it exists, and nothing when it does not or when
// WAIVERS= says so: the suites get it as KONTRAK_WAIVERS.
func TestMakeReadsWaivers(t *testing.T) {
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("no make")
	}
	mk, err := filepath.Abs(filepath.Join("..", "..", "Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	show := func(dir string, vars ...string) string {
		args := append([]string{"-s", "-f", mk, "--eval", "show-waivers: ; @echo \"[$$KONTRAK_WAIVERS]\""}, vars...)
		cmd := exec.Command("make", append(args, "show-waivers")...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "KONTRAK_WAIVERS=")
		cmd.Env = slices.DeleteFunc(cmd.Env, func(e string) bool { return strings.HasPrefix(e, "WAIVERS=") })
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("make: %v\n%s", err, out)
		}
		return strings.TrimSpace(string(out))
	}
	with, without := t.TempDir(), t.TempDir()
	os.WriteFile(filepath.Join(with, "waivers.yaml"), []byte("waivers: []\n"), 0o644)
	if got := show(with); got != "[waivers.yaml]" {
		t.Errorf("with a waivers.yaml: KONTRAK_WAIVERS=%s, want waivers.yaml", got)
	}
	if got := show(without); got != "[]" {
		t.Errorf("without one: KONTRAK_WAIVERS=%s, want none", got)
	}
	if got := show(with, "WAIVERS="); got != "[]" {
		t.Errorf("WAIVERS= turns it off: KONTRAK_WAIVERS=%s", got)
	}
}

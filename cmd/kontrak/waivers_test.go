package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeWaivers(t *testing.T, expires, pointer string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "waivers.yaml")
	body := "waivers:\n  - vendor: ekycpro\n    operation: idOcrGeneral\n    finding: error-code-undocumented\n    pointer: " + pointer +
		"\n    reason: ekycpro added NEW\n    ticket: SUP-7\n    expires: " + expires + "\n"
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestCheckWaivers: a waiver that matches takes exactly its finding out of the verdict, and says so; an
// expired or stale one fails the run with one line naming it.
func TestCheckWaivers(t *testing.T) {
	newCode := `{"status": "NEW", "message": 5}` // a new code (waived) and a retyped message (not)
	body := []string{"check", "--vendor", "ekycpro", "--operation", "idOcrGeneral", "--status", "200"}
	args := func(extra ...string) []string { return append(append(append([]string{}, body...), extra...), "-") }

	code, out, errs := runKontrak(t, newCode, args("--waivers", writeWaivers(t, "2999-12-31", "/status"))...)
	if code != 1 || !strings.Contains(out, "type-mismatch") || errs != "" {
		t.Errorf("waiving one of two breaking findings: exit %d, stdout %q, stderr %q; want 1 and the other finding", code, out, errs)
	}
	code, out, _ = runKontrak(t, newCode, args("--waivers", writeWaivers(t, "2999-12-31", "/status"), "--format", "markdown")...)
	if !strings.Contains(out, "**Waived**") || !strings.Contains(out, "SUP-7") || !strings.Contains(out, "`type-mismatch`") {
		t.Errorf("markdown does not show the waived finding beside the failing one:\n%s", out)
	}
	code, out, _ = runKontrak(t, newCode, args("--waivers", writeWaivers(t, "2999-12-31", "/status"), "--format", "json")...)
	if !strings.Contains(out, `"waived": {`) {
		t.Errorf("json does not mark the waived finding:\n%s", out)
	}

	code, _, errs = runKontrak(t, newCode, args("--waivers", writeWaivers(t, "2020-01-31", "/status"))...)
	if code != 1 || !strings.Contains(errs, "waivers.yaml:2: waiver of ekycpro idOcrGeneral error-code-undocumented at /status until 2020-01-31") || !strings.Contains(errs, "expired") {
		t.Errorf("an expired waiver: exit %d, stderr %q", code, errs)
	}
	fail := `{"status": "FAIL", "message": "check input image and retry"}`
	code, _, errs = runKontrak(t, fail, args("--waivers", writeWaivers(t, "2999-12-31", "/status"))...)
	if code != 1 || !strings.Contains(errs, "is stale") || strings.Count(errs, "\n") != 1 {
		t.Errorf("a conforming answer of the waived operation makes the waiver stale: exit %d, stderr %q", code, errs)
	}
	code, _, errs = runKontrak(t, fail, args("--waivers", "no/such/waivers.yaml")...)
	if code != 2 || !strings.Contains(errs, "--waivers: no/such/waivers.yaml: no such file or directory") {
		t.Errorf("a missing waivers file: exit %d, stderr %q", code, errs)
	}
}

// TestCheckFormats: every report format is accepted by check, github annotations name the cassette.
func TestCheckFormats(t *testing.T) {
	cassette := filepath.Join("..", "..", "cassettes", "ekycpro", "success.yaml")
	for _, f := range []string{"text", "json", "markdown", "junit", "github"} {
		code, out, errs := runKontrak(t, "", "check", "--format", f, cassette)
		if code != 0 || errs != "" {
			t.Errorf("--format %s: exit %d, stderr %q", f, code, errs)
		}
		if f == "github" && !strings.Contains(out, "::notice title=kontrak%3A conforms::") {
			t.Errorf("--format github: %q", out)
		}
	}
}

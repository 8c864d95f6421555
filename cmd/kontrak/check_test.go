package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// kontrak runs the command line in-process and returns exit code, stdout and stderr.
func runKontrak(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func TestCheckBody(t *testing.T) {
	fail := `{"status": "FAIL", "message": "check input image and retry"}`
	for _, tc := range []struct {
		reason string
		stdin  string
		args   []string
		code   int
		stdout []string // substrings
		stderr string   // substring, for exit 2
	}{
		{"a documented body conforms, in one line that says what a body alone does not carry", fail,
			[]string{"check", "--vendor", "ekycpro", "--operation", "idOcrGeneral", "--status", "200", "-"}, 0,
			[]string{"conform ekycpro idOcrGeneral: no finding; not judged: encoding, headers (the input carries no response headers)\n"}, ""},
		{"flags after the file are read too", fail,
			[]string{"check", "-", "--vendor", "ekycpro", "--operation", "idOcrGeneral", "--status", "200"}, 0,
			[]string{"conform ekycpro idOcrGeneral: no finding"}, ""},
		{"a new code is drift, one line per finding, with pointer and source", `{"status": "NEW", "message": "x"}`,
			[]string{"check", "--vendor", "ekycpro", "--operation", "idOcrGeneral", "--status", "200", "-"}, 1,
			[]string{"breaking ekycpro idOcrGeneral error-code-undocumented /status: want a code of the table", `got "NEW"`, "https://docs.ekycpro.com/indoniesia-ktp-ocr"}, ""},
		{"a changed message is a notice: exit 0", `{"status": "FAIL", "message": "retry"}`,
			[]string{"check", "--vendor", "ekycpro", "--operation", "idOcrGeneral", "--status", "200", "-"}, 0,
			[]string{"notice ekycpro idOcrGeneral message-changed /message"}, ""},
		{"--strict makes the notice breaking", `{"status": "FAIL", "message": "retry"}`,
			[]string{"check", "--strict", "--vendor", "ekycpro", "--operation", "idOcrGeneral", "--status", "200", "-"}, 1,
			[]string{"breaking ekycpro idOcrGeneral message-changed /message"}, ""},
		{"an undocumented status", fail,
			[]string{"check", "--vendor", "ekycpro", "--operation", "idOcrGeneral", "--status", "503", "-"}, 1,
			[]string{`status-undocumented "": want one of 200, 401, got 503`}, ""},
		{"unknown vendor", fail, []string{"check", "--vendor", "acme", "--operation", "x", "--status", "200", "-"}, 2, nil, `unknown vendor "acme" (known: `},
		{"unknown operation", fail, []string{"check", "--vendor", "ekycpro", "--operation", "ocr", "--status", "200", "-"}, 2, nil, `vendor ekycpro has no operation "ocr" (known: idOcrGeneral)`},
		{"missing file", "", []string{"check", "--vendor", "ekycpro", "--operation", "idOcrGeneral", "--status", "200", "no/such/body.json"}, 2, nil, "cannot read no/such/body.json: no such file or directory"},
		{"status not a number", fail, []string{"check", "--vendor", "ekycpro", "--operation", "idOcrGeneral", "--status", "OK", "-"}, 2, nil, `--status must be an HTTP status`},
		{"operation without status", fail, []string{"check", "--vendor", "ekycpro", "--operation", "idOcrGeneral", "-"}, 2, nil, "--status is required"},
		{"no input", "", []string{"check"}, 2, nil, "no input"},
		{"bad format", fail, []string{"check", "--format", "xml", "x.yaml"}, 2, nil, `unknown format "xml": known formats are github, json, junit, markdown, text`},
		{"unknown flag", fail, []string{"check", "--colour", "x.yaml"}, 2, nil, "flag provided but not defined: -colour"},
		{"unknown command", "", []string{"chek"}, 2, nil, `unknown command "chek"`},
	} {
		t.Run(tc.reason, func(t *testing.T) {
			code, out, errs := runKontrak(t, tc.stdin, tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d (stdout %q, stderr %q)", code, tc.code, out, errs)
			}
			for _, s := range tc.stdout {
				if !strings.Contains(out, s) {
					t.Errorf("stdout %q lacks %q", out, s)
				}
			}
			if tc.code == 0 && len(tc.stdout) == 0 && out != "" {
				t.Errorf("stdout %q, want nothing for a conforming body", out)
			}
			if tc.stderr != "" && !strings.Contains(errs, tc.stderr) {
				t.Errorf("stderr %q lacks %q", errs, tc.stderr)
			}
			if tc.code == 2 && strings.Count(strings.TrimRight(errs, "\n"), "\n") != 0 {
				t.Errorf("stderr is not one line: %q", errs)
			}
		})
	}
}

func TestCheckBodyJSON(t *testing.T) {
	code, out, _ := runKontrak(t, `{"status": "OK", "message": "not an object"}`, "check", "--format", "json",
		"--vendor", "ekycpro", "--operation", "idOcrGeneral", "--status", "200", "-")
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	var got struct {
		Verdict  string `json:"verdict"`
		Findings []map[string]string
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if got.Verdict != "drift" || len(got.Findings) != 1 {
		t.Fatalf("got %+v, want drift with one finding", got)
	}
	f := got.Findings[0]
	want := map[string]string{"id": "type-mismatch", "severity": "breaking", "pointer": "/message", "expected": "object", "actual": "string"}
	for k, v := range want {
		if f[k] != v {
			t.Errorf("finding[%s] = %q, want %q", k, f[k], v)
		}
	}
	for _, k := range []string{"message", "source"} {
		if f[k] == "" {
			t.Errorf("finding has no %s: %v", k, f)
		}
	}
}

func TestCheckCassettes(t *testing.T) {
	code, out, errs := runKontrak(t, "", "check", "--format", "json", "testdata/drifted.yaml")
	if code != 1 {
		t.Fatalf("exit %d, want 1 (stderr %q)", code, errs)
	}
	var doc struct {
		Kind, Verdict string
		Verdicts      []struct {
			Cassette    string `json:"cassette"`
			Interaction *int   `json:"interaction"`
			Vendor      string `json:"vendor"`
			Operation   string `json:"operation"`
			Verdict     string `json:"verdict"`
			Findings    []struct{ ID, Pointer string }
		}
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if doc.Kind != "kontrak-verdicts" || doc.Verdict != "drift" {
		t.Errorf("kind %q verdict %q, want kontrak-verdicts, drift", doc.Kind, doc.Verdict)
	}
	got := doc.Verdicts
	if len(got) != 2 {
		t.Fatalf("%d objects, want one per interaction (2)", len(got))
	}
	if got[0].Verdict != "conform" || got[1].Verdict != "drift" || *got[1].Interaction != 1 || got[1].Cassette != "testdata/drifted.yaml" {
		t.Errorf("verdicts %+v", got)
	}
	if got[1].Vendor != "ekycpro" || got[1].Operation != "idOcrGeneral" {
		t.Errorf("interaction on another host and prefix was found as %s %s, want ekycpro idOcrGeneral", got[1].Vendor, got[1].Operation)
	}

	code, out, _ = runKontrak(t, "", "check", "testdata/drifted.yaml")
	if code != 1 || !strings.Contains(out, "testdata/drifted.yaml#1 breaking ekycpro idOcrGeneral error-code-undocumented /status") {
		t.Errorf("text: exit %d, out %q", code, out)
	}
}

func TestCheckCassetteErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("version: 2\ninteractions: [\n  - {"), 0o644)
	old := filepath.Join(dir, "old.yaml")
	os.WriteFile(old, []byte("version: 1\ninteractions: []\n"), 0o644)
	empty := filepath.Join(dir, "empty.yaml")
	os.WriteFile(empty, []byte("version: 2\ninteractions: []\n"), 0o644)
	null := filepath.Join(dir, "null.yaml")
	os.WriteFile(null, []byte("version: 2\ninteractions: [~]\n"), 0o644)
	unknown := filepath.Join(dir, "unknown.yaml")
	os.WriteFile(unknown, []byte("version: 2\ninteractions:\n  - id: 0\n    request: {url: 'https://x.example/nope', method: GET}\n    response: {code: 200, body: '{}'}\n"), 0o644)
	for _, tc := range []struct {
		reason, file, want string
		flags              []string
	}{
		{"missing cassette", filepath.Join(dir, "none.yaml"), "none.yaml: cannot read cassette: no such file or directory", nil},
		{"invalid YAML", bad, "bad.yaml: not a go-vcr v4 cassette: ", nil},
		{"old cassette format", old, "old.yaml: not a go-vcr v4 cassette: version 1, want 2", nil},
		{"interaction of no documented operation, --strict-routes", unknown, "unknown.yaml: interaction 0: GET /nope matches no documented operation", []string{"--strict-routes"}},
		{"an empty cassette judges nothing: an error, not a pass", empty, "empty.yaml: an empty cassette: no interaction to judge or replay", nil},
		{"interactions: [~] is a one-line error, not a panic", null, "null.yaml: interaction 0 (line 2): empty", nil},
	} {
		t.Run(tc.reason, func(t *testing.T) {
			code, out, errs := runKontrak(t, "", append(append([]string{"check"}, tc.flags...), "testdata/drifted.yaml", tc.file)...)
			if code != 2 || !strings.Contains(errs, tc.want) {
				t.Errorf("exit %d stderr %q, want 2 and %q", code, errs, tc.want)
			}
			if out != "" {
				t.Errorf("printed %q before failing: an unreadable input must leave nothing half-said", out)
			}
		})
	}
}

// TestCheckRouteUndocumented: an interaction whose route matches no operation is one route-undocumented
// finding, and the other interactions and cassettes are still judged.
func TestCheckRouteUndocumented(t *testing.T) {
	unknown := filepath.Join(t.TempDir(), "unknown.yaml")
	os.WriteFile(unknown, []byte("version: 2\ninteractions:\n  - id: 0\n    request: {url: 'https://x.example/nope', method: GET}\n    response: {code: 200, body: '{}'}\n"), 0o644)
	good := "../../cassettes/advance/ocr-no-result.yaml"
	code, out, errs := runKontrak(t, "", "check", unknown, good, "testdata/drifted.yaml")
	if code != 1 {
		t.Fatalf("exit %d, want 1 (stdout %q, stderr %q)", code, out, errs)
	}
	want := unknown + "#0 breaking (no vendor) (no operation) route-undocumented \"\": want the method and path of a documented operation, got GET /nope (specs/)\n"
	if !strings.HasPrefix(out, want) {
		t.Errorf("stdout does not open with the route finding:\n%s\nwant\n%s", out, want)
	}
	if !strings.Contains(out, "testdata/drifted.yaml#") {
		t.Errorf("the other cassettes were not judged:\n%s", out)
	}
	code, out, _ = runKontrak(t, "", "check", "--format", "json", unknown, good)
	if code != 1 || !strings.Contains(out, `"id": "route-undocumented"`) || !strings.Contains(out, `"cassette": "`+good+`"`) {
		t.Errorf("json: exit %d:\n%s", code, out)
	}
}

// A route of no vendor operation (another API in a mixed log) is counted and skipped, not an error.
func TestCheckUnroutedSkipped(t *testing.T) {
	unknown := filepath.Join(t.TempDir(), "unknown.yaml")
	os.WriteFile(unknown, []byte("version: 2\ninteractions:\n  - id: 0\n    request: {url: 'https://x.example/nope', method: GET}\n    response: {code: 200, body: '{}'}\n"), 0o644)
	good := filepath.Join("..", "..", "cassettes", "ekycpro", "fail-is-charged.yaml")
	code, out, errs := runKontrak(t, "", "check", "--report", unknown, good)
	if code != 0 || !strings.Contains(out, "2 interactions: 1 judged") || !strings.Contains(out, "1 matched no vendor operation") {
		t.Errorf("exit %d, out %q, stderr %q; want 0, the vendor answer judged and the other counted as unrouted", code, out, errs)
	}
	// Alone, it proved nothing: that fails, told apart from drift (TestCheckTrafficThatProvedNothingFails).
	if code, _, errs := runKontrak(t, "", "check", "--report", unknown); code != 3 || !strings.Contains(errs, "proved nothing") {
		t.Errorf("only an unrouted interaction: exit %d, stderr %q; want 3, proved nothing", code, errs)
	}
}

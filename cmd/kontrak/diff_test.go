package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDiffCommand(t *testing.T) {
	orig, err := os.ReadFile("../../specs/ekycpro.yaml")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name, old, new string) string {
		t.Helper()
		if strings.Count(string(orig), old) != 1 {
			t.Fatalf("%q is not once in specs/ekycpro.yaml", old)
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(strings.Replace(string(orig), old, new, 1)), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	free := write("free.yaml", "            billable: true\n            messages: [\"check input image and retry\"]",
		"            billable: false\n            messages: [\"check input image and retry\"]")
	msg := write("msg.yaml", `messages: ["check input image and retry"]`, `messages: ["check the image and retry"]`)
	no401 := write("no401.yaml", "        \"401\":\n          description: >-\n            API key refused. Not on the OCR page: the balance API of the same vendor answers 401 for an invalid\n            key; the body shape is not documented anywhere, so only a `message` text is required.\n          x-kontrak-source: {page: \"https://docs.ekycpro.com/zh-cn/balance-api\", basis: inferred, note: \"the balance API answers 401 for an invalid key; status, body and the media type application/json are inferred for the OCR\"}\n          content:\n            application/json:\n              schema:\n                $ref: ../schemas/ekycpro/idOcrGeneral.401.json", "")
	example := write("example.yaml", `"name": "HELLO NAME"`, `"name": "ZQXW NAME"`)
	for _, tc := range []struct {
		reason string
		args   []string
		code   int
		stdout []string
	}{
		{"the same spec: exit 0, a count line", []string{"diff", "../../specs/ekycpro.yaml", "../../specs/ekycpro.yaml"}, 0,
			[]string{"0 breaking, 0 non-breaking"}},
		{"a code made free: exit 1, one breaking line", []string{"diff", "../../specs/ekycpro.yaml", free}, 1,
			[]string{"breaking ekycpro idOcrGeneral code-made-free: code FAIL billable true → false"}},
		{"a message changed: exit 0, a non-breaking line", []string{"diff", "../../specs/ekycpro.yaml", msg}, 0,
			[]string{"non-breaking ekycpro idOcrGeneral code-message-changed"}},
		{"markdown: a table", []string{"diff", "--format", "markdown", "../../specs/ekycpro.yaml", free}, 1,
			[]string{"| breaking | `idOcrGeneral` | `code-made-free` | `FAIL` | `true` | `false` |"}},
		{"a removed status: one line, status-removed, not breaking (libopenapi's breaking removal of the response code came too, and exit 1)",
			[]string{"diff", "../../specs/ekycpro.yaml", no401}, 0,
			[]string{"non-breaking ekycpro idOcrGeneral status-removed: HTTP 401 no longer documented\nekycpro: ", "0 breaking, 1 non-breaking"}},
		{"markdown: the place of a removed status is its JSON Pointer in the spec", []string{"diff", "--format", "markdown", "../../specs/ekycpro.yaml", no401}, 0,
			[]string{"| non-breaking | `idOcrGeneral` | `status-removed` | `/paths/~1v1~1id_ocr~1general/post/responses/401` | `401` |  |"}},
		{"an example's value changed: the example and the pointer, not the value", []string{"diff", "../../specs/ekycpro.yaml", example}, 0,
			[]string{"non-breaking ekycpro idOcrGeneral openapi: response 200 application/json example success /message/name changed (values not shown"}},
		{"--cassettes re-judges; a billing flag ekycpro does not send changes no verdict", []string{"diff", "--cassettes", "../../specs/ekycpro.yaml", free}, 1,
			[]string{"0 cassettes re-judged differently"}},
	} {
		t.Run(tc.reason, func(t *testing.T) {
			code, out, errs := runKontrak(t, "", tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stdout %s stderr %s", code, tc.code, out, errs)
			}
			for _, s := range tc.stdout {
				if !strings.Contains(out, s) {
					t.Errorf("stdout lacks %q:\n%s", s, out)
				}
			}
		})
	}
	code, out, _ := runKontrak(t, "", "diff", "--format", "json", "../../specs/ekycpro.yaml", free)
	var r struct {
		Changes []struct {
			Kind     string `json:"kind"`
			Breaking bool   `json:"breaking"`
		} `json:"changes"`
	}
	if code != 1 || json.Unmarshal([]byte(out), &r) != nil || len(r.Changes) != 1 || r.Changes[0].Kind != "code-made-free" || !r.Changes[0].Breaking {
		t.Errorf("json: exit %d, %s", code, out)
	}
	for _, format := range []string{"text", "json", "markdown"} {
		if _, out, _ := runKontrak(t, "", "diff", "--format", format, "../../specs/ekycpro.yaml", example); strings.Contains(out, "ZQXW") || strings.Contains(out, "HELLO") {
			t.Errorf("--format %s prints an example's value:\n%s", format, out)
		}
	}
	code, out, _ = runKontrak(t, "", "diff", "--format", "json", "../../specs/ekycpro.yaml", no401)
	var placed struct {
		Changes []struct {
			Kind  string `json:"kind"`
			Where string `json:"where"`
			Line  int    `json:"line"`
		} `json:"changes"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &placed) != nil || len(placed.Changes) != 1 || placed.Changes[0].Kind != "status-removed" ||
		placed.Changes[0].Where != "/paths/~1v1~1id_ocr~1general/post/responses/401" || placed.Changes[0].Line == 0 {
		t.Errorf("json of a removed status: exit %d, %s", code, out)
	}
	for _, tc := range []struct{ reason, arg, stderr string }{
		{"a missing file names it", filepath.Join(dir, "nope.yaml"), "nope.yaml"},
		{"a bad git revision names git", "git:no-such-rev:specs/ekycpro.yaml", "git:no-such-rev"},
	} {
		code, _, errs := runKontrak(t, "", "diff", "../../specs/ekycpro.yaml", tc.arg)
		if code != 2 || !strings.Contains(errs, tc.stderr) || strings.Count(strings.TrimSpace(errs), "\n") != 0 {
			t.Errorf("%s: exit %d, stderr %q; want 2 and one line naming %q", tc.reason, code, errs, tc.stderr)
		}
	}
}

func TestSelftestCommand(t *testing.T) {
	code, out, errs := runKontrak(t, "", "selftest", "--vendor", "ekycpro")
	if code != 0 || !strings.Contains(out, "ekycpro idOcrGeneral: ") || !strings.Contains(out, "mutants caught (100.0%)") || strings.Contains(out, "advance") {
		t.Errorf("exit %d, stdout %s, stderr %s", code, out, errs)
	}
	code, _, errs = runKontrak(t, "", "selftest", "--vendor", "nobody")
	if code != 2 || !strings.Contains(errs, `unknown vendor "nobody"`) {
		t.Errorf("unknown vendor: exit %d, stderr %q", code, errs)
	}
}

package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	kontrak "github.com/kontrak/kontrak"
)

// The same bytes give the same output from a file or from stdin: a cassette read from stdin is told by its
// bytes, as a file is by its name, and listed the same way (only the input's name differs).
func TestStdinLikeAFile(t *testing.T) {
	for _, f := range []string{"testdata/drifted.yaml", "testdata/traffic.ndjson", "testdata/traffic.har"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, format := range []string{"json", "text"} {
			codeF, outF, _ := runKontrak(t, "", "check", "--format", format, f)
			codeS, outS, _ := runKontrak(t, string(b), "check", "--format", format, "-")
			if codeF != codeS || strings.ReplaceAll(outF, f, "stdin") != outS {
				t.Errorf("%s --format %s: from the file exit %d:\n%s\nfrom stdin exit %d:\n%s", f, format, codeF, outF, codeS, outS)
			}
		}
	}
}

// kontrak --version is kontrak version; version --format json names the contract.
func TestVersionFlagAndJSON(t *testing.T) {
	code, out, errs := runKontrak(t, "", "--version")
	if code != 0 || !strings.HasPrefix(out, "kontrak ") || !strings.Contains(out, "\ncontract ") || errs != "" {
		t.Errorf("--version: exit %d, %q, %q", code, out, errs)
	}
	code, out, _ = runKontrak(t, "", "version", "--format", "json")
	var v versionOutput
	if err := json.Unmarshal([]byte(out), &v); code != 0 || err != nil || v.Contract == nil || !strings.HasPrefix(v.Contract.Digest, "sha256:") || len(v.Specs) == 0 {
		t.Errorf("version --format json: exit %d, %v:\n%s", code, err, out)
	}
	if code, _, errs := runKontrak(t, "", "version", "--format", "junit"); code != 2 || !strings.Contains(errs, "kontrak version takes json, text") {
		t.Errorf("version --format junit: exit %d, %q; want 2 naming the formats it takes", code, errs)
	}
}

// scan takes --format json and - (one cassette from stdin).
func TestScanFormatAndStdin(t *testing.T) {
	clean := filepath.Join("..", "..", "cassettes", "ekycpro", "fail-is-charged.yaml")
	b, err := os.ReadFile(clean)
	if err != nil {
		t.Fatal(err)
	}
	code, out, errs := runKontrak(t, string(b), "scan", "-")
	if code != 0 || out != "scanned 1 cassette, no leaks\n" {
		t.Errorf("scan -: exit %d, %q, %q", code, out, errs)
	}
	code, out, _ = runKontrak(t, string(b), "scan", "--format", "json", "-", clean)
	var got scanOutput
	if err := json.Unmarshal([]byte(out), &got); code != 0 || err != nil || got.Verdict != "clean" || len(got.Scanned) != 2 || got.Scanned[0] != "stdin" || got.Contract == nil {
		t.Errorf("scan --format json - FILE: exit %d, %v:\n%s", code, err, out)
	}
	leaky := strings.Replace(string(b), "- REDACTED", "- sk-live-0123456789abcdefABCDEF", 1) // a credential left in
	if leaky == string(b) {
		t.Fatal("the cassette has no redacted credential to put back")
	}
	code, out, _ = runKontrak(t, leaky, "scan", "--format", "json", "-")
	if err := json.Unmarshal([]byte(out), &got); code != 1 || err != nil || got.Verdict != "leak" || len(got.Leaks) == 0 || strings.Contains(out, "sk-live") {
		t.Errorf("a leak from stdin: exit %d, %v (want 1, the verdict leak, never the value):\n%s", code, err, out)
	}
}

// The contract is the one the user sees: the digest of the built-in files is the checkout's (the same
// files), --specs and KONTRAK_SPECS choose, the nearest directory above holding kontrak's specs/ and
// schemas/ is found, another project's specs/ is not taken for kontrak's, and a wrong --specs is exit 2.
func TestContractNamed(t *testing.T) {
	root, _ := filepath.Abs(filepath.Join("..", ".."))
	embedded, err := digest(kontrak.Files)
	if err != nil {
		t.Fatal(err)
	}
	dir, err := digest(os.DirFS(root))
	if err != nil || dir != embedded {
		t.Errorf("the checkout's digest %s (%v) differs from the built-in %s: the files digested are not the embedded ones", dir, err, embedded)
	}
	if findSpecs() != root {
		t.Errorf("found %q above the working directory, want the repository %s", findSpecs(), root)
	}
	version := func(env string, args ...string) (int, versionOutput, string) {
		t.Setenv(specsEnv, env)
		code, out, errs := runKontrak(t, "", append(args, "--format", "json")...)
		var v versionOutput
		json.Unmarshal([]byte(out), &v)
		return code, v, errs
	}
	if _, v, _ := version("", "version", "--specs", "embedded"); v.Contract == nil || v.Contract.Source != "embedded" || v.Contract.Digest != embedded {
		t.Errorf("--specs embedded: %+v", v.Contract)
	}
	if _, v, _ := version("embedded", "version"); v.Contract == nil || v.Contract.Source != "embedded" {
		t.Errorf("KONTRAK_SPECS=embedded: %+v", v.Contract)
	}
	if _, v, _ := version("", "--specs", root, "version"); v.Contract == nil || v.Contract.Dir != root {
		t.Errorf("kontrak --specs DIR version: %+v", v.Contract)
	}
	other := t.TempDir()
	os.MkdirAll(filepath.Join(other, "specs"), 0o755)
	os.MkdirAll(filepath.Join(other, "schemas"), 0o755)
	os.WriteFile(filepath.Join(other, "specs", "api.yaml"), []byte("openapi: 3.1.0\ninfo: {title: another project, version: '1'}\n"), 0o644)
	if isKontrakSpecs(other) {
		t.Errorf("another project's specs/ taken for kontrak's")
	}
	if code, _, errs := version("", "version", "--specs", t.TempDir()); code != 2 || !strings.Contains(errs, "no specs/*.yaml and schemas/") {
		t.Errorf("--specs of an empty directory: exit %d, %q", code, errs)
	}
}

// The done-when of "the contract it uses is the one you see": an installed kontrak (a binary built into a
// temporary directory) run inside a fork whose spec was edited in place judges by the edit; run elsewhere,
// by the contract built in.
func TestInstalledKontrakJudgesByTheFork(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "kontrak")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	fork := t.TempDir()
	root := filepath.Join("..", "..")
	for _, d := range []string{"specs", "schemas"} {
		if err := os.CopyFS(filepath.Join(fork, d), os.DirFS(filepath.Join(root, d))); err != nil {
			t.Fatal(err)
		}
	}
	// The fork renames ekycpro's server error code: the new name is its contract's, the old one no longer.
	spec := filepath.Join(fork, "specs", "ekycpro.yaml")
	b, err := os.ReadFile(spec)
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.ReplaceAll(string(b), "INNER_ERROR", "SERVICE_DOWN")
	if edited == string(b) {
		t.Fatal("ekycpro's spec has no INNER_ERROR to rename")
	}
	if err := os.WriteFile(spec, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	answer := filepath.Join(t.TempDir(), "answer.json")
	os.WriteFile(answer, []byte(`{"status": "SERVICE_DOWN", "message": "Service is not available right now, please try again later"}`), 0o644)
	check := func(dir string) (int, string) {
		cmd := exec.Command(bin, "check", "--format", "json", "--vendor", "ekycpro", "--operation", "idOcrGeneral", "--status", "200", answer)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), specsEnv+"=")
		out, err := cmd.Output()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		}
		return code, string(out)
	}
	os.MkdirAll(filepath.Join(fork, "deep", "inside"), 0o755)
	if code, out := check(filepath.Join(fork, "deep", "inside")); code != 0 || !strings.Contains(out, `"verdict": "conform"`) || !strings.Contains(out, fork) {
		t.Errorf("inside the fork: exit %d, want 0 and the fork named:\n%s", code, out)
	}
	if code, out := check(t.TempDir()); code != 1 || !strings.Contains(out, "error-code-undocumented") || !strings.Contains(out, `"source": "embedded"`) {
		t.Errorf("outside the fork: exit %d, want 1 (the built-in contract knows no SERVICE_DOWN):\n%s", code, out)
	}
}

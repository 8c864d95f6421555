package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v4"
)

// TestWorkflowCallsWhatExists: the CI workflow to copy (.github/workflows/kontrak.yml) can only be run on
// GitHub, so it is checked statically: every `make X` it runs is a Makefile target, every VAR=value it
// passes to make is a Makefile variable, and every `kontrak CMD --flag` is a subcommand with that flag.
// (actionlint, in make lint, checks the rest: syntax, expressions, action inputs.)
func TestWorkflowCallsWhatExists(t *testing.T) {
	root := filepath.Join("..", "..")
	wf, err := os.ReadFile(filepath.Join(root, ".github", "workflows", "kontrak.yml"))
	if err != nil {
		t.Fatal(err)
	}
	mk, err := os.ReadFile(filepath.Join(root, "Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	targets := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^([a-z][a-z-]*):`).FindAllSubmatch(mk, -1) {
		targets[string(m[1])] = true
	}
	vars := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^([A-Z][A-Z_]*)\s*[?:]?=`).FindAllSubmatch(mk, -1) {
		vars[string(m[1])] = true
	}
	var doc struct {
		Jobs map[string]struct {
			Steps []struct {
				Run string `yaml:"run"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	if err := yaml.Unmarshal(wf, &doc); err != nil {
		t.Fatalf("kontrak.yml: %v", err)
	}
	makeCall := regexp.MustCompile(`\bmake((?:\s+[A-Za-z_-][^\s;|&]*)+)`)
	kontrakCall := regexp.MustCompile(`\./cmd/kontrak\s+([a-z]+)((?:\s+\S+)*)`)
	calls := 0
	for job, j := range doc.Jobs {
		for _, st := range j.Steps {
			for _, line := range strings.Split(st.Run, "\n") {
				for _, m := range makeCall.FindAllStringSubmatch(line, -1) {
					for _, w := range strings.Fields(m[1]) {
						if name, _, isVar := strings.Cut(w, "="); isVar {
							if !vars[name] {
								t.Errorf("job %s: make variable %s is not set in the Makefile (%q)", job, name, line)
							}
						} else if !targets[w] {
							t.Errorf("job %s: make %s: no such Makefile target (%q)", job, w, line)
						}
						calls++
					}
				}
				for _, m := range kontrakCall.FindAllStringSubmatch(line, -1) {
					cmd, ok := commands[m[1]]
					if !ok {
						t.Errorf("job %s: kontrak %s: no such subcommand (%q)", job, m[1], line)
						continue
					}
					for _, w := range strings.Fields(m[2]) {
						name, ok := strings.CutPrefix(w, "--")
						if !ok {
							continue
						}
						name, _, _ = strings.Cut(name, "=")
						if !hasFlag(cmd, name) {
							t.Errorf("job %s: kontrak %s has no flag --%s (%q)", job, m[1], name, line)
						}
						calls++
					}
				}
			}
		}
	}
	if calls < 5 {
		t.Errorf("found %d make or kontrak calls in the workflow: the patterns no longer match it", calls)
	}
}

// hasFlag runs the subcommand with --name and tells whether its flag parser knew the name.
func hasFlag(cmd command, name string) bool {
	err := cmd.run([]string{"--" + name + "=x", "--help"}, strings.NewReader(""), io.Discard, io.Discard)
	if err == nil {
		return true
	}
	return !strings.Contains(err.Error(), "flag provided but not defined")
}

// TestWorkflowFetchesHistory: every job of the workflow that runs make test checks out the whole history
// (actions/checkout with fetch-depth: 0), which TestContractChangelog needs: the commits its changelog
// names are in git log, and a shallow clone fails that test under CI.
func TestWorkflowFetchesHistory(t *testing.T) {
	wf, err := os.ReadFile(filepath.Join("..", "..", ".github", "workflows", "kontrak.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Jobs map[string]struct {
			Steps []struct {
				Uses string         `yaml:"uses"`
				With map[string]any `yaml:"with"`
				Run  string         `yaml:"run"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	if err := yaml.Unmarshal(wf, &doc); err != nil {
		t.Fatalf("kontrak.yml: %v", err)
	}
	jobs := 0
	for name, job := range doc.Jobs {
		runsTest, whole := false, false
		for _, st := range job.Steps {
			if regexp.MustCompile(`\bmake test\b`).MatchString(st.Run) {
				runsTest = true
			}
			if strings.HasPrefix(st.Uses, "actions/checkout@") && fmt.Sprint(st.With["fetch-depth"]) == "0" {
				whole = true
			}
		}
		if runsTest {
			jobs++
			if !whole {
				t.Errorf("job %s runs make test on a shallow clone: its actions/checkout needs fetch-depth: 0 (TestContractChangelog reads git log)", name)
			}
		}
	}
	if jobs == 0 {
		t.Errorf("no job of the workflow runs make test")
	}
}

// workflowDoc is the part of the workflow the rules read.
type workflowDoc struct {
	On          map[string]any `yaml:"on"`
	Permissions any            `yaml:"permissions"`
	Jobs        map[string]struct {
		Needs       any               `yaml:"needs"`
		If          string            `yaml:"if"`
		Permissions map[string]string `yaml:"permissions"`
		Timeout     int               `yaml:"timeout-minutes"`
		Concurrency struct {
			Group            string `yaml:"group"`
			CancelInProgress any    `yaml:"cancel-in-progress"`
		} `yaml:"concurrency"`
		Env   map[string]string `yaml:"env"`
		Steps []struct {
			ID   string            `yaml:"id"`
			Uses string            `yaml:"uses"`
			With map[string]any    `yaml:"with"`
			Env  map[string]string `yaml:"env"`
			Run  string            `yaml:"run"`
		} `yaml:"steps"`
	} `yaml:"jobs"`
}

func readWorkflow(t *testing.T) (string, workflowDoc) {
	t.Helper()
	wf, err := os.ReadFile(filepath.Join("..", "..", ".github", "workflows", "kontrak.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var doc workflowDoc
	if err := yaml.Unmarshal(wf, &doc); err != nil {
		t.Fatalf("kontrak.yml: %v", err)
	}
	return string(wf), doc
}

// jobText is a job's own lines of the workflow (from its key to the next job's).
func jobText(wf, job string) string {
	start := strings.Index(wf, "\n  "+job+":\n")
	if start < 0 {
		return ""
	}
	rest := wf[start+1:]
	next := regexp.MustCompile(`\n  [a-z][a-z0-9_-]*:\n`).FindStringIndex(rest[1:])
	if next == nil {
		return rest
	}
	return rest[:next[0]+1]
}

// TestWorkflowRules holds the workflow to what a platform team asks of one it copies (issue 22.2): no
// permission by default and least privilege per job — the job that sees the vendors' secrets reads the
// repository and nothing more, the job that writes (the pull request of re-recorded cassettes) sees no
// secret and is fed by an artifact; every action pinned to a commit with its release in a comment; a
// concurrency group on live runs that never cancels one mid-way; a timeout on every job; the Go version
// from go.mod's minor version with the newest patch release.
func TestWorkflowRules(t *testing.T) {
	wf, doc := readWorkflow(t)
	if p, ok := doc.Permissions.(map[string]any); !ok || len(p) != 0 {
		t.Errorf("the workflow's default permissions are %v, want {} (each job asks for its own)", doc.Permissions)
	}
	secretJobs, writeJobs := 0, 0
	for name, job := range doc.Jobs {
		text := jobText(wf, name)
		if text == "" {
			t.Fatalf("job %s: its lines not found", name)
		}
		if job.Timeout <= 0 {
			t.Errorf("job %s has no timeout-minutes", name)
		}
		if job.Permissions == nil {
			t.Errorf("job %s does not say its permissions", name)
		}
		writes := false
		for scope, level := range job.Permissions {
			if level == "write" {
				writes = true
				if !slices.Contains([]string{"contents", "pull-requests", "actions"}, scope) {
					t.Errorf("job %s writes %s: more than proposing a pull request needs", name, scope)
				}
			}
		}
		hasSecrets := strings.Contains(text, "secrets.")
		if hasSecrets {
			secretJobs++
			if writes || job.Permissions["contents"] != "read" {
				t.Errorf("job %s holds secrets with permissions %v: it may only read the repository", name, job.Permissions)
			}
			if job.Concurrency.Group == "" || fmt.Sprint(job.Concurrency.CancelInProgress) != "false" {
				t.Errorf("job %s spends billed calls without a concurrency group that queues runs (group %q, cancel-in-progress %v)", name, job.Concurrency.Group, job.Concurrency.CancelInProgress)
			}
		}
		if writes {
			writeJobs++
			if hasSecrets {
				t.Errorf("job %s writes and holds secrets", name)
			}
			if !strings.Contains(text, "actions/download-artifact@") || job.Needs == nil {
				t.Errorf("job %s writes but is not fed by an artifact of the job before it", name)
			}
		}
		for _, st := range job.Steps {
			if strings.HasPrefix(st.Uses, "actions/setup-go@") {
				if _, file := st.With["go-version-file"]; !file && !strings.Contains(fmt.Sprint(st.With["go-version"]), "steps.go.outputs.version") {
					t.Errorf("job %s: setup-go's version is neither go.mod nor read from it: %v", name, st.With)
				}
				if fmt.Sprint(st.With["check-latest"]) != "true" {
					t.Errorf("job %s: setup-go without check-latest keeps a runner's older patch release", name)
				}
			}
		}
	}
	if secretJobs != 1 || writeJobs != 1 {
		t.Errorf("%d jobs hold the vendors' secrets and %d write: want one of each, apart", secretJobs, writeJobs)
	}
	pinned := regexp.MustCompile(`^\s*(?:-\s+)?uses:\s+([\w.-]+/[\w./-]+)@([0-9a-f]{40})\s+#\s+v\d+\.\d+\.\d+\s*$`)
	uses := 0
	for _, line := range strings.Split(wf, "\n") {
		if !regexp.MustCompile(`^\s*(-\s+)?uses:`).MatchString(line) {
			continue
		}
		uses++
		if !pinned.MatchString(line) {
			t.Errorf("not pinned to a commit with its release in a comment: %q", strings.TrimSpace(line))
		}
	}
	if uses < 5 {
		t.Errorf("%d uses: lines found: the pattern no longer matches the workflow", uses)
	}
	if regexp.MustCompile(`KONTRAK_MAX_BILLABLE:\s*"?\d`).MatchString(wf) {
		t.Errorf("the workflow sets KONTRAK_MAX_BILLABLE to a constant: the budget is what a recording needs (kontrak budget)")
	}
	if _, ok := doc.On["workflow_dispatch"]; !ok || !strings.Contains(jobText(wf, "propose"), "gh workflow run") {
		t.Errorf("the pull request of re-recorded cassettes starts no checks: the propose job must dispatch the workflow on its branch")
	}
}

// TestWorkflowGoVersion runs the workflow's own step that reads the Go version from go.mod: it gives the
// minor version (1.26), which setup-go resolves to its newest patch release.
func TestWorkflowGoVersion(t *testing.T) {
	_, doc := readWorkflow(t)
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	steps := 0
	for name, job := range doc.Jobs {
		for _, st := range job.Steps {
			if st.ID != "go" {
				continue
			}
			steps++
			out := filepath.Join(t.TempDir(), "output")
			cmd := exec.Command("bash", "-c", st.Run)
			cmd.Dir = filepath.Join("..", "..")
			cmd.Env = append(os.Environ(), "GITHUB_OUTPUT="+out)
			if b, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("job %s: %v\n%s", name, err, b)
			}
			got, _ := os.ReadFile(out)
			if !regexp.MustCompile(`^version=1\.\d+\n$`).Match(got) {
				t.Errorf("job %s: the step writes %q, want version=1.N (go.mod's minor version)", name, got)
			}
		}
	}
	if steps < 2 {
		t.Errorf("%d steps read the Go version: every job that sets up Go needs one", steps)
	}
}

// TestWorkflowBudgetFromKontrak: the live job's budget of billable calls is what kontrak says a full
// recording of each vendor needs (kontrak budget --vendor V), so the subcommand must exist. It fails while
// kontrak budget is not there.
func TestWorkflowBudgetFromKontrak(t *testing.T) {
	wf, _ := readWorkflow(t)
	if !strings.Contains(jobText(wf, "live"), `go run ./cmd/kontrak budget --vendor "$v"`) {
		t.Fatalf("the live job does not compute its budget with kontrak budget --vendor")
	}
	cmd, ok := commands["budget"]
	if !ok {
		t.Fatalf("kontrak budget does not exist: the workflow's live job calls it for the budget a recording needs (issue 22.2)")
	}
	if !hasFlag(cmd, "vendor") {
		t.Errorf("kontrak budget has no --vendor flag")
	}
}

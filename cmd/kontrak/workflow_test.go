package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
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

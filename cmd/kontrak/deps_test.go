package main

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// linkedViaScenario are the packages allowed, for now, to bring Ginkgo into the command: scenario/ still
// holds the Ginkgo binding until issue 7's split into scenario/, run/ and suite/ lands. Like a waiver, an
// entry that no longer matches fails the test: delete it then, and the test holds the rule alone.
var linkedViaScenario = []string{"github.com/kontrak/kontrak/scenario"}

// TestNoGinkgoInTheCommand: the command line and the sandbox are programs, not tests; they must not link
// Ginkgo or Gomega (importing Ginkgo registers its flags in any program that links it). The test names the
// packages that import them directly.
func TestNoGinkgoInTheCommand(t *testing.T) {
	cmd := exec.Command("go", "list", "-deps", "-f", `{{.ImportPath}} {{join .Imports " "}}`,
		"./cmd/kontrak", "./sandbox", "./report", "./livedoc")
	cmd.Dir = "../.."
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v: %s", err, out)
	}
	framework := func(p string) bool {
		return strings.HasPrefix(p, "github.com/onsi/ginkgo/") || strings.HasPrefix(p, "github.com/onsi/gomega")
	}
	var importers []string
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		pkg, imports, _ := strings.Cut(line, " ")
		if framework(pkg) {
			continue
		}
		for _, imp := range strings.Fields(imports) {
			if framework(imp) {
				importers = append(importers, pkg+" imports "+imp)
			}
		}
	}
	for _, imp := range importers {
		pkg, _, _ := strings.Cut(imp, " ")
		if !slices.Contains(linkedViaScenario, pkg) {
			t.Errorf("%s: cmd/kontrak and sandbox must not link Ginkgo or Gomega (only suite/ and tests import them)", imp)
		}
	}
	for _, allowed := range linkedViaScenario {
		if !slices.ContainsFunc(importers, func(s string) bool { return strings.HasPrefix(s, allowed+" ") }) {
			t.Errorf("%s no longer imports Ginkgo or Gomega: remove it from linkedViaScenario", allowed)
		}
	}
}

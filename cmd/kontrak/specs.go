package main

import (
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	kontrak "github.com/kontrak/kontrak"
	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/report"
)

// The contract kontrak judges by is the one its user sees. In order:
//
//  1. --specs DIR (every command that loads the contract takes it, and so does kontrak itself before the
//     command: kontrak --specs DIR serve);
//  2. KONTRAK_SPECS=DIR;
//  3. the nearest directory, from the working directory up, that holds kontrak's specs/ (a *.yaml with
//     x-kontrak in it) and schemas/ — a fork or a checkout of kontrak, so that an installed kontrak run inside
//     one judges by its files, as `go run` does;
//  4. the contract built into the binary (kontrak.Files).
//
// "embedded" as DIR (--specs embedded, KONTRAK_SPECS=embedded) chooses the built-in contract wherever kontrak
// runs. Every report names the contract it used (report.Contract): embedded, or the directory, with the
// digest of its files.
const specsEnv = "KONTRAK_SPECS"

// specsFlag is --specs of this run: set by the flag of the command or of kontrak itself; run() resets it.
var specsFlag string

// addSpecsFlag gives a command the --specs flag.
func addSpecsFlag(fs *flag.FlagSet) {
	fs.Func("specs", "the directory holding the contract's specs/ and schemas/ (default: $"+specsEnv+
		", else the nearest such directory above the working directory, else the contract built in; \"embedded\": the built-in one)",
		func(s string) error {
			if s == "" {
				return fmt.Errorf("--specs needs a directory (or \"embedded\")")
			}
			specsFlag = s
			return nil
		})
}

// contractSource finds the contract's files and names them.
func contractSource() (fs.FS, *report.Contract, error) {
	dir, how := specsFlag, "--specs"
	if dir == "" {
		dir, how = os.Getenv(specsEnv), specsEnv
	}
	if dir == "" {
		dir, how = findSpecs(), "found above the working directory"
	}
	if dir == "" || dir == "embedded" {
		d, err := digest(kontrak.Files)
		if err != nil {
			return nil, nil, err
		}
		return kontrak.Files, &report.Contract{Source: "embedded", Digest: d}, nil
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, nil, err
	}
	if !isSpecsDir(abs) {
		return nil, nil, usagef("%s %s: no specs/*.yaml and schemas/ there (give the directory that holds both, or \"embedded\")", how, dir)
	}
	fsys := os.DirFS(abs)
	d, err := digest(fsys)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %v", abs, err)
	}
	return fsys, &report.Contract{Source: "directory", Dir: abs, Digest: d}, nil
}

// findSpecs is the nearest directory at or above the working directory that holds kontrak's specs/ and
// schemas/, or "".
func findSpecs() string {
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		if isSpecsDir(dir) && isKontrakSpecs(dir) {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

func isSpecsDir(dir string) bool {
	specs, _ := filepath.Glob(filepath.Join(dir, contract.SpecDir, "*.yaml"))
	fi, err := os.Stat(filepath.Join(dir, "schemas"))
	return len(specs) > 0 && err == nil && fi.IsDir()
}

// isKontrakSpecs tells kontrak's specs from another project's specs/ and schemas/: one of them carries
// the x-kontrak extension. (--specs and KONTRAK_SPECS are taken at their word.)
func isKontrakSpecs(dir string) bool {
	specs, _ := filepath.Glob(filepath.Join(dir, contract.SpecDir, "*.yaml"))
	for _, f := range specs {
		if b, err := os.ReadFile(f); err == nil && strings.Contains(string(b), "\nx-kontrak:") {
			return true
		}
	}
	return false
}

// digest is "sha256:…" of the contract's files: specs/*.yaml and every file under schemas/ that go:embed
// takes (none whose name starts with "." or "_"), by sorted path, each as its path, a NUL, its length, a
// NUL and its bytes. The same files give the same digest embedded or in a directory.
func digest(fsys fs.FS) (string, error) {
	var files []string
	specs, err := fs.Glob(fsys, contract.SpecDir+"/*.yaml")
	if err != nil {
		return "", err
	}
	files = append(files, specs...)
	err = fs.WalkDir(fsys, "schemas", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != "schemas" && (strings.HasPrefix(d.Name(), ".") || strings.HasPrefix(d.Name(), "_")) {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if !d.IsDir() {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	slices.Sort(files)
	h := sha256.New()
	for _, f := range files {
		b, err := fs.ReadFile(fsys, f)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", f, len(b))
		h.Write(b)
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil)), nil
}

// loadNamedContract loads the contract of this run (contractSource) and names it.
func loadNamedContract() (*contract.Contract, *report.Contract, error) {
	fsys, named, err := contractSource()
	if err != nil {
		return nil, nil, err
	}
	c, err := contract.Load(fsys)
	if err != nil {
		if named.Source == "directory" {
			return nil, nil, fmt.Errorf("loading the contract from %s (--specs embedded judges by the built-in one): %w", named.Dir, err)
		}
		return nil, nil, fmt.Errorf("loading the contracts: %w", err)
	}
	return c, named, nil
}

func loadContract() (*contract.Contract, error) {
	c, _, err := loadNamedContract()
	return c, err
}

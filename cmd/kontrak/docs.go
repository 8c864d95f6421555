package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/kontrak/kontrak/livedoc"
	"github.com/kontrak/kontrak/scenario"
)

func runDocs(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("docs")
	out := fs.String("out", "", "the directory to write (default: docs/ at the repository root)")
	check := fs.Bool("check", false, "write nothing; exit 1 naming every stale file")
	if _, err := parseArgs(fs, args, noArgs); err != nil {
		return err
	}
	root, err := scenario.Root()
	if err != nil {
		return err
	}
	c, err := loadContract()
	if err != nil {
		return err
	}
	files, err := livedoc.Generate(c, root)
	if err != nil {
		return err
	}
	dir, shown := *out, *out
	// The README is the repository's: refreshed with docs/ where it lives, left alone when docs go to --out.
	readme := ""
	if dir == "" {
		dir = filepath.Join(root, livedoc.Dir)
		shown = displayPath(dir)
		readme = filepath.Join(root, livedoc.ReadmeFile)
	}
	if *check {
		stale, err := livedoc.Check(dir, shown, files, stdout)
		if err != nil {
			return usagef("%v", err)
		}
		if readme != "" {
			staleReadme, err := livedoc.CheckReadme(readme, displayPath(readme), stdout, readmeSections(c)...)
			if err != nil {
				return usagef("%v", err)
			}
			stale = stale || staleReadme
		}
		if stale {
			return errDrift
		}
		return nil
	}
	if err := livedoc.Write(dir, shown, files, stdout); err != nil {
		return usagef("%v", err)
	}
	if readme != "" {
		if err := livedoc.WriteReadme(readme, displayPath(readme), stdout, readmeSections(c)...); err != nil {
			return usagef("%v", err)
		}
	}
	return nil
}

// displayPath is p relative to the working directory when it lies below it, else p.
func displayPath(p string) string {
	wd, err := os.Getwd()
	if err != nil {
		return p
	}
	rel, err := filepath.Rel(wd, p)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return p
	}
	return rel
}

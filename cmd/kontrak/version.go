package main

import (
	"fmt"
	"io"
	"runtime/debug"

	"github.com/kontrak/kontrak/report"
)

// versionOutput is what kontrak version says (its json object).
type versionOutput struct {
	Kontrak  string           `json:"kontrak"`
	Go       string           `json:"go"`
	Contract *report.Contract `json:"contract"`
	Specs    []specVersion    `json:"specs"`
}

type specVersion struct {
	Vendor  string `json:"vendor"`
	Version string `json:"version"`
}

func versionText(w io.Writer, v *versionOutput) error {
	fmt.Fprintf(w, "kontrak %s\n%s\n", v.Kontrak, v.Go)
	c := v.Contract
	if c.Source == "directory" {
		fmt.Fprintf(w, "contract %s %s\n", c.Dir, c.Digest)
	} else {
		fmt.Fprintf(w, "contract %s %s\n", c.Source, c.Digest)
	}
	for _, s := range v.Specs {
		fmt.Fprintf(w, "spec %s %s\n", s.Vendor, s.Version)
	}
	return nil
}

// moduleVersion is the version `go install …@vX` stamped into the binary; "(devel)" for a build from a
// working tree, with its VCS revision when the build recorded one.
func moduleVersion(bi *debug.BuildInfo, ok bool) string {
	if !ok {
		return "(unknown: built without module support)"
	}
	v := bi.Main.Version
	if v == "" {
		v = "(devel)"
	}
	var rev, modified string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				modified = "+dirty"
			}
		}
	}
	if v == "(devel)" && rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		v += " " + rev + modified
	}
	return v
}

func runVersion(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	_, render, err := parseReporting(newFlags("version"), versionReport, args, noArgs)
	if err != nil {
		return err
	}
	bi, ok := debug.ReadBuildInfo()
	out := &versionOutput{Kontrak: moduleVersion(bi, ok), Go: "unknown", Specs: []specVersion{}}
	if ok {
		out.Go = bi.GoVersion
	}
	c, named, err := loadNamedContract()
	if err != nil {
		return err
	}
	out.Contract = named
	for _, v := range c.Vendors() {
		out.Specs = append(out.Specs, specVersion{v.ID, v.Version})
	}
	return render(stdout, out)
}

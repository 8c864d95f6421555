package main

import (
	"flag"
	"fmt"
	"io"
	"runtime/debug"
)

func init() {
	commands["version"] = command{
		synopsis: "",
		example:  "kontrak version",
		summary:  "the module version (from the build info), the Go version, and each vendor spec's info.version",
		run:      runVersion,
	}
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
	fs := flag.NewFlagSet("version", flag.ContinueOnError)
	rest, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("version takes no arguments")
	}
	bi, ok := debug.ReadBuildInfo()
	goVersion := "unknown"
	if ok {
		goVersion = bi.GoVersion
	}
	fmt.Fprintf(stdout, "kontrak %s\n%s\n", moduleVersion(bi, ok), goVersion)
	c, err := loadContract()
	if err != nil {
		return err
	}
	for _, v := range c.Vendors() {
		fmt.Fprintf(stdout, "spec %s %s\n", v.ID, v.Version)
	}
	return nil
}

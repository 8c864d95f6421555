package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// helpRequest is -h or --help given to a subcommand: main prints the command's help on stdout and exits 0.
// It carries the flag set, so that the help lists every flag the command really parses.
type helpRequest struct{ fs *flag.FlagSet }

func (helpRequest) Error() string        { return "help requested" }
func (helpRequest) Is(target error) bool { return target == flag.ErrHelp }

// commandHelp writes a subcommand's help: its synopsis and summary, every flag with its default, the
// vendor and operation ids of the specs, and an example.
func commandHelp(w io.Writer, name string, cmd command, fs *flag.FlagSet) {
	fmt.Fprintf(w, "usage: kontrak %s %s\n\n%s\n", name, cmd.synopsis, cmd.summary)
	if fs != nil {
		n := 0
		fs.VisitAll(func(*flag.Flag) { n++ })
		if n > 0 {
			fmt.Fprintln(w, "\nflags:")
			fs.SetOutput(w)
			fs.PrintDefaults()
			fs.SetOutput(io.Discard)
		}
	}
	vendorHelp(w)
	if cmd.example != "" {
		fmt.Fprintf(w, "\nexample:\n  %s\n", cmd.example)
	}
}

// vendorHelp lists the vendor ids and, for each, its operation ids, from the specs: the values --vendor
// and --operation take, and the vendor:<id> labels of the suites.
func vendorHelp(w io.Writer) {
	c, err := loadContract()
	if err != nil {
		fmt.Fprintf(w, "\nvendors: unknown (%s)\n", oneLine(err.Error()))
		return
	}
	fmt.Fprintln(w, "\nvendors and their operations (from specs/):")
	for _, v := range c.Vendors() {
		fmt.Fprintf(w, "  %-9s %s\n", v.ID, strings.Join(v.OperationIDs(), ", "))
	}
}

// helpOf is the flag set of a help request, when err is one.
func helpOf(err error) (*flag.FlagSet, bool) {
	var h helpRequest
	if errors.As(err, &h) {
		return h.fs, true
	}
	return nil, errors.Is(err, flag.ErrHelp)
}

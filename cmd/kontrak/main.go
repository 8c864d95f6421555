// Command kontrak is the one command line over kontrak's packages: it checks answers, cassettes and
// traffic against the vendor contracts, serves a sandbox of them, redacts, scans and documents them.
//
// One grammar: every command takes its flags anywhere among its arguments, "-" for stdin where it reads
// files, --format from the one registry of report formats (report.Formats of each kind the command
// renders: formatMatrix), and --specs DIR for the contract it judges by.
//
// Exit status (exitCodes, printed by kontrak help): 0 conform (notices allowed), 1 drift (a breaking
// finding, a waiver that expired or matched nothing, a leak for scan), 2 usage error or unreadable input,
// 3 the run proved nothing (nothing of a vendor operation judged) — always with a one-line reason on stderr
// for 2 and 3. The json format says the same in its "verdict": conform, drift, inconclusive.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// usageError is a mistake in the command line or an unreadable input: exit 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return usageError{fmt.Sprintf(format, a...)} }

// errDrift ends a command that ran to the end and found drift: exit 1, the findings already printed.
var errDrift = errors.New("drift")

// errNothing ends a command that ran to the end and proved nothing (its reason already said on stderr):
// exit 3, told apart from drift.
var errNothing = errors.New("proved nothing")

// The exit statuses, as kontrak help and the README list them.
const (
	exitConform = 0
	exitDrift   = 1
	exitUsage   = 2
	exitNothing = 3
)

var exitCodes = []struct {
	code int
	says string
}{
	{exitConform, "conform: everything judged conforms (notices allowed); json verdict \"conform\""},
	{exitDrift, "drift: a breaking finding, a waiver that expired or matched nothing, a leak (scan); json verdict \"drift\""},
	{exitUsage, "usage error or unreadable input, with a one-line reason on stderr"},
	{exitNothing, "proved nothing: no answer of a vendor operation was judged whole (an empty log, other APIs only, a live run refused throughout); json verdict \"inconclusive\""},
}

type command struct {
	summary  string
	synopsis string // the arguments after the command's name, for its help
	example  string // one command line, for its help
	run      func(args []string, stdin io.Reader, stdout, stderr io.Writer) error
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	specsFlag = ""
	defer func() { specsFlag = "" }() // a run's --specs never outlives it (tests call run many times)
	// kontrak's own flags, before the command: --specs DIR (for every command), --version.
	for len(args) > 0 {
		if a, ok := strings.CutPrefix(args[0], "--specs="); ok {
			specsFlag, args = a, args[1:]
			continue
		}
		if args[0] == "--specs" && len(args) > 1 {
			specsFlag, args = args[1], args[2:]
			continue
		}
		break
	}
	if len(args) == 0 {
		usage(stderr)
		return exitUsage
	}
	if args[0] == "--version" || args[0] == "-version" {
		args = append([]string{"version"}, args[1:]...)
	}
	if _, ok := commands[argAt(args, 1)]; ok && args[0] == "help" { // kontrak help CMD is kontrak CMD -h
		args = []string{args[1], "-h"}
	}
	if args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stdout)
		vendorHelp(stdout)
		formatHelp(stdout)
		fmt.Fprintln(stdout, "\nexit status:")
		for _, e := range exitCodes {
			fmt.Fprintf(stdout, "  %d  %s\n", e.code, e.says)
		}
		fmt.Fprintln(stdout, "\nthe contract: --specs DIR (before the command, or as a command's flag), else $"+specsEnv+
			", else the nearest directory above holding kontrak's specs/ and schemas/, else the built-in one; every report names it")
		fmt.Fprintln(stdout, "\nexample:\n  kontrak check --vendor advance --operation ocrKtpCheck --status 200 answer.json\n\nkontrak COMMAND -h prints a command's flags; kontrak --version the versions and the contract.")
		return exitConform
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "kontrak: unknown command %q (run kontrak help)\n", args[0])
		return exitUsage
	}
	err := guarded(cmd, args[1:], stdin, stdout, stderr)
	if fs, ok := helpOf(err); ok {
		commandHelp(stdout, args[0], cmd, fs)
		return exitConform
	}
	var ue usageError
	switch {
	case err == nil:
		return exitConform
	case errors.Is(err, errDrift):
		return exitDrift
	case errors.Is(err, errNothing):
		return exitNothing
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "kontrak %s: %s\n", args[0], oneLine(ue.msg))
		return exitUsage
	default:
		fmt.Fprintf(stderr, "kontrak %s: %s\n", args[0], oneLine(err.Error()))
		return exitUsage
	}
}

// guarded runs a command and turns a panic (a bug of kontrak's) into a one-line error that names the
// input, exit 2, instead of a stack trace.
func guarded(cmd command, args []string, stdin io.Reader, stdout, stderr io.Writer) (err error) {
	defer func() {
		if r := recover(); r != nil {
			in := strings.Join(args, " ")
			if in == "" {
				in = "no arguments"
			}
			err = fmt.Errorf("internal error on input %q, please report it with that input: %v", in, r)
		}
	}()
	return cmd.run(args, stdin, stdout, stderr)
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: kontrak COMMAND [flags] [args]")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-8s %s\n", n, commands[n].summary)
	}
}

// newFlags is a command's flag set, named for the command (its messages and --format help name it).
func newFlags(command string) *flag.FlagSet { return flag.NewFlagSet(command, flag.ContinueOnError) }

// argRule holds a command's positional arguments to what it takes (nil: any, the command says).
type argRule func(fs *flag.FlagSet, rest []string) error

// noArgs is the rule of a command that takes flags only.
func noArgs(fs *flag.FlagSet, rest []string) error {
	if len(rest) > 0 {
		return usagef("%s takes no arguments, got %q", fs.Name(), rest[0])
	}
	return nil
}

// parseArgs parses a command's flags and holds its positional arguments to rule.
func parseArgs(fs *flag.FlagSet, args []string, rule argRule) ([]string, error) {
	rest, err := parseInterspersed(fs, args)
	if err == nil && rule != nil {
		err = rule(fs, rest)
	}
	return rest, err
}

// parseInterspersed parses flags wherever they stand among the positional arguments.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	fs.SetOutput(io.Discard)
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, helpRequest{fs}
			}
			return nil, usageError{err.Error()}
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

func argAt(args []string, i int) string {
	if i < len(args) {
		return args[i]
	}
	return ""
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// Command kontrak is the one command line over kontrak's packages: it checks answers and cassettes
// against the vendor contracts, and (in later subcommands) serves, redacts, scans and documents them.
//
// Exit status: 0 conforms (notices allowed), 1 drift (a breaking finding, or a leak for scan), 2 usage
// error or unreadable input, always with a one-line reason on stderr.
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

type command struct {
	summary  string
	synopsis string // the arguments after the command's name, for its help
	example  string // one command line, for its help
	run      func(args []string, stdin io.Reader, stdout, stderr io.Writer) error
}

var commands = map[string]command{}

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	if args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		if _, ok := commands[argAt(args, 1)]; ok { // kontrak help CMD is kontrak CMD -h
			return run([]string{args[1], "-h"}, stdin, stdout, stderr)
		}
		usage(stdout)
		vendorHelp(stdout)
		fmt.Fprintln(stdout, "\nexample:\n  kontrak check --vendor advance --operation ocrKtpCheck --status 200 answer.json\n\nkontrak COMMAND -h prints a command's flags.")
		return 0
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "kontrak: unknown command %q (run kontrak help)\n", args[0])
		return 2
	}
	err := guarded(cmd, args[1:], stdin, stdout, stderr)
	if fs, ok := helpOf(err); ok {
		commandHelp(stdout, args[0], cmd, fs)
		return 0
	}
	var ue usageError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, errDrift):
		return 1
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "kontrak %s: %s\n", args[0], oneLine(ue.msg))
		return 2
	default:
		fmt.Fprintf(stderr, "kontrak %s: %s\n", args[0], oneLine(err.Error()))
		return 2
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

package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/internal/wire"
)

// defaultWaiverDays is how long a waiver holds unless said otherwise: long enough for a vendor to answer
// a ticket, short enough that an accepted drift is looked at again.
const defaultWaiverDays = 30

// today is the day waivers are dated from (a variable for tests).
var today = func() time.Time { return time.Now().UTC() }

// runWaive adds one waiver to the waivers file (created when missing), after checking it as a run would
// read it: the vendor, operation and finding id exist, the pointer is a JSON Pointer, a ticket or link says
// where the drift is tracked. The file is rewritten in one rename, or left untouched.
func runWaive(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("waive")
	vendor := fs.String("vendor", "", "vendor id of the finding")
	operation := fs.String("operation", "", "operationId of the finding")
	finding := fs.String("finding", "", "the finding id (kontrak check prints it)")
	var pointer string
	pointerGiven := false
	fs.Func("pointer", `the finding's JSON Pointer, exactly as reported ("" is the whole body)`, func(s string) error {
		pointer, pointerGiven = s, true
		return nil
	})
	reason := fs.String("reason", "", "why the drift is accepted for now")
	ticket := fs.String("ticket", "", "where the drift is tracked: a ticket id (this or --link is required)")
	link := fs.String("link", "", "where the drift is tracked: a URL (this or --ticket is required)")
	days := fs.Int("days", defaultWaiverDays, "how many days from today the waiver holds")
	expires := fs.String("expires", "", "the last day the waiver holds, YYYY-MM-DD (instead of --days)")
	file := fs.String("file", "waivers.yaml", "the waivers file to add to (created when missing)")
	addSpecsFlag(fs)
	if _, err := parseArgs(fs, args, noArgs); err != nil {
		return err
	}
	for _, req := range []struct{ flag, value string }{{"--vendor", *vendor}, {"--operation", *operation}, {"--finding", *finding}, {"--reason", *reason}} {
		if strings.TrimSpace(req.value) == "" {
			return usagef("%s is required", req.flag)
		}
	}
	if !pointerGiven {
		return usagef(`--pointer is required: the finding's JSON Pointer as kontrak check printed it ("" for the whole body)`)
	}
	if *ticket == "" && *link == "" {
		return usagef("--ticket or --link is required: say where the drift is tracked")
	}
	until := *expires
	switch {
	case until != "":
		day, err := time.Parse("2006-01-02", until)
		if err != nil {
			return usagef("--expires %q is not a date YYYY-MM-DD", until)
		}
		if day.Before(today().Truncate(24 * time.Hour)) {
			return usagef("--expires %s is already past", until)
		}
	case *days < 1:
		return usagef("--days must be 1 or more, not %d", *days)
	default:
		until = today().AddDate(0, 0, *days).Format("2006-01-02")
	}
	c, err := loadContract()
	if err != nil {
		return err
	}
	old, err := os.ReadFile(*file)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return usagef("cannot read %s: %v", *file, unwrapPathError(err))
	}
	before, err := contract.ParseWaivers(*file, old)
	if err != nil {
		return usageError{err.Error()}
	}
	entry := waiverEntry(*vendor, *operation, *finding, pointer, *reason, *ticket, *link, until, itemIndent(old))
	data, err := appendWaiver(old, entry)
	if err != nil {
		return usagef("%s: %v", *file, err)
	}
	after, err := contract.ParseWaivers(*file, data)
	if err != nil {
		return usageError{err.Error()}
	}
	if len(after.List) != len(before.List)+1 {
		return usagef("%s: the waiver cannot be appended to this file's layout (its waivers: list is not the last thing in it): add it by hand", *file)
	}
	if err := after.Check(c); err != nil {
		return usageError{err.Error()}
	}
	if err := wire.WriteFileAtomic(*file, data, 0o644); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "added "+after.List[len(after.List)-1].String())
	return nil
}

// waiverHeader opens a waivers file kontrak waive creates.
const waiverHeader = `# Known vendor drift, accepted for a while (kontrak check --waivers waivers.yaml; make conformance, live
# and record read this file when it exists). A waived finding is still shown, marked waived, and fails
# nothing. An expired waiver, or one that matched nothing in a run that covered its operation, fails the
# run: remove it, or renew it with kontrak waive.
waivers:
`

// waiverEntry is one waiver as YAML, each string quoted as JSON (a YAML double-quoted scalar), so that no
// text of a reason can change the document's structure.
func waiverEntry(vendor, operation, finding, pointer, reason, ticket, link, expires, indent string) string {
	q := func(s string) string {
		b, _ := json.Marshal(s)
		return string(b)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s- vendor: %s\n", indent, q(vendor))
	pad := indent + "  "
	fmt.Fprintf(&b, "%soperation: %s\n%sfinding: %s\n%spointer: %s\n%sreason: %s\n", pad, q(operation), pad, q(finding), pad, q(pointer), pad, q(reason))
	if ticket != "" {
		fmt.Fprintf(&b, "%sticket: %s\n", pad, q(ticket))
	}
	if link != "" {
		fmt.Fprintf(&b, "%slink: %s\n", pad, q(link))
	}
	fmt.Fprintf(&b, "%sexpires: %s\n", pad, expires)
	return b.String()
}

var (
	emptyList = regexp.MustCompile(`(?m)^waivers:[ \t]*(\[\][ \t]*)?(#.*)?$`)
	firstItem = regexp.MustCompile(`(?m)^([ \t]*)- `)
)

// itemIndent is the indentation of the file's list items ("  " when it has none).
func itemIndent(old []byte) string {
	if loc := emptyList.FindIndex(old); loc != nil {
		if m := firstItem.FindSubmatch(old[loc[1]:]); m != nil {
			return string(m[1])
		}
	}
	return "  "
}

// appendWaiver adds entry at the end of the file's waivers: list (the list written "waivers: []" is opened
// first); a file without one gets the header.
func appendWaiver(old []byte, entry string) ([]byte, error) {
	if len(strings.TrimSpace(string(old))) == 0 {
		return []byte(waiverHeader + entry), nil
	}
	loc := emptyList.FindSubmatchIndex(old)
	if loc == nil {
		return nil, fmt.Errorf("no top-level waivers: key to add to")
	}
	out := []byte(nil)
	if loc[2] >= 0 { // waivers: [] — the list opened
		out = append(out, old[:loc[0]]...)
		out = append(out, "waivers:"...)
		out = append(out, old[loc[1]:]...)
	} else {
		out = append(out, old...)
	}
	if len(out) > 0 && out[len(out)-1] != '\n' {
		out = append(out, '\n')
	}
	return append(out, entry...), nil
}

package specdiff

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/kontrak/kontrak/internal/wire"
)

// Formats are the output formats of a Report.
var Formats = []string{"text", "json", "markdown"}

// Write renders r in a format of Formats.
func Write(w io.Writer, format string, r *Report) error {
	switch format {
	case "text":
		return writeText(w, r)
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(r)
	case "markdown":
		return writeMarkdown(w, r)
	}
	return fmt.Errorf("unknown format %q (known: %s)", format, strings.Join(Formats, ", "))
}

func severity(b bool) string {
	if b {
		return "breaking"
	}
	return "non-breaking"
}

func counts(r *Report) (breaking, other int) {
	for _, c := range r.Changes {
		if c.Breaking {
			breaking++
		} else {
			other++
		}
	}
	return breaking, other
}

func writeText(w io.Writer, r *Report) error {
	for _, c := range r.Changes {
		op := c.Operation
		if op == "" {
			op = "-"
		}
		fmt.Fprintf(w, "%s %s %s %s: %s\n", severity(c.Breaking), r.Vendor, op, c.Kind, c.Message)
	}
	for _, j := range r.Rejudged {
		fmt.Fprintf(w, "rejudged %s %s\n", r.Vendor, j)
	}
	b, o := counts(r)
	_, err := fmt.Fprintf(w, "%s: %s → %s: %d breaking, %d non-breaking, %d cassettes re-judged differently\n", r.Vendor, r.Old, r.New, b, o, len(r.Rejudged))
	return err
}

func writeMarkdown(w io.Writer, r *Report) error {
	b, o := counts(r)
	fmt.Fprintf(w, "### %s: `%s` → `%s`\n\n%d breaking, %d non-breaking.\n\n", r.Vendor, r.Old, r.New, b, o)
	if len(r.Changes) > 0 {
		fmt.Fprintln(w, "| severity | operation | kind | where | old | new |")
		fmt.Fprintln(w, "|---|---|---|---|---|---|")
		for _, c := range r.Changes {
			fmt.Fprintf(w, "| %s | %s | `%s` | %s | %s | %s |\n", severity(c.Breaking), cell(c.Operation), c.Kind, cell(c.Where), cell(c.Old), cell(c.New))
		}
		fmt.Fprintln(w)
	}
	if len(r.Rejudged) > 0 {
		fmt.Fprintln(w, "| cassette | operation | old | new | findings under the new spec |")
		fmt.Fprintln(w, "|---|---|---|---|---|")
		for _, j := range r.Rejudged {
			fmt.Fprintf(w, "| %s#%d | %s | %s | %s | %s |\n", cell(j.Cassette), j.Interaction, j.Operation, j.Old, j.New, cell(strings.Join(j.NewFindings, "; ")))
		}
		fmt.Fprintln(w)
	}
	return nil
}

func cell(s string) string {
	if s == "" {
		return ""
	}
	return "`" + strings.ReplaceAll(wire.MarkdownCell(s), "`", "'") + "`"
}

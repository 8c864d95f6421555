package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/kontrak/kontrak/internal/wire"
)

// formatMarkdown is the report for a pull request comment or $GITHUB_STEP_SUMMARY: the verdict, the
// table, then per vendor its failures (scenario, where it is written, cassette and interaction, rule,
// pointer, want vs got, source), its waived findings, its skips with their reason, and its billing.
func formatMarkdown(w io.Writer, s *Summary) error {
	var b strings.Builder
	fmt.Fprintf(&b, "## kontrak: %s\n\n", verdictWords(s.RunVerdict(), s.Failing()))
	b.WriteString("| vendor | mode | " + s.unit() + " | passed | failed | skipped | waived | breaking drift | notices | budget used | billed |\n")
	b.WriteString("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	waived := 0
	for _, v := range s.Vendors {
		waived += len(v.Waived)
		fmt.Fprintf(&b, "| %s | %s | %d | %d | %d | %d | %d | %d | %d | %s | %s |\n", v.Vendor, orDash(v.Mode), v.Scenarios,
			v.Passed, v.Failed, v.Skipped, len(v.Waived), v.Drift, v.Notices, budgetCell(v.Budget), billedCell(v))
	}
	t := s.Total()
	fmt.Fprintf(&b, "| **total** | | %d | %d | %d | %d | %d | %d | %d | | %d |\n\n", t.Scenarios, t.Passed, t.Failed,
		t.Skipped, waived, t.Drift, t.Notices, t.Billed)
	b.WriteString("*budget used* counts the calls a live run let through that could be billed, before each call; " +
		"*billed* the answers the vendor's own billing flag or code table marks billed (offline: *if live*).\n")
	if s.Contract != nil {
		fmt.Fprintf(&b, "\nJudged by the contract %s.\n", mdCode(s.Contract.String()))
	}
	if len(s.Failures) > 0 {
		b.WriteString("\n### the run itself\n\n")
		for _, f := range s.Failures {
			fmt.Fprintf(&b, "- :x: **%s**: %s\n", mdText(f.Spec), mdText(f.Message))
		}
	}
	for _, v := range s.Vendors {
		if len(v.Failures) == 0 && len(v.Waived) == 0 && len(v.Skips) == 0 && v.Budget == nil && len(v.NotJudged) == 0 && v.Inconclusive == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n### %s\n", v.Vendor)
		if lines := notJudgedLines(v); len(lines) > 0 {
			b.WriteString("\n**Not judged** (the input did not carry it, or no whole answer came)\n\n")
			for _, l := range lines {
				b.WriteString("- " + mdText(l) + "\n")
			}
		}
		if len(v.Failures) > 0 {
			b.WriteString("\n**Failures**\n\n")
			for _, f := range v.Failures {
				b.WriteString("- :x: " + mdFailure(f) + "\n")
			}
		}
		if len(v.Waived) > 0 {
			b.WriteString("\n**Waived** (shown, not failing)\n\n")
			for _, f := range v.Waived {
				fmt.Fprintf(&b, "- :warning: %s  \n  waived by %s\n", mdFailure(f), mdText(f.Waiver))
			}
		}
		if len(v.Skips) > 0 {
			b.WriteString("\n**Skipped**\n\n")
			for _, sk := range v.Skips {
				name := sk.Scenario
				if name == "" {
					name = sk.Spec
				}
				fmt.Fprintf(&b, "- %s — %s: %s\n", mdCode(name), orDash(sk.Kind), mdText(sk.Reason))
			}
		}
		if v.Budget != nil {
			fmt.Fprintf(&b, "\n**Billing**: budget used %d of %d billable calls; the vendor billed %d.\n", v.Budget.Used, v.Budget.Max, v.Billed)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// mdFailure is one failure on one line: scenario and where it is written, cassette and interaction,
// rule at pointer, want vs got, source; a line in no known shape is its message.
func mdFailure(f Failure) string {
	if f.Rule == "" {
		return mdText(f.Message)
	}
	var b strings.Builder
	name := f.Scenario
	if name == "" {
		name = f.Spec
	}
	b.WriteString("**" + mdText(name) + "**")
	if f.Operation != "" {
		b.WriteString(" (" + mdText(f.Operation) + ")")
	}
	if f.At != "" {
		b.WriteString(" " + mdCode(f.At))
	}
	if f.Cassette != "" {
		b.WriteString(", cassette " + mdCode(f.Cassette))
		if f.Interaction != nil {
			fmt.Fprintf(&b, " interaction %d", *f.Interaction)
		}
	}
	p := f.Pointer
	if p == "" {
		p = `""`
	}
	fmt.Fprintf(&b, ": %s at %s", mdCode(f.Rule), mdCode(p))
	if f.Want != "" || f.Got != "" {
		fmt.Fprintf(&b, ": want %s, got %s", mdCode(f.Want), mdCode(f.Got))
	}
	if f.Source != "" {
		b.WriteString(" — " + mdSource(f.Source))
	}
	return b.String()
}

func budgetCell(b *Budget) string {
	if b == nil {
		return "—"
	}
	return fmt.Sprintf("%d of %d", b.Used, b.Max)
}

func billedCell(v *Vendor) string {
	if v.Mode == "live" || v.Mode == "record" {
		return fmt.Sprint(v.Billed)
	}
	return fmt.Sprintf("%d if live", v.Billed)
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// mdText escapes what Markdown would read as markup in a line of text (a table's |, emphasis, HTML).
func mdText(s string) string {
	return mdEscaper.Replace(wire.OneLine(s))
}

var mdEscaper = strings.NewReplacer(`\`, `\\`, "|", `\|`, "*", `\*`, "_", `\_`, "`", "\\`", "<", "&lt;", ">", "&gt;", "[", `\[`, "]", `\]`)

// mdSource keeps a source's URLs as they are (GitHub links them) and escapes the rest.
func mdSource(s string) string {
	words := strings.Fields(s)
	for i, w := range words {
		if !strings.HasPrefix(w, "https://") && !strings.HasPrefix(w, "http://") {
			words[i] = mdText(w)
		}
	}
	return strings.Join(words, " ")
}

// mdCode is a code span that holds any text, backticks included.
// Its pipes are escaped as in a table cell (wire.MarkdownCell), where GFM would otherwise end the cell.
func mdCode(s string) string {
	s = wire.MarkdownCell(s)
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		s = " " + s + " "
	}
	return fence + s + fence
}

package report

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/kontrak/kontrak/internal/wire"
)

// ready is what every format of a traffic report relies on: its kind marked, and empty lists written as
// [] rather than null.
func (t *Traffic) ready() {
	t.Kind = TrafficKind
	t.Verdict = t.RunVerdict()
	if t.Inputs == nil {
		t.Inputs = []string{}
	}
	if t.Operations == nil {
		t.Operations = []TrafficOperation{}
	}
	if t.Drift == nil {
		t.Drift = []TrafficDrift{}
	}
}

func trafficJSON(w io.Writer, t *Traffic) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(t)
}

func seenText(s Seen) string {
	out := fmt.Sprintf("%s#%d", s.Input, s.Index)
	if s.Time != "" {
		out += " " + s.Time
	}
	return out
}

// trafficText: one summary line, the operations table, then one line a kind of drift.
func trafficText(out io.Writer, t *Traffic) error {
	fmt.Fprintf(out, "%d interactions: %d judged (%d conform, %d drifted, %d with notices%s), %d matched no vendor operation, %d not judged; %d billed%s\n",
		t.Interactions, t.Judged, t.Conforming, t.Drifted, t.Noticed, inconclusiveNote(t), t.Unrouted, t.NotJudged, t.Billed(), waivedNote(t))
	for _, why := range unjudged(t) {
		fmt.Fprintf(out, "not judged, %s\n", why)
	}
	if len(t.Operations) > 0 {
		w := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(w, "vendor\toperation\tcalls\tdrifted\tbilled\tbilling unknown\t")
		for _, op := range t.Operations {
			fmt.Fprintf(w, "%s\t%s\t%d\t%d\t%d\t%d\t\n", op.Vendor, op.Operation, op.Calls, op.Drifted, op.Billed, op.BillingUnknown)
		}
		if err := w.Flush(); err != nil {
			return err
		}
	}
	for _, d := range t.Drift {
		if _, err := fmt.Fprintf(out, "%s %s %s %s %s: %d× (billed %d%s), want %s%s; first %s, last %s (%s)\n",
			driftSeverity(d), d.Vendor, d.Operation, d.ID, wire.Display(d.Pointer), d.Count, d.Billed, waiverNote(d), d.Expected, gotNote(d),
			seenText(d.First), seenText(d.Last), d.Source); err != nil {
			return err
		}
	}
	if t.Contract != nil {
		_, err := fmt.Fprintf(out, "contract %s\n", t.Contract)
		return err
	}
	return nil
}

func trafficMarkdown(out io.Writer, t *Traffic) error {
	var b strings.Builder
	b.WriteString("# Traffic drift report\n\n")
	if t.Contract != nil {
		fmt.Fprintf(&b, "Judged by the contract %s.\n\n", mdCode(t.Contract.String()))
	}
	fmt.Fprintf(&b, "%d interactions: %d judged (%d conform, %d drifted, %d with notices%s), %d matched no vendor operation, %d not judged; %d billed%s.\n\n",
		t.Interactions, t.Judged, t.Conforming, t.Drifted, t.Noticed, inconclusiveNote(t), t.Unrouted, t.NotJudged, t.Billed(), waivedNote(t))
	if u := unjudged(t); len(u) > 0 {
		b.WriteString("Not judged, for the input did not carry it:\n\n")
		for _, why := range u {
			b.WriteString("- " + wire.MarkdownCell(why) + "\n")
		}
		b.WriteString("\n")
	}
	if len(t.Operations) > 0 {
		b.WriteString("| vendor | operation | calls | drifted | billed | billing unknown |\n|---|---|---:|---:|---:|---:|\n")
		for _, op := range t.Operations {
			fmt.Fprintf(&b, "| %s | %s | %d | %d | %d | %d |\n", wire.MarkdownCell(op.Vendor), wire.MarkdownCell(op.Operation), op.Calls, op.Drifted, op.Billed, op.BillingUnknown)
		}
		b.WriteString("\n")
	}
	if len(t.Drift) > 0 {
		b.WriteString("| severity | vendor | operation | finding | pointer | count | billed | want | got | first seen | last seen | source |\n|---|---|---|---|---|---:|---:|---|---|---|---|---|\n")
		for _, d := range t.Drift {
			fmt.Fprintf(&b, "| %s | %s | %s | `%s` | `%s` | %d | %d%s | %s | %s | %s | %s | %s |\n", driftSeverity(d), wire.MarkdownCell(d.Vendor), wire.MarkdownCell(d.Operation),
				wire.MarkdownCell(d.ID), wire.MarkdownCell(wire.Display(d.Pointer)), d.Count, d.Billed, wire.MarkdownCell(waiverNote(d)), wire.MarkdownCell(d.Expected), wire.MarkdownCell(d.Got), wire.MarkdownCell(seenText(d.First)),
				wire.MarkdownCell(seenText(d.Last)), wire.MarkdownCell(d.Source))
		}
	}
	_, err := io.WriteString(out, b.String())
	return err
}

// driftSeverity is the severity a kind of drift is shown with: "waived" when a waiver accepted every one
// of its findings.
func driftSeverity(d TrafficDrift) string {
	if d.Waived > 0 && d.Waived == d.Count {
		return "waived"
	}
	return d.Severity
}

// waiverNote names the waiver of a kind of drift, and how many of its findings it accepted.
func waiverNote(d TrafficDrift) string {
	if d.Waived == 0 {
		return ""
	}
	return fmt.Sprintf("; %d waived by %s", d.Waived, d.Waiver)
}

func waivedNote(t *Traffic) string {
	if t.Waived == 0 {
		return ""
	}
	return fmt.Sprintf("; %d findings waived", t.Waived)
}

// gotNote is what came, as the drift line says it: ", got NEW_CODE".
func gotNote(d TrafficDrift) string {
	if d.Got == "" {
		return ""
	}
	return ", got " + d.Got
}

func inconclusiveNote(t *Traffic) string {
	if t.Inconclusive == 0 {
		return ""
	}
	return fmt.Sprintf(", %d inconclusive", t.Inconclusive)
}

// unjudged lists what the judged interactions did not carry: "headers: the input carries no response
// headers (120 interactions)", sorted.
func unjudged(t *Traffic) []string {
	var out []string
	for _, why := range slices.Sorted(maps.Keys(t.Unjudged)) {
		out = append(out, fmt.Sprintf("%s (%s)", why, plural(t.Unjudged[why], "interaction")))
	}
	return out
}

package card

import (
	"encoding/json"
	"fmt"
	"html"
	"io"
	"strings"

	"github.com/kontrak/kontrak/report"
)

// Report is the scorecard's kind in the report registry: text, json, markdown and svg.
var Report = report.NewKind[*Card]("scorecard")

func init() {
	report.Register(Report, "text", writeText)
	report.Register(Report, "json", writeJSON)
	report.Register(Report, "markdown", writeMarkdown)
	report.Register(Report, "svg", writeSVG)
}

func writeJSON(w io.Writer, c *Card) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(c)
}

func pct(x float64) string { return fmt.Sprintf("%.1f%%", 100*x) }

// label is the heading every format puts first: where the scores come from, so that a score measured
// against serve is never read as a vendor's.
func label(c *Card) string {
	return fmt.Sprintf("kontrak scorecard of %s, measured %s; source: %s", c.Set, c.MeasuredAt, c.Source)
}

func writeText(w io.Writer, c *Card) error {
	var b strings.Builder
	fmt.Fprintln(&b, label(c))
	for _, v := range c.Vendors {
		fmt.Fprintf(&b, "\n%s %s  [%s]\n", v.Vendor, v.Operation, v.Source)
		fmt.Fprintf(&b, "  samples %d of %d, billed %d, latency p50 %d ms p95 %d ms, failed reads %d (billed %d)\n",
			v.Samples, v.Planned, v.Billed, v.LatencyMs.P50, v.LatencyMs.P95, len(v.Failed), v.FailedBilled)
		if v.Cut != "" {
			fmt.Fprintf(&b, "  cut: %s\n", v.Cut)
		}
		for _, f := range v.Fields {
			fmt.Fprintf(&b, "  %-14s exact %7s  cer %.4f\n", f.Field, pct(f.Exact), f.CER)
		}
		for _, x := range v.Variants {
			fmt.Fprintf(&b, "  variant %-10s exact %7s\n", x.Variant, pct(x.Exact))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeMarkdown(w io.Writer, c *Card) error {
	var b strings.Builder
	fmt.Fprintf(&b, "### kontrak scorecard\n\n")
	fmt.Fprintf(&b, "Source: **%s**. Set: %s. Measured %s.\n\n", c.Source, c.Set, c.MeasuredAt)
	b.WriteString(MarkdownTables(c))
	_, err := io.WriteString(w, b.String())
	return err
}

// MarkdownTables are the scorecard's tables in Markdown: one row per vendor (samples, billing, latency,
// source), then exact share and CER by field, then exact share by variant. livedoc writes them into
// docs/vendors.md.
func MarkdownTables(c *Card) string {
	var b strings.Builder
	b.WriteString("| vendor | operation | samples | billed | failed reads (billed) | latency p50 / p95 | source |\n|---|---|---|---|---|---|---|\n")
	for _, v := range c.Vendors {
		src := v.Source
		if v.Cut != "" {
			src += "; cut: " + v.Cut
		}
		fmt.Fprintf(&b, "| %s | `%s` | %d of %d | %d | %d (%d) | %d / %d ms | %s |\n", v.Vendor, v.Operation, v.Samples, v.Planned,
			v.Billed, len(v.Failed), v.FailedBilled, v.LatencyMs.P50, v.LatencyMs.P95, mdCell(src))
	}
	vendorColumns(&b, "Exact share (and character error rate) by field", "field", c)
	for _, name := range fieldOrder(c) {
		b.WriteString("| " + name + " |")
		for _, v := range c.Vendors {
			if f, ok := fieldOf(v, name); ok {
				fmt.Fprintf(&b, " %s (%.3f) |", pct(f.Exact), f.CER)
			} else {
				b.WriteString(" — |")
			}
		}
		b.WriteString("\n")
	}
	vendorColumns(&b, "Exact share of every field, by variant", "variant", c)
	for _, name := range variantOrder(c) {
		b.WriteString("| " + name + " |")
		for _, v := range c.Vendors {
			cell := " — |"
			for _, x := range v.Variants {
				if x.Variant == name {
					cell = " " + pct(x.Exact) + " |"
				}
			}
			b.WriteString(cell)
		}
		b.WriteString("\n")
	}
	return b.String()
}

func mdCell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

func fieldOf(v VendorScore, name string) (FieldScore, bool) {
	for _, f := range v.Fields {
		if f.Field == name {
			return f, true
		}
	}
	return FieldScore{}, false
}

// fieldOrder lists the fields any vendor was scored on, in the canonical record's order.
func fieldOrder(c *Card) []string {
	var out []string
	for _, name := range CanonicalFields() {
		for _, v := range c.Vendors {
			if _, ok := fieldOf(v, name); ok {
				out = append(out, name)
				break
			}
		}
	}
	return out
}

func variantOrder(c *Card) []string {
	var out []string
	seen := map[string]bool{}
	for _, v := range c.Vendors {
		for _, x := range v.Variants {
			if !seen[x.Variant] {
				seen[x.Variant] = true
				out = append(out, x.Variant)
			}
		}
	}
	return out
}

// writeSVG draws the fields × vendors chart: one cell per field and vendor, its colour the exact share
// (red at 0, amber at 0.5, green at 1), its text the share; a field a vendor does not answer is grey.
// The source is the chart's title, so that a picture of serve's scores says so too.
func writeSVG(w io.Writer, c *Card) error {
	const (
		left, top, cellW, cellH, pad = 130, 64, 110, 22, 2
	)
	fields := fieldOrder(c)
	width := left + cellW*max(len(c.Vendors), 1) + 20
	height := top + cellH*len(fields) + 40
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`+"\n", width, height, width, height)
	fmt.Fprintf(&b, `<title>%s</title>`+"\n", html.EscapeString(label(c)))
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#ffffff"/>`+"\n", width, height)
	fmt.Fprintf(&b, `<text x="8" y="18" font-size="14" font-weight="bold">Exact share by field (kontrak scorecard, %s)</text>`+"\n", html.EscapeString(c.Set))
	fmt.Fprintf(&b, `<text x="8" y="36">source: %s</text>`+"\n", html.EscapeString(c.Source))
	for j, v := range c.Vendors {
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" font-weight="bold">%s</text>`+"\n", left+cellW*j+cellW/2, top-8, html.EscapeString(v.Vendor))
	}
	for i, name := range fields {
		y := top + cellH*i
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end">%s</text>`+"\n", left-8, y+cellH/2+4, html.EscapeString(name))
		for j, v := range c.Vendors {
			x := left + cellW*j
			fill, text := "#d0d0d0", "—"
			if f, ok := fieldOf(v, name); ok {
				fill, text = heat(f.Exact), pct(f.Exact)
			}
			fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="%s"/>`+"\n", x+pad, y+pad, cellW-2*pad, cellH-2*pad, fill)
			fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle">%s</text>`+"\n", x+cellW/2, y+cellH/2+4, text)
		}
	}
	fmt.Fprintf(&b, `<text x="8" y="%d" font-size="11">measured %s; colour: red 0%%, amber 50%%, green 100%% exact</text>`+"\n", height-12, html.EscapeString(c.MeasuredAt))
	b.WriteString("</svg>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// heat is the colour of an exact share: red (0) to amber (0.5) to green (1), in integers.
func heat(x float64) string {
	t := int(x*510 + 0.5)
	t = min(max(t, 0), 510)
	r, g := 230, 230
	if t <= 255 {
		g = 80 + t*150/255
	} else {
		r = 230 - (t-255)*150/255
	}
	return fmt.Sprintf("#%02x%02x%02x", r, g, 90)
}

// vendorColumns opens a Markdown table under its title: one row a name (its column headed first), one
// column a vendor.
func vendorColumns(b *strings.Builder, title, first string, c *Card) {
	b.WriteString("\n" + title + ":\n\n| " + first + " |")
	for _, v := range c.Vendors {
		b.WriteString(" " + v.Vendor + " |")
	}
	b.WriteString("\n|---|" + strings.Repeat("---|", len(c.Vendors)) + "\n")
}

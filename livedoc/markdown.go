package livedoc

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/internal/wire"
)

// Markdown: escaping, code spans, links and anchors, and the values pages show.

// mdCell is a table cell (wire.MarkdownCell: one line, every `|` escaped), and a dash when it is empty.
func mdCell(s string) string {
	s = wire.MarkdownCell(s)
	if s == "" {
		return "—"
	}
	return s
}

// prose is a vendor's or a reviewer's text on one line, with HTML-looking text escaped outside code spans
// ("without <data:image/png;>" would otherwise vanish as a tag).
func mdProse(s string) string {
	return mdEscapeHTML(strings.Join(strings.Fields(s), " "))
}

// escapeHTML replaces < outside code spans, so that text never turns into an HTML tag.
func mdEscapeHTML(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		if s[i] == '`' {
			n := mdRunLen(s[i:], '`')
			fence := s[i : i+n]
			if end := strings.Index(s[i+n:], fence); end >= 0 {
				b.WriteString(s[i : i+n+end+n])
				i += n + end + n
				continue
			}
			b.WriteString(fence)
			i += n
			continue
		}
		if s[i] == '<' {
			b.WriteString("&lt;")
		} else {
			b.WriteByte(s[i])
		}
		i++
	}
	return b.String()
}

func mdRunLen(s string, c byte) int {
	n := 0
	for n < len(s) && s[n] == c {
		n++
	}
	return n
}

// code is s as an inline code span, whatever backticks it holds.
func mdCode(s string) string {
	if s == "" {
		return "—"
	}
	longest, run := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", longest+1)
	if longest > 0 || strings.HasPrefix(s, " ") || strings.HasSuffix(s, " ") {
		return fence + " " + s + " " + fence
	}
	return fence + s + fence
}

func mdCodeOrDash(s string) string {
	if s == "" {
		return "—"
	}
	return mdCode(s)
}

func mdCodeList(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = mdCode(s)
	}
	return out
}

func mdCodes(ss []string) string { return strings.Join(mdCodeList(ss), ", ") }

func mdLink(text, target string) string { return "[" + text + "](" + target + ")" }

// anchor is the fragment GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens.
func mdAnchor(heading string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(heading) {
		switch {
		case r == ' ':
			b.WriteByte('-')
		case r == '-' || r == '_' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
		}
	}
	return b.String()
}

// source is a fact's provenance: its basis (inferred marked and in bold, to stand out), its page and its note.
func docSource(s contract.Source) string {
	if s.Page == "" && s.Basis == "" {
		return "—"
	}
	var out string
	switch s.Basis {
	case "inferred":
		out = "**" + inferredMark + "**"
	case "":
		out = "basis not stated"
	default:
		out = s.Basis
	}
	if s.Page != "" {
		out += ", " + mdLink(strings.TrimPrefix(strings.TrimPrefix(s.Page, "https://"), "http://"), s.Page)
	}
	if s.Note != "" {
		out += ": " + mdProse(s.Note)
	}
	return out
}

// Values.

func docItoa(n int) string { return strconv.Itoa(n) }

func docPlural(n int, what string) string { return docItoa(n) + " " + docPluralWord(n, what) }

func docPluralWord(n int, what string) string {
	if n == 1 {
		return what
	}
	return what + "s"
}

func docYesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func docPayFree(billable bool) string {
	if billable {
		return "pay"
	}
	return "free"
}

func docAccepted(b bool) string {
	if b {
		return "accepted"
	}
	return "not accepted"
}

func docOrDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func docStr(v any) string {
	if v == nil {
		return ""
	}
	if s, ok := v.(string); ok {
		return s
	}
	return fmt.Sprint(v)
}

// jsonText is a value as JSON, the way the spec means it.
func docJSON(v any) string {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(data)
}

// byteSize is n bytes, with its MiB, MB or kB reading when it is a round one.
func docBytes(n int) string {
	out := docItoa(n) + " bytes"
	switch {
	case n%(1<<20) == 0:
		out += fmt.Sprintf(" (%d MiB)", n>>20)
	case n%1_000_000 == 0:
		out += fmt.Sprintf(" (%d MB)", n/1_000_000)
	case n%1000 == 0:
		out += fmt.Sprintf(" (%d kB)", n/1000)
	}
	return out
}

// dims is "W × H", "width W" or "height H"; "" when neither is given.
func docDims(w, h int) string {
	switch {
	case w > 0 && h > 0:
		return fmt.Sprintf("%d × %d", w, h)
	case w > 0:
		return fmt.Sprintf("width %d", w)
	case h > 0:
		return fmt.Sprintf("height %d", h)
	}
	return ""
}

// schemaType is a JSON Schema's type: "string", "string or integer".
func docSchemaType(m map[string]any) string {
	switch t := m["type"].(type) {
	case string:
		return t
	case []any:
		var ts []string
		for _, x := range t {
			ts = append(ts, docStr(x))
		}
		return strings.Join(ts, " or ")
	}
	return "—"
}

// constraints lists a request field's JSON Schema keywords beyond type and description, in a fixed order.
func docConstraints(m map[string]any) string {
	var out []string
	for _, k := range []string{"format", "contentEncoding", "enum", "pattern", "minimum", "maximum", "minLength", "maxLength", "default"} {
		v, ok := m[k]
		if !ok {
			continue
		}
		if s, isString := v.(string); isString && k != "default" && k != "enum" {
			out = append(out, k+" "+mdCode(s))
		} else {
			out = append(out, k+" "+mdCode(docJSON(v)))
		}
	}
	return docOrDash(strings.Join(out, ", "))
}

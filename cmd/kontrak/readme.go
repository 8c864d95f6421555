package main

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/internal/wire"
	"github.com/kontrak/kontrak/livedoc"
)

// The README's tables whose truth is data are written from the data, between markers:
//
//	<!-- kontrak:NAME -->
//	…generated…
//	<!-- /kontrak:NAME -->
//
// `kontrak docs` writes them with livedoc's own (the NDJSON field names), through livedoc.Readme: one writer;
// TestReadmeGenerated fails while one is stale.
func readmeSections(c *contract.Contract) []livedoc.Section {
	return []livedoc.Section{
		{Name: "formats", Render: func() string { return formatTable() + "\n" + exitTable() }},
		{Name: "findings", Render: func() string { return findingTable(c) }},
		{Name: "credentials", Render: func() string { return credentialTable(c) }},
		{Name: "refusals", Render: func() string { return refusalTable(c) }},
	}
}

func exitTable() string {
	var b strings.Builder
	b.WriteString("| exit | meaning |\n|---|---|\n")
	for _, e := range exitCodes {
		fmt.Fprintf(&b, "| %d | %s |\n", e.code, wire.MarkdownCell(e.says))
	}
	return b.String()
}

// findingTable is contract.Rules(): every finding id, its severity and what it says.
func findingTable(*contract.Contract) string {
	var b strings.Builder
	b.WriteString("| finding | severity | what it says |\n|---|---|---|\n")
	for _, r := range contract.Rules() {
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", r.ID, r.Severity, wire.MarkdownCell(r.Summary))
	}
	return b.String()
}

// credentialTable is each vendor's x-kontrak-env and security: the variables live mode reads.
func credentialTable(c *contract.Contract) string {
	var b strings.Builder
	b.WriteString("| vendor | base URL (default) | credentials |\n|---|---|---|\n")
	for _, v := range c.Vendors() {
		base := "`" + v.Env.BaseURL + "`"
		switch {
		case v.Env.BaseURLRequired || len(v.Servers) == 0:
			base += " (required: no host is documented)"
		default:
			base += " (" + v.Servers[0].URL + ")"
		}
		var creds []string
		for _, e := range v.CredentialVars() {
			creds = append(creds, "`"+e+"`")
		}
		if cb := v.CallbackCredentialVars(); len(cb) > 0 {
			creds = append(creds, "callbacks: `"+strings.Join(cb, "`, `")+"`")
		}
		fmt.Fprintf(&b, "| %s | %s | %s |\n", wire.MarkdownCell(v.Name), base, strings.Join(creds, ", "))
	}
	return b.String()
}

// refusalTable is every operation's x-kontrak-request: what `kontrak serve` (and the vendor) answers to
// each kind of request that breaks the documented one, with the basis of the answer.
func refusalTable(c *contract.Contract) string {
	var b strings.Builder
	b.WriteString("| vendor | operation | request | answer | basis |\n|---|---|---|---|---|\n")
	for _, v := range c.Vendors() {
		for _, op := range v.Operations {
			r := op.Request
			if r == nil {
				continue
			}
			row := func(what string, a *contract.ViolationAnswer) {
				fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", v.ID, op.ID, what, answerText(op, a), a.Source.Basis)
			}
			for i := range r.Answers {
				a := &r.Answers[i]
				what := "`" + a.Violation + "`"
				if a.Field != "" {
					what += " of `" + a.Field + "`"
				}
				row(what, a)
			}
			if r.Unmatched != nil {
				row("conforms, but no sandbox code or recording answers it", r.Unmatched)
			}
		}
	}
	return b.String()
}

func answerText(op *contract.Operation, a *contract.ViolationAnswer) string {
	switch {
	case a.Accept:
		return "accepted"
	case a.Success:
		return "the documented success"
	case a.Code != "":
		if row := op.Codes.Lookup(a.Code); row != nil && len(row.Statuses) > 0 {
			return strings.Join(row.Statuses, "/") + " `" + a.Code + "`"
		}
		return "`" + a.Code + "`"
	}
	out := fmt.Sprint(a.Status)
	if a.Body != nil {
		body, _ := json.Marshal(a.Body)
		out += " " + wire.MarkdownCell("`"+string(body)+"`")
	}
	if a.Text != "" {
		out += " (" + wire.MarkdownCell(a.Text) + ")"
	}
	return out
}

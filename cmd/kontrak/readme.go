package main

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/internal/wire"
	"github.com/kontrak/kontrak/livedoc"
	"github.com/kontrak/kontrak/sandbox"
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
		{Name: "serve-bounds", Render: func() string { return serveBounds(c) }},
	}
}

// serveBounds is what bounds `kontrak serve`, from where each bound lives: sandbox's limits, timeouts and
// callback policy, and each operation's body limit as sandbox.BodyLimit reads it from the spec.
func serveBounds(c *contract.Contract) string {
	var b strings.Builder
	b.WriteString("| bound | value |\n|---|---|\n")
	row := func(what, val string) { fmt.Fprintf(&b, "| %s | %s |\n", what, val) }
	for _, v := range c.Vendors() {
		for _, op := range v.Operations {
			if op.RequestContentType == "" {
				continue
			}
			row(fmt.Sprintf("body of %s %s", v.ID, op.ID), size(sandbox.BodyLimit(op)))
		}
	}
	row("body of an operation without a documented image limit", size(sandbox.DefaultBodyLimit))
	row("request body bytes held at once, every request together", size(sandbox.DefaultHeldBytes))
	row("a refused body read and discarded before the answer (longer: answered, connection closed)", size(sandbox.DefaultDiscard))
	row("JSON values, form fields or multipart parts of a body", fmt.Sprint(sandbox.DefaultFields))
	row("JSON nesting", fmt.Sprint(sandbox.DefaultDepth))
	t := sandbox.DefaultTimeouts()
	row("connection timeouts: read-header, read, write, idle", fmt.Sprintf("%v, %v, %v, %v", t.ReadHeader, t.Read, t.Write, t.Idle))
	row("callbacks posted at once (workers)", fmt.Sprint(sandbox.DefaultCallbackWorkers))
	row("callbacks waiting for a worker (queue; beyond it dropped and logged)", fmt.Sprint(sandbox.DefaultCallbackQueue))
	row("callback attempts (after a network error or a 5xx; any other answer is final, no redirect followed)", fmt.Sprint(sandbox.CallbackAttempts))
	row("callback attempt timeout; backoff before the 2nd and 3rd attempt", fmt.Sprintf("%v; %v then %v", sandbox.CallbackTimeout, sandbox.CallbackBackoff, 2*sandbox.CallbackBackoff))
	return b.String()
}

// size is a byte count in the unit that reads best.
func size(n int64) string {
	switch {
	case n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB (%d bytes)", n>>10, n)
	}
	return fmt.Sprintf("%d bytes (%.1f MiB)", n, float64(n)/(1<<20))
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

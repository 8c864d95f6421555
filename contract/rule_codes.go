package contract

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// The codes stage: the code at the operation's code pointer against its table (x-kontrak-codes), its message,
// and the billing flag against the billing table (x-kontrak-billing).

// codesStage judges the code and the billing flag of a JSON body.
func (c *checker) codesStage() {
	if !c.isJSON {
		return
	}
	o, doc := c.op, c.sj.Doc
	code, hasCode := lookupString(doc, o.Codes.Pointer)
	var row *Code
	if hasCode {
		row = o.Codes.Lookup(code)
		if row == nil {
			c.add(ErrorCodeUndocumented, "", o.Codes.Pointer, "a code of the table ("+strings.Join(o.codeList(), ", ")+")",
				quoteValue(code), from(o.Codes.Source), cutValue(code), o.Vendor.Name)
		} else if !row.AllowsStatus(c.status) {
			c.add(ErrorCodeStatusMismatch, "", o.Codes.Pointer, "HTTP "+strings.Join(row.Statuses, " or "), fmt.Sprintf("HTTP %d", c.status),
				row.statusesEvidence(), code, c.status)
		}
		if row != nil && len(row.Messages) > 0 && !row.MessagesOpen && o.Codes.MessagePointer != "" {
			if msg, ok := lookupString(doc, o.Codes.MessagePointer); ok && !slices.Contains(row.Messages, msg) {
				c.add(MessageChanged, "", o.Codes.MessagePointer, quoteList(row.Messages), textShape(msg), from(row.Source), code)
			}
		}
	}
	if o.Billing.Pointer == "" {
		return
	}
	flag, ok := lookupString(doc, o.Billing.Pointer)
	if !ok {
		return
	}
	if _, known := o.Billing.Values[flag]; !known {
		// The flag's closed set is the billing table's values, stated there only (not as a schema enum).
		c.add(ValueNotInSet, "billing", o.Billing.Pointer, "one of "+strings.Join(o.Billing.flagValues(), ", "), quoteValue(flag),
			from(o.Billing.Source))
		return
	}
	var accepted []string
	var why string
	var src evidence
	switch {
	case row != nil:
		accepted = row.Flags
		if len(accepted) == 0 {
			accepted = o.Billing.flagsFor(row.Billable)
		}
		why, src = "code "+row.Code, from(row.Source)
		if row.BillableSource != nil {
			src = src.also(*row.BillableSource) // the billable alone has its own basis
		}
	case !hasCode:
		b, known := o.Billing.ByStatus(c.status)
		if !known {
			return
		}
		accepted = o.Billing.flagsFor(b)
		why, src = fmt.Sprintf("HTTP %d", c.status), from(o.Billing.Source)
	default:
		return // an undocumented code: nothing to compare the flag with
	}
	if !slices.Contains(accepted, flag) {
		c.add(BillingFlagMismatch, "", o.Billing.Pointer, strings.Join(accepted, " or "), flag, src, why, strings.Join(accepted, "/"), flag)
	}
}

// flagsFor lists the flag values that mean billable b, sorted.
func (b *Billing) flagsFor(billable bool) []string {
	var out []string
	for k, v := range b.Values {
		if v == billable {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// flagValues lists every documented flag value, sorted.
func (b *Billing) flagValues() []string {
	out := make([]string, 0, len(b.Values))
	for k := range b.Values {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (o *Operation) codeList() []string {
	return each(o.Codes.Codes, func(c *Code) string { return c.Code })
}

// statusesEvidence is the evidence of a row's statuses: the row's, and StatusesSource's where it has one.
func (c *Code) statusesEvidence() evidence {
	e := from(c.Source)
	if c.StatusesSource != nil {
		e = e.also(*c.StatusesSource)
	}
	return e
}

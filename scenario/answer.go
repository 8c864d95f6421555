package scenario

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/internal/wire"
)

// Answer builds the answer the scenario's cassette holds: the named example or the inline body, then the
// code (with its first documented message, or its description, and the billing flag its row implies),
// then the sandbox outcome's values, then the recipe's own values.
func (s *Scenario) Answer(op *contract.Operation) (int, []byte, error) {
	fail := func(format string, a ...any) (int, []byte, error) {
		return 0, nil, fmt.Errorf("%s scenario %s: cassette: %s", s.vendor, s.Name, fmt.Sprintf(format, a...))
	}
	var doc any
	switch {
	case s.Source.Example != "":
		ex := ExampleOf(op, s.Source.Example)
		if ex == nil {
			return fail("no example %q", s.Source.Example)
		}
		if err := wire.UnmarshalJSON(ex.Value, &doc); err != nil {
			return fail("example %s: %v", s.Source.Example, err)
		}
	case s.Source.Body != nil:
		b, err := json.Marshal(s.Source.Body)
		if err != nil {
			return fail("body: %v", err)
		}
		wire.UnmarshalJSON(b, &doc)
	default:
		return fail("no example or body to answer from")
	}
	want := s.Expected(op)
	status := want.Status
	if s.Source.Status != 0 {
		status = s.Source.Status
	}
	set := map[string]any{}
	code := s.Source.Code
	if code == "" && s.Sandbox != "" {
		code = want.Code
	}
	if code != "" {
		row := op.Codes.Lookup(code)
		if row == nil {
			return fail("code %s is not in the table", code)
		}
		set[op.Codes.Pointer] = code
		if op.Codes.MessagePointer != "" {
			msg := row.Description
			if len(row.Messages) > 0 {
				msg = row.Messages[0]
			}
			set[op.Codes.MessagePointer] = msg
		}
		if op.Billing.Pointer != "" {
			flags := row.Flags
			if len(flags) == 0 {
				for k, v := range op.Billing.Values {
					if v == row.Billable {
						flags = append(flags, k)
					}
				}
			}
			if len(flags) > 0 {
				// The first documented flag: PAY before FREE for a SUCCESS that may be either.
				set[op.Billing.Pointer] = flags[0]
			}
		}
	}
	for p, v := range want.Body {
		set[p] = v
	}
	for p, v := range s.Source.Set {
		set[p] = v
	}
	for _, p := range slices.Sorted(maps.Keys(set)) {
		var err error
		if doc, err = wire.Set(doc, p, set[p]); err != nil {
			return fail("set %s: %v", p, err)
		}
	}
	b, err := json.Marshal(doc)
	if err != nil {
		return fail("%v", err)
	}
	return status, b, nil
}

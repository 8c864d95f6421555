package contract

import "encoding/json"

// Published is what the vendors' documents publish, and a cassette may therefore show without leaking
// anything: the leak scan lets these values through.
//
//   - for an operation, every value its documented examples hold at its personal-data pointers
//     (x-kontrak-pii), and every other string they hold: a NIK, a name or a city a vendor prints as its
//     example is public, and a cassette copied from the example keeps it;
//   - for every operation, every value a documented example holds at a token pointer, and every value of a
//     signature's worked example (knownAnswer): public credentials, which a derived cassette may show.
type Published struct {
	credentials map[string]bool
	byOp        map[*Operation]map[string]bool
}

// Has reports whether value is published: a public credential of any vendor, or a value of op's
// documented examples (op nil: credentials only). The empty string is never published.
func (p *Published) Has(op *Operation, value string) bool {
	if value == "" {
		return false
	}
	return p.credentials[value] || op != nil && p.byOp[op][value]
}

// Published is computed once.
func (c *Contract) Published() *Published {
	c.publishedOnce.Do(func() { c.published = c.computePublished() })
	return c.published
}

func (c *Contract) computePublished() *Published {
	p := &Published{credentials: map[string]bool{}, byOp: map[*Operation]map[string]bool{}}
	for _, v := range c.vendors {
		for _, op := range v.Operations {
			if op.Signature != nil {
				for _, val := range op.Signature.KnownAnswer {
					p.credentials[val] = true
				}
			}
			for _, resp := range op.Responses {
				for _, ex := range resp.Examples {
					doc, ok := decodeJSON(ex.Value)
					if !ok {
						continue
					}
					if op.Token != nil && op.Token.TokenPointer != "" {
						if s, ok := scalarText(doc, op.Token.TokenPointer); ok {
							p.credentials[s] = true
						}
					}
					set := p.byOp[op]
					if set == nil {
						set = map[string]bool{}
						p.byOp[op] = set
					}
					for ptr := range op.PII {
						if s, ok := scalarText(doc, ptr); ok {
							set[s] = true
						}
					}
					// Every other string of the example is public too: the leak scan also looks by name and
					// by content (a city, a message quoting a date), beyond the x-kontrak-pii pointers.
					addStrings(doc, set)
				}
			}
		}
	}
	return p
}

// scalarText reads a scalar of a decoded document at a pointer, as text (a number as written); an empty
// string is no value.
func scalarText(doc any, ptr string) (string, bool) {
	v, ok := lookupValue(doc, ptr)
	if !ok {
		return "", false
	}
	switch t := v.(type) {
	case string:
		return t, t != ""
	case json.Number:
		return t.String(), true
	}
	return "", false
}

func addStrings(v any, set map[string]bool) {
	switch t := v.(type) {
	case string:
		if t != "" {
			set[t] = true
		}
	case map[string]any:
		for _, c := range t {
			addStrings(c, set)
		}
	case []any:
		for _, c := range t {
			addStrings(c, set)
		}
	}
}

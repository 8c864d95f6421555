package client

import (
	"encoding/json"
	"net/textproto"
	"sort"

	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/redact"
)

// RedactRules reads, from every vendor's spec, what a cassette must not keep (redact.RedactRules):
//
//   - Headers: the header of every security scheme (an apiKey in a header, Authorization for http) and of
//     every token (x-kontrak-token header);
//   - Query: the name of every apiKey in a query;
//   - BodyFields: every input of a signature (x-kontrak-signature) that is a credential (it names an
//     environment variable) and a property of its operation's request body, and the signature's own
//     field. The timestamp is not a secret: it stays, as it is needed to read the recording;
//   - Answer: the operation of a request (contract.Lookup): its token's pointer is a secret, its
//     x-kontrak-pii pointers personal data. A request of no documented operation gets none.
//
// The rules are the union over vendors: a cassette is redacted without knowing whose it is.
func RedactRules(c *contract.Contract) redact.RedactRules {
	headers, query, fields := valueSet{}, valueSet{}, valueSet{}
	for _, v := range c.Vendors() {
		for _, op := range v.Operations {
			for _, sc := range op.Security {
				if sc.Header == "" {
					continue
				}
				if sc.In == "query" {
					query.add(sc.Header)
				} else {
					headers.add(textproto.CanonicalMIMEHeaderKey(sc.Header))
				}
			}
			if op.Token != nil && op.Token.Header != "" {
				headers.add(textproto.CanonicalMIMEHeaderKey(op.Token.Header))
			}
			if s := op.Signature; s != nil {
				props, _ := op.RequestSchema["properties"].(map[string]any)
				for _, in := range s.Concatenation {
					if _, secret := s.Credentials[in]; !secret {
						continue
					}
					if _, ok := props[in]; ok {
						fields.add(in)
					}
				}
				if s.Field != "" {
					fields.add(s.Field)
				}
			}
		}
	}
	return redact.RedactRules{
		Headers:    headers.sorted(),
		Query:      query.sorted(),
		BodyFields: fields.sorted(),
		Answer: func(method, path string) redact.AnswerRules {
			op, ok := c.Lookup(method, path)
			if !ok {
				return redact.AnswerRules{}
			}
			var a redact.AnswerRules
			if op.Token != nil && op.Token.TokenPointer != "" {
				a.Secrets = []string{op.Token.TokenPointer}
			}
			a.PII = op.PII
			return a
		},
	}
}

// ScanRules are RedactRules with the values the vendors' documents publish, which the leak scan lets
// through (redact.ScanRules.Public):
//
//   - for an operation, every value its documented examples hold at its personal-data pointers, and every
//     other string they hold: a NIK, a name or a city a vendor prints as its example is public, and a
//     cassette copied from the example keeps it;
//   - for every operation, every value a documented example holds at a token pointer, and every value of
//     a signature's worked example (knownAnswer): public credentials, which a derived cassette may show.
//
// A request of no documented operation gets only the second set.
func ScanRules(c *contract.Contract) redact.ScanRules {
	credentials := valueSet{}
	pii := map[*contract.Operation]valueSet{}
	for _, v := range c.Vendors() {
		for _, op := range v.Operations {
			if op.Signature != nil {
				for _, val := range op.Signature.KnownAnswer {
					credentials.add(val)
				}
			}
			for _, resp := range op.Responses {
				for _, ex := range resp.Examples {
					if op.Token != nil && op.Token.TokenPointer != "" {
						if s, ok := exampleScalar(ex.Value, op.Token.TokenPointer); ok {
							credentials.add(s)
						}
					}
					if pii[op] == nil {
						pii[op] = valueSet{}
					}
					for ptr := range op.PII {
						if s, ok := exampleScalar(ex.Value, ptr); ok {
							pii[op].add(s)
						}
					}
					// Every other string of the example is public too: the leak scan also looks by name
					// and by content (a city, a message quoting a date), beyond the x-kontrak-pii pointers.
					exampleStrings(ex.Value, pii[op])
				}
			}
		}
	}
	return redact.ScanRules{
		RedactRules: RedactRules(c),
		Public: func(method, path, value string) bool {
			if value == "" {
				return false
			}
			if credentials[value] {
				return true
			}
			op, ok := c.Lookup(method, path)
			return ok && pii[op][value]
		},
	}
}

// exampleScalar reads a documented example's scalar at a pointer, as text (a number as written).
func exampleScalar(body []byte, ptr string) (string, bool) {
	v, ok := contract.Lookup(body, ptr)
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

// exampleStrings adds every string of a documented example body to set.
func exampleStrings(body []byte, set valueSet) {
	var v any
	if json.Unmarshal(body, &v) != nil {
		return
	}
	var walk func(any)
	walk = func(v any) {
		switch t := v.(type) {
		case string:
			if t != "" {
				set.add(t)
			}
		case map[string]any:
			for _, c := range t {
				walk(c)
			}
		case []any:
			for _, c := range t {
				walk(c)
			}
		}
	}
	walk(v)
}

type valueSet map[string]bool

func (s valueSet) add(v string) { s[v] = true }

func (s valueSet) sorted() []string {
	out := make([]string, 0, len(s))
	for v := range s {
		out = append(out, v)
	}
	sort.Strings(out)
	return out
}

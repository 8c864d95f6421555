package redact

import "github.com/kontrak/kontrak/contract"

// RulesFor is what a cassette must not keep, as the contract derives it from every vendor's spec: the
// union over vendors of their secrets (contract.Secrets: credential headers, query parameters and body
// fields; the timestamp of a signature is not a secret and stays, as it is needed to read the recording),
// and for the answer of each documented operation its secret pointers (a token) and its personal-data
// pointers (x-kontrak-pii). A request of no documented operation gets none: the rules every value is
// subject to (images, NIKs, pii_rules.yaml) still apply. A cassette is redacted without knowing whose it is.
func RulesFor(c *contract.Contract) RedactRules {
	s := c.Secrets()
	return RedactRules{
		Headers:    s.Headers,
		Query:      s.Query,
		BodyFields: s.Fields,
		Answer: func(method, path string) AnswerRules {
			op, ok := c.Lookup(method, path)
			if !ok {
				return AnswerRules{}
			}
			return AnswerRules{Secrets: op.AnswerSecrets(), PII: op.PII}
		},
	}
}

// ScanRulesFor is RulesFor with the values the vendors' documents publish (contract.Published), which the
// leak scan lets through.
func ScanRulesFor(c *contract.Contract) ScanRules {
	pub := c.Published()
	return ScanRules{
		RedactRules: RulesFor(c),
		Public: func(method, path, value string) bool {
			op, _ := c.Lookup(method, path)
			return pub.Has(op, value)
		},
	}
}

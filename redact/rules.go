package redact

import "github.com/kontrak/kontrak/contract"

// RulesFor is what a cassette may keep and must not, as the contract derives it from every vendor's spec:
// the union over vendors of their secrets (contract.Secrets: credential headers, query parameters and body
// fields; the timestamp of a signature is not a secret and stays, as it is needed to read the recording);
// for each documented operation its privacy view (contract.Privacy: the documented places, which of them
// are personal, the texts the documents give) and its answer's secret and personal-data pointers; the
// hosts and server paths the documents name; the words of every vendor's documents. A request of no
// documented operation gets no view: nothing of it is kept but its structure. A cassette is redacted
// without knowing whose it is.
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
		Privacy: func(method, path string) *contract.Privacy {
			op, ok := c.Lookup(method, path)
			if !ok {
				return nil
			}
			return c.Privacy(op)
		},
		Hosts:       c.DocumentedHosts(),
		ServerPaths: c.ServerPaths(),
		Words:       documentsWords(c),
	}
}

// documentsWords is the union over vendors of the words of their documents and of their documented member
// names (a vendor's Privacy holds the words of all its operations).
func documentsWords(c *contract.Contract) map[string]bool {
	out := map[string]bool{}
	for _, v := range c.Vendors() {
		for _, op := range v.Operations {
			for w := range vocabularyOf(c.Privacy(op)) {
				out[w] = true
			}
		}
	}
	return out
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

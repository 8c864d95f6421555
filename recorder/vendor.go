package recorder

import (
	"slices"

	"github.com/kontrak/kontrak/contract"
)

// VendorMatchOptions is what a match of vendor v's cassettes ignores, read from its spec: the one builder
// replay and `kontrak serve` both use, so that a request the one accepts the other accepts too.
//
//   - IgnoredHeaders: the header of every security scheme that travels in a header, and of every token
//     (x-kontrak-token header). Credentials differ from a live run to its redacted recording.
//   - IgnoredQuery: the name of every security scheme that travels in the query.
//   - IgnoredFields: every input of a request signature (x-kontrak-signature concatenation: timestamps,
//     nonces, credentials) and the signature field itself. They differ on every run.
//
// Each list is sorted and holds each name once.
func VendorMatchOptions(v *contract.Vendor) MatchOptions {
	var o MatchOptions
	for _, op := range v.Operations {
		for _, sc := range op.Security {
			switch {
			case sc.Header == "":
			case sc.In == "query":
				o.IgnoredQuery = append(o.IgnoredQuery, sc.Header)
			case sc.In == "header" || sc.In == "":
				o.IgnoredHeaders = append(o.IgnoredHeaders, sc.Header)
			}
		}
		if op.Token != nil && op.Token.Header != "" {
			o.IgnoredHeaders = append(o.IgnoredHeaders, op.Token.Header)
		}
		if s := op.Signature; s != nil {
			o.IgnoredFields = append(o.IgnoredFields, s.Concatenation...)
			if s.Field != "" {
				o.IgnoredFields = append(o.IgnoredFields, s.Field)
			}
		}
	}
	for _, l := range []*[]string{&o.IgnoredHeaders, &o.IgnoredQuery, &o.IgnoredFields} {
		slices.Sort(*l)
		*l = slices.Compact(*l)
	}
	return o
}

// WithMatchOptions adds what a match ignores (see MatchOptions), such as VendorMatchOptions of the
// cassette's vendor.
func WithMatchOptions(o MatchOptions) Option {
	return func(c *config) {
		c.match.IgnoredHeaders = append(c.match.IgnoredHeaders, o.IgnoredHeaders...)
		c.match.IgnoredFields = append(c.match.IgnoredFields, o.IgnoredFields...)
		c.match.IgnoredQuery = append(c.match.IgnoredQuery, o.IgnoredQuery...)
	}
}

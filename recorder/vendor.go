package recorder

import "github.com/kontrak/kontrak/contract"

// VendorMatchOptions is what a match of vendor v's cassettes ignores: its secrets and volatile fields, as
// the contract derives them from the spec (contract.Secrets.MatchIgnores), and the prefix of a base URL's
// path (contract.Vendor.RoutePath): a cassette recorded through https://host/prefix replays through the
// documented server, and the other way round. Replay and `kontrak serve` both match through it, so that a
// request the one accepts the other accepts too.
func VendorMatchOptions(v *contract.Vendor) MatchOptions {
	h, q, f := v.Secrets().MatchIgnores()
	return MatchOptions{IgnoredHeaders: h, IgnoredQuery: q, IgnoredFields: f, Route: v.RoutePath}
}

// WithMatchOptions adds what a match ignores (see MatchOptions), such as VendorMatchOptions of the
// cassette's vendor.
func WithMatchOptions(o MatchOptions) Option {
	return func(c *config) {
		c.match.IgnoredHeaders = append(c.match.IgnoredHeaders, o.IgnoredHeaders...)
		c.match.IgnoredFields = append(c.match.IgnoredFields, o.IgnoredFields...)
		c.match.IgnoredQuery = append(c.match.IgnoredQuery, o.IgnoredQuery...)
		if o.Route != nil {
			c.match.Route = o.Route
		}
	}
}

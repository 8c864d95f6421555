package match

import "github.com/kontrak/kontrak/contract"

// ForVendor is what a match of vendor v's requests ignores: its secrets and volatile fields, as the
// contract derives them from the spec (contract.Secrets.MatchIgnores), and the prefix of a base URL's path
// (contract.Vendor.RoutePath): a cassette recorded through https://host/prefix replays through the
// documented server, and the other way round. Replay (recorder.WithMatchOptions) and `kontrak serve`
// (NewRequestMatcher) both match through it, so that a request the one accepts the other accepts too.
func ForVendor(v *contract.Vendor) Options {
	h, q, f := v.Secrets().MatchIgnores()
	return Options{IgnoredHeaders: h, IgnoredQuery: q, IgnoredFields: f, Route: v.RoutePath}
}

// Package match is kontrak's request matcher: when a live request is the one a recording holds. Replay
// (package recorder, through go-vcr's matcher hook) and `kontrak serve` (package sandbox, which keeps its
// recordings in canonical form) both match through it, built by one builder from a vendor's spec
// (ForVendor), so that a request the one accepts the other accepts too.
//
// NewMatcher compares method, URL path and query, the media type of Content-Type, and the body by content:
// JSON bodies as JSON, forms as forms, multipart bodies part by part whatever the boundary, images by the
// sha256 of their bytes. The host is not compared, nor any other header: credentials never take part in a
// match. Fields, query parameters and headers named in Options are ignored; ForVendor names them from a
// vendor's spec (contract.Secrets.MatchIgnores) and strips a base URL's path prefix (contract.Vendor.RoutePath).
// Both sides compare canonical forms (CanonicalRequest): a request is parsed and its images hashed once, not
// once per candidate; serve holds them itself (RequestMatcher), replay's go-vcr hook caches them (Matcher).
// A redacted image (cassette.ImageDescriptor) matches the image it describes. A request that does not
// match is explained by place, never by value (Matcher.Explain, RequestMatcher.Explain).
//
// The package knows no vendor fact: header and field names arrive as options, from the specs.
package match

package sandbox

import (
	"mime"
	"strings"

	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/internal/wire"
)

// The rules of x-kontrak-image, by the names its violations map uses.
const (
	ruleMissing         = "missing"
	ruleEncoding        = "encoding"
	rulePartContentType = "partContentType"
	ruleFormat          = "format"
	ruleSize            = "size"
	ruleDimensions      = "dimensions"
	ruleDataURIPrefix   = "dataURIPrefix"
)

// brokenImageRule checks the request's image against the operation's rules and returns the first broken
// rule that the spec maps to a code (violations), or "" when none is. A rule the spec maps to no code is not
// enforced: the vendor documents no answer for it. The order is the one a server reads an upload in:
// presence, encoding, part content type, format, size, dimensions.
//
// A value of an image field that is also a sandbox parameter is left to the sandbox rule when it is a
// sandbox code, or when it is no picture at all (an unknown code, such as "KONTRAK_UNKNOWN", is not a
// format violation: the vendor's sandbox answers it as an unknown code).
func brokenImageRule(op *contract.Operation, q *request, field string, rules *contract.ImageRules) string {
	mapped := func(rule string) bool {
		if rules.Violations[rule] != "" {
			return true
		}
		a := op.Request.Answer(rule, field)
		return a != nil && !a.Accept
	}
	im := q.image(field, rules)
	if !im.present {
		if mapped(ruleMissing) {
			return ruleMissing
		}
		return ""
	}
	sandboxField := isSandboxParam(op, field)
	data := im.data
	switch {
	case im.notText:
		if mapped(ruleEncoding) {
			return ruleEncoding
		}
		return ""
	case im.isText:
		if sandboxField && isSandboxCode(op, field, im.text) {
			return ""
		}
		if rules.URLAccepted && isURL(im.text) {
			return "" // the picture is the vendor's to fetch
		}
		if !rules.DataURIPrefix && strings.HasPrefix(im.text, "data:") && mapped(ruleDataURIPrefix) {
			return ruleDataURIPrefix
		}
		if rules.Encoding == "base64" {
			b, ok := q.decodeBase64(im.text)
			if !ok {
				if mapped(ruleEncoding) {
					return ruleEncoding
				}
				return "" // nothing more can be read from it
			}
			data = b
		} else {
			data = []byte(im.text)
		}
	case im.isPart:
		if len(rules.PartContentTypes) > 0 && mapped(rulePartContentType) {
			// Strict here, unlike wire.MediaType: a part type that does not parse is a broken rule.
			t, _, err := mime.ParseMediaType(im.partType)
			if err != nil || !containsFold(rules.PartContentTypes, t) {
				return rulePartContentType
			}
		}
	}
	if len(data) == 0 {
		if mapped(ruleMissing) {
			return ruleMissing
		}
		return ""
	}
	format := wire.ImageFormat(data)
	if format == "" && sandboxField {
		return ""
	}
	if len(rules.Formats) > 0 && mapped(ruleFormat) && !containsFormat(rules.Formats, format) {
		return ruleFormat
	}
	if rules.MaxBytes > 0 && mapped(ruleSize) && len(data) > rules.MaxBytes {
		return ruleSize
	}
	if mapped(ruleDimensions) {
		if w, h, ok := wire.Dimensions(data); ok {
			if (rules.MinWidth > 0 && w < rules.MinWidth) || (rules.MinHeight > 0 && h < rules.MinHeight) ||
				(rules.MaxWidth > 0 && w > rules.MaxWidth) || (rules.MaxHeight > 0 && h > rules.MaxHeight) {
				return ruleDimensions
			}
		}
	}
	return ""
}

// isSandboxParam reports whether a body field is one of the operation's sandbox parameters.
func isSandboxParam(op *contract.Operation, field string) bool {
	for _, p := range op.Sandbox {
		if p.Parameter.Name == field && p.Parameter.In == "body" {
			return true
		}
	}
	return false
}

// isSandboxCode reports whether value is a sandbox code of the operation's body field.
func isSandboxCode(op *contract.Operation, field, value string) bool {
	for _, p := range op.Sandbox {
		if p.Parameter.Name != field || p.Parameter.In != "body" {
			continue
		}
		for _, c := range p.Codes {
			if c.Value == value {
				return true
			}
		}
	}
	return false
}

// isURL reports whether s starts with an http or https scheme (case-insensitive). Only the prefix is
// compared: lowering the whole value cost 11% of an OCR request's CPU (its image is the value).
func isURL(s string) bool {
	hasPrefixFold := func(p string) bool { return len(s) >= len(p) && strings.EqualFold(s[:len(p)], p) }
	return hasPrefixFold("https://") || hasPrefixFold("http://")
}

// containsFormat compares a sniffed format with the documented ones; "jpg" is "jpeg".
func containsFormat(formats []string, f string) bool {
	if f == "" {
		return false
	}
	for _, x := range formats {
		x = strings.ToLower(x)
		if x == "jpg" {
			x = "jpeg"
		}
		if x == f {
			return true
		}
	}
	return false
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(strings.TrimSpace(x), s) {
			return true
		}
	}
	return false
}

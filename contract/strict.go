package contract

import (
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/kontrak/kontrak/internal/wire"
)

// Byte-exact judging (issue 8): what encoding/json and gojsonschema accept without a word, and a client
// may read otherwise, is a finding here, one per cause.

// recoverInto turns a panic of a public entry point into an error naming its input: a library that a
// service calls on a garbage answer must answer, never crash the caller.
func recoverInto(err *error, format string, args ...any) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("%s: kontrak could not judge it (%v); please report it", fmt.Sprintf(format, args...), r)
	}
}

// contentEncoding undoes the answer's Content-Encoding; a body that does not decode is one finding naming
// the encoding, and nothing else is judged of it (its bytes are not the body the client reads).
func (c *checker) contentEncoding(resp *Response, header http.Header, body []byte) ([]byte, bool) {
	enc := header.Get("Content-Encoding")
	if enc == "" {
		return body, true
	}
	out, err := wire.DecodeContentEncoding(enc, body)
	if err != nil {
		src := c.op.Source.String()
		if resp != nil {
			src = resp.Source.String()
		}
		c.add(ContentEncodingUndecodable, "", "a body encoded as its Content-Encoding says", fmt.Sprintf("Content-Encoding %s on %d bytes that do not decode", enc, len(body)),
			"the body cannot be decoded: "+err.Error(), src)
		return nil, false
	}
	return out, true
}

// contentType judges the answer's Content-Type against the documented media type. An absent header is
// not judged (documents' examples carry none); JSON served as text/html is a finding.
func (c *checker) contentType(resp *Response, header http.Header) {
	got := header.Get("Content-Type")
	if resp == nil || resp.ContentType == "" || got == "" {
		return
	}
	want, _ := wire.MediaType(resp.ContentType)
	media, _ := wire.MediaType(got)
	if wire.IsJSONMedia(want) && wire.IsJSONMedia(media) || want == media {
		return
	}
	c.add(ContentTypeMismatch, "", "Content-Type "+resp.ContentType, "Content-Type "+got,
		fmt.Sprintf("the body is served as %s, documented as %s", media, want), resp.Source.String())
}

// strictNotes reports duplicate keys and numbers no client reads.
func (c *checker) strictNotes(sj wire.StrictJSON) {
	for _, p := range sj.Duplicates {
		c.add(DuplicateKey, p, "each key once in its object", "the key written more than once",
			"a duplicate key: clients disagree on which value wins (this check reads the last)", c.op.Source.String())
	}
	for _, p := range sj.OutOfRange {
		c.add(NumberOutOfRange, p, "a number within ±1.8e308 (IEEE 754 double)", "a number beyond it",
			"a number no JSON client reads as a number", c.op.Source.String())
	}
}

// validationDoc is the document the schema judges: numbers beyond float64 are clamped to its range (they
// are reported by strictNotes), since gojsonschema's const and enum re-decode a value into float64 and
// crash on one that does not fit. The document itself is left as it came.
func validationDoc(sj wire.StrictJSON) any {
	if len(sj.OutOfRange) == 0 {
		return sj.Doc
	}
	doc := copyDoc(sj.Doc)
	for _, p := range sj.OutOfRange {
		v, _ := wire.Get(doc, p)
		n, _ := v.(json.Number)
		clamped := json.Number("1.7976931348623157e308")
		if strings.HasPrefix(n.String(), "-") {
			clamped = "-" + clamped
		}
		if strings.Contains(strings.ToLower(n.String()), "e-") {
			clamped = "0"
		}
		doc, _ = wire.Set(doc, p, clamped)
	}
	return doc
}

func copyDoc(v any) any {
	switch t := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(t))
		for k, x := range t {
			m[k] = copyDoc(x)
		}
		return m
	case []any:
		a := make([]any, len(t))
		for i, x := range t {
			a[i] = copyDoc(x)
		}
		return a
	}
	return v
}

// fallback is the response whose schema judges a body on an undocumented status, so that the body is
// still judged (a missing billing flag is not hidden): the status its code's table row documents, else
// the documented body it breaks least.
func (c *checker) fallback(doc any) *Response {
	o := c.op
	if code, ok := lookupString(doc, o.Codes.Pointer); ok {
		if row := o.Codes.Lookup(code); row != nil {
			for _, st := range row.Statuses {
				for _, r := range o.Responses {
					if strings.EqualFold(r.Status, strings.TrimSpace(st)) && r.schema != nil {
						return r
					}
				}
			}
		}
	}
	var best *Response
	least := -1
	for _, r := range o.Responses {
		if r.schema == nil {
			continue
		}
		vs, err := r.schema.validate(validationDoc(wire.StrictJSON{Doc: doc}))
		if err != nil {
			continue
		}
		if least < 0 || len(vs) < least {
			best, least = r, len(vs)
		}
	}
	return best
}

// codeMissing reports a body that lacks its code but is, code aside, an error answer (a Verihubs in-200
// error without error_code) as one field-missing at the code's pointer, instead of every field of the
// success shape the schema falls back to. It reports whether it did.
func (c *checker) codeMissing(resp *Response, doc any, vs []violation, src string) bool {
	ptr := c.op.Codes.Pointer
	if len(vs) < 2 || ptr == "" {
		return false
	}
	if _, has := wire.Get(doc, ptr); has {
		return false
	}
	with, err := wire.Set(copyDoc(doc), ptr, "")
	if err != nil {
		return false
	}
	vs2, err := resp.schema.validate(with)
	if err != nil {
		return false
	}
	for _, v := range vs2 {
		if v.pointer != ptr && !strings.HasPrefix(v.pointer, ptr+"/") {
			return false
		}
	}
	field := ptr[strings.LastIndex(ptr, "/")+1:]
	c.add(FieldMissing, ptr, "field "+wire.Unescape(field)+" (the rest of the body is an error answer)", "absent",
		"the code is missing from an error answer", src)
	return true
}

// integers reports integral numbers written with a fraction or an exponent where the schema documents an
// integer: gojsonschema judges "integer" by value, and 1642580192430.0 passes it; a client's integer parser
// refuses it. The body is judged a second time with each such number made non-integral: the type errors
// that appear at those places are the ones the notation hides. Only bodies that carry such a number pay.
func (c *checker) integers(resp *Response, doc any, fractional []string, src string) {
	if len(fractional) == 0 {
		return
	}
	alt := copyDoc(doc)
	at := map[string]string{}
	for _, p := range fractional {
		v, _ := wire.Get(alt, p)
		n, _ := v.(json.Number)
		r, ok := new(big.Rat).SetString(n.String())
		if !ok {
			continue
		}
		r.Add(r, big.NewRat(1, 2))
		alt, _ = wire.Set(alt, p, json.Number(r.FloatString(1)))
		at[p] = n.String()
	}
	vs, err := resp.schema.validate(alt)
	if err != nil {
		return
	}
	seen := map[string]bool{}
	for _, v := range vs {
		written, ok := at[v.pointer]
		if !ok || v.kind != "invalid_type" || seen[v.pointer] || !strings.Contains(fmt.Sprint(v.details["expected"]), "integer") {
			continue
		}
		seen[v.pointer] = true
		c.add(NumberNotInteger, v.pointer, "an integer, written without fraction or exponent",
			"a number written as "+wire.Shape(written), "an integer written as a fraction: a client's integer parser refuses it", src)
	}
}

// valueText is a value as a finding may print it: quoted, unless its place holds personal data.
func (c *checker) valueText(pointer string, v any) string {
	if _, pii := c.op.PII[pointer]; pii {
		return shapeOf(v)
	}
	if _, ok := v.(string); !ok {
		return kindOf(v)
	}
	return quoteValue(v)
}

// constraintText says in words what a schema constraint asks, from gojsonschema's error kind and details.
func constraintText(v violation) string {
	d := func(k string) string { return fmt.Sprint(v.details[k]) }
	switch v.kind {
	case "number_gte":
		return "a number of at least " + d("min")
	case "number_gt":
		return "a number greater than " + d("min")
	case "number_lte":
		return "a number of at most " + d("max")
	case "number_lt":
		return "a number less than " + d("max")
	case "multiple_of":
		return "a multiple of " + d("multiple")
	case "string_gte":
		return "a text of at least " + d("min") + " characters"
	case "string_lte":
		return "a text of at most " + d("max") + " characters"
	case "array_min_items":
		return "at least " + d("min") + " items"
	case "array_max_items":
		return "at most " + d("max") + " items"
	case "unique":
		return "items each unique"
	case "array_min_properties":
		return "at least " + d("min") + " fields"
	case "array_max_properties":
		return "at most " + d("max") + " fields"
	case "missing_dependency":
		return "field " + d("dependency") + " alongside"
	case "number_not":
		return "a value the schema excludes (not)"
	case "contains":
		return "an item of the documented shape"
	case "array_no_additional_items":
		return "no items beyond the documented ones"
	case "invalid_property_name", "invalid_property_pattern":
		return "field names of the documented form"
	case "false":
		return "no value here"
	}
	return "the schema's constraint"
}

// headers judges the documented response headers: those the OpenAPI response declares (required ones
// must be there), and the header a code's table row documents (retryAfter). Each header once.
func (c *checker) headers(resp *Response, header http.Header, doc any) {
	type want struct {
		required bool
		example  string
		source   string
	}
	wants := map[string]*want{}
	var order []string
	note := func(name string, required bool, example, source string) {
		key := http.CanonicalHeaderKey(name)
		w, ok := wants[key]
		if !ok {
			w = &want{source: source}
			wants[key] = w
			order = append(order, key)
		}
		w.required = w.required || required
		if w.example == "" {
			w.example = example
		}
		if required && w.source == "" {
			w.source = source
		}
	}
	if resp != nil {
		for _, h := range resp.Headers {
			note(h.Name, h.Required, h.Example, resp.Source.String())
		}
	}
	if doc != nil {
		if code, ok := lookupString(doc, c.op.Codes.Pointer); ok {
			if row := c.op.Codes.Lookup(code); row != nil && row.RetryAfter != nil && row.RetryAfter.Header != "" {
				note(row.RetryAfter.Header, true, row.RetryAfter.Example, row.Source.String())
			}
		}
	}
	for _, name := range order {
		w := wants[name]
		val := strings.TrimSpace(header.Get(name))
		ptr := "/headers/" + wire.Escape(name)
		switch {
		case val == "" && w.required:
			c.add(HeaderMissing, ptr, "header "+name, "absent", "a documented response header is missing", w.source)
		case val != "" && strings.EqualFold(name, "Retry-After") && !retryAfterWellFormed(val, w.example):
			c.add(HeaderMalformed, ptr, "delay-seconds or an HTTP-date (RFC 9110 §10.2.3)", "a value shaped "+wire.Shape(val),
				"the header does not say how long to wait", w.source)
		}
	}
}

var delaySeconds = regexp.MustCompile(`^[0-9]+$`)

// retryAfterWellFormed accepts RFC 9110's forms (delay-seconds, HTTP-date), and the shape of the example
// the documents give when it is another ("10s"): what the vendor documents is what its clients parse.
func retryAfterWellFormed(v, example string) bool {
	if delaySeconds.MatchString(v) {
		return true
	}
	if _, err := http.ParseTime(v); err == nil {
		return true
	}
	if example != "" && !delaySeconds.MatchString(example) {
		if _, err := time.Parse(http.TimeFormat, example); err != nil {
			return collapseDigits(wire.Shape(v)) == collapseDigits(wire.Shape(example))
		}
	}
	return false
}

// collapseDigits makes "99a" and "9a" one shape: a documented "10s" accepts "5s" and "120s".
func collapseDigits(s string) string {
	return regexp.MustCompile(`9+`).ReplaceAllString(s, "9")
}

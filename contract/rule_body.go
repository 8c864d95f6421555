package contract

import (
	"bytes"
	"fmt"
	"maps"
	"mime"
	"regexp"
	"slices"
	"strings"

	"github.com/kontrak/kontrak/internal/wire"
)

// The encoding and body stages: the bytes of the answer as a client reads them — its Content-Encoding, JSON
// where JSON is documented, the media type it is served as, and what a lenient decoder lets through (a key
// written twice, a number no client reads).

// encodingStage undoes the answer's Content-Encoding; a body that does not decode is one finding naming
// the encoding, and nothing else is judged of it (its bytes are not the body the client reads).
func (c *checker) encodingStage() {
	c.body = c.raw
	if c.noHeader {
		if !c.noBody {
			c.skip(stageEncoding, noHeaders+": its Content-Encoding is unknown, and the body is read as it came")
		}
		return
	}
	enc := c.header.Get("Content-Encoding")
	if enc == "" {
		return
	}
	out, err := wire.DecodeContentEncoding(enc, c.raw)
	if err != nil {
		src := from(c.op.Source)
		if c.resp != nil {
			src = from(c.resp.Source)
		}
		c.add(ContentEncodingUndecodable, "", "", "a body encoded as its Content-Encoding says", fmt.Sprintf("Content-Encoding %s on %d bytes that do not decode", shownCoding(enc), len(c.raw)),
			src, wire.ShapeQuoted(err.Error()))
		c.stopped = true
		return
	}
	c.body = out
}

// bodyStage decodes the body byte-exactly (wire.DecodeJSONStrict); where the documented response is JSON
// and the body is not, that is one finding. A JSON body is then judged by the documented response of its
// status, or, on an undocumented status, by the one its code documents or it breaks least (fallback), and
// its media type and what the decoder listed (duplicate keys, numbers no client reads) are judged here.
func (c *checker) bodyStage() {
	if c.noBody {
		for _, st := range []string{stageBody, stageSchema, stageCodes, stageKTP} {
			c.skip(st, noBody)
		}
		return
	}
	c.sj, c.jerr = wire.DecodeJSONStrict(c.body)
	c.isJSON = c.jerr == nil
	if r := c.resp; r != nil && r.ContentType != "" && wire.IsJSONMedia(r.ContentType) && !c.isJSON {
		actual, why := "empty body", ""
		if len(bytes.TrimSpace(c.body)) > 0 {
			actual = fmt.Sprintf("non-JSON body of %d bytes", len(c.body))
			if ct := c.header.Get("Content-Type"); ct != "" {
				actual += " (" + ct + ")"
			}
			actual += ": " + c.jerr.Error()
			why = ": " + c.jerr.Error()
		}
		c.add(BodyNotJSON, "", "", r.ContentType, actual, from(r.Source), why)
	}
	if !c.isJSON {
		return
	}
	c.judged = c.resp
	if c.judged == nil {
		c.judged = c.fallback(c.sj.Doc)
	}
	c.contentType()
	for _, p := range c.sj.Duplicates {
		c.add(DuplicateKey, "", p, "each key once in its object", "the key written more than once", from(c.op.Source))
	}
	for _, p := range c.sj.OutOfRange {
		c.add(NumberOutOfRange, "", p, "a number within ±1.8e308 (IEEE 754 double)", "a number beyond it", from(c.op.Source))
	}
}

// contentType judges the answer's Content-Type against the documented media type. An absent header is
// not judged (documents' examples carry none); JSON served as text/html is a finding.
func (c *checker) contentType() {
	resp := c.judged
	got := c.header.Get("Content-Type")
	if resp == nil || resp.ContentType == "" || got == "" {
		return
	}
	want, _ := wire.MediaType(resp.ContentType)
	media, _ := wire.MediaType(got)
	if wire.IsJSONMedia(want) && wire.IsJSONMedia(media) || want == media {
		return
	}
	c.add(ContentTypeMismatch, "", "", "Content-Type "+resp.ContentType, "Content-Type "+shownMediaType(got), from(resp.Source), shownMediaType(media), want)
}

// shownMediaType is a media type that came in a header as a finding prints it: its type, subtype and
// parameters as they are where each is a safe name (or a short number), the rest by its shape; a value that
// is no media type by its shape. A Content-Type may carry anything ("text/plain; name=KANARI INDAH").
func shownMediaType(s string) string {
	mt, params, err := mime.ParseMediaType(s)
	if err != nil {
		return "(a value shaped " + wire.Shape(s) + ")"
	}
	safe := func(v string) bool { return SafeName(v) || len(v) <= 3 || knownShape.MatchString(v) }
	typ, sub, _ := strings.Cut(mt, "/")
	out := typ + "/" + sub
	if !wire.MediaTopLevel(typ) || !safe(strings.ReplaceAll(sub, "+", "-")) {
		out = wire.Shape(mt)
	}
	for _, k := range slices.Sorted(maps.Keys(params)) {
		v := params[k]
		if !safe(k) {
			k = wire.Shape(k)
		}
		if !safe(v) {
			v = wire.Shape(v)
		}
		out += "; " + k + "=" + v
	}
	return out
}

// shownCoding is a Content-Encoding as a finding prints it: a coding of the IANA HTTP Content Coding
// Registry as it is, anything else by its shape (the input's word: a name, a NIK).
func shownCoding(enc string) string {
	for _, c := range strings.Split(enc, ",") { // codings applied in turn: "gzip, br"
		if !wire.Coding(c) {
			return "(a coding shaped " + wire.Shape(enc) + ")"
		}
	}
	return enc
}

// knownShape is a parameter value written as charsets and versions are: "utf-8", "ISO-8859-1", "1.0".
var knownShape = regexp.MustCompile(`^[A-Za-z]{0,8}[-_]?[0-9]{1,4}(?:[-_.][0-9]{1,4}){0,2}$`)

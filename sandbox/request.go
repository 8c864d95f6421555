package sandbox

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/internal/wire"
	"github.com/kontrak/kontrak/match"
)

// request is an incoming request with its body read once and parsed by its media type, so that every
// rule reads fields by the spec's names whatever the body's encoding.
type request struct {
	r     *http.Request
	body  []byte
	media string
	json  map[string]any // a JSON object body (numbers as json.Number)
	form  url.Values     // an application/x-www-form-urlencoded body, or the value parts of a multipart one
	parts map[string]part
	// parsed says the body is what its media type says, whole: a JSON object and nothing after it, a
	// form, or a multipart body to its closing boundary.
	parsed bool
	// overBounds, when set, says why the body was not parsed: it has more fields or nesting than
	// Limits allow (bounds.go).
	overBounds string
	// canon is the request as the cassette matcher compares it, made on the first match.
	canon *match.CanonicalRequest
	// parsedBody and parseErr are wire.ParseBody of the body, kept for the matcher: the body is decoded
	// once, whatever rules read it (issue 24).
	parsedBody wire.Body
	parseErr   error
	// b64 is the image field's base64 decoded, for every rule that reads it (the image rule, the sandbox
	// rule, the matcher's hash): decoded once (issue 24 measured three decodes of every OCR request).
	b64 *decoded
}

// decoded is wire.DecodeBase64 of text.
type decoded struct {
	text string
	data []byte
	ok   bool
}

// decodeBase64 is wire.DecodeBase64(text), decoded once a request. Comparing text with the one decoded
// is cheap: it is the same string of the parsed body, and Go compares a string with itself by pointer.
func (q *request) decodeBase64(text string) ([]byte, bool) {
	if q.b64 == nil || q.b64.text != text {
		b, _, ok := wire.DecodeBase64(text)
		q.b64 = &decoded{text: text, data: b, ok: ok}
	}
	return q.b64.data, q.b64.ok
}

// base64Image is wire.Base64Image for the matcher, from the decode the rules made when s is the image.
func (q *request) base64Image(s string) ([]byte, bool) {
	if q.b64 != nil && q.b64.text == s {
		return wire.Base64ImageFrom(s, q.b64.data, q.b64.ok)
	}
	return wire.Base64Image(s)
}

// part is a multipart part: a file part's bytes are content, a value part's are text.
type part struct {
	contentType string
	data        []byte
	file        bool
}

// read parses the body by its media type, once its structure is known to be within the limits.
func (q *request) read(body []byte, lim Limits) {
	q.body = body
	ct := q.r.Header.Get("Content-Type")
	if media, _ := wire.MediaType(ct); media == "" && q.r.Method == http.MethodGet && wire.LooksJSON(body) {
		// A GET's body without a Content-Type is read as JSON when it looks like JSON: a GET that carries
		// its parameters in a JSON body (Verihubs' result, by its document's own reading) often sends none.
		// A body sent with any other method is of the type it says, and one that says none is not the
		// documented type (strict.go answers it as the vendor answers another type; FuzzServe holds it).
		ct = wire.MediaJSON
	}
	media, params := wire.MediaType(ct)
	q.media = media
	if why := overBounds(media, params, body, lim); why != "" {
		q.overBounds = why
		return
	}
	b, err := wire.ParseBody(ct, body)
	q.parsedBody, q.parseErr = b, err
	q.media = b.Media
	switch {
	case b.IsJSON:
		q.json, _ = b.JSON.(map[string]any) // only an object has fields
		q.parsed = q.json != nil
	case b.Form != nil && err == nil:
		q.form, q.parsed = b.Form, true
	case b.Media == wire.MediaMultipart:
		// A body that is not what its type says holds what was read before the fault, and no more.
		q.form, q.parts, q.parsed = url.Values{}, map[string]part{}, err == nil
		for _, p := range b.Parts {
			if p.Name == "" {
				continue
			}
			if _, seen := q.parts[p.Name]; !seen {
				q.parts[p.Name] = part{contentType: p.Header.Get("Content-Type"), data: p.Data, file: p.IsFile()}
			}
			if !p.IsFile() {
				q.form.Add(p.Name, string(p.Data))
			}
		}
	}
}

// picture reports whether the request's image field, where it is also a sandbox parameter, carries a
// picture or an image URL rather than a sandbox code: a production request (sandbox.go).
func (q *request) picture(op *contract.Operation) bool {
	field, rules := op.ImageField()
	if field == "" || rules == nil || !isSandboxParam(op, field) {
		return false
	}
	im := q.image(field, rules)
	switch {
	case !im.present:
		return false
	case im.isText && rules.URLAccepted && isURL(im.text):
		return true
	case im.isText && rules.Encoding == "base64":
		b, ok := q.decodeBase64(im.text)
		return ok && wire.ImageFormat(b) != ""
	}
	return wire.ImageFormat(im.data) != ""
}

// fieldNames lists the body's field names: JSON members, form fields, multipart parts.
func (q *request) fieldNames() []string {
	switch {
	case q.json != nil:
		return sortedKeys(q.json)
	case q.parts != nil:
		return sortedKeys(q.parts)
	case q.form != nil:
		return sortedKeys(q.form)
	}
	return nil
}

// field reads a body field as text: a JSON string as itself, a number or boolean in its JSON form, null
// as "", anything else as its JSON; a form or multipart value as it is.
func (q *request) field(name string) (string, bool) {
	if q.json != nil {
		v, ok := q.json[name]
		if !ok {
			return "", false
		}
		switch t := v.(type) {
		case nil:
			return "", true
		case string:
			return t, true
		case json.Number:
			return t.String(), true
		case bool:
			return strconv.FormatBool(t), true
		default:
			b, _ := json.Marshal(t)
			return string(b), true
		}
	}
	if q.form != nil && q.form.Has(name) {
		return q.form.Get(name), true
	}
	return "", false
}

// param reads a documented parameter where the spec puts it. A query parameter is also read from the
// body, by its name: a document that lists a GET's parameter under "Body Parameters" (Verihubs' result,
// contradiction reference-id-body-or-query) is answered either way.
func (q *request) param(in, name string) (string, bool) {
	switch in {
	case "query":
		if v := q.r.URL.Query(); v.Has(name) {
			return v.Get(name), true
		}
		return q.field(name)
	case "header":
		if vs := q.r.Header.Values(name); len(vs) > 0 {
			return vs[0], true
		}
		return "", false
	default:
		return q.field(name)
	}
}

// credential reads the value a security scheme carries: a header or query parameter, less the "Bearer "
// of an http bearer scheme (the scheme's name is case-insensitive, RFC 9110).
func (q *request) credential(sc contract.SecurityScheme) (string, bool) {
	var v string
	var ok bool
	switch sc.In {
	case "query":
		vals := q.r.URL.Query()
		v, ok = vals.Get(sc.Header), vals.Has(sc.Header)
	case "cookie":
		if c, err := q.r.Cookie(sc.Header); err == nil {
			v, ok = c.Value, true
		}
	default:
		vs := q.r.Header.Values(sc.Header)
		if len(vs) > 0 {
			v, ok = vs[0], true
		}
	}
	if ok && sc.Type == "http" && strings.EqualFold(sc.Scheme, "bearer") {
		scheme, token, found := strings.Cut(v, " ")
		if !found || !strings.EqualFold(scheme, "bearer") {
			return "", false
		}
		v = strings.TrimSpace(token)
	}
	return v, ok
}

// upload is the request's image field as the spec's rules read it.
type upload struct {
	present  bool
	text     string // the field's text (base64, a URL, a sandbox code), when it travels as text
	isText   bool
	notText  bool // a JSON value that is not a string
	data     []byte
	partType string // the multipart part's Content-Type
	isPart   bool
}

func (q *request) image(field string, rules *contract.ImageRules) upload {
	if q.parts != nil {
		p, ok := q.parts[field]
		if !ok {
			return upload{}
		}
		if rules.Encoding == "base64" {
			return upload{present: true, text: string(p.data), isText: true}
		}
		return upload{present: true, data: p.data, partType: p.contentType, isPart: true}
	}
	if q.json != nil {
		v, ok := q.json[field]
		if !ok || v == nil {
			return upload{}
		}
		s, isString := v.(string)
		if !isString {
			return upload{present: true, notText: true}
		}
		return upload{present: s != "", text: s, isText: true}
	}
	s, ok := q.field(field)
	if !ok {
		return upload{}
	}
	if rules.Encoding != "base64" {
		return upload{present: s != "", data: []byte(s)}
	}
	return upload{present: s != "", text: s, isText: true}
}

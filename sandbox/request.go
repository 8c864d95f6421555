package sandbox

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/kontrak/kontrak/contract"
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
}

// part is a multipart part: a file part's bytes are content, a value part's are text.
type part struct {
	contentType string
	data        []byte
	file        bool
}

func readRequest(r *http.Request, body []byte) *request {
	q := &request{r: r, body: body}
	ct := r.Header.Get("Content-Type")
	media, params, err := mime.ParseMediaType(ct)
	if err != nil {
		media, _, _ = strings.Cut(ct, ";")
		media = strings.ToLower(strings.TrimSpace(media))
	}
	q.media = media
	switch {
	case media == "application/json" || strings.HasSuffix(media, "+json") || (media == "" && looksJSON(body)):
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		var obj map[string]any
		if dec.Decode(&obj) == nil && obj != nil {
			q.json = obj
			_, err := dec.Token()
			q.parsed = errors.Is(err, io.EOF)
		}
	case media == "application/x-www-form-urlencoded":
		if v, err := url.ParseQuery(string(body)); err == nil {
			q.form, q.parsed = v, true
		}
	case media == "multipart/form-data":
		q.form, q.parts, q.parsed = readMultipart(params["boundary"], body)
	}
	return q
}

// looksJSON lets a body without a Content-Type be read as JSON when it is an object: a GET that carries
// its parameters in a JSON body (Verihubs' result, by its document's own reading) often sends none.
func looksJSON(b []byte) bool {
	b = bytes.TrimSpace(b)
	return len(b) > 0 && b[0] == '{'
}

func readMultipart(boundary string, body []byte) (url.Values, map[string]part, bool) {
	form, parts := url.Values{}, map[string]part{}
	if boundary == "" {
		return form, parts, false
	}
	mr := multipart.NewReader(bytes.NewReader(body), boundary)
	for {
		p, err := mr.NextPart()
		if err != nil {
			// io.EOF ends the body; anything else is a body that is not what its type says: what was read
			// so far is all there is.
			return form, parts, errors.Is(err, io.EOF)
		}
		data, err := io.ReadAll(p)
		if err != nil && !errors.Is(err, io.EOF) {
			return form, parts, false
		}
		name := p.FormName()
		if name == "" {
			continue
		}
		if _, seen := parts[name]; !seen {
			parts[name] = part{contentType: p.Header.Get("Content-Type"), data: data, file: p.FileName() != ""}
		}
		if p.FileName() == "" {
			form.Add(name, string(data))
		}
	}
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

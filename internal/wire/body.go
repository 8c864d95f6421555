package wire

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"mime/quotedprintable"
	"net/http"
	"net/textproto"
	"net/url"
	"strings"
)

// Body is a request or answer body read by its media type. Exactly one of JSON, Form and Parts is set
// when the type is one of those and the body is what its type says.
type Body struct {
	Media string // the media type, lowercased, without parameters ("" when none was given)
	// JSON is the decoded document of a JSON body (numbers as json.Number, so ids keep their digits).
	JSON any
	// IsJSON is true when JSON was decoded (a JSON null leaves JSON nil).
	IsJSON bool
	// Form is an application/x-www-form-urlencoded body.
	Form url.Values
	// Parts are the parts of a multipart/form-data body, in order.
	Parts []Part
}

// Part is one part of a multipart body.
type Part struct {
	Header   textproto.MIMEHeader // as written, Content-Transfer-Encoding included
	Name     string               // the form name of its Content-Disposition
	FileName string               // its file name; "" for a value part
	Raw      []byte               // the content as transmitted
	Data     []byte               // the content decoded (quoted-printable undone), what a server reads
}

// IsFile reports whether the part is a file part: its bytes are content, not text.
func (p Part) IsFile() bool { return p.FileName != "" }

// ParseBody reads body by the media type of contentType: JSON (IsJSONMedia), a form, or multipart
// form-data. Any other type gives a Body with only Media set, and no error. An error says the body is not
// what its type says; for a multipart body, the parts read before the error are returned with it.
func ParseBody(contentType string, body []byte) (Body, error) {
	media, params := MediaType(contentType)
	b := Body{Media: media}
	var err error
	switch {
	case IsJSONMedia(media):
		b.JSON, err = DecodeJSON(body)
		b.IsJSON = err == nil
	case media == MediaForm:
		b.Form, err = ParseForm(string(body))
	case media == MediaMultipart:
		b.Parts, err = ParseMultipart(Boundary(params, body), body)
	}
	return b, err
}

// Boundary is a multipart body's boundary: its Content-Type parameter, or, when that is missing (a
// hand-written cassette), the body's first line less its "--". "" when neither gives one.
func Boundary(params map[string]string, body []byte) string {
	if b := params["boundary"]; b != "" {
		return b
	}
	first, _, _ := bytes.Cut(body, []byte("\n"))
	b, ok := strings.CutPrefix(strings.TrimRight(string(first), "\r"), "--")
	if !ok {
		return ""
	}
	return b
}

// ParseMultipart reads the parts of a multipart body. Each keeps its headers and raw content (so that a
// rewriter can write an untouched part back byte for byte) and its decoded content.
func ParseMultipart(boundary string, body []byte) ([]Part, error) {
	if boundary == "" {
		return nil, errors.New("multipart: no boundary")
	}
	var parts []Part
	mr := multipart.NewReader(bytes.NewReader(body), boundary)
	for {
		p, err := mr.NextRawPart()
		if errors.Is(err, io.EOF) {
			return parts, nil
		}
		if err != nil {
			return parts, fmt.Errorf("multipart part %d: %w", len(parts)+1, err)
		}
		raw, err := io.ReadAll(p)
		if err != nil {
			return parts, fmt.Errorf("multipart part %d: %w", len(parts)+1, err)
		}
		data := raw
		if strings.EqualFold(p.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
			if data, err = io.ReadAll(quotedprintable.NewReader(bytes.NewReader(raw))); err != nil {
				return parts, fmt.Errorf("multipart part %d: quoted-printable: %w", len(parts)+1, err)
			}
		}
		parts = append(parts, Part{Header: p.Header, Name: p.FormName(), FileName: p.FileName(), Raw: raw, Data: data})
	}
}

// BufferBody reads *body whole, closes it and puts a reader of the same bytes in its place: for a
// transport that looks at an answer and passes it on unchanged. On a read error *body is left closed.
func BufferBody(body *io.ReadCloser) ([]byte, error) {
	b, err := io.ReadAll(*body)
	(*body).Close()
	if err != nil {
		return nil, err
	}
	*body = io.NopCloser(bytes.NewReader(b))
	return b, nil
}

// RoundTripWhole sends r through next and reads the answer's body whole (BufferBody): for a transport
// that looks at each answer and passes it on unchanged.
func RoundTripWhole(next http.RoundTripper, r *http.Request) (*http.Response, []byte, error) {
	resp, err := next.RoundTrip(r)
	if err != nil {
		return nil, nil, err
	}
	body, err := BufferBody(&resp.Body)
	if err != nil {
		return nil, nil, err
	}
	return resp, body, nil
}

package traffic

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/internal/wire"
)

// The parts of a HAR 1.2 entry (http://www.softwareishard.com/blog/har-12-spec/) that kontrak reads.
// Everything else (timings, cache, cookies, pages) is skipped unread.
type harEntry struct {
	StartedDateTime string `json:"startedDateTime"`
	Request         struct {
		Method   string       `json:"method"`
		URL      string       `json:"url"`
		Headers  []harHeader  `json:"headers"`
		PostData *harPostData `json:"postData"`
	} `json:"request"`
	Response struct {
		Status int `json:"status"`
		// Headers is nil when the entry has none (no member, or null): not carried. An empty list is
		// carried, and empty.
		Headers []harHeader `json:"headers"`
		Content struct {
			MimeType string `json:"mimeType"`
			// Text is nil when the exporter left the body out (a browser does for a body it did not
			// keep; Firefox says so in content.comment): not carried, never an empty body.
			Text     *string `json:"text"`
			Encoding string  `json:"encoding"`
		} `json:"content"`
		// Error is Chrome's mark of a request that failed ("net::ERR_ABORTED", "net::ERR_FAILED", …): with
		// status 0 it got no answer; with a status, the answer began and its body may not have come whole.
		Error string `json:"_error"`
	} `json:"response"`
}

type harPostData struct {
	MimeType string     `json:"mimeType"`
	Text     string     `json:"text"`
	Encoding string     `json:"encoding"` // not in HAR 1.2; some exporters (mitmproxy) write it
	Params   []harParam `json:"params"`
}

type harParam struct {
	Name        string `json:"name"`
	Value       string `json:"value"`
	FileName    string `json:"fileName"`
	ContentType string `json:"contentType"`
}

type harHeader struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// ReadHAR streams the entries of a HAR 1.2 file (`log.entries`), as browsers, mitmproxy, Charles and
// Redocly's proxy export them: one entry decoded at a time, the rest of the file never held. A response's
// `content.text` is taken as the body the client read (base64-decoded when `content.encoding` says so);
// a request's `postData` gives the request body, rebuilt from `params` when it has no text. It never
// panics: any input is read or refused with an error naming the entry.
//
// What an entry does not carry is not judged, never taken as absent: a response without `content.text`
// (a browser leaves out a body it did not keep) is Exchange.NoBody, one without `headers` NoHeader; an
// empty text is an empty body, an empty header list carries no header. A response of status 0 (what
// Chrome and Firefox write for a request that got no answer) is Exchange.Incomplete, aborted: inconclusive,
// never drift. A response with a status and Chrome's `_error` mark began but failed: its status and headers
// are judged, its body, which may be cut, is not (NoBody).
func ReadHAR(r io.Reader, lim Limits, fn func(i int, ex *contract.Exchange) error) error {
	return splitHAR(r, lim, decodeEach(fn))
}

// splitHAR cuts the entries of a HAR file into records, each its entry's own bytes. The file is read by
// the lexer as a stream (wire.NewJSONDecoder): the top-level object, its log and the log's entries are
// read token by token, every other value is skipped (and checked) without being held, and each entry is
// read whole, checked, and copied out for a worker to decode. The file must be one JSON object and nothing
// more: data after it (a second HAR, garbage) is an error with its byte offset, not a file read as if whole.
func splitHAR(r io.Reader, lim Limits, fn func(record) error) (err error) {
	defer unreadable("HAR", &err)
	s := newHARStream(r)
	d := s.dec
	s.allow(nameMax)
	if d.PeekKind() != '{' {
		return errNotHAR
	}
	if _, err := d.ReadToken(); err != nil {
		return errNotHAR
	}
	sawLog := false
	for {
		s.allow(nameMax)
		if d.PeekKind() == '}' {
			if _, err := d.ReadToken(); err != nil {
				return s.topError(err)
			}
			break
		}
		tok, err := d.ReadToken()
		if err != nil {
			return s.topError(err)
		}
		name := tok.String()
		if name != "log" {
			// A value outside the entries (pages, creator, comments) is small, or is refused at this bound.
			if err := s.skip(lim.max()); err != nil {
				return fmt.Errorf("HAR: %s: %v", contract.ShownName(name), err)
			}
			continue
		}
		sawLog = true
		if err := readLog(s, lim, fn); err != nil {
			return err
		}
	}
	if err := s.end(); err != nil {
		return err
	}
	if !sawLog {
		return errors.New("HAR: not a HAR file: no log object")
	}
	return nil
}

var errNotHAR = errors.New("HAR: not a HAR file: the top level is not an object")

// nameMax bounds what is read between two values: a member name, a delimiter and white space.
const nameMax = 1 << 20

func readLog(s *harStream, lim Limits, fn func(record) error) error {
	d := s.dec
	s.allow(nameMax)
	if d.PeekKind() != '{' {
		return errors.New("HAR: log is not an object")
	}
	if _, err := d.ReadToken(); err != nil {
		return errors.New("HAR: log is not an object")
	}
	// An entry holds its bodies, base64 at worst, and headers: twice the interaction limit bounds it.
	entryMax := 2*lim.max() + 1<<20
	for {
		s.allow(nameMax)
		if d.PeekKind() == '}' {
			_, err := d.ReadToken()
			if err != nil {
				return s.topError(err)
			}
			return nil
		}
		tok, err := d.ReadToken()
		if err != nil {
			return s.topError(err)
		}
		if name := tok.String(); name != "entries" {
			if err := s.skip(lim.max()); err != nil {
				return fmt.Errorf("HAR: log.%s: %v", contract.ShownName(name), err)
			}
			continue
		}
		if d.PeekKind() != '[' {
			return errors.New("HAR: log.entries is not an array")
		}
		if _, err := d.ReadToken(); err != nil {
			return errors.New("HAR: log.entries is not an array")
		}
		for i := 0; ; i++ {
			s.allow(entryMax)
			if d.PeekKind() == ']' {
				if _, err := d.ReadToken(); err != nil {
					return fmt.Errorf("HAR: entry %d: %v", i, s.why(err, entryMax))
				}
				break
			}
			v, err := d.ReadValue()
			if err == nil && len(v) > entryMax {
				err = errOverLimit
			}
			if err != nil {
				return fmt.Errorf("HAR: entry %d: %v", i, s.why(err, entryMax))
			}
			own, index := holdBytes(v), i // v is the decoder's, until its next read
			if err := fn(record{index, len(v), func() (*contract.Exchange, error) {
				raw, done := own.take()
				if done {
					return nil, errDecodedTwice
				}
				defer own.release()
				e, err := decodeEntry(raw)
				if err != nil {
					return nil, fmt.Errorf("HAR: entry %d: %v", index, err)
				}
				ex, err := e.exchange(index, lim)
				if err != nil {
					return nil, fmt.Errorf("HAR: entry %d: %v", index, err)
				}
				return ex, nil
			}}); err != nil {
				return err
			}
		}
	}
}

// decodeEntry decodes an entry as encoding/json's Unmarshal decodes it into harEntry (names matched without
// regard to case, a field given twice merged), by the lexer: wire.UnmarshalJSON, with the one UTF-8
// policy. FuzzFastEntry holds it to encoding/json's reading.
func decodeEntry(raw []byte) (harEntry, error) {
	var e harEntry
	if err := wire.UnmarshalJSON(raw, &e); err != nil {
		return harEntry{}, errors.New(wire.OneLine(err.Error()))
	}
	return e, nil
}

// harStream is a HAR file as the lexer reads it.
type harStream struct {
	dec *jsontext.Decoder
	in  *capped
}

func newHARStream(r io.Reader) *harStream {
	in := &capped{r: r}
	return &harStream{dec: wire.NewJSONDecoder(in), in: in}
}

// capped lets the lexer read no further than its limit: a value is bounded by what is read, not held
// whole before it is measured.
type capped struct {
	r     io.Reader
	read  int64 // bytes handed to the lexer so far
	limit int64
}

var errOverLimit = errors.New("over the limit")

func (c *capped) Read(p []byte) (int, error) {
	room := c.limit - c.read
	if room <= 0 {
		return 0, errOverLimit
	}
	if int64(len(p)) > room {
		p = p[:room]
	}
	n, err := c.r.Read(p)
	c.read += int64(n)
	return n, err
}

// allow lets the next value take n bytes (and a little white space) past where the lexer stands: the
// bound of what is read, whatever the value; a value is then held to n exactly once read.
func (s *harStream) allow(n int) { s.in.limit = s.dec.InputOffset() + int64(n) + 4096 }

// skip reads a value that is not used, token by token (it is never held whole), no longer than limit.
func (s *harStream) skip(limit int) error {
	s.allow(limit)
	start := s.dec.InputOffset()
	err := s.dec.SkipValue()
	if err == nil && s.dec.InputOffset()-start > int64(limit) {
		err = errOverLimit
	}
	if err != nil {
		return s.why(err, limit)
	}
	return nil
}

// why words an error of the lexer on a value bounded by limit.
func (s *harStream) why(err error, limit int) error {
	if errors.Is(err, errOverLimit) {
		return fmt.Errorf("longer than the limit of %d bytes", limit)
	}
	return wire.JSONErrorOf(err, s.in.read)
}

// topError words an error of the lexer between the values of the top-level object or the log.
func (s *harStream) topError(err error) error {
	je := wire.JSONErrorOf(err, s.in.read)
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return errors.New("HAR: cut short: the file ends inside its top-level object")
	}
	if errors.Is(err, errOverLimit) {
		return fmt.Errorf("HAR: not a HAR file: a member name longer than the limit of %d bytes", nameMax)
	}
	return fmt.Errorf("HAR: not a HAR file: %v", je)
}

// end refuses anything but white space after the top-level object: a second JSON value (a HAR file
// appended to another) or garbage.
func (s *harStream) end() error {
	d := s.dec
	s.allow(nameMax)
	switch d.PeekKind() {
	case 0:
		_, err := d.ReadToken()
		if errors.Is(err, io.EOF) {
			return nil
		}
		var je *wire.JSONError
		if errors.Is(err, errOverLimit) {
			je = &wire.JSONError{Offset: d.InputOffset()}
		} else {
			je = wire.JSONErrorOf(err, s.in.read)
		}
		return fmt.Errorf("HAR: data after the top-level object at byte %d", je.Offset)
	case '{', '[':
		_, _ = d.ReadToken()
		return fmt.Errorf("HAR: a second JSON value after the top-level object, at byte %d", d.InputOffset()-1)
	}
	v, err := d.ReadValue()
	if err != nil {
		return fmt.Errorf("HAR: data after the top-level object at byte %d", wire.JSONErrorOf(err, s.in.read).Offset)
	}
	return fmt.Errorf("HAR: a second JSON value after the top-level object, at byte %d", d.InputOffset()-int64(len(v)))
}

// harHeaders is a header of name/value pairs, as http.Header.Add builds it; the values of names given
// once share one backing array (one allocation for the header, not one a name, as net/textproto's
// reader does: the HAR reader's largest allocation after the entry's own bytes).
func harHeaders(hs []harHeader) http.Header {
	h := make(http.Header, len(hs))
	backing := make([]string, len(hs))
	for i, kv := range hs {
		if kv.Name == "" || strings.HasPrefix(kv.Name, ":") {
			continue // HTTP/2 pseudo-headers (:status, :path) are not headers
		}
		k := textproto.CanonicalMIMEHeaderKey(kv.Name)
		if vs, ok := h[k]; ok {
			h[k] = append(vs, kv.Value) // a full slice: its own array from here on
			continue
		}
		backing[i] = kv.Value
		h[k] = backing[i : i+1 : i+1]
	}
	return h
}

func (e *harEntry) exchange(i int, lim Limits) (*contract.Exchange, error) {
	if e.Request.Method == "" || e.Request.URL == "" {
		return nil, errors.New("no request method or url")
	}
	u, err := url.Parse(e.Request.URL)
	if err != nil {
		return nil, fmt.Errorf("bad request url: %s", wire.ShapeQuoted(wire.URLFault(err)))
	}
	ex := &contract.Exchange{
		ID: i, Method: strings.ToUpper(e.Request.Method), URL: e.Request.URL, Path: u.Path,
		RequestHeader: harHeaders(e.Request.Headers), Status: e.Response.Status,
		Header: harHeaders(e.Response.Headers), NoHeader: e.Response.Headers == nil,
	}
	if ex.Status == 0 {
		ex.Incomplete = contract.Aborted
	}
	if t, err := time.Parse(time.RFC3339Nano, e.StartedDateTime); err == nil {
		ex.Time = t
	}
	if pd := e.Request.PostData; pd != nil {
		ex.RequestBody, err = decodeText(pd.Text, pd.Encoding, lim)
		if err != nil {
			return nil, fmt.Errorf("request postData: %v", err)
		}
		if len(ex.RequestBody) == 0 && len(pd.Params) > 0 {
			ex.RequestBody = rebuildParams(pd.MimeType, pd.Params)
		}
	}
	c := e.Response.Content
	switch {
	case c.Text == nil, e.Response.Error != "":
		ex.NoBody = true
	default:
		if ex.Body, err = decodeText(*c.Text, c.Encoding, lim); err != nil {
			return nil, fmt.Errorf("response content: %v", err)
		}
	}
	if ex.Header.Get("Content-Type") == "" && c.MimeType != "" {
		ex.Header.Set("Content-Type", c.MimeType)
	}
	normalise(ex, lim.max())
	return ex, nil
}

func decodeText(text, encoding string, lim Limits) ([]byte, error) {
	if len(text) > lim.max()*4/3+4 {
		return nil, fmt.Errorf("body over the limit of %d bytes", lim.max())
	}
	b, known, err := decodeEncoded(text, encoding, "")
	if !known {
		return nil, fmt.Errorf("unknown encoding %s", contract.ShownName(encoding))
	}
	return b, err
}

// decodeEncoded is s as its encoding (any case) writes it: s itself under one of the plain encodings,
// decoded under base64; known is false for any other encoding.
func decodeEncoded(s, encoding string, plain ...string) (b []byte, known bool, err error) {
	e := strings.ToLower(encoding)
	if slices.Contains(plain, e) {
		return []byte(s), true, nil
	}
	if e != "base64" {
		return nil, false, nil
	}
	if b, err = base64.StdEncoding.DecodeString(s); err != nil {
		return nil, true, fmt.Errorf("base64: %v", err)
	}
	return b, true, nil
}

// rebuildParams writes a request body from HAR params: multipart when the mime type says so, else a form.
func rebuildParams(mime string, params []harParam) []byte {
	var b bytes.Buffer
	if strings.HasPrefix(strings.ToLower(mime), "multipart/") {
		w := multipart.NewWriter(&b)
		if _, after, ok := strings.Cut(mime, "boundary="); ok {
			_ = w.SetBoundary(strings.Trim(after, `"`))
		}
		for _, p := range params {
			h := textproto.MIMEHeader{}
			disp := fmt.Sprintf(`form-data; name=%q`, p.Name)
			if p.FileName != "" {
				disp += fmt.Sprintf(`; filename=%q`, p.FileName)
			}
			h.Set("Content-Disposition", disp)
			if p.ContentType != "" {
				h.Set("Content-Type", p.ContentType)
			}
			if pw, err := w.CreatePart(h); err == nil {
				_, _ = io.WriteString(pw, p.Value)
			}
		}
		_ = w.Close()
		return b.Bytes()
	}
	v := url.Values{}
	for _, p := range params {
		v.Add(p.Name, p.Value)
	}
	return []byte(v.Encode())
}

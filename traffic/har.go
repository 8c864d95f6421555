package traffic

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"strings"
	"time"

	"github.com/kontrak/kontrak/contract"
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
		Status  int         `json:"status"`
		Headers []harHeader `json:"headers"`
		Content struct {
			MimeType string `json:"mimeType"`
			Text     string `json:"text"`
			Encoding string `json:"encoding"`
		} `json:"content"`
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
func ReadHAR(r io.Reader, lim Limits, fn func(i int, ex *contract.Exchange) error) error {
	return splitHAR(r, lim, decodeEach(fn))
}

// splitHAR cuts the entries of a HAR file into records, each its entry's own bytes.
func splitHAR(r io.Reader, lim Limits, fn func(record) error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("HAR: unreadable (internal error: %v)", p)
		}
	}()
	br := buffered(r)
	s := &jstream{br: br}
	if !s.expect('{') {
		return errNotHAR
	}
	// A value outside the entries (pages, creator, comments) is small, or is refused at this bound.
	skipMax := lim.max()
	sawLog := false
	err = s.members(func(name string) error {
		if name != "log" {
			if err := s.skip(skipMax); err != nil {
				return &harError{fmt.Sprintf("HAR: %s: %v", name, err)}
			}
			return nil
		}
		sawLog = true
		return readLog(s, lim, fn)
	})
	var he *harError
	switch {
	case errors.As(err, &he):
		return errors.New(he.msg)
	case errors.Is(err, io.ErrUnexpectedEOF) && !isFnErr(err):
		return errors.New("HAR: cut short: the file ends inside its top-level object")
	case err != nil && !errors.Is(err, errStopped) && !isFnErr(err):
		return fmt.Errorf("HAR: not a HAR file: %v", err)
	case err != nil:
		return unwrapFn(err)
	case !sawLog:
		return errors.New("HAR: not a HAR file: no log object")
	}
	return nil
}

// harError is an error of the reader that already says where it is.
type harError struct{ msg string }

func (e *harError) Error() string { return e.msg }

// fnError carries an error of the caller's fn through the reader, untouched.
type fnError struct{ err error }

func (e *fnError) Error() string { return e.err.Error() }

func isFnErr(err error) bool {
	var fe *fnError
	return errors.As(err, &fe)
}

func unwrapFn(err error) error {
	var fe *fnError
	if errors.As(err, &fe) {
		return fe.err
	}
	return err
}

func readLog(s *jstream, lim Limits, fn func(record) error) error {
	if !s.expect('{') {
		return &harError{"HAR: log is not an object"}
	}
	// An entry holds its bodies, base64 at worst, and headers: twice the interaction limit bounds it.
	entryMax := 2*lim.max() + 1<<20
	return s.members(func(name string) error {
		if name != "entries" {
			if err := s.skip(lim.max()); err != nil {
				return &harError{fmt.Sprintf("HAR: log.%s: %v", name, err)}
			}
			return nil
		}
		if !s.expect('[') {
			return &harError{"HAR: log.entries is not an array"}
		}
		for i := 0; ; i++ {
			c, err := s.peek()
			if err != nil {
				return &harError{fmt.Sprintf("HAR: entry %d: %v", i, err)}
			}
			if c == ']' {
				_, _ = s.br.ReadByte()
				return nil
			}
			if i > 0 {
				if c != ',' {
					return &harError{fmt.Sprintf("HAR: entry %d: invalid character %q after an entry", i, c)}
				}
				_, _ = s.br.ReadByte()
			}
			raw, err := s.value(nil, entryMax)
			if err != nil {
				return &harError{fmt.Sprintf("HAR: entry %d: %v", i, err)}
			}
			index := i
			if err := fn(record{index, func() (*contract.Exchange, error) {
				e, ok := fastEntry(raw)
				if !ok {
					e = harEntry{}
					if err := json.Unmarshal(raw, &e); err != nil {
						return nil, fmt.Errorf("HAR: entry %d: %v", index, err)
					}
				}
				ex, err := e.exchange(index, lim)
				if err != nil {
					return nil, fmt.Errorf("HAR: entry %d: %v", index, err)
				}
				return ex, nil
			}}); err != nil {
				return &fnError{err}
			}
		}
	})
}

func harHeaders(hs []harHeader) http.Header {
	h := make(http.Header, len(hs))
	for _, kv := range hs {
		if kv.Name == "" || strings.HasPrefix(kv.Name, ":") {
			continue // HTTP/2 pseudo-headers (:status, :path) are not headers
		}
		h.Add(kv.Name, kv.Value)
	}
	return h
}

func (e *harEntry) exchange(i int, lim Limits) (*contract.Exchange, error) {
	if e.Request.Method == "" || e.Request.URL == "" {
		return nil, errors.New("no request method or url")
	}
	u, err := url.Parse(e.Request.URL)
	if err != nil {
		return nil, fmt.Errorf("bad request url: %v", err)
	}
	ex := &contract.Exchange{
		ID: i, Method: strings.ToUpper(e.Request.Method), URL: e.Request.URL, Path: u.Path,
		RequestHeader: harHeaders(e.Request.Headers), Status: e.Response.Status,
		Header: harHeaders(e.Response.Headers),
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
	ex.Body, err = decodeText(c.Text, c.Encoding, lim)
	if err != nil {
		return nil, fmt.Errorf("response content: %v", err)
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
	switch strings.ToLower(encoding) {
	case "":
		return []byte(text), nil
	case "base64":
		b, err := base64.StdEncoding.DecodeString(text)
		if err != nil {
			return nil, fmt.Errorf("base64: %v", err)
		}
		return b, nil
	}
	return nil, fmt.Errorf("unknown encoding %q", encoding)
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

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

	"github.com/kontrak/kontrak/recorder"
)

// The parts of a HAR 1.2 entry (http://www.softwareishard.com/blog/har-12-spec/) that kontrak reads.
// Everything else (timings, cache, cookies, pages) is skipped unread.
type harEntry struct {
	StartedDateTime string `json:"startedDateTime"`
	Request         struct {
		Method   string      `json:"method"`
		URL      string      `json:"url"`
		Headers  []harHeader `json:"headers"`
		PostData *struct {
			MimeType string `json:"mimeType"`
			Text     string `json:"text"`
			Encoding string `json:"encoding"` // not in HAR 1.2; some exporters (mitmproxy) write it
			Params   []struct {
				Name        string `json:"name"`
				Value       string `json:"value"`
				FileName    string `json:"fileName"`
				ContentType string `json:"contentType"`
			} `json:"params"`
		} `json:"postData"`
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

type harHeader struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// ReadHAR streams the entries of a HAR 1.2 file (`log.entries`), as browsers, mitmproxy, Charles and
// Redocly's proxy export them: one entry decoded at a time, the rest of the file never held. A response's
// `content.text` is taken as the body the client read (base64-decoded when `content.encoding` says so);
// a request's `postData` gives the request body, rebuilt from `params` when it has no text. It never
// panics: any input is read or refused with an error naming the entry.
func ReadHAR(r io.Reader, lim Limits, fn func(i int, ex *Exchange) error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("HAR: unreadable (internal error: %v)", p)
		}
	}()
	dec := json.NewDecoder(r)
	if err := expectDelim(dec, '{', "HAR: not a HAR file: the top level is not an object"); err != nil {
		return err
	}
	sawLog := false
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return fmt.Errorf("HAR: not a HAR file: %v", err)
		}
		if key != "log" {
			if err := skipValue(dec); err != nil {
				return fmt.Errorf("HAR: %v", err)
			}
			continue
		}
		sawLog = true
		if err := readLog(dec, lim, fn); err != nil {
			return err
		}
	}
	if !sawLog {
		return errors.New("HAR: not a HAR file: no log object")
	}
	return nil
}

func expectDelim(dec *json.Decoder, d json.Delim, msg string) error {
	tok, err := dec.Token()
	if err != nil {
		return fmt.Errorf("%s (%v)", msg, err)
	}
	if tok != d {
		return errors.New(msg)
	}
	return nil
}

func skipValue(dec *json.Decoder) error {
	var raw json.RawMessage
	return dec.Decode(&raw)
}

func readLog(dec *json.Decoder, lim Limits, fn func(int, *Exchange) error) error {
	if err := expectDelim(dec, '{', "HAR: log is not an object"); err != nil {
		return err
	}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return fmt.Errorf("HAR: log: %v", err)
		}
		if key != "entries" {
			if err := skipValue(dec); err != nil {
				return fmt.Errorf("HAR: log.%v: %v", key, err)
			}
			continue
		}
		if err := expectDelim(dec, '[', "HAR: log.entries is not an array"); err != nil {
			return err
		}
		for i := 0; dec.More(); i++ {
			var e harEntry
			if err := dec.Decode(&e); err != nil {
				return fmt.Errorf("HAR: entry %d: %v", i, err)
			}
			ex, err := e.exchange(i, lim)
			if err != nil {
				return fmt.Errorf("HAR: entry %d: %v", i, err)
			}
			if err := fn(i, ex); err != nil {
				return err
			}
		}
		if _, err := dec.Token(); err != nil {
			return fmt.Errorf("HAR: log.entries: %v", err)
		}
	}
	_, err := dec.Token()
	if err != nil {
		return fmt.Errorf("HAR: log: %v", err)
	}
	return nil
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

func (e *harEntry) exchange(i int, lim Limits) (*Exchange, error) {
	if e.Request.Method == "" || e.Request.URL == "" {
		return nil, errors.New("no request method or url")
	}
	u, err := url.Parse(e.Request.URL)
	if err != nil {
		return nil, fmt.Errorf("bad request url: %v", err)
	}
	ex := &Exchange{Exchange: recorder.Exchange{
		ID: i, Method: strings.ToUpper(e.Request.Method), URL: e.Request.URL, Path: u.Path,
		RequestHeader: harHeaders(e.Request.Headers), Status: e.Response.Status,
		Header: harHeaders(e.Response.Headers),
	}}
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
func rebuildParams(mime string, params []struct {
	Name        string `json:"name"`
	Value       string `json:"value"`
	FileName    string `json:"fileName"`
	ContentType string `json:"contentType"`
}) []byte {
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

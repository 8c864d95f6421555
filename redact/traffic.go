package redact

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"maps"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	vcr "gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"

	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/internal/ordered"
	"github.com/kontrak/kontrak/internal/wire"
	"github.com/kontrak/kontrak/traffic"
)

// Traffic as teams keep it: HAR 1.2 files (a browser's export of a KYC flow is full of personal data) and
// NDJSON logs. They are read by package traffic, one exchange at a time (its readers, their limits and
// their streaming), and each exchange is redacted and scanned as a cassette's interaction is. What kontrak
// does not read of such a file (a HAR's pages, timings, cookies arrays and custom fields; a log line's
// other fields) is not understood, and so never kept: RedactTraffic writes the file again from the
// exchanges alone, in one fixed form (a HAR 1.2 file by "kontrak redact", one flat JSON object a line), and
// the scan reports a file that holds anything beyond that form (layout). Notes on what redaction undid go
// where a cassette keeps them, in each answer's X-Kontrak-Redaction header (an NDJSON line that carries no
// answer headers gets none: its digest markers say it).

// harCreator names the writer of a HAR file RedactTraffic wrote.
const harCreator = "kontrak redact"

// interactionOf is an exchange as a cassette's interaction, for the policy.
func interactionOf(n int, ex *contract.Exchange) *vcr.Interaction {
	i := &vcr.Interaction{ID: n}
	i.Request = vcr.Request{Method: ex.Method, URL: ex.URL, Headers: cloneHeader(ex.RequestHeader), Body: string(ex.RequestBody),
		ContentLength: int64(len(ex.RequestBody))}
	i.Response = vcr.Response{Code: ex.Status, Headers: cloneHeader(ex.Header), Body: string(ex.Body), ContentLength: int64(len(ex.Body))}
	return i
}

func cloneHeader(h http.Header) http.Header {
	if h == nil {
		return http.Header{}
	}
	return h.Clone()
}

// trafficWriter writes exchanges in the one form RedactTraffic writes.
type trafficWriter struct {
	w     io.Writer
	f     traffic.Format
	n     int
	err   error
	times map[int]time.Time
}

func newTrafficWriter(w io.Writer, f traffic.Format) *trafficWriter {
	tw := &trafficWriter{w: w, f: f}
	if f == traffic.HAR {
		tw.put([]byte(`{"log":{"version":"1.2","creator":{"name":"` + harCreator + `","version":"1"},"entries":[`))
	}
	return tw
}

func (t *trafficWriter) put(b []byte) {
	if t.err == nil {
		_, t.err = t.w.Write(b)
	}
}

// write writes one interaction (the exchange's time beside it).
func (t *trafficWriter) write(i *vcr.Interaction, at time.Time) {
	b, err := t.render(i, at)
	if err != nil && t.err == nil {
		t.err = err
	}
	t.item(b)
}

// render is an interaction as write writes it, apart from the separators: the work of a worker.
func (t *trafficWriter) render(i *vcr.Interaction, at time.Time) ([]byte, error) {
	if t.f == traffic.HAR {
		return json.Marshal(harEntryOf(i, at))
	}
	b, err := json.Marshal(ndjsonLineOf(i, at))
	return append(b, '\n'), err
}

// item writes one rendered interaction, after the separator a HAR entry takes.
func (t *trafficWriter) item(b []byte) {
	if t.f == traffic.HAR && t.n > 0 {
		t.put([]byte(","))
	}
	t.put(b)
	t.n++
}

func (t *trafficWriter) close() error {
	if t.f == traffic.HAR {
		t.put([]byte("]}}\n"))
	}
	return t.err
}

type harNV struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type harOut struct {
	StartedDateTime string `json:"startedDateTime"`
	Time            int    `json:"time"`
	Request         struct {
		Method string `json:"method"`
		URL    string `json:"url"`
		harHead
		QueryString []harNV  `json:"queryString"`
		PostData    *harPost `json:"postData,omitempty"`
		harSizes
	} `json:"request"`
	Response struct {
		Status     int    `json:"status"`
		StatusText string `json:"statusText"`
		harHead
		Content struct {
			Size     int    `json:"size"`
			MimeType string `json:"mimeType"`
			Text     string `json:"text,omitempty"`
			Encoding string `json:"encoding,omitempty"`
		} `json:"content"`
		RedirectURL string `json:"redirectURL"`
		harSizes
	} `json:"response"`
	Cache   struct{} `json:"cache"`
	Timings struct {
		Send    int `json:"send"`
		Wait    int `json:"wait"`
		Receive int `json:"receive"`
	} `json:"timings"`
}

// harHead and harSizes are the members a HAR request and response share, embedded where each stands in
// both (encoding/json writes an embedded struct's fields at its place, so the output is unchanged).
type harHead struct {
	HTTPVersion string  `json:"httpVersion"`
	Cookies     []harNV `json:"cookies"`
	Headers     []harNV `json:"headers"`
}

type harSizes struct {
	HeadersSize int `json:"headersSize"`
	BodySize    int `json:"bodySize"`
}

type harPost struct {
	MimeType string `json:"mimeType"`
	Text     string `json:"text"`
	Encoding string `json:"encoding,omitempty"`
}

func harHeaders(h http.Header) []harNV {
	out := []harNV{}
	for _, k := range slices.Sorted(maps.Keys(h)) {
		for _, v := range h[k] {
			out = append(out, harNV{Name: k, Value: v})
		}
	}
	return out
}

// textOrBase64 is a body as JSON text can hold it: itself when UTF-8, else its base64.
func textOrBase64(b string) (string, string) {
	if utf8.ValidString(b) {
		return b, ""
	}
	return base64.StdEncoding.EncodeToString([]byte(b)), "base64"
}

func harEntryOf(i *vcr.Interaction, at time.Time) harOut {
	var e harOut
	e.StartedDateTime = at.Format(time.RFC3339Nano)
	rq := &e.Request
	rq.Method, rq.URL, rq.HTTPVersion = i.Request.Method, i.Request.URL, "HTTP/1.1"
	rq.Cookies, rq.Headers, rq.QueryString = []harNV{}, harHeaders(i.Request.Headers), []harNV{}
	if _, q, ok := strings.Cut(i.Request.URL, "?"); ok {
		q, _, _ = strings.Cut(q, "#")
		for _, p := range strings.Split(q, "&") {
			k, v, _ := strings.Cut(p, "=")
			nk, err1 := url.QueryUnescape(k)
			nv, err2 := url.QueryUnescape(v)
			if err1 != nil || err2 != nil {
				nk, nv = k, v
			}
			if p != "" {
				rq.QueryString = append(rq.QueryString, harNV{Name: nk, Value: nv})
			}
		}
	}
	rq.HeadersSize, rq.BodySize = -1, len(i.Request.Body)
	if i.Request.Body != "" {
		text, enc := textOrBase64(i.Request.Body)
		rq.PostData = &harPost{MimeType: wire.HeaderValue(i.Request.Headers, "Content-Type"), Text: text, Encoding: enc}
	}
	rs := &e.Response
	rs.Status, rs.StatusText, rs.HTTPVersion = i.Response.Code, http.StatusText(i.Response.Code), "HTTP/1.1"
	rs.Cookies, rs.Headers = []harNV{}, harHeaders(i.Response.Headers)
	rs.Content.Size = len(i.Response.Body)
	rs.Content.MimeType = wire.HeaderValue(i.Response.Headers, "Content-Type")
	rs.Content.Text, rs.Content.Encoding = textOrBase64(i.Response.Body)
	rs.HeadersSize, rs.BodySize = -1, len(i.Response.Body)
	return e
}

type ndjsonOut struct {
	Time                 string              `json:"time,omitempty"`
	Method               string              `json:"method"`
	URL                  string              `json:"url"`
	RequestHeaders       map[string][]string `json:"request_headers,omitempty"`
	RequestBody          string              `json:"request_body,omitempty"`
	Status               int                 `json:"status"`
	ResponseHeaders      map[string][]string `json:"response_headers,omitempty"`
	ResponseBody         string              `json:"response_body,omitempty"`
	ResponseBodyEncoding string              `json:"response_body_encoding,omitempty"`
}

func ndjsonLineOf(i *vcr.Interaction, at time.Time) ndjsonOut {
	l := ndjsonOut{Method: i.Request.Method, URL: i.Request.URL, Status: i.Response.Code,
		RequestHeaders: i.Request.Headers, ResponseHeaders: i.Response.Headers}
	if !at.IsZero() {
		l.Time = at.Format(time.RFC3339Nano)
	}
	l.RequestBody = i.Request.Body
	if !utf8.ValidString(l.RequestBody) {
		// A log line has no encoding for a request body: bytes that are not text are kept as their digest.
		l.RequestBody = digest(l.RequestBody)
	}
	l.ResponseBody, l.ResponseBodyEncoding = textOrBase64(i.Response.Body)
	return l
}

// RedactTraffic redacts a HAR 1.2 file or an NDJSON log (f: traffic.HAR or traffic.NDJSON) in place, as
// RedactFile redacts a cassette: every exchange by the policy, the file written again from the exchanges
// alone (see above), to a temporary file beside it, renamed over it. When the result is the file as it was,
// nothing is written and changed is false. Errors are one line naming the file (and the entry or line).
func RedactTraffic(file string, f traffic.Format, r RedactRules) (changed bool, err error) {
	defer wire.Recovered(file, &err)
	in, err := os.Open(file)
	if err != nil {
		return false, openError(file, err)
	}
	defer in.Close()
	tmp, done, err := scratch(file)
	if err != nil {
		return false, err
	}
	defer done()
	orig, out := sha256.New(), sha256.New()
	bw := bufio.NewWriterSize(io.MultiWriter(tmp, out), 64<<10)
	tw := newTrafficWriter(bw, f)
	rs := newRuleSet(r)
	// Each exchange is decoded, redacted and rendered on any core; written in order (internal/ordered).
	err = eachExchange(io.TeeReader(in, orig), file, f, func(n int, ex *contract.Exchange) ([]byte, error) {
		i := interactionOf(n, ex)
		if _, err := rs.redact(i); err != nil {
			return nil, newRedactError(n, err)
		}
		if f == traffic.NDJSON && len(ex.Header) == 0 {
			// A log line that carries no answer headers gets none: the contract would judge them.
			wire.DeleteHeader(i.Response.Headers, RedactionHeader)
		}
		return tw.render(i, ex.Time)
	}, func(b []byte) error {
		tw.item(b)
		return nil
	})
	var re *redactError
	switch {
	case errors.As(err, &re):
		return false, fmt.Errorf("%s: %s %d: %v", file, unitOf(f), re.id, re.err)
	case err != nil:
		return false, fmt.Errorf("%s: %s", file, wire.OneLine(err.Error()))
	}
	if err := tw.close(); err != nil {
		return false, notRedacted(file, err)
	}
	if err := bw.Flush(); err != nil {
		return false, notRedacted(file, err)
	}
	if bytes.Equal(orig.Sum(nil), out.Sum(nil)) {
		return false, nil
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return false, notRedacted(file, err)
	}
	if err := wire.WriteFileAtomicFrom(file, 0o644, func(w io.Writer) error {
		_, err := io.Copy(w, tmp)
		return err
	}); err != nil {
		return false, notRedacted(file, err)
	}
	return true, nil
}

func unitOf(f traffic.Format) string {
	if f == traffic.NDJSON {
		return "line of index"
	}
	return "entry"
}

// ScanTraffic scans a HAR file or an NDJSON log as ScanFile scans a cassette: each exchange (Leak's
// Interaction is its index), and the file itself, which is reported (interaction -1, layout) when it holds
// more than RedactTraffic writes of its exchanges. Its error is one line naming the file.
func ScanTraffic(file string, f traffic.Format, r ScanRules) (out []Leak, err error) {
	defer wire.Recovered(file, &err)
	in, err := os.Open(file)
	if err != nil {
		return nil, openError(file, err)
	}
	defer in.Close()
	rs := newRuleSet(r.RedactRules)
	orig, canon := sha256.New(), sha256.New()
	tw := newTrafficWriter(canon, f)
	type scanned struct {
		canon []byte
		leaks []Leak
	}
	err = eachExchange(io.TeeReader(in, orig), file, f, func(n int, ex *contract.Exchange) (scanned, error) {
		b, err := tw.render(interactionOf(n, ex), ex.Time)
		if err != nil {
			return scanned{}, err
		}
		ls, _ := scanInteraction(rs, r, file, interactionOf(n, ex), n)
		return scanned{b, ls}, nil
	}, func(s scanned) error {
		tw.item(s.canon)
		out = append(out, s.leaks...)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %s", file, wire.OneLine(err.Error()))
	}
	tw.close()
	if !sameSum(orig, canon) {
		out = append(out, Leak{File: file, Interaction: -1, Kind: LeakLayout, Where: unreadOf(f)})
	}
	return out, nil
}

// unreadOf is the place of a layout leak of a HAR file or an NDJSON log: what RedactTraffic does not
// write again of it.
func unreadOf(f traffic.Format) string {
	if f == traffic.NDJSON {
		return "the log outside its exchanges (what kontrak does not read of it: fields of a line it does not read, their order and spacing, blank lines)"
	}
	return "the file outside its exchanges (what kontrak does not read of it: pages, timings, comments, custom fields, the creator)"
}

// eachExchange is the streaming driver of a HAR file's or an NDJSON log's scan and redaction, as
// forEachInOrder is a cassette's: traffic.Split cuts the input on one goroutine, work decodes and handles
// each exchange on any core, and done gets the results in input order (internal/ordered). A panic in work
// is an error naming the exchange.
func eachExchange[R any](in io.Reader, file string, f traffic.Format, work func(int, *contract.Exchange) (R, error), done func(R) error) error {
	return ordered.Run(0, func(emit func(traffic.Record) error) error {
		return traffic.Split(in, file, f, traffic.Limits{}, emit)
	}, func(_ int, rec traffic.Record) (r R, err error) {
		defer func() {
			if p := recover(); p != nil {
				err = fmt.Errorf("interaction %d: unreadable (internal error: %v)", rec.Index(), p)
			}
		}()
		ex, err := rec.Decode()
		if err != nil {
			return r, err
		}
		return work(rec.Index(), ex)
	}, done)
}

func sameSum(a, b hash.Hash) bool { return bytes.Equal(a.Sum(nil), b.Sum(nil)) }

// CheckTraffic reads a HAR file or an NDJSON log to its end and keeps nothing: the test that it reads,
// before anything is changed.
func CheckTraffic(file string, f traffic.Format) error {
	in, err := os.Open(file)
	if err != nil {
		return openError(file, err)
	}
	defer in.Close()
	if err := traffic.Read(in, file, f, traffic.Limits{}, func(int, *contract.Exchange) error { return nil }); err != nil {
		return fmt.Errorf("%s: %s", file, wire.OneLine(err.Error()))
	}
	return nil
}

// notRedacted is the error of a redaction that stopped before the file was replaced.
func notRedacted(file string, err error) error {
	return fmt.Errorf("%s: not redacted, the file is left as it was: %v", file, err)
}

// scratch is a temporary file beside file, for the redacted copy before it replaces file; done closes
// and removes it.
func scratch(file string) (f *os.File, done func(), err error) {
	f, err = os.CreateTemp(filepath.Dir(file), "."+filepath.Base(file)+".*.redacting")
	if err != nil {
		return nil, nil, notRedacted(file, err)
	}
	return f, func() {
		f.Close()
		os.Remove(f.Name())
	}, nil
}

func openError(file string, err error) error {
	return fmt.Errorf("%s: cannot read: %v", file, wire.FileReason(err))
}

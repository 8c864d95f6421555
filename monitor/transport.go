package monitor

import (
	"bytes"
	"io"
	"net/http"

	"github.com/kontrak/kontrak/contract"
)

// Transport is a validating http.RoundTripper: it passes every request to the next RoundTripper and
// judges each vendor answer against its contract on the way back. See the package documentation.
type Transport struct {
	next http.RoundTripper
	m    *monitor
}

// NewTransport wraps next (nil: http.DefaultTransport) so that every answer of a vendor operation is
// checked against c as it passes.
//
//	c, _ := contract.Load(kontrak.Files)
//	client := &http.Client{Transport: monitor.NewTransport(nil, c, monitor.WithLogger(slog.Default()))}
func NewTransport(next http.RoundTripper, c *contract.Contract, opts ...Option) *Transport {
	if next == nil {
		next = http.DefaultTransport
	}
	return &Transport{next: next, m: newMonitor(c, opts)}
}

// Stats returns a snapshot of the transport's counters.
func (t *Transport) Stats() Stats { return t.m.stats() }

// RoundTrip sends the request with the next RoundTripper and judges the answer. It returns exactly what
// the next RoundTripper returned: the same error, the same status and headers, a body that reads the
// same bytes and then the same error, if the vendor's connection broke.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	if err != nil || resp == nil || req == nil || req.URL == nil {
		return resp, err
	}
	t.observe(req, resp)
	return resp, err
}

func (t *Transport) observe(req *http.Request, resp *http.Response) {
	m := t.m
	defer func() {
		if recover() != nil {
			m.panics.Add(1)
		}
	}()
	op := m.lookup(req.Method, req.URL.Path)
	if op == nil {
		m.unrouted.Add(1)
		return
	}
	cnt := m.ops[op]
	cnt.calls.Add(1)
	if !m.sampled() {
		cnt.sampledOut.Add(1)
		return
	}
	if resp.Body == nil || resp.Body == http.NoBody {
		m.judge(op, resp.StatusCode, resp.Header, nil)
		return
	}
	if resp.ContentLength > m.cfg.maxBody {
		cnt.notJudged.Add(1)
		return
	}
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	orig := resp.Body
	n, rerr := buf.ReadFrom(io.LimitReader(orig, m.cfg.maxBody+1))
	if rerr != nil || n > m.cfg.maxBody {
		// Unreadable or over the cap: the caller reads what arrived, then the rest of the vendor's body
		// (or the same error), unjudged.
		r := &replay{prefix: append([]byte(nil), buf.Bytes()...), orig: orig}
		if rerr != nil {
			r.err = rerr
		} else {
			r.rest = orig
		}
		resp.Body = r
		bufPool.Put(buf)
		cnt.notJudged.Add(1)
		return
	}
	orig.Close()
	resp.Body = &pooledBody{buf: buf}
	m.judge(op, resp.StatusCode, resp.Header, buf.Bytes())
}

// replay is a body that reads prefix, then rest (or err), and closes the vendor's body.
type replay struct {
	prefix []byte
	rest   io.Reader
	err    error
	orig   io.Closer
}

func (r *replay) Read(p []byte) (int, error) {
	if len(r.prefix) > 0 {
		n := copy(p, r.prefix)
		r.prefix = r.prefix[n:]
		return n, nil
	}
	if r.err != nil {
		return 0, r.err
	}
	if r.rest == nil {
		return 0, io.EOF
	}
	return r.rest.Read(p)
}

func (r *replay) Close() error { return r.orig.Close() }

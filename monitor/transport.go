package monitor

import (
	"net/http"

	"github.com/kontrak/kontrak/contract"
)

// Transport is a validating http.RoundTripper: it passes every request to the next RoundTripper and
// judges each vendor answer against its contract as the caller reads it. See the package documentation.
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

// RoundTrip sends the request with the next RoundTripper and returns what it returned as soon as it
// returned it: the same error, the same status and headers, and a body that reads the same bytes as they
// arrive and then the same error, if the vendor's connection broke. The answer is judged when the caller
// reaches the body's end or closes it.
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
	ctx := req.Context()
	op := m.lookup(req.Method, req.URL.Path)
	if op == nil {
		m.countUnrouted(ctx)
		return
	}
	cnt := m.ops[op]
	cnt.calls.Add(1)
	switch {
	case !m.sampled():
		m.count(ctx, op, sampledOut)
	case noBody(resp.Body):
		m.judge(ctx, op, nil, contract.Exchange{Status: resp.StatusCode, Header: resp.Header})
	case resp.ContentLength > m.cfg.maxBody:
		m.count(ctx, op, notJudged)
	default:
		resp.Body = m.watch(ctx, op, nil, contract.Exchange{Status: resp.StatusCode, Header: resp.Header}, resp.Body, resp.ContentLength)
	}
}

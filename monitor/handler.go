package monitor

import (
	"bytes"
	"io"
	"net/http"

	"github.com/kontrak/kontrak/contract"
)

// Handler wraps the receiver of a vendor's callbacks (Verihubs POSTs the recognition result to the
// submit's callback_url): every inbound callback is checked against its contract.Callback as it passes,
// the way Transport checks an answer, and the wrapped handler sees exactly the request that arrived — the
// same method, headers and body bytes (re-buffered up to the size cap; beyond it the body is passed on as
// it streams and the callback is counted as not judged). Findings go to the logger, the callback and the
// counters, under the callback's operationId; a panic inside the check never reaches the wrapped handler.
type Handler struct {
	next http.Handler
	cb   *contract.Callback
	m    *monitor
}

// NewHandler wraps next, the receiver of cb. The options are Transport's (WithMaxBody, WithSample,
// WithCallback, WithLogger, WithCheckOptions).
func NewHandler(next http.Handler, c *contract.Contract, cb *contract.Callback, opts ...Option) *Handler {
	return &Handler{next: next, cb: cb, m: newMonitor(c, opts)}
}

// Stats returns a snapshot of the handler's counters (the callback's operation is its operationId).
func (h *Handler) Stats() Stats { return h.m.stats() }

// ServeHTTP reads the body (up to the cap), serves the request with the wrapped handler, then judges it.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, judged := h.take(r)
	h.next.ServeHTTP(w, r)
	if judged {
		h.judge(r.Header, body)
	}
}

// take re-buffers r's body for judging and puts back a body that reads the same bytes (and error).
func (h *Handler) take(r *http.Request) (body []byte, judge bool) {
	m := h.m
	defer func() {
		if recover() != nil {
			m.panics.Add(1)
			judge = false
		}
	}()
	op := h.cb.Judged()
	cnt := m.ops[op]
	if cnt == nil {
		m.unrouted.Add(1)
		return nil, false
	}
	cnt.calls.Add(1)
	if !m.sampled() {
		cnt.sampledOut.Add(1)
		return nil, false
	}
	if r.Body == nil || r.Body == http.NoBody {
		return nil, true
	}
	if r.ContentLength > m.cfg.maxBody {
		cnt.notJudged.Add(1)
		return nil, false
	}
	orig := r.Body
	var buf bytes.Buffer
	n, rerr := buf.ReadFrom(io.LimitReader(orig, m.cfg.maxBody+1))
	if rerr != nil || n > m.cfg.maxBody {
		rp := &replay{prefix: buf.Bytes(), orig: orig}
		if rerr != nil {
			rp.err = rerr
		} else {
			rp.rest = orig
		}
		r.Body = rp
		cnt.notJudged.Add(1)
		return nil, false
	}
	orig.Close()
	r.Body = io.NopCloser(bytes.NewReader(buf.Bytes()))
	return buf.Bytes(), true
}

func (h *Handler) judge(header http.Header, body []byte) {
	m := h.m
	defer func() {
		if recover() != nil {
			m.panics.Add(1)
		}
	}()
	op := h.cb.Judged()
	cnt := m.ops[op]
	v := m.c.Judge(contract.Exchange{Method: http.MethodPost, Header: header, Body: body}, contract.JudgeOptions{Callback: h.cb, Strict: m.cfg.check.Strict, Waivers: m.cfg.waivers})
	fs := v.Findings
	cnt.judged.Add(1)
	if len(fs) > 0 {
		m.report(op, fs)
		if contract.HasBreaking(fs) {
			cnt.drifted.Add(1)
		}
	}
	if m.cfg.callback != nil {
		m.cfg.callback(Event{Vendor: op.Vendor.ID, Operation: op.ID, Findings: fs, Billing: v.Classification})
	}
}

package monitor

import (
	"net/http"

	"github.com/kontrak/kontrak/contract"
)

// Handler wraps the receiver of a vendor's callbacks (Verihubs POSTs the recognition result to the
// submit's callback_url): every inbound callback is checked against its contract.Callback as it passes,
// the way Transport checks an answer. The wrapped handler is called at once and sees exactly the request
// that arrived — the same method, headers and body bytes, as they arrive; a copy of the body (up to the size
// cap) is judged when the receiver reaches its end. Findings go to the logger, the callback and the counters,
// under the callback's operationId; a panic inside the check never reaches the wrapped handler.
type Handler struct {
	next http.Handler
	cb   *contract.Callback
	m    *monitor
}

// NewHandler wraps next, the receiver of cb. The options are Transport's (WithMaxBody, WithSample,
// WithCallback, WithLogger, WithCheckOptions, WithWaivers, WithMeterProvider).
func NewHandler(next http.Handler, c *contract.Contract, cb *contract.Callback, opts ...Option) *Handler {
	return &Handler{next: next, cb: cb, m: newMonitor(c, opts)}
}

// Stats returns a snapshot of the handler's counters (the callback's operation is its operationId).
func (h *Handler) Stats() Stats { return h.m.stats() }

// ServeHTTP serves the request with the wrapped handler at once, its body passed through as it arrives.
// A callback the receiver read to its end is judged there; one it left unread in part is read on by the
// monitor after the receiver returned (up to the cap: the vendor has sent its body before it waits for the
// answer, so this is the rest of what already arrived), then judged. A body without one is judged after
// the receiver returned.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, judge := h.watch(r)
	h.next.ServeHTTP(w, r)
	switch {
	case body != nil:
		body.drain()
	case judge:
		h.m.judge(r.Context(), h.cb.Judged(), h.cb, contract.Exchange{Method: http.MethodPost, Header: r.Header})
	}
}

// watch puts a watched body in r (returned), or says whether the callback, which has no body, is judged.
func (h *Handler) watch(r *http.Request) (body *watchedBody, judge bool) {
	m := h.m
	defer func() {
		if recover() != nil {
			m.panics.Add(1)
			body, judge = nil, false
		}
	}()
	ctx := r.Context()
	op := h.cb.Judged()
	cnt := m.ops[op]
	if cnt == nil {
		m.countUnrouted(ctx)
		return nil, false
	}
	cnt.calls.Add(1)
	switch {
	case !m.sampled():
		m.count(ctx, op, sampledOut)
		return nil, false
	case noBody(r.Body):
		return nil, true
	case r.ContentLength > m.cfg.maxBody:
		m.count(ctx, op, notJudged)
		return nil, false
	}
	body = m.watch(ctx, op, h.cb, contract.Exchange{Method: http.MethodPost, Header: r.Header}, r.Body, r.ContentLength)
	r.Body = body
	return body, false
}

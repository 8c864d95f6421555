package monitor

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"sync"

	"github.com/kontrak/kontrak/contract"
)

// bufPool holds the buffers a body's copy is kept in while the caller reads it; a buffer returns once the
// body is judged or given up on. The caller never reads from it: it reads the vendor's own body.
var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooled is the largest buffer put back in the pool: a rare big answer does not pin its memory.
const maxPooled = 4 << 20

var errReadAfterClose = errors.New("http: read on closed response body")

// watchedBody is the body the caller reads: the vendor's own body, passed through as the caller reads it —
// the same bytes, at the pace they arrive, and the same error — while a copy of the bytes (at most max) is
// kept. The answer is judged when the caller reaches the body's end (the Read that returns io.EOF) or closes
// it, whichever comes first:
//
//   - at EOF, or at Close once all of a declared Content-Length was read: judged;
//   - past max bytes, on a read error, or at Close before the end: counted as not judged (a body cut
//     short is never judged as if whole), and the copy is dropped at once.
//
// A Read after Close returns an error and never touches the vendor's body. The copy is the only memory the
// monitor holds for a call: at most max bytes, however long the body (TestBodyMemoryBound).
type watchedBody struct {
	orig io.ReadCloser
	m    *monitor
	ctx  context.Context
	op   *contract.Operation
	cb   *contract.Callback // set for an inbound callback (Handler)
	ex   contract.Exchange  // status and headers; Body is filled in when judged
	max  int64
	// length is the declared Content-Length (-1: unknown).
	length int64

	mu     sync.Mutex
	buf    *bytes.Buffer // nil once the body is judged or given up on
	n      int64         // bytes read while buf was held
	closed bool
}

func (m *monitor) watch(ctx context.Context, op *contract.Operation, cb *contract.Callback, ex contract.Exchange, body io.ReadCloser, length int64) *watchedBody {
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	return &watchedBody{orig: body, m: m, ctx: ctx, op: op, cb: cb, ex: ex, max: m.cfg.maxBody, length: length, buf: buf}
}

// outcome is what a body's end decided: judge buf, or count the call as not judged. It runs outside the
// lock, so that a callback may do anything, Close included.
type ending struct {
	b     *watchedBody
	buf   *bytes.Buffer
	whole bool
}

// end takes the copy and decides the outcome; b.mu is held.
func (b *watchedBody) end(whole bool) ending {
	e := ending{b: b, buf: b.buf, whole: whole}
	b.buf = nil
	return e
}

func (e ending) run() {
	if e.buf == nil {
		return
	}
	b := e.b
	if e.whole {
		ex := b.ex
		ex.Body = e.buf.Bytes()
		b.m.judge(b.ctx, b.op, b.cb, ex)
	} else {
		b.m.count(b.ctx, b.op, notJudged)
	}
	if e.buf.Cap() <= maxPooled {
		e.buf.Reset()
		bufPool.Put(e.buf)
	}
}

func (b *watchedBody) Read(p []byte) (int, error) {
	b.mu.Lock()
	closed := b.closed
	b.mu.Unlock()
	if closed {
		return 0, errReadAfterClose
	}
	n, err := b.orig.Read(p)
	var e ending
	b.mu.Lock()
	if b.buf != nil {
		b.n += int64(n)
		switch {
		case b.n > b.max:
			e = b.end(false) // over the cap: the rest passes unjudged
		case err == io.EOF:
			b.buf.Write(p[:n])
			e = b.end(true)
		case err != nil:
			e = b.end(false) // broken: what arrived is not the answer
		default:
			b.buf.Write(p[:n])
		}
	}
	b.mu.Unlock()
	e.run()
	return n, err
}

// Close closes the vendor's body, then judges what was read if it was the whole body (all of a declared
// Content-Length), else counts the call as not judged.
func (b *watchedBody) Close() error {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return nil
	}
	b.closed = true
	var e ending
	if b.buf != nil {
		e = b.end(b.length >= 0 && b.n == b.length)
	}
	b.mu.Unlock()
	err := b.orig.Close()
	e.run()
	return err
}

// noBody reports whether a body is absent (nil or http.NoBody): nothing to wait for.
func noBody(rc io.ReadCloser) bool { return rc == nil || rc == http.NoBody }

// drain reads on what the receiver of a callback left unread, while a copy is still held (so at most the
// cap), then closes the body: the callback is judged whole, or counted as not judged.
func (b *watchedBody) drain() {
	var scratch [4096]byte
	for {
		b.mu.Lock()
		held := b.buf != nil && !b.closed
		b.mu.Unlock()
		if !held {
			break
		}
		if _, err := b.Read(scratch[:]); err != nil {
			break
		}
	}
	b.Close()
}

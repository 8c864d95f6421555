package sandbox

import (
	"context"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/kontrak/kontrak/contract"
)

// Body limits. An operation's limit is read from its documented image limit (x-kontrak-image.maxBytes):
// the encoded size of the largest documented image (base64 is 4/3 of the bytes), half again as much for
// the form escaping of base64 and the rest of the body, and BodyMargin. An operation with no documented
// limit takes DefaultBodyLimit: no documented request without an image comes near it. The margins are the
// server's own bounds, not a vendor's fact; what a body over the limit gets is the vendor's
// (x-kontrak-request's bodySize, else the image's size code; 413 only where the spec says neither).
const (
	BodyMargin       = 64 << 10
	DefaultBodyLimit = 1 << 20
)

// Limits bound what the server reads and holds, whatever its clients send. A zero field takes its Default.
type Limits struct {
	// HeldBytes bounds the request body bytes held at once, every request together: a request reserves
	// its Content-Length (its operation's limit when the body is chunked) before it reads a byte, and
	// waits while the rest is held. It must be at least the largest operation's limit.
	HeldBytes int64
	// Discard is the most of a body the server reads and throws away before it answers a request it
	// answers without the body (wrong credentials, a body over the limit, no such operation, an outcome on
	// demand), so that a client that writes its whole body before it reads (Python's http.client, a
	// proxy) gets the answer, not a reset. A longer body is answered at once, and its connection closed.
	Discard int64
	// Fields bounds the values of a JSON body (members and elements, at any depth), the fields of a form
	// and the parts of a multipart body; Depth the nesting of a JSON body. They are counted before the body
	// is parsed, without building it; a body beyond them is answered as one that does not parse.
	Fields, Depth int
}

// The default limits: a Verihubs body of its largest documented image (10 MB) three times over, all of
// the 5 MB bodies a client that writes whole may send, and far more fields and nesting than any documented
// request has (seven fields at most, one level).
const (
	DefaultHeldBytes = 32 << 20
	DefaultDiscard   = 32 << 20
	DefaultFields    = 64
	DefaultDepth     = 16
)

func (l Limits) withDefaults() Limits {
	if l.HeldBytes <= 0 {
		l.HeldBytes = DefaultHeldBytes
	}
	if l.Discard <= 0 {
		l.Discard = DefaultDiscard
	}
	if l.Fields <= 0 {
		l.Fields = DefaultFields
	}
	if l.Depth <= 0 {
		l.Depth = DefaultDepth
	}
	return l
}

// BodyLimit is an operation's largest accepted body (see DefaultBodyLimit and BodyMargin).
func BodyLimit(op *contract.Operation) int64 {
	_, rules := op.ImageField()
	if rules == nil || rules.MaxBytes <= 0 {
		return DefaultBodyLimit
	}
	n := int64(rules.MaxBytes)
	if rules.Encoding == "base64" {
		n = (n + 2) / 3 * 4
	}
	return n*3/2 + BodyMargin
}

// Timeouts bound a connection of the server NewServer builds (net/http.Server's fields of the same names).
type Timeouts struct {
	ReadHeader, Read, Write, Idle time.Duration
}

// DefaultTimeouts are kontrak serve's: a stalled upload is cut after Read, an idle keep-alive connection
// closed after Idle. Read allows an upload of the largest documented body at well under 1 MB/s.
func DefaultTimeouts() Timeouts {
	return Timeouts{ReadHeader: 10 * time.Second, Read: 30 * time.Second, Write: 60 * time.Second, Idle: 60 * time.Second}
}

// NewServer is the http.Server of a sandbox handler, bounded by t (a zero field takes DefaultTimeouts').
// errorLog, when set, receives the server's own errors (a broken connection, a TLS handshake).
func NewServer(h http.Handler, t Timeouts, errorLog *log.Logger) *http.Server {
	d := DefaultTimeouts()
	pick := func(v, def time.Duration) time.Duration {
		if v > 0 {
			return v
		}
		return def
	}
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: pick(t.ReadHeader, d.ReadHeader),
		ReadTimeout:       pick(t.Read, d.Read),
		WriteTimeout:      pick(t.Write, d.Write),
		IdleTimeout:       pick(t.Idle, d.Idle),
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          errorLog,
	}
}

// readBody reads a request body within the operation's limit, holding its bytes against Limits.HeldBytes
// until release (which is never nil). tooLarge says the body is over the limit: by its Content-Length,
// before anything is read, or while reading; the rest is left to discard.
func (s *server) readBody(r *http.Request, limit int64) (body []byte, release func(), tooLarge bool, err error) {
	release = func() {}
	if r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0 {
		return nil, release, false, nil
	}
	if r.ContentLength > limit {
		return nil, release, true, nil
	}
	want := r.ContentLength
	if want < 0 {
		want = limit // chunked: the most it may be
	}
	if err := s.held.Acquire(r.Context(), want); err != nil {
		return nil, release, false, err
	}
	held := want
	release = func() { s.held.Release(held) }
	if r.ContentLength >= 0 {
		body = make([]byte, r.ContentLength)
		_, err = io.ReadFull(r.Body, body)
		return body, release, false, err
	}
	body, over, err := readAtMost(r.Body, limit)
	if over {
		release() // nothing of it is held: the rest is discarded
		return nil, func() {}, true, nil
	}
	// The reservation was the limit: what the body did not take is given back at once.
	if n := int64(len(body)); n < held {
		s.held.Release(held - n)
		held = n
	}
	return body, release, false, err
}

// readAtMost reads r to its end into a buffer that never grows past limit bytes (io.ReadAll's doubling
// would hold up to twice what it read); over says r holds more than limit.
func readAtMost(r io.Reader, limit int64) (body []byte, over bool, err error) {
	buf := make([]byte, 0, min(limit+1, 64<<10))
	for {
		if len(buf) == cap(buf) {
			if int64(len(buf)) > limit {
				return nil, true, nil
			}
			next := make([]byte, len(buf), min(int64(cap(buf))*2, limit+1))
			copy(next, buf)
			buf = next
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if int64(len(buf)) > limit {
			return nil, true, nil
		}
		if err == io.EOF {
			return buf, false, nil
		}
		if err != nil {
			return nil, false, err
		}
	}
}

// discard reads what is left of a request body and throws it away, up to Limits.Discard, before the
// request is answered without it: a client that writes its whole body before it reads its answer would
// otherwise get a reset. A body longer than that is not read, and the connection closes after the answer.
// A client that waits for 100 Continue has sent nothing: net/http closes its connection itself.
func (s *server) discard(w http.ResponseWriter, r *http.Request) {
	if r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0 || strings.EqualFold(r.Header.Get("Expect"), "100-continue") {
		return
	}
	if r.ContentLength > s.lim.Discard {
		w.Header().Set("Connection", "close")
		return
	}
	// io.Discard reads through one pooled 8 KiB buffer: a discarded body costs nothing held.
	if n, _ := io.CopyN(io.Discard, r.Body, s.lim.Discard+1); n > s.lim.Discard {
		w.Header().Set("Connection", "close")
	}
}

// sizeAnswer is the answer to a body over the limit: x-kontrak-request's bodySize, else the image's size
// code, else nil (the fixture's 413).
func (s *server) sizeAnswer(d *opData) (*answer, string) {
	if a, why, ok := s.violationAnswer(d, &violation{kind: "bodySize"}); ok && a != nil {
		return a, why
	}
	if _, rules := d.op.ImageField(); rules != nil && rules.Violations[ruleSize] != "" {
		code := rules.Violations[ruleSize]
		a, from := s.codeAnswer(d, code)
		return a, fmt.Sprintf("body over %d bytes (%s): %s", BodyLimit(d.op), code, from)
	}
	return nil, ""
}

// logger is the server's log: Config.Logger, else Config.Logf, else nothing.
func (s *server) logRequest(r *http.Request, status int, op *contract.Operation, rule string) {
	name := ""
	if op != nil {
		name = op.Name()
	}
	// The method and the path are the client's (a NIK as a path segment, a name as the method): printed as
	// a finding prints them, in the rule too (an unrouted request's rule names them).
	method, path := contract.ShownMethod(r.Method), contract.ShownPath(r.URL.Path)
	rule = strings.ReplaceAll(rule, r.Method+" "+r.URL.Path, method+" "+path)
	if method != r.Method {
		rule = strings.ReplaceAll(rule, "not "+r.Method, "not "+method) // a 405's rule
	}
	if s.cfg.Logger != nil {
		s.cfg.Logger.LogAttrs(context.Background(), slog.LevelInfo, "answer",
			slog.String("method", method), slog.String("path", path), slog.Int("status", status),
			slog.String("operation", name), slog.String("rule", rule))
		return
	}
	if name != "" {
		s.cfg.Logf("%s %s %d %s: %s", method, path, status, name, rule)
	} else {
		s.cfg.Logf("%s %s %d %s", method, path, status, rule)
	}
}

// note logs a line of the server's start.
func (s *server) note(format string, args ...any) {
	if s.cfg.Logger != nil {
		s.cfg.Logger.Info(fmt.Sprintf(format, args...))
		return
	}
	s.cfg.Logf(format, args...)
}

package sandbox

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/http"
	"time"

	"github.com/kontrak/kontrak/contract"
)

// Body limits. An operation's limit is read from its documented image limit (x-kontrak-image.maxBytes):
// the encoded size of the largest documented image (base64 is 4/3 of the bytes), half again as much for
// the form escaping of base64 and the rest of the body, and bodyMargin. An operation with no documented
// limit takes defaultBodyLimit. A body over the limit is answered by x-kontrak-request's bodySize, else the
// image's size code, else 413, without being read.
const (
	bodyMargin       = 64 << 10
	defaultBodyLimit = 1 << 20
	// largeBody is the size over which a body counts against Config.MaxLargeBodies; a body of unknown
	// length (chunked) counts too.
	largeBody = 1 << 20
	// DefaultMaxLargeBodies bounds the large bodies read at once when Config.MaxLargeBodies is zero.
	DefaultMaxLargeBodies = 4
)

// bodyLimit is an operation's largest accepted body.
func bodyLimit(op *contract.Operation) int64 {
	_, rules := op.ImageField()
	if rules == nil || rules.MaxBytes <= 0 {
		return defaultBodyLimit
	}
	n := int64(rules.MaxBytes)
	if rules.Encoding == "base64" {
		n = (n + 2) / 3 * 4
	}
	return n*3/2 + bodyMargin
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

// readBody reads a request body within the operation's limit, holding a slot of the large-body bound
// while it reads a large one. tooLarge says the body is over the limit (by its Content-Length, before
// anything is read, or while reading).
func (s *server) readBody(w http.ResponseWriter, r *http.Request, limit int64) (body []byte, tooLarge bool, err error) {
	if r.ContentLength > limit {
		return nil, true, nil
	}
	if r.ContentLength < 0 || r.ContentLength > largeBody {
		select {
		case s.large <- struct{}{}:
			defer func() { <-s.large }()
		case <-r.Context().Done():
			return nil, false, r.Context().Err()
		}
	}
	rd := http.MaxBytesReader(w, r.Body, limit)
	if r.ContentLength >= 0 {
		body = make([]byte, r.ContentLength)
		_, err = io.ReadFull(rd, body)
	} else {
		body, err = io.ReadAll(rd)
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return nil, true, nil
	}
	return body, false, err
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
		return a, fmt.Sprintf("body over %d bytes (%s): %s", bodyLimit(d.op), code, from)
	}
	return nil, ""
}

// logger is the server's log: Config.Logger, else Config.Logf, else nothing.
func (s *server) logRequest(r *http.Request, status int, op *contract.Operation, rule string) {
	name := ""
	if op != nil {
		name = op.Name()
	}
	if s.cfg.Logger != nil {
		s.cfg.Logger.LogAttrs(context.Background(), slog.LevelInfo, "answer",
			slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Int("status", status),
			slog.String("operation", name), slog.String("rule", rule))
		return
	}
	if name != "" {
		s.cfg.Logf("%s %s %d %s: %s", r.Method, r.URL.Path, status, name, rule)
	} else {
		s.cfg.Logf("%s %s %d %s", r.Method, r.URL.Path, status, rule)
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

package sandbox

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/internal/wire"
)

// Callbacks: when an accepted submit (2xx) of a flow carries the receiver's URL (the callback's URLField,
// Verihubs' callback_url), the server POSTs the submission's result there, as the vendor does: the very
// answer its result operation gives for that submission's id (flow.go), with the callback's credential —
// HTTP Basic from Credentials, by the scheme's variable (user:password).
//
// Bounded: at most Callbacks.Workers POSTs are in flight (one connection each: the client allows no more
// per host), and at most Callbacks.Queue wait for a worker; a callback beyond that is dropped and logged.
// A receiver that never answers holds a worker for CallbackTimeout an attempt, never a file descriptor
// more. Retry policy: CallbackAttempts attempts, each bounded by CallbackTimeout, retried after a network
// error or a 5xx, after CallbackBackoff then twice that; any other answer (2xx, 3xx, 4xx) is final, and a
// redirect is not followed. Nothing of it delays or changes the submit's answer, which is sent first.
//
// Where: a receiver on a loopback address, over https (its certificate trusted by Callbacks.RootCAs, else
// the system's roots: SSL_CERT_FILE) or — with Callbacks.HTTP — over plain http, which Verihubs' spec
// refuses (callback_url "^https://": INVALID_PAYLOAD_CALLBACK_URL) and which serve then accepts for a
// loopback host only. Any other host is refused unless Callbacks.AllowRemote. Every step is logged.

// Callbacks configure the callbacks of accepted submits.
type Callbacks struct {
	// Client posts the callbacks; nil is a client that trusts RootCAs, holds at most Workers
	// connections, and follows no redirect.
	Client *http.Client
	// RootCAs, when set, are the certificates a receiver over https is trusted by (kontrak serve
	// --callback-ca); nil: the system's roots.
	RootCAs *x509.CertPool
	// AllowRemote lets a callback reach a receiver that is not on a loopback address.
	AllowRemote bool
	// HTTP accepts a callback URL over plain http on a loopback host, where the spec documents https only
	// (kontrak serve --callback-http): a local receiver without a certificate.
	HTTP bool
	// Workers is how many callbacks are posted at once, Queue how many wait; zero takes the defaults.
	Workers, Queue int
}

// The callback bounds and retry policy (see above).
const (
	DefaultCallbackWorkers = 4
	DefaultCallbackQueue   = 64
	CallbackAttempts       = 3
	CallbackBackoff        = 200 * time.Millisecond
	CallbackTimeout        = 5 * time.Second
)

// callbackJob is one callback to post.
type callbackJob struct {
	cb     *contract.Callback
	target string
	body   []byte
}

// callbackQueue holds the callbacks waiting for a worker; the workers start with the first one.
type callbackQueue struct {
	s       *server
	cfg     Callbacks
	client  *http.Client
	jobs    chan callbackJob
	start   sync.Once
	done    chan struct{}
	stopped sync.Once
}

func newCallbackQueue(s *server, cfg Callbacks) *callbackQueue {
	if cfg.Workers <= 0 {
		cfg.Workers = DefaultCallbackWorkers
	}
	if cfg.Queue <= 0 {
		cfg.Queue = DefaultCallbackQueue
	}
	client := cfg.Client
	if client == nil {
		client = &http.Client{
			Transport: &http.Transport{
				DialContext:         (&net.Dialer{Timeout: CallbackTimeout}).DialContext,
				TLSClientConfig:     &tls.Config{RootCAs: cfg.RootCAs, MinVersion: tls.VersionTLS12},
				TLSHandshakeTimeout: CallbackTimeout,
				MaxConnsPerHost:     cfg.Workers,
				MaxIdleConnsPerHost: cfg.Workers,
				IdleConnTimeout:     30 * time.Second,
			},
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}
	return &callbackQueue{s: s, cfg: cfg, client: client, jobs: make(chan callbackJob, cfg.Queue), done: make(chan struct{})}
}

// post queues a callback; false when the queue is full or closed (the callback is dropped).
func (q *callbackQueue) post(job callbackJob) bool {
	q.start.Do(func() {
		for range q.cfg.Workers {
			go q.work()
		}
	})
	select {
	case <-q.done:
		return false
	default:
	}
	select {
	case q.jobs <- job:
		return true
	default:
		return false
	}
}

func (q *callbackQueue) work() {
	for {
		select {
		case <-q.done:
			return
		case job := <-q.jobs:
			q.deliver(job)
		}
	}
}

func (q *callbackQueue) close() { q.stopped.Do(func() { close(q.done) }) }

// callbacks starts the callbacks of an accepted submit: its submission's result, to each callback URL the
// request carries.
func (s *server) callbacks(op *contract.Operation, q *request, sub *submission) {
	if sub == nil {
		return
	}
	for _, cb := range op.Callbacks {
		if cb.URLField == "" {
			continue
		}
		target, ok := q.field(cb.URLField)
		if !ok || target == "" {
			continue
		}
		u, err := url.Parse(target)
		if err != nil || u.Host == "" {
			s.note("kontrak serve: %s: %s is not a URL: no callback", cb.Name(), cb.URLField)
			continue
		}
		if !s.cfg.Callbacks.AllowRemote && !loopbackHost(u.Hostname()) {
			s.note("kontrak serve: %s: callback to %s refused: not a loopback address (Callbacks.AllowRemote, serve --allow-remote)", cb.Name(), shownHost(u.Host))
			continue
		}
		d := s.ops[sub.op]
		a, why := s.resultAnswer(d, *sub)
		if a == nil {
			s.note("kontrak serve: %s: no callback for %s: %s", cb.Name(), sub.id, why)
			continue
		}
		if cb.AnswerStatus != "" && !statusIs(cb.AnswerStatus, a.status) {
			s.note("kontrak serve: %s: no callback for %s: its result answers HTTP %d, the callback carries the %s answer", cb.Name(), sub.id, a.status, cb.AnswerStatus)
			continue
		}
		if !s.cb.post(callbackJob{cb: cb, target: target, body: a.body}) {
			s.note("kontrak serve: %s: callback of %s to %s dropped: %d callbacks already wait for %d workers (Callbacks.Queue)", cb.Name(), sub.id, u.Host, s.cb.cfg.Queue, s.cb.cfg.Workers)
		}
	}
}

// statusIs reports whether a documented status key ("200", "2XX") covers st.
func statusIs(key string, st int) bool {
	key = strings.ToUpper(key)
	return key == strconv.Itoa(st) || (len(key) == 3 && strings.HasSuffix(key, "XX") && int(key[0]-'0') == st/100)
}

// deliver POSTs one callback, retrying a network error or a 5xx.
func (q *callbackQueue) deliver(job callbackJob) {
	s, cb := q.s, job.cb
	u, _ := url.Parse(job.target)
	user, pass := "", ""
	for _, sc := range cb.Security {
		if sc.Type == "http" && sc.Scheme == "basic" {
			user, pass, _ = strings.Cut(s.cfg.Credentials[sc.Env], ":")
		}
	}
	for attempt := 1; attempt <= CallbackAttempts; attempt++ {
		ctx, cancel := context.WithTimeout(context.Background(), CallbackTimeout)
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, job.target, bytes.NewReader(job.body))
		if err != nil {
			cancel()
			s.note("kontrak serve: %s: callback: %v", cb.Name(), err)
			return
		}
		req.Header.Set("Content-Type", cb.Body.ContentType)
		if user != "" || pass != "" {
			req.SetBasicAuth(user, pass)
		}
		resp, err := q.client.Do(req)
		status := 0
		if err == nil {
			status = resp.StatusCode
			resp.Body.Close()
		}
		cancel()
		if err == nil && status < 500 {
			s.note("kontrak serve: %s: callback to %s answered %d (attempt %d)", cb.Name(), shownHost(u.Host), status, attempt)
			return
		}
		// The client's callback URL is quoted in the transport's error (its path and query may hold a
		// NIK or an e-mail): each quoted part by its shape.
		s.note("kontrak serve: %s: callback to %s failed (attempt %d of %d): status %d, %s", cb.Name(), shownHost(u.Host), attempt, CallbackAttempts, status, wire.ShapeQuoted(wire.OneLine(fmt.Sprint(err))))
		if attempt == CallbackAttempts {
			return
		}
		select {
		case <-q.done:
			return
		case <-time.After(CallbackBackoff << (attempt - 1)):
		}
	}
}

// loopbackHost reports whether h is localhost or a loopback address.
func loopbackHost(h string) bool {
	if strings.EqualFold(h, "localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// loopbackHTTP reports whether v is a plain-http URL of a loopback host: what Callbacks.HTTP accepts.
func loopbackHTTP(v string) bool {
	u, err := url.Parse(v)
	return err == nil && u.Scheme == "http" && u.Host != "" && loopbackHost(u.Hostname())
}

// shownHost is a callback's host as a log line prints it: a loopback receiver (the usual one) as it is,
// any other, which the client named, by its shape.
func shownHost(h string) string {
	name, port, err := net.SplitHostPort(h)
	if err != nil {
		name, port = h, ""
	}
	if ip := net.ParseIP(strings.Trim(name, "[]")); ip != nil && ip.IsLoopback() || name == "localhost" {
		return h
	}
	shown := "(a host shaped " + wire.Shape(name) + ")"
	if port != "" {
		shown += ":" + wire.ShapeUnlessShort(port, 5)
	}
	return shown
}

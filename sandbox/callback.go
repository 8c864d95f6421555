package sandbox

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/kontrak/kontrak/contract"
)

// Callbacks: when a submit that the sandbox accepts (2xx) carries the receiver's URL (the callback's
// URLField, Verihubs' callback_url), the server POSTs the submission's result there, as the vendor does:
// the answer its result operation gives for the result code the submit's sandbox code names
// (x-kontrak-sandbox `result`), with the callback's credential — HTTP Basic from Credentials, by the
// scheme's variable (user:password). The POST runs after the submit's answer is sent, with a timeout per
// attempt and a few attempts on a network error or a 5xx; a receiver that is not on a loopback address is
// refused unless CallbackAllowRemote. Every step is logged; nothing of it changes the submit's answer.

// callbackAttempts and callbackBackoff bound the retries of one callback.
const (
	callbackAttempts = 3
	callbackBackoff  = 200 * time.Millisecond
	callbackTimeout  = 5 * time.Second
)

// callbacks starts the callbacks of an accepted submit.
func (s *server) callbacks(op *contract.Operation, q *request, status int) {
	if status/100 != 2 {
		return
	}
	for _, cb := range op.Callbacks {
		if cb.URLField == "" || cb.Answer == nil {
			continue
		}
		target, ok := q.field(cb.URLField)
		if !ok || target == "" {
			continue
		}
		body, why := s.callbackBody(op, cb, q)
		if body == nil {
			s.note("kontrak serve: %s: no callback to %s: %s", cb.Name(), target, why)
			continue
		}
		go s.postCallback(cb, target, body)
	}
}

// callbackBody is the answer of cb's result operation for this submission, or nil and why not.
func (s *server) callbackBody(op *contract.Operation, cb *contract.Callback, q *request) ([]byte, string) {
	result := ""
	for _, sp := range op.Sandbox {
		v, ok := q.param(sp.Parameter.In, sp.Parameter.Name)
		if !ok {
			continue
		}
		for _, c := range sp.Codes {
			if c.Value == v && c.Result != "" {
				result = c.Result
			}
		}
	}
	if result == "" {
		return nil, "the submit's sandbox code names no result (x-kontrak-sandbox result)"
	}
	d := s.ops[cb.Answer]
	if d == nil || len(cb.Answer.Sandbox) == 0 {
		return nil, cb.Answer.Name() + " has no sandbox parameter"
	}
	p := cb.Answer.Sandbox[0].Parameter
	u := &url.URL{Path: cb.Answer.Path}
	r, err := http.NewRequest(cb.Answer.Method, u.String(), nil)
	if err != nil {
		return nil, err.Error()
	}
	r.Header = q.r.Header.Clone() // the submit's credentials are the result's
	r.Header.Del("Content-Type")
	var body []byte
	switch p.In {
	case "query":
		r.URL.RawQuery = url.Values{p.Name: {result}}.Encode()
	case "header":
		r.Header.Set(p.Name, result)
	default:
		return nil, "the result's sandbox parameter is in " + p.In
	}
	a, why := s.decide(d, readRequest(r, body))
	if a == nil {
		return nil, why
	}
	if a.status/100 != 2 {
		return nil, "the result answers " + http.StatusText(a.status)
	}
	return a.body, ""
}

// postCallback POSTs body to target, retrying a network error or a 5xx.
func (s *server) postCallback(cb *contract.Callback, target string, body []byte) {
	u, err := url.Parse(target)
	if err != nil || u.Host == "" {
		s.note("kontrak serve: %s: callback_url %q is not a URL", cb.Name(), target)
		return
	}
	if !s.cfg.CallbackAllowRemote && !loopbackHost(u.Hostname()) {
		s.note("kontrak serve: %s: callback to %s refused: not a loopback address (CallbackAllowRemote, serve --allow-remote)", cb.Name(), u.Host)
		return
	}
	client := s.cfg.CallbackClient
	if client == nil {
		client = &http.Client{Timeout: callbackTimeout}
	}
	user, pass := "", ""
	for _, sc := range cb.Security {
		if sc.Type == "http" && sc.Scheme == "basic" {
			user, pass, _ = strings.Cut(s.cfg.Credentials[sc.Env], ":")
		}
	}
	for attempt := 1; attempt <= callbackAttempts; attempt++ {
		ctx, cancel := context.WithTimeout(context.Background(), callbackTimeout)
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
		if err != nil {
			cancel()
			s.note("kontrak serve: %s: callback: %v", cb.Name(), err)
			return
		}
		req.Header.Set("Content-Type", cb.Body.ContentType)
		if user != "" || pass != "" {
			req.SetBasicAuth(user, pass)
		}
		resp, err := client.Do(req)
		status := 0
		if err == nil {
			status = resp.StatusCode
			resp.Body.Close()
		}
		cancel()
		if err == nil && status < 500 {
			s.note("kontrak serve: %s: callback to %s answered %d (attempt %d)", cb.Name(), u.Host, status, attempt)
			return
		}
		s.note("kontrak serve: %s: callback to %s failed (attempt %d of %d): status %d, %v", cb.Name(), u.Host, attempt, callbackAttempts, status, err)
		time.Sleep(callbackBackoff << (attempt - 1))
	}
}

func loopbackHost(h string) bool {
	if strings.EqualFold(h, "localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// Package client sends a vendor's documented requests, built from its spec: the body's content type and
// fields, where the image goes and how it is encoded, the credentials of each security scheme. The one
// piece of vendor logic a document demands — ADVANCE's signed token — is driven by the spec's
// x-kontrak-signature and x-kontrak-token data too: the client knows no field, header or code by name.
//
// A Client caches tokens until they expire and is safe for concurrent use. It keeps a base URL's path
// prefix (https://host/prefix + the documented path). It follows a redirect only within the configured
// origin, never round a loop nor past MaxRedirects (RedirectError says which): a vendor's credentials go
// to the configured host and nowhere else. It reads at most MaxAnswerBytes of an answer
// (AnswerTooLargeError beyond).
package client

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/internal/wire"
)

// Config is what a client needs beyond the spec.
type Config struct {
	// BaseURL is the vendor's base URL (a documented server, a sandbox, or a local one).
	BaseURL string
	// Credentials maps the environment variable names of the spec (x-kontrak-env, signature credentials)
	// to their values.
	Credentials map[string]string
	// HTTP sends the requests; nil is http.DefaultClient.
	HTTP *http.Client
	// Now is the clock of timestamps and token expiry; nil is time.Now.
	Now func() time.Time
	// Timeout bounds every call; zero is 30 s.
	Timeout time.Duration
	// Boundary fixes the multipart boundary (reproducible recordings); empty is random.
	Boundary string
}

// Client calls one vendor's operations.
type Client struct {
	vendor *contract.Vendor
	cfg    Config

	cache *tokenCache // shared by the copies WithTransport makes
}

type tokenCache struct {
	mu     sync.Mutex
	tokens map[string]token // by token operation id
}

type token struct {
	value   string
	expires time.Time
}

// New returns a client of vendor v.
func New(v *contract.Vendor, cfg Config) *Client {
	if cfg.HTTP == nil {
		cfg.HTTP = http.DefaultClient
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 30 * time.Second
	}
	return &Client{vendor: v, cfg: cfg, cache: &tokenCache{tokens: map[string]token{}}}
}

// WithTransport returns a client that sends through rt and shares this one's tokens.
func (c *Client) WithTransport(rt http.RoundTripper) *Client {
	cp := *c
	cp.cfg.HTTP = &http.Client{Transport: rt}
	return &cp
}

// Vendor is the client's vendor.
func (c *Client) Vendor() *contract.Vendor { return c.vendor }

// Request is one call, in the spec's own terms.
type Request struct {
	Operation string
	// Fields are request values by the spec's names: a name the spec declares as a query or header
	// parameter goes there, any other into the body.
	Fields map[string]any
	// Image is the image, placed in the body property that carries x-kontrak-image and encoded as it says.
	Image []byte
	// ImageRaw, when set, is sent verbatim in that property instead (a sandbox code, corrupt base64).
	ImageRaw *string
	// ImageContentType overrides the multipart part's content type (default: sniffed from the bytes).
	ImageContentType string
	// Credentials override the client's, by environment variable name (wrong keys for auth scenarios).
	Credentials map[string]string
	// NoToken skips fetching a token: the token header is sent with TokenValue instead (possibly empty).
	NoToken    bool
	TokenValue string
}

// Response is the answer of a call.
type Response struct {
	Operation *contract.Operation
	Method    string
	URL       string
	Status    int
	Header    http.Header
	Body      []byte
}

// Do sends req and reads the whole answer. An error means no answer (transport, timeout, a request the
// spec cannot build); any HTTP answer, however bad, is a Response.
func (c *Client) Do(ctx context.Context, req Request) (*Response, error) {
	op := c.vendor.Operation(req.Operation)
	if op == nil {
		return nil, fmt.Errorf("%s: no operation %q", c.vendor.ID, req.Operation)
	}
	resp, err := c.do(ctx, op, req)
	// A token the vendor refused (revoked, expired early, clock skew) is fetched anew, once.
	if err == nil && !req.NoToken && c.tokenRefused(op, resp) {
		c.ForgetTokens()
		resp, err = c.do(ctx, op, req)
	}
	return resp, err
}

// tokenRefused reports whether resp is the documented answer to a refused token (x-kontrak-token.refused).
func (c *Client) tokenRefused(op *contract.Operation, resp *Response) bool {
	for _, sc := range op.Security {
		if sc.TokenOperation == "" {
			continue
		}
		t := c.vendor.Operation(sc.TokenOperation)
		if t == nil || t.Token == nil || t.Token.Refused == nil {
			continue
		}
		cl := op.Classify(resp.Status, resp.Body)
		if cl.Code != t.Token.Refused.Code {
			continue
		}
		msg, _ := contract.Lookup(resp.Body, op.Codes.MessagePointer)
		for _, m := range t.Token.Refused.Messages {
			if fmt.Sprint(msg) == m {
				return true
			}
		}
	}
	return false
}

func (c *Client) do(ctx context.Context, op *contract.Operation, req Request) (*Response, error) {
	hreq, err := c.build(ctx, op, req)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op.Name(), err)
	}
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	hresp, err := c.guarded(op).Do(hreq.WithContext(ctx))
	if err != nil {
		var re *RedirectError
		if errors.As(err, &re) {
			return nil, re // it names the operation, and holds no credential
		}
		return nil, fmt.Errorf("%s %s: %w", op.Name(), op.Route(), err)
	}
	defer hresp.Body.Close()
	if hresp.ContentLength > MaxAnswerBytes {
		return nil, &AnswerTooLargeError{Operation: op.Name(), Limit: MaxAnswerBytes, Length: hresp.ContentLength}
	}
	body, err := io.ReadAll(io.LimitReader(hresp.Body, MaxAnswerBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%s %s: reading the answer: %w", op.Name(), op.Route(), err)
	}
	if len(body) > MaxAnswerBytes {
		return nil, &AnswerTooLargeError{Operation: op.Name(), Limit: MaxAnswerBytes, Length: -1}
	}
	return &Response{Operation: op, Method: hreq.Method, URL: hreq.URL.String(), Status: hresp.StatusCode, Header: hresp.Header, Body: body}, nil
}

// MaxAnswerBytes is the most of an answer a client reads (and a live run's transport lets through): 16 MiB.
// Why a bound: an answer is read whole to be judged, so an unbounded one is unbounded memory (issue 21: 242
// MB read in 5 s, 1.8 GB of RSS). Why 16 MiB: the largest documented answer is a few kilobytes of JSON —
// an OCR result, at most with a cropped photo in base64, well under 1 MiB — so no answer a vendor documents
// comes near it, while a runaway one is cut before it costs much. An answer over it is no answer: its
// exchange is inconclusive (AnswerTooLargeError), never judged on what was read of it.
const MaxAnswerBytes = 16 << 20

// MaxRedirects is how many redirects a call follows, as net/http's own default: a longer chain is refused
// and said (RedirectError), and a loop is told at its first repeat, before it spends a budget.
const MaxRedirects = 10

// AnswerTooLargeError is an answer over MaxAnswerBytes: refused unread when its Content-Length says so
// (Length), else cut at the limit (Length -1).
type AnswerTooLargeError struct {
	Operation string
	Limit     int64
	Length    int64
}

func (e *AnswerTooLargeError) Error() string {
	size := "more"
	if e.Length >= 0 {
		size = fmt.Sprintf("%d bytes (its Content-Length)", e.Length)
	}
	return fmt.Sprintf("%s: the answer is %s, over the %d MiB kontrak reads of an answer (client.MaxAnswerBytes): not read further", e.Operation, size, e.Limit>>20)
}

// RedirectError is a redirect a client did not follow: to another origin (scheme, host or port) than the
// configured one — the credentials of a call go to the configured host only, and a redirect would carry
// its headers and body elsewhere —, a loop, or a chain longer than MaxRedirects. The URLs it names carry
// no query (a credential may travel there).
type RedirectError struct {
	Operation string
	From, To  string
	// Why is "another-host", "loop" or "too-many".
	Why  string
	Hops int
}

// The reasons of a RedirectError.
const (
	RedirectOtherHost = "another-host"
	RedirectLoop      = "loop"
	RedirectTooMany   = "too-many"
)

func (e *RedirectError) Error() string {
	switch e.Why {
	case RedirectOtherHost:
		return fmt.Sprintf("%s: redirected from %s to another host, %s: not followed, so that no credential leaves the configured host (set the vendor's base URL to where it redirects, if that is the vendor)", e.Operation, e.From, e.To)
	case RedirectLoop:
		return fmt.Sprintf("%s: a redirect loop: %s redirects back to %s after %d redirects: not followed", e.Operation, e.From, e.To, e.Hops)
	}
	return fmt.Sprintf("%s: more than %d redirects (the last from %s to %s): not followed", e.Operation, MaxRedirects, e.From, e.To)
}

// guarded is the HTTP client of a call to op: the configured one, whose redirects are followed only
// within the configured origin, never round a loop nor further than MaxRedirects (RedirectError).
// net/http drops only Authorization and cookies on a redirect to another host; a vendor's own credential
// headers (App-ID, X-Api-Key), query parameters and signed body would follow it.
func (c *Client) guarded(op *contract.Operation) *http.Client {
	hc := *c.cfg.HTTP
	next := hc.CheckRedirect
	hc.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		first, last := via[0].URL, via[len(via)-1].URL
		e := &RedirectError{Operation: op.Name(), From: bare(last), To: bare(req.URL), Hops: len(via)}
		switch {
		case req.URL.Scheme != first.Scheme || !strings.EqualFold(req.URL.Host, first.Host):
			e.Why = RedirectOtherHost
			return e
		case slices.ContainsFunc(via, func(r *http.Request) bool { return r.URL.String() == req.URL.String() }):
			e.Why = RedirectLoop
			return e
		case len(via) >= MaxRedirects:
			e.Why = RedirectTooMany
			return e
		}
		if next != nil {
			return next(req, via)
		}
		return nil
	}
	return &hc
}

// bare is a URL without its query and fragment: what a message may show of it.
func bare(u *url.URL) string {
	cp := *u
	cp.RawQuery, cp.Fragment, cp.User = "", "", nil
	return cp.String()
}

func (c *Client) build(ctx context.Context, op *contract.Operation, req Request) (*http.Request, error) {
	creds := func(env string) string {
		if v, ok := req.Credentials[env]; ok {
			return v
		}
		return c.cfg.Credentials[env]
	}
	u, err := url.Parse(strings.TrimRight(c.cfg.BaseURL, "/") + op.Path)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("base URL %q: not an absolute URL", c.cfg.BaseURL)
	}
	header := http.Header{}
	query := u.Query()
	body := map[string]any{}
	params := map[string]string{}
	for _, p := range op.Parameters {
		params[p.Name] = p.In
	}
	for k, v := range req.Fields {
		switch params[k] {
		case "query":
			query.Set(k, fmt.Sprint(v))
		case "header":
			header.Set(k, fmt.Sprint(v))
		default:
			body[k] = v
		}
	}
	if op.Signature != nil {
		props, _ := op.RequestSchema["properties"].(map[string]any)
		if err := c.sign(op.Signature, props, body, creds); err != nil {
			return nil, err
		}
	}
	for _, sc := range op.Security {
		val := creds(sc.Env)
		if sc.TokenOperation != "" {
			if req.NoToken {
				val = req.TokenValue
			} else if val, err = c.token(ctx, sc.TokenOperation, req.Credentials); err != nil {
				return nil, err
			}
		}
		if sc.Type == "http" && sc.Scheme == "bearer" {
			val = "Bearer " + val
		}
		switch sc.In {
		case "query":
			query.Set(sc.Header, val)
		default:
			header.Set(sc.Header, val)
		}
	}
	u.RawQuery = query.Encode()

	var payload io.Reader
	if op.RequestContentType != "" {
		ct, data, err := encodeBody(op, body, req, c.cfg.Boundary)
		if err != nil {
			return nil, err
		}
		header.Set("Content-Type", ct)
		payload = bytes.NewReader(data)
	}
	hreq, err := http.NewRequestWithContext(ctx, op.Method, u.String(), payload)
	if err != nil {
		return nil, err
	}
	for k, v := range header {
		hreq.Header[k] = v
	}
	hreq.Header.Set("Accept", "application/json")
	return hreq, nil
}

// sign fills the signature's inputs and the signature into the body: credentials from their variables,
// the timestamp from the clock, then hex(hash(concatenation)).
func (c *Client) sign(s *contract.Signature, bodyProps map[string]any, body map[string]any, creds func(string) string) error {
	if s.Algorithm != "sha256" || s.Encoding != "hex" {
		return fmt.Errorf("signature %s/%s is not supported (sha256/hex is)", s.Algorithm, s.Encoding)
	}
	now := c.cfg.Now()
	var concat strings.Builder
	for _, name := range s.Concatenation {
		var v string
		if env, ok := s.Credentials[name]; ok {
			v = creds(env)
		} else if name == s.Timestamp {
			v = Timestamp(now, s.TimestampUnit)
		} else if bv, ok := body[name]; ok {
			v = fmt.Sprint(bv)
		} else {
			return fmt.Errorf("signature input %q is neither a credential, the timestamp, nor a field", name)
		}
		concat.WriteString(v)
		// An input travels in the body when the body documents a field of its name (accessKey, timestamp);
		// the secret key does not, and never leaves the machine.
		if _, documented := bodyProps[name]; documented {
			if _, set := body[name]; !set {
				body[name] = v
			}
		}
	}
	body[s.Field] = Sign(concat.String())
	return nil
}

// Sign is hex(sha256(s)), the signature of the documents.
func Sign(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// Timestamp renders t in the unit a document asks for (ms: 13 digits).
func Timestamp(t time.Time, unit string) string { return wire.FormatEpoch(t, unit) }

// token returns a valid token of operation id, fetching one when none is cached or it expired.
func (c *Client) token(ctx context.Context, id string, override map[string]string) (string, error) {
	c.cache.mu.Lock()
	t, ok := c.cache.tokens[id]
	c.cache.mu.Unlock()
	// A minute of margin: a token that expires while a request is in flight is refused.
	if ok && len(override) == 0 && c.cfg.Now().Add(time.Minute).Before(t.expires) {
		return t.value, nil
	}
	resp, err := c.Do(ctx, Request{Operation: id, Credentials: override})
	if err != nil {
		return "", err
	}
	return c.keepToken(resp)
}

// keepToken reads the token out of a token operation's answer and caches it.
func (c *Client) keepToken(resp *Response) (string, error) {
	op := resp.Operation
	v, ok := contract.Lookup(resp.Body, op.Token.TokenPointer)
	tok, _ := v.(string)
	if !ok || tok == "" {
		cl := op.Classify(resp.Status, resp.Body)
		return "", &TokenError{Operation: op.Name(), Status: resp.Status, Code: cl.Code, Pointer: op.Token.TokenPointer}
	}
	exp := c.cfg.Now().Add(time.Hour)
	if raw, ok := contract.Lookup(resp.Body, op.Token.ExpiryPointer); ok {
		if t, err := wire.ParseEpoch(fmt.Sprint(raw), op.Token.ExpiryUnit); err == nil {
			exp = t
		}
	}
	c.cache.mu.Lock()
	c.cache.tokens[op.ID] = token{value: tok, expires: exp}
	c.cache.mu.Unlock()
	return tok, nil
}

// ForgetTokens drops every cached token: the next call fetches a new one (a token the vendor refused).
func (c *Client) ForgetTokens() {
	c.cache.mu.Lock()
	c.cache.tokens = map[string]token{}
	c.cache.mu.Unlock()
}

// TokenError is a token operation that answered without a token.
type TokenError struct {
	Operation string
	Status    int
	Code      string
	Pointer   string
}

func (e *TokenError) Error() string {
	return fmt.Sprintf("%s: no token at %s (HTTP %d, code %q)", e.Operation, e.Pointer, e.Status, e.Code)
}

// IsTokenError reports whether err is a token operation that answered without a token.
func IsTokenError(err error) bool {
	var te *TokenError
	return errors.As(err, &te)
}

// encodeBody encodes the body as the spec's request content type says, the image in its property.
func encodeBody(op *contract.Operation, body map[string]any, req Request, boundary string) (string, []byte, error) {
	imgField, rules := op.ImageField()
	ct := op.RequestContentType
	var imageValue any
	if imgField != "" {
		switch {
		case req.ImageRaw != nil:
			imageValue = *req.ImageRaw
		case req.Image != nil:
			imageValue = encodeImage(req.Image, rules)
		}
		if imageValue != nil && !strings.HasPrefix(ct, "multipart/") {
			body[imgField] = imageValue
		}
	}
	switch {
	case wire.IsJSONMedia(ct):
		b, err := json.Marshal(body)
		return ct, b, err
	case ct == wire.MediaForm:
		form := url.Values{}
		for k, v := range body {
			form.Set(k, fmt.Sprint(v))
		}
		return ct, []byte(form.Encode()), nil
	case strings.HasPrefix(ct, "multipart/"):
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		if boundary != "" {
			if err := mw.SetBoundary(boundary); err != nil {
				return "", nil, err
			}
		}
		keys := make([]string, 0, len(body))
		for k := range body {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if err := mw.WriteField(k, fmt.Sprint(body[k])); err != nil {
				return "", nil, err
			}
		}
		if imgField != "" && (req.Image != nil || req.ImageRaw != nil) {
			data := req.Image
			if req.ImageRaw != nil {
				data = []byte(*req.ImageRaw)
			}
			pct := req.ImageContentType
			if pct == "" {
				pct = wire.SniffMedia(data)
			}
			h := textproto.MIMEHeader{}
			h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="%s"; filename="%s"`, imgField, fileName(pct)))
			h.Set("Content-Type", pct)
			w, err := mw.CreatePart(h)
			if err != nil {
				return "", nil, err
			}
			if _, err := w.Write(data); err != nil {
				return "", nil, err
			}
		}
		if err := mw.Close(); err != nil {
			return "", nil, err
		}
		return mw.FormDataContentType(), buf.Bytes(), nil
	}
	return "", nil, fmt.Errorf("request content type %q is not supported", ct)
}

func encodeImage(img []byte, rules *contract.ImageRules) string {
	s := base64.StdEncoding.EncodeToString(img)
	if rules != nil && rules.DataURIPrefix {
		s = "data:" + wire.SniffMedia(img) + ";base64," + s
	}
	return s
}

func fileName(contentType string) string {
	switch contentType {
	case "image/jpeg":
		return "ktp.jpg"
	case "image/png":
		return "ktp.png"
	case "image/gif":
		return "ktp.gif"
	case "image/bmp":
		return "ktp.bmp"
	}
	return "ktp.bin"
}

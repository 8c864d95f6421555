package run

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/kontrak/kontrak/client"
	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/internal/wire"
)

// Budget counts the calls of a live run that may be billed, from the billing tables, before each call:
// a call whose operation has any billable answer counts, whatever it then answers. It is never exceeded.
type Budget struct {
	Max int

	mu   sync.Mutex
	used int
}

// BudgetError is a call refused because the budget is spent.
type BudgetError struct {
	Max       int
	Operation string
}

func (e *BudgetError) Error() string {
	return fmt.Sprintf("budget of %d billable calls spent: %s not called (raise KONTRAK_MAX_BILLABLE)", e.Max, e.Operation)
}

// Take reserves one call of op: an error when op may be billed and the budget is spent.
func (b *Budget) Take(op *contract.Operation) error {
	if !op.MaxBillable() {
		return nil
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.used >= b.Max {
		return &BudgetError{Max: b.Max, Operation: op.Name()}
	}
	b.used++
	return nil
}

// Used is how many billable calls were made.
func (b *Budget) Used() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.used
}

// Retry is the retry policy of a live run: 429 answers and codes the tables mark with retryAfter are
// retried after the Retry-After delay, at most Max times. A delay longer than MaxWait is not waited for
// (nor cut short: a retry before it only meets the limit again): that answer stands, and a scenario it
// fails is inconclusive, rate-limited, with the delay the vendor asked for (RateLimited).
type Retry struct {
	Max     int
	MaxWait time.Duration
	// Sleep waits; nil is a context-aware time.Sleep (tests pass a recorder of waits).
	Sleep func(ctx context.Context, d time.Duration) error
}

// liveTransport is the live side of a run: the budget before every call, retries after the vendor's
// delay, and the cap of an answer's bytes (client.MaxAnswerBytes: every reader above it, go-vcr's
// recorder included, gets AnswerTooLargeError at the cap). Each retry is a call, so it asks the budget
// too. A delay longer than Retry.MaxWait is not waited for: the rate-limited answer stands, and limited
// says so (a scenario's transport is its own: one strategy open).
type liveTransport struct {
	next   http.RoundTripper
	c      *contract.Contract
	budget *Budget
	retry  Retry

	mu      sync.Mutex
	limited *RateLimited
}

// RateLimited is a rate-limited answer whose delay was longer than the run may wait (KONTRAK_MAX_WAIT):
// not retried, and proving nothing about the contract.
type RateLimited struct {
	Operation string
	Status    int
	// Header and Value are the delay as the vendor wrote it (Retry-After: 45); Wait is what it reads as.
	Header, Value string
	Wait, MaxWait time.Duration
}

func (r *RateLimited) String() string {
	return fmt.Sprintf("inconclusive: rate-limited: %s answered HTTP %d asking to wait %v (%s: %s), longer than the %v a run waits (%s): not retried — run again later, or raise %s",
		r.Operation, r.Status, r.Wait, r.Header, oneLine(r.Value), r.MaxWait, EnvMaxWait, EnvMaxWait)
}

// rateLimited is the rate-limited answer the transport gave up on, nil when none.
func (t *liveTransport) rateLimited() *RateLimited {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.limited
}

// capAnswer refuses an answer whose declared length is over client.MaxAnswerBytes, unread, and cuts any
// other at the cap.
func capAnswer(op *contract.Operation, resp *http.Response) error {
	name := "the answer"
	if op != nil {
		name = op.Name()
	}
	if resp.ContentLength > client.MaxAnswerBytes {
		resp.Body.Close()
		return &client.AnswerTooLargeError{Operation: name, Limit: client.MaxAnswerBytes, Length: resp.ContentLength}
	}
	resp.Body = &cappedBody{ReadCloser: resp.Body, left: client.MaxAnswerBytes, err: &client.AnswerTooLargeError{Operation: name, Limit: client.MaxAnswerBytes, Length: -1}}
	return nil
}

// cappedBody reads at most left bytes of a body, then fails with err: a byte past the cap is never
// handed on.
type cappedBody struct {
	io.ReadCloser
	left int64
	err  error
}

func (b *cappedBody) Read(p []byte) (int, error) {
	if b.left < 0 {
		return 0, b.err
	}
	if int64(len(p)) > b.left+1 {
		p = p[:b.left+1]
	}
	n, err := b.ReadCloser.Read(p)
	if int64(n) > b.left {
		keep := b.left
		b.left = -1
		return int(keep), b.err // the bytes up to the cap, and the error
	}
	b.left -= int64(n)
	return n, err
}

func (t *liveTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	op, _ := t.c.Lookup(r.Method, r.URL.Path)
	var body []byte
	if r.Body != nil {
		b, err := io.ReadAll(r.Body)
		r.Body.Close()
		if err != nil {
			return nil, err
		}
		body = b
	}
	for attempt := 0; ; attempt++ {
		if op != nil && t.budget != nil {
			if err := t.budget.Take(op); err != nil {
				return nil, err
			}
		}
		req := r.Clone(r.Context())
		req.Body = io.NopCloser(bytes.NewReader(body))
		req.ContentLength = int64(len(body))
		resp, err := t.next.RoundTrip(req)
		if err != nil {
			return nil, err
		}
		if err := capAnswer(op, resp); err != nil {
			return nil, err
		}
		wait, retry, header, err := t.retryAfter(op, resp)
		if err != nil {
			return nil, err // the answer did not come whole: never judged as if it had
		}
		if !retry || attempt >= t.retry.Max {
			return resp, nil
		}
		if wait > t.retry.MaxWait {
			// Retrying sooner than asked only meets the limit again (and spends the budget): the answer
			// stands, and the run says it is rate-limited, and for how long, instead of timing out.
			name := r.URL.Path
			if op != nil {
				name = op.Name()
			}
			t.mu.Lock()
			t.limited = &RateLimited{Operation: name, Status: resp.StatusCode, Header: header, Value: resp.Header.Get(header), Wait: wait, MaxWait: t.retry.MaxWait}
			t.mu.Unlock()
			return resp, nil
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		sleep := t.retry.Sleep
		if sleep == nil {
			sleep = Sleep
		}
		if err := sleep(r.Context(), wait); err != nil {
			return nil, err
		}
	}
}

// retryAfter reads whether an answer asks to be retried, after how long, and the header that says so:
// HTTP 429, or a code whose row carries retryAfter. The response body is left readable.
func (t *liveTransport) retryAfter(op *contract.Operation, resp *http.Response) (time.Duration, bool, string, error) {
	header := "Retry-After"
	retry := resp.StatusCode == http.StatusTooManyRequests
	if op != nil {
		b, err := wire.BufferBody(&resp.Body)
		if err != nil {
			return 0, false, "", err
		}
		if row, ok := op.RetryRow(resp.StatusCode, b); ok {
			retry = true
			if row.RetryAfter.Header != "" {
				header = row.RetryAfter.Header
			}
		}
	}
	if !retry {
		return 0, false, "", nil
	}
	return ParseRetryAfter(resp.Header.Get(header), time.Now()), true, header, nil
}

// ParseRetryAfter reads a Retry-After value: seconds ("10"), seconds with a unit as ADVANCE writes it
// ("10s"), or an HTTP date. Anything else waits one second.
func ParseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
	if n, err := strconv.Atoi(v); err == nil && n >= 0 {
		return time.Duration(n) * time.Second
	}
	if d, err := time.ParseDuration(v); err == nil && d >= 0 {
		return d
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
		return 0
	}
	return time.Second
}

// Sleep waits d, or until ctx is done (its error): the pause between retries of a live call.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Inconclusive reports whether an answer proves nothing about the contract: a refusal of the
// credentials, a rate limit or a server error (HTTP 401, 403, 429, 5XX, or a code of class auth,
// rate-limit or server).
func Inconclusive(op *contract.Operation, status int, body []byte) bool {
	switch {
	case status == http.StatusUnauthorized, status == http.StatusForbidden, status == http.StatusTooManyRequests, status >= 500:
		return true
	}
	if row := op.Codes.Lookup(op.Classify(status, body).Code); row != nil && row.Class != "" {
		return true
	}
	return false
}

// transportFailure says why err is a failure of the network rather than an answer or a fault of kontrak:
// a connection refused, reset or broken, a timeout, a body cut short. "" for any other error (the budget,
// a request the client could not build).
func transportFailure(err error) string {
	var budget *BudgetError
	var redirect *client.RedirectError
	var large *client.AnswerTooLargeError
	switch {
	case errors.As(err, &budget), errors.As(err, &redirect):
		return "" // a failure of the configuration, said as it is (url.Error would pass as a net.Error)
	case errors.As(err, &large):
		return "inconclusive: " + oneLine(large.Error()) + ": an answer cut short proves nothing about the vendor's contract"
	}
	var ne net.Error
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF), errors.Is(err, context.DeadlineExceeded),
		errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.EPIPE),
		errors.As(err, &ne):
		return "inconclusive: the exchange did not complete (" + oneLine(err.Error()) + "): a transport failure proves nothing about the vendor's contract"
	}
	return ""
}

// Tally follows a live run: whether any answer proved something.
type Tally struct {
	mu         sync.Mutex
	ran        int
	conclusive int
	failed     int
	budgeted   int // scenarios the budget stopped: not run, not proved
	broken     int // scenarios whose exchange did not complete (Result.Inconclusive)
	budgetMax  int // the budget that stopped them

	// Need, when set, is the budget a run of every scenario needs (NeedOf(…).Calls): what the run's
	// messages name when the budget stopped a scenario, instead of a lower bound.
	Need int
}

// Add counts a scenario's result. Auth scenarios expect a refusal: they prove the refusal, not the
// contract, and count as run but never as conclusive.
func (t *Tally) Add(r *Result) {
	t.mu.Lock()
	defer t.mu.Unlock()
	var budget *BudgetError
	if errors.As(r.Err, &budget) {
		t.budgeted++
		t.budgetMax = budget.Max
		return
	}
	t.ran++
	if r.Failed() {
		t.failed++
	}
	if r.Inconclusive != "" {
		t.broken++
		return // it proved nothing
	}
	if r.Scenario.Kind == "auth" || len(r.Exchanges) == 0 {
		return
	}
	last := r.Exchanges[len(r.Exchanges)-1]
	if !Inconclusive(last.Operation, last.Status, last.Body) {
		t.conclusive++
	}
}

// Verdict is nil when the run proved something, else why not. A scenario the budget stopped proves
// nothing: a run in which none ran, or none that ran was conclusive, fails, and says the budget it needs.
func (t *Tally) Verdict(vendor string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	switch {
	case t.ran == 0 && t.budgeted > 0:
		return fmt.Errorf("%s: the live run proved nothing: no scenario ran, %s", vendor, t.budgetNote())
	case t.ran == 0:
		return fmt.Errorf("%s: the live run proved nothing: no scenario ran", vendor)
	case t.conclusive == 0 && t.budgeted > 0:
		return fmt.Errorf("%s: the live run proved nothing: every one of its %d scenarios that ran was refused (auth), rate-limited or a server error%s, and %s — check the credentials and the base URL", vendor, t.ran, t.brokenNote(), t.budgetNote())
	case t.conclusive == 0:
		return fmt.Errorf("%s: the live run proved nothing: every one of its %d calls was refused (auth), rate-limited or a server error%s — check the credentials and the base URL", vendor, t.ran, t.brokenNote())
	}
	return nil
}

// NeededBudget is a lower bound of the KONTRAK_MAX_BILLABLE that would have let every scenario the budget
// stopped run: the budget was spent when it refused, and each refused scenario needs one billable call at
// least (more if it is retried). 0 when the budget stopped none.
func (t *Tally) NeededBudget() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.budgeted == 0 {
		return 0
	}
	return t.budgetMax + t.budgeted
}

// locked reads one count of t under its lock.
func locked(t *Tally, n *int) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return *n
}

// Broken is how many scenarios did not complete (Result.Inconclusive).
func (t *Tally) Broken() int {
	return locked(t, &t.broken)
}

// Budgeted is how many scenarios the budget stopped.
func (t *Tally) Budgeted() int {
	return locked(t, &t.budgeted)
}

func (t *Tally) brokenNote() string {
	if t.broken == 0 {
		return ""
	}
	return fmt.Sprintf(", or did not complete (%d: a broken connection, a timeout)", t.broken)
}

func (t *Tally) budgetNote() string {
	return fmt.Sprintf("%d %s stopped by the budget of %d billable calls (%s=%s runs them all)",
		t.budgeted, map[bool]string{true: "scenario", false: "scenarios"}[t.budgeted == 1], t.budgetMax, EnvMaxBillable, t.neededLocked())
}

// neededText is the KONTRAK_MAX_BILLABLE a run of every scenario needs: Need when it is known, else
// NeededBudget's lower bound ("8 at least").
func (t *Tally) neededText() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.neededLocked()
}

func (t *Tally) neededLocked() string {
	if t.Need > t.budgetMax {
		return fmt.Sprint(t.Need)
	}
	return fmt.Sprintf("%d at least", t.budgetMax+t.budgeted)
}

// Summary is the line a live run ends with when the budget stopped scenarios — how many of those it
// reached were not run, and the budget that runs them all —, "" when it stopped none. A run the budget
// cut may pass (what ran proved something); it never passes in silence.
func (t *Tally) Summary(vendor string) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.budgeted == 0 {
		return ""
	}
	return fmt.Sprintf("%s: the budget of %d billable calls skipped %d of %d scenarios: %s=%s runs them all (kontrak budget --vendor %s)",
		vendor, t.budgetMax, t.budgeted, t.budgeted+t.ran, EnvMaxBillable, t.neededLocked(), vendor)
}

// Failed is how many scenarios failed.
func (t *Tally) Failed() int {
	return locked(t, &t.failed)
}

// Ran is how many scenarios ran (budget refusals aside).
func (t *Tally) Ran() int {
	return locked(t, &t.ran)
}

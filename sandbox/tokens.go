package sandbox

import (
	"container/heap"
	"sync"
	"time"
)

// DefaultMaxTokens is the number of unexpired tokens remembered when Config.MaxTokens is zero. A token
// costs its 64-character text twice (the map key and its heap entry), the map entry and the heap entry:
// about 250 bytes, so 100 000 of them hold about 25 MB. A client asks for a token once per period (an hour
// by default) and keeps it, so no test run holds more than a handful; a load test that issues tokens back
// to back (issue 24 measured 6k a second on a 2-core machine) reaches the limit in about 17 s, and from
// then on the token nearest its expiry is forgotten first, as a vendor's token store would drop it.
const DefaultMaxTokens = 100_000

// tokenStore holds the issued tokens of every token operation, bounded in number and forgotten by time.
//
// Why not a map swept on every issue (what it replaced): issue 24 measured that sweep at 82% of serve's
// CPU after 15 s of generate-token calls, the rate falling from 5.9k to 2.2k a second as the map grew
// with every token. Here a lookup is one map read, an issue one map write and one heap push (O(log n));
// an expired token leaves the heap when it reaches the top, so each token is forgotten once, at a cost
// paid by the issue that finds it expired (BenchmarkTokens: ns/op flat from 1k to 100k tokens issued).
type tokenStore struct {
	max int

	mu       sync.Mutex
	issued   uint64                 // tokens issued so far: the order of tokens that expire together
	live     map[tokenKey]time.Time // token → expiry
	byExpiry expiryHeap             // every token of live once, the soonest expiry on top
}

type tokenKey struct{ operation, token string }

type expiring struct {
	key     tokenKey
	expires time.Time
	n       uint64 // the token's place in the order of issue
}

// expiryHeap is a min-heap of tokens by expiry (container/heap).
type expiryHeap []expiring

func (h expiryHeap) Len() int { return len(h) }
func (h expiryHeap) Less(i, j int) bool {
	if !h[i].expires.Equal(h[j].expires) {
		return h[i].expires.Before(h[j].expires)
	}
	return h[i].n < h[j].n // of tokens that expire together, the oldest goes first
}
func (h expiryHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *expiryHeap) Push(x any)   { *h = append(*h, x.(expiring)) }
func (h *expiryHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	old[len(old)-1] = expiring{} // drop the strings for the collector
	*h = old[:len(old)-1]
	return e
}

func newTokenStore(max int) *tokenStore {
	if max <= 0 {
		max = DefaultMaxTokens
	}
	return &tokenStore{max: max, live: map[tokenKey]time.Time{}}
}

// keep remembers an issued token until it expires. It first forgets the tokens expired at now, and, when
// the store is full, the one nearest its expiry (the oldest of those that expire together).
func (t *tokenStore) keep(op, tok string, expires, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for len(t.byExpiry) > 0 && (!now.Before(t.byExpiry[0].expires) || len(t.live) >= t.max) {
		t.forgetTop()
	}
	k := tokenKey{op, tok}
	if _, dup := t.live[k]; dup {
		// A 256-bit random token issued twice: keep the later expiry, one heap entry for it.
		t.live[k] = expires
		for i := range t.byExpiry {
			if t.byExpiry[i].key == k {
				t.byExpiry[i].expires = expires
				heap.Fix(&t.byExpiry, i)
				return
			}
		}
	}
	t.live[k] = expires
	t.issued++
	heap.Push(&t.byExpiry, expiring{key: k, expires: expires, n: t.issued})
}

// forgetTop forgets the token nearest its expiry.
func (t *tokenStore) forgetTop() {
	e := heap.Pop(&t.byExpiry).(expiring)
	delete(t.live, e.key)
}

// valid reports whether tok was issued by the token operation op and has not expired at now.
func (t *tokenStore) valid(op, tok string, now time.Time) bool {
	t.mu.Lock()
	exp, ok := t.live[tokenKey{op, tok}]
	t.mu.Unlock()
	return ok && now.Before(exp)
}

// len is the number of tokens remembered, expired ones not yet forgotten included.
func (t *tokenStore) len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.live)
}

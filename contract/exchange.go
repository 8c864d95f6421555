package contract

import (
	"net/http"
	"time"
)

// Exchange is one HTTP exchange as kontrak reads it, whatever shape it arrived in: a go-vcr cassette's
// interaction, a HAR entry, an NDJSON log line, a live call. Every reader of traffic produces it, and
// the contract judges it.
type Exchange struct {
	// ID is the interaction's own id (a cassette's id; the index for other inputs).
	ID            int
	Method        string
	URL           string
	Path          string
	RequestHeader http.Header
	RequestBody   []byte
	Status        int
	Header        http.Header
	Body          []byte
	// Time is when the exchange happened, where the input says (HAR, NDJSON); zero otherwise.
	Time time.Time

	// What the input does not carry: parts kontrak cannot judge, never taken as absent (Policy). The zero
	// value carries everything (a cassette, a live call).
	NoHeader bool // no response headers: a body checked alone, an access log that records none
	NoBody   bool // no response body: an access-log line
	// Synthetic says the exchange's personal values are kontrak's own synthetic ones: a cassette kontrak
	// wrote (derived from the documents, or recorded live and redacted), a test fixture. A NIK with the
	// synthetic prefix is then kontrak's, drawn apart from the date and the gender, and its encoding is not
	// judged. Anywhere else (live traffic, HAR, NDJSON, the monitor) such a NIK is judged like any other.
	Synthetic bool
	// Incomplete says why there is no whole answer to judge: "aborted" (the request got no answer: a
	// browser's status 0), "truncated" (the body was cut by the network, a timeout). Such an exchange is
	// inconclusive: it proves nothing either way. A status of 0 is always taken as aborted, and so is one
	// that is no HTTP status (not three digits).
	Incomplete string
}

// The reasons an exchange is incomplete.
const (
	Aborted   = "aborted"
	Truncated = "truncated"
)

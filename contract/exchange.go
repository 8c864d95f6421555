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
}

package wire

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Epoch units, as the specs name them (x-kontrak-signature.timestampUnit, x-kontrak-token.expiryUnit).
// Any other unit, the empty one included, is milliseconds: the unit of every document that gives none.
const (
	Seconds      = "s"
	Milliseconds = "ms"
)

// Epoch is t as an epoch number in unit.
func Epoch(t time.Time, unit string) int64 {
	if unit == Seconds {
		return t.Unix()
	}
	return t.UnixMilli()
}

// FormatEpoch is Epoch in decimal, as a document writes a timestamp (ms: 13 digits today).
func FormatEpoch(t time.Time, unit string) string { return strconv.FormatInt(Epoch(t, unit), 10) }

// FromEpoch is the time of an epoch number in unit.
func FromEpoch(n int64, unit string) time.Time {
	if unit == Seconds {
		return time.Unix(n, 0)
	}
	return time.UnixMilli(n)
}

// ParseEpoch reads a decimal epoch number in unit (surrounding white space allowed).
func ParseEpoch(s, unit string) (time.Time, error) {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("epoch %q: not a decimal integer", s)
	}
	return FromEpoch(n, unit), nil
}

// SecondsDuration is a count of seconds (a "periodSecond", a "Retry-After: 10") as a duration.
func SecondsDuration(n int64) time.Duration { return time.Duration(n) * time.Second }

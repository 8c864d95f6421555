package wire

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestEpoch(t *testing.T) {
	at := time.Date(2022, 10, 17, 8, 38, 42, 952_000_000, time.UTC)
	for _, tc := range []struct {
		unit, text, reason string
		back               time.Time
	}{
		{Milliseconds, "1665995922952", "13 digits, as ADVANCE writes a timestamp", at},
		{"", "1665995922952", "no unit is milliseconds", at},
		{Seconds, "1665995922", "seconds drop the milliseconds", at.Truncate(time.Second)},
	} {
		if got := FormatEpoch(at, tc.unit); got != tc.text {
			t.Errorf("FormatEpoch(%q) = %s, want %s: %s", tc.unit, got, tc.text, tc.reason)
		}
		got, err := ParseEpoch(" "+tc.text+"\n", tc.unit)
		if err != nil || !got.Equal(tc.back) {
			t.Errorf("ParseEpoch(%s, %q) = %v, %v; want %v", tc.text, tc.unit, got, err, tc.back)
		}
	}
	for _, s := range []string{"", "12.5", "1e3", "0x10", "99999999999999999999"} {
		if _, err := ParseEpoch(s, Milliseconds); err == nil {
			t.Errorf("ParseEpoch(%q) accepted: an epoch is a decimal integer", s)
		}
	}
	if got := SecondsDuration(90); got != 90*time.Second {
		t.Errorf("SecondsDuration(90) = %v", got)
	}
}

func FuzzParseEpoch(f *testing.F) {
	f.Add("1665995922952", "ms")
	f.Add("-1", "s")
	f.Fuzz(func(t *testing.T, s, unit string) {
		tm, err := ParseEpoch(s, unit)
		if err != nil {
			return
		}
		n, _ := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if Epoch(tm, unit) != n {
			t.Fatalf("ParseEpoch(%q, %q) is epoch %d, want %d", s, unit, Epoch(tm, unit), n)
		}
	})
}

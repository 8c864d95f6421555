package wire

import "testing"

func TestShape(t *testing.T) {
	for _, tc := range []struct{ reason, in, want string }{
		{"a date of birth keeps its notation, not its digits", "17-08-1945", "99-99-9999"},
		{"letters keep their case, not their value", "Budi SANTOSO", "Aaaa AAAAAAA"},
		{"letters outside ASCII are letters too", "Éa", "Aa"},
		{"a long value is cut after 40 characters", "12345678901234567890123456789012345678901", "9999999999999999999999999999999999999999…"},
		{"the empty value has the empty shape", "", ""},
	} {
		if got := Shape(tc.in); got != tc.want {
			t.Errorf("%s: Shape(%q) = %q, want %q", tc.reason, tc.in, got, tc.want)
		}
	}
}

package sandbox

import (
	"strings"
	"testing"
)

// A callback's host is logged as it is only for a loopback receiver; any other the client named is
// logged by its shape (TestLogsPrintNoPersonalData holds the failure line, which quotes the whole URL).
func TestCallbackHostsAreShaped(t *testing.T) {
	for h, keep := range map[string]bool{"127.0.0.1:8080": true, "[::1]:9": true, "localhost:1": true,
		"3174051201900003.invalid": false, "kanari.indah.example.com:443": false} {
		if got := shownHost(h); (got == h) != keep || !keep && (strings.Contains(got, "3174") || strings.Contains(got, "kanari")) {
			t.Errorf("shownHost(%q) = %q", h, got)
		}
	}
}

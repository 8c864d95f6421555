package sandbox

import (
	"fmt"
	"strings"
	"testing"

	"github.com/kontrak/kontrak/internal/wire"
)

// A callback's host is logged as it is only for a loopback receiver; any other the client named is
// logged by its shape, and the transport's error, which quotes the whole URL, by its quoted parts' shape.
func TestCallbackLogsShapeTheClientsURL(t *testing.T) {
	for h, keep := range map[string]bool{"127.0.0.1:8080": true, "[::1]:9": true, "localhost:1": true,
		"3174051201900003.invalid": false, "kanari.indah.example.com:443": false} {
		if got := shownHost(h); (got == h) != keep || !keep && (strings.Contains(got, "3174") || strings.Contains(got, "kanari")) {
			t.Errorf("shownHost(%q) = %q", h, got)
		}
	}
	err := fmt.Errorf(`Post "https://kanari.indah:***@127.0.0.1:1/3174051201900003?e=kanari.indah@example.com": dial tcp: refused`)
	if got := wire.ShapeQuoted(wire.OneLine(err.Error())); strings.Contains(got, "kanari") || strings.Contains(got, "3174") {
		t.Errorf("the error is logged as %q", got)
	}
}

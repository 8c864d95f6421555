package main

import (
	"strings"
	"testing"
)

// Fail closed: traffic in which no interaction of a vendor operation was judged (an empty log, a log of
// other APIs only) proved nothing, and says so in one line, with exit 3 and the json verdict inconclusive —
// told apart from drift (exit 1); a negative --workers is a usage error.
func TestCheckTrafficThatProvedNothingFails(t *testing.T) {
	for _, tc := range []struct{ reason, input, want string }{
		{"an empty NDJSON log", "", "(0 read, 0 matched no vendor operation"},
		{"a log of another API only", `{"method":"GET","url":"https://example.com/x","status":200}` + "\n", "(1 read, 1 matched no vendor operation"},
	} {
		code, out, errs := runKontrak(t, tc.input, "check", "--input", "ndjson", "--format", "json", "-")
		if code != 3 || !strings.Contains(errs, "the check proved nothing") || !strings.Contains(errs, tc.want) || strings.Count(errs, "\n") != 1 {
			t.Errorf("%s: exit %d, stderr %q; want 3 and one line saying it proved nothing %s", tc.reason, code, errs, tc.want)
		}
		if !strings.Contains(out, `"verdict": "inconclusive"`) {
			t.Errorf("%s: the json does not say the run was inconclusive:\n%s", tc.reason, out)
		}
	}
	if code, _, errs := runKontrak(t, "", "check", "--workers", "-3", "-"); code != 2 || !strings.Contains(errs, "--workers") {
		t.Errorf("--workers -3: exit %d, stderr %q; want 2 naming the flag", code, errs)
	}
}

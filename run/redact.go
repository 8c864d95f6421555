package run

import (
	"fmt"
	"strings"

	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/redact"
)

// redactRules are the contract's credentials, secrets and personal data, as the recorder redacts them.
func redactRules(c *contract.Contract) *redact.RedactRules {
	r := redact.RulesFor(c)
	return &r
}

// ScanStaged is the leak scan of a staged recording: a redacted cassette that still scans dirty is not
// promoted. The error names each leak by file, interaction, kind and place, never by value.
func ScanStaged(c *contract.Contract) func(files []string) error {
	rules := redact.ScanRulesFor(c)
	return func(files []string) error {
		leaks, err := redact.ScanFiles(files, rules)
		if err != nil {
			return err
		}
		if len(leaks) == 0 {
			return nil
		}
		lines := make([]string, len(leaks))
		for i, l := range leaks {
			lines[i] = l.String()
		}
		return fmt.Errorf("%d leaks after redaction: %s", len(leaks), strings.Join(lines, "; "))
	}
}

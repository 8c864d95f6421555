package run

import (
	"github.com/kontrak/kontrak/client"
	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/recorder"
)

// redactRules are the contract's credentials, secrets and personal data, as the recorder redacts them.
func redactRules(c *contract.Contract) *recorder.RedactRules {
	r := client.RedactRules(c)
	return &r
}

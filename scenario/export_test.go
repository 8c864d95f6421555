package scenario_test

import (
	"github.com/kontrak/kontrak/client"
	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/recorder"
)

func clientRedactRules(c *contract.Contract) recorder.RedactRules { return client.RedactRules(c) }

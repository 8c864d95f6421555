package advance_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/kontrak/kontrak/scenario"
)

func TestAdvance(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "advance")
}

var _ = scenario.Specs("advance")

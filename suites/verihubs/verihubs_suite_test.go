package verihubs_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/kontrak/kontrak/scenario"
)

func TestVerihubs(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "verihubs")
}

var _ = scenario.Specs("verihubs")

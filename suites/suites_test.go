package suites_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/kontrak/kontrak/suite"
)

// One binary for the four vendors: linking is most of a suite's cost.
func TestSuites(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "kontrak")
}

var _ = suite.Specs()

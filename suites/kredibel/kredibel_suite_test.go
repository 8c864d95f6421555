package kredibel_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/kontrak/kontrak/scenario"
)

func TestKredibel(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "kredibel")
}

var _ = scenario.Specs("kredibel")

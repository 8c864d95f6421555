package ekycpro_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/kontrak/kontrak/scenario"
)

func TestEkycpro(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "ekycpro")
}

var _ = scenario.Specs("ekycpro")

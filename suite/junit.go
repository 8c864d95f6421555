package suite

import (
	"os"
	"path/filepath"
	"strings"

	g "github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/reporters"
	"github.com/onsi/ginkgo/v2/types"
)

// EnvJUnit names the JUnit report a suite run writes (make conformance: reports/junit.xml). Ginkgo's own
// --junit-report names the absolute suite directory and puts a failure "at" the generator's line; this one
// is Ginkgo's JUnit of the same run with every location under the repository relative to it, and a
// scenario's failure at its line in scenarios.yaml.
const EnvJUnit = "KONTRAK_JUNIT"

// junitReport registers the report writer when EnvJUnit is set.
func junitReport(root string) {
	dst := os.Getenv(EnvJUnit)
	if dst == "" {
		return
	}
	g.ReportAfterSuite("kontrak junit report", func(r types.Report) {
		if err := reporters.GenerateJUnitReport(relocate(r, root), dst); err != nil {
			g.Fail(EnvJUnit + ": " + err.Error())
		}
	})
}

// relocate makes the report's paths relative to root, and puts each failure of a scenario spec (one whose
// location is a scenarios.yaml line) at that line.
func relocate(r types.Report, root string) types.Report {
	rel := func(cl types.CodeLocation) types.CodeLocation {
		if p, err := filepath.Rel(root, cl.FileName); err == nil && filepath.IsAbs(cl.FileName) && !strings.HasPrefix(p, "..") {
			cl.FileName = filepath.ToSlash(p)
		}
		cl.FullStackTrace = ""
		return cl
	}
	r.SuitePath = rel(types.CodeLocation{FileName: r.SuitePath}).FileName
	specs := make(types.SpecReports, len(r.SpecReports))
	for i, sr := range r.SpecReports {
		hier := make([]types.CodeLocation, len(sr.ContainerHierarchyLocations))
		for j, cl := range sr.ContainerHierarchyLocations {
			hier[j] = rel(cl)
		}
		sr.ContainerHierarchyLocations = hier
		sr.LeafNodeLocation = rel(sr.LeafNodeLocation)
		sr.Failure.Location = rel(sr.Failure.Location)
		sr.Failure.FailureNodeLocation = rel(sr.Failure.FailureNodeLocation)
		if strings.HasSuffix(sr.LeafNodeLocation.FileName, "scenarios.yaml") && sr.Failure.FailureNodeContext == types.FailureNodeIsLeafNode {
			sr.Failure.Location = sr.LeafNodeLocation
		}
		specs[i] = sr
	}
	r.SpecReports = specs
	return r
}

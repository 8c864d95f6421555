package report

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/kontrak/kontrak/internal/wire"
)

// The few fields of Ginkgo's JSON report (github.com/onsi/ginkgo/v2/types.Report) that a Summary needs,
// decoded here so that reading a run does not link the test framework. Ginkgo writes its enums as strings.
type ginkgoReport struct {
	SuiteDescription string
	SpecReports      []ginkgoSpec
}

type ginkgoSpec struct {
	ContainerHierarchyLabels [][]string
	LeafNodeType             string
	LeafNodeText             string
	LeafNodeLabels           []string
	State                    string
	Failure                  struct{ Message string }
	ReportEntries            []struct {
		Name  string
		Value struct{ AsJSON string }
	}
}

// failed is Ginkgo's SpecStateFailureStates.
func (s *ginkgoSpec) failed() bool {
	switch s.State {
	case "failed", "aborted", "panicked", "interrupted", "timedout":
		return true
	}
	return false
}

// vendor is the value of the spec's vendor:<id> label, "" when it has none.
func (s *ginkgoSpec) vendor() string {
	v := ""
	for _, ls := range append(slices.Clone(s.ContainerHierarchyLabels), s.LeafNodeLabels) {
		for _, l := range ls {
			if id, ok := strings.CutPrefix(l, "vendor:"); ok {
				v = id
			}
		}
	}
	return v
}

// entry is the spec's kontrak report entry; nil for a spec that is not a scenario.
func (s *ginkgoSpec) entry() (*Entry, error) {
	var e *Entry
	for _, re := range s.ReportEntries {
		if re.Name != EntryName {
			continue
		}
		var x Entry
		if err := wire.UnmarshalJSON([]byte(re.Value.AsJSON), &x); err != nil {
			return nil, fmt.Errorf("spec %q: report entry %q: %v", s.LeafNodeText, EntryName, err)
		}
		e = &x
	}
	return e, nil
}

// Read reads a Ginkgo JSON report (one object a suite, in an array) into a Summary. The error says what
// is wrong with the report, without the file's name: the caller knows it.
func Read(r io.Reader) (*Summary, error) {
	var reports []ginkgoReport
	if err := readJSON(r, &reports, wire.UnmarshalJSON, "Ginkgo JSON report"); err != nil {
		return nil, err
	}
	return summarise(reports)
}

func summarise(reports []ginkgoReport) (*Summary, error) {
	s := &Summary{}
	by := map[string]*Vendor{}
	for _, rep := range reports {
		for i := range rep.SpecReports {
			sr := &rep.SpecReports[i]
			failed := sr.failed()
			if sr.LeafNodeType != "It" {
				// A suite-level failure (a live run that proved nothing, a recording that could not be
				// promoted) fails the run like any spec.
				if failed {
					s.Failures = append(s.Failures, failures(rep.SuiteDescription, sr.Failure.Message)...)
				}
				continue
			}
			vendor := sr.vendor()
			if vendor == "" {
				continue
			}
			row := by[vendor]
			if row == nil {
				row = &Vendor{Vendor: vendor}
				by[vendor] = row
				s.Vendors = append(s.Vendors, row)
			}
			e, err := sr.entry()
			if err != nil {
				return nil, fmt.Errorf("%s: %v", vendor, err)
			}
			skipped := sr.State == "skipped"
			c := Case{Spec: sr.LeafNodeText, State: "passed"}
			switch {
			case skipped:
				c.State = "skipped"
			case failed:
				c.State = "failed"
			}
			if e != nil {
				c.Scenario, c.Operation, c.At = e.Scenario, e.Operation, e.At
				if e.Mode != "" {
					row.Mode = e.Mode
				}
				if e.BudgetMax > 0 {
					if row.Budget == nil {
						row.Budget = &Budget{}
					}
					row.Budget.Max = e.BudgetMax
					row.Budget.Used = max(row.Budget.Used, e.BudgetUsed)
				}
				for _, w := range e.Waived {
					w.Spec, w.At = sr.LeafNodeText, e.At
					row.Waived = append(row.Waived, w)
				}
			}
			row.Cases = append(row.Cases, c)
			if skipped {
				row.Skipped++
				sk := Skip{Spec: sr.LeafNodeText, Kind: sr.skipKind(e), Reason: firstLine(sr.Failure.Message)}
				if e != nil {
					sk.Scenario, sk.At = e.Scenario, e.At
				}
				row.Skips = append(row.Skips, sk)
			}
			if e == nil {
				// Not a scenario: a coverage or configuration spec. Its failure still fails the run.
				if failed {
					row.Other++
					row.Failures = append(row.Failures, Failure{Vendor: vendor, Spec: sr.LeafNodeText,
						Message: fmt.Sprintf("%s: %s: %s", vendor, sr.LeafNodeText, firstLine(sr.Failure.Message))})
				}
				continue
			}
			row.Scenarios++
			switch {
			case skipped:
			case failed:
				row.Failed++
				fs := e.Failures
				if len(fs) == 0 {
					fs = failures(sr.LeafNodeText, sr.Failure.Message)
				}
				for _, f := range fs {
					f.Spec, f.At = sr.LeafNodeText, e.At
					row.Failures = append(row.Failures, f)
				}
			default:
				row.Passed++
			}
			if e.Breaking > 0 {
				row.Drift++
			}
			row.Breaking += e.Breaking
			row.Notices += e.Notices
			if e.Billed {
				row.Billed++
			}
		}
	}
	slices.SortFunc(s.Vendors, func(a, b *Vendor) int { return strings.Compare(a.Vendor, b.Vendor) })
	return s, nil
}

// skipKind classifies a skip: by the scenario's entry (a budget), its replay-only label, or a
// skip:<kind> label (the spec a vendor without credentials runs live).
func (s *ginkgoSpec) skipKind(e *Entry) string {
	if e != nil && e.Skip != "" {
		return e.Skip
	}
	for _, l := range s.LeafNodeLabels {
		if l == SkipReplayOnly {
			return SkipReplayOnly
		}
		if k, ok := strings.CutPrefix(l, "skip:"); ok {
			return k
		}
	}
	return ""
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}

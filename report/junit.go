package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
)

// The JUnit XML that CI systems read (the Jenkins/Surefire dialect): one testsuite a vendor, one
// testcase a spec. A testcase's file and line are the scenario's (suites/<vendor>/scenarios.yaml:N), its
// classname vendor.operation; a waived finding is written in system-out, not as a failure.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string           `xml:"name,attr"`
	Tests      int              `xml:"tests,attr"`
	Failures   int              `xml:"failures,attr"`
	Skipped    int              `xml:"skipped,attr"`
	Properties *junitProperties `xml:"properties"`
	Cases      []junitCase      `xml:"testcase"`
}

// junitProperties name the contract a suite was judged by (kontrak.contract, kontrak.contract.digest).
type junitProperties struct {
	Property []junitProperty `xml:"property"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	ClassName string        `xml:"classname,attr"`
	File      string        `xml:"file,attr,omitempty"`
	Line      string        `xml:"line,attr,omitempty"`
	Failure   *junitMessage `xml:"failure"`
	Skipped   *junitMessage `xml:"skipped"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

func formatJUnit(w io.Writer, s *Summary) error {
	out := junitSuites{Name: "kontrak"}
	for _, v := range s.Vendors {
		js := junitSuite{Name: v.Vendor, Properties: contractProperties(s.Contract)}
		for _, c := range v.Cases {
			jc := junitCase{Name: c.Spec, ClassName: v.Vendor}
			if c.Operation != "" {
				jc.ClassName += "." + c.Operation
			}
			if c.At != "" {
				jc.File, jc.Line, _ = strings.Cut(c.At, ":")
			}
			switch c.State {
			case "failed":
				var lines []string
				rule := ""
				for _, f := range v.Failures {
					if f.Spec == c.Spec {
						lines = append(lines, f.Message)
						if rule == "" {
							rule = f.Rule
						}
					}
				}
				first := ""
				if len(lines) > 0 {
					first = lines[0]
				}
				jc.Failure = &junitMessage{Message: first, Type: rule, Text: strings.Join(lines, "\n")}
				js.Failures++
			case "skipped":
				for _, sk := range v.Skips {
					if sk.Spec == c.Spec {
						jc.Skipped = &junitMessage{Message: sk.Reason, Type: sk.Kind}
					}
				}
				if jc.Skipped == nil {
					jc.Skipped = &junitMessage{}
				}
				js.Skipped++
			}
			var waived []string
			for _, f := range v.Waived {
				if f.Spec == c.Spec {
					waived = append(waived, "WAIVED "+f.Message+" — "+f.Waiver)
				}
			}
			jc.SystemOut = strings.Join(waived, "\n")
			js.Cases = append(js.Cases, jc)
			js.Tests++
		}
		out.Suites = append(out.Suites, js)
		out.Tests += js.Tests
		out.Failures += js.Failures
		out.Skipped += js.Skipped
	}
	if len(s.Failures) > 0 {
		// The run's own failures (a live run that proved nothing, an expired waiver) are a suite too.
		js := junitSuite{Name: "run"}
		for _, f := range s.Failures {
			jc := junitCase{Name: f.Spec, ClassName: "run", Failure: &junitMessage{Message: f.Message, Text: f.Message}}
			if f.At != "" {
				jc.File, jc.Line, _ = strings.Cut(f.At, ":")
			}
			js.Cases = append(js.Cases, jc)
			js.Tests++
			js.Failures++
		}
		out.Suites = append(out.Suites, js)
		out.Tests += js.Tests
		out.Failures += js.Failures
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("junit: %v", err)
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func contractProperties(c *Contract) *junitProperties {
	if c == nil {
		return nil
	}
	where := c.Source
	if c.Source == "directory" {
		where = c.Dir
	}
	return &junitProperties{Property: []junitProperty{{"kontrak.contract", where}, {"kontrak.contract.digest", c.Digest}}}
}

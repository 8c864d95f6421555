package report

import (
	"fmt"
	"io"
	"strings"
)

// formatGitHub prints GitHub Actions workflow commands: one ::error a failure, pointing at the line of
// the scenario that failed (file=suites/<vendor>/scenarios.yaml,line=N), one ::warning a waived finding,
// and a ::notice with the verdict. Paths are as the Summary has them: make them relative to the
// repository first (Summary.Relative), or GitHub shows no annotation in the diff.
func formatGitHub(w io.Writer, s *Summary) error {
	var b strings.Builder
	for _, v := range s.Vendors {
		for _, f := range v.Failures {
			ghCommand(&b, "error", f.At, v.Vendor+" "+orDash(f.Scenario), f.Message)
		}
	}
	for _, f := range s.Failures {
		ghCommand(&b, "error", f.At, f.Spec, f.Message)
	}
	for _, v := range s.Vendors {
		for _, f := range v.Waived {
			ghCommand(&b, "warning", f.At, v.Vendor+" "+orDash(f.Scenario)+" (waived)", f.Message+" — waived by "+f.Waiver)
		}
	}
	t := s.Total()
	msg := fmt.Sprintf("%d scenarios: %d passed, %d failed, %d skipped; %d breaking drift, %d notices",
		t.Scenarios, t.Passed, t.Failed, t.Skipped, t.Drift, t.Notices)
	if s.Contract != nil {
		msg += "; contract " + s.Contract.String()
	}
	ghCommand(&b, "notice", "", "kontrak: "+verdictWords(s.RunVerdict(), s.Failing()), msg)
	_, err := io.WriteString(w, b.String())
	return err
}

// ghCommand writes ::level file=…,line=…,title=…::message, escaped as GitHub's toolkit escapes them.
func ghCommand(b *strings.Builder, level, at, title, msg string) {
	var props []string
	if at != "" {
		file, line, ok := strings.Cut(at, ":")
		props = append(props, "file="+ghProperty(file))
		if ok && line != "" {
			props = append(props, "line="+ghProperty(line))
		}
	}
	if title != "" {
		props = append(props, "title="+ghProperty(title))
	}
	b.WriteString("::" + level)
	if len(props) > 0 {
		b.WriteString(" " + strings.Join(props, ","))
	}
	b.WriteString("::" + ghData(msg) + "\n")
}

var (
	ghDataEscaper     = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	ghPropertyEscaper = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
)

func ghData(s string) string     { return ghDataEscaper.Replace(s) }
func ghProperty(s string) string { return ghPropertyEscaper.Replace(s) }

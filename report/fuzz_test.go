package report

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// FuzzReadReports: the readers of report files kontrak is handed (a Ginkgo JSON report, a Summary, a traffic
// report to merge) read any bytes or refuse them with one line, and never panic. Seeds: the committed golden
// reports.
func FuzzReadReports(f *testing.F) {
	for _, name := range []string{"testdata/run.json", "testdata/flow-run.json", "testdata/flow.summary.json", "testdata/traffic.json"} {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`[{"SpecReports":[{"ReportEntries":[{"Name":"kontrak","Value":{"AsJSON":"{\"vendor\":1}"}}]}]}]`))
	f.Add([]byte("{\"kind\":\"kontrak-traffic\",\"drift\":[{\"id\":\"\\ud800\"}]}"))
	f.Fuzz(func(t *testing.T, b []byte) {
		check := func(what string, err error) {
			if err != nil && strings.ContainsAny(err.Error(), "\n\r") {
				t.Fatalf("%s: a multi-line error: %q", what, err)
			}
		}
		_, err := Read(bytes.NewReader(b))
		check("Read", err)
		_, err = Decode(bytes.NewReader(b))
		check("Decode", err)
		_, err = DecodeTraffic(bytes.NewReader(b))
		check("DecodeTraffic", err)
	})
}

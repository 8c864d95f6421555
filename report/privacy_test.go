package report

import (
	"bytes"
	"strings"
	"testing"

	kontrak "github.com/kontrak/kontrak"
	"github.com/kontrak/kontrak/contract"
)

// TestNoReportPrintsAPathsNIK: an exchange of no documented route whose path holds a NIK (as a segment,
// after %2F, with a query and a fragment) is judged route-undocumented, and no listing or report format
// prints the NIK: the path goes through contract.ShownPath, the one redaction of a printed place.
func TestNoReportPrintsAPathsNIK(t *testing.T) {
	const nik = "3174011708900002"
	c, err := contract.Load(kontrak.Files)
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/v1/ktp/" + nik, "/v1/ktp%2F" + nik, "/v1/x?nik=" + nik, "/v1/x#" + nik, "/v1/" + nik[:8] + "-" + nik[8:]} {
		v := c.Judge(contract.Exchange{Method: "GET", Path: path, URL: "https://api.ekycpro.com" + path, Status: 200}, contract.JudgeOptions{})
		if len(v.Findings) == 0 || v.Findings[0].ID != contract.RouteUndocumented {
			t.Fatalf("%s: want route-undocumented, got %v", path, v.Findings)
		}
		zero := 0
		verdict := Verdict{Cassette: "a.yaml", Interaction: &zero, Verdict: "drift", Findings: v.Findings}
		formats := append([]string{"text", "json"}, Formats(SummaryReport)...)
		for _, format := range formats {
			l, err := NewListing(format, false)
			if err != nil {
				t.Fatal(err)
			}
			if err := l.Add(verdict); err != nil {
				t.Fatal(err)
			}
			var b bytes.Buffer
			if err := l.Flush(&b, nil); err != nil {
				t.Fatal(err)
			}
			l.Close()
			if strings.Contains(b.String(), nik) || strings.Contains(b.String(), nik[8:]) {
				t.Errorf("%s: the %s listing prints the NIK:\n%s", path, format, b.String())
			}
			if !strings.Contains(b.String(), "route-undocumented") {
				t.Errorf("%s: the %s listing does not name the finding", path, format)
			}
		}
	}
}

package traffic_test

import (
	"fmt"
	"io"
	"strings"

	kontrak "github.com/kontrak/kontrak"
	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/traffic"
)

// Check a log of real traffic (here two NDJSON lines: one ekycpro answer that conforms, one with a code
// its table does not document, and a call of another API) into a drift report: findings aggregated by
// vendor, operation, finding id and pointer.
func ExampleCheck() {
	c, err := contract.Load(kontrak.Files)
	if err != nil {
		fmt.Println(err)
		return
	}
	log := `{"method": "POST", "url": "https://api.ekycpro.com/v1/id_ocr/general", "status": 200, "response_headers": {"Content-Type": "application/json"}, "response_body": {"status": "FAIL", "message": "check input image and retry"}}
{"method": "POST", "url": "https://api.ekycpro.com/v1/id_ocr/general", "status": 200, "response_headers": {"Content-Type": "application/json"}, "response_body": {"status": "QUOTA_EXCEEDED", "message": "no quota left"}}
{"method": "GET", "url": "https://example.com/healthz", "status": 200}
`
	in := traffic.Input{Name: "access.ndjson", Format: traffic.NDJSON,
		Open: func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(log)), nil }}
	t, err := traffic.Check(c, []traffic.Input{in}, traffic.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d interactions: %d judged, %d drifted, %d of other APIs; verdict %s\n", t.Interactions, t.Judged, t.Drifted, t.Unrouted, t.RunVerdict())
	for _, d := range t.Drift {
		fmt.Printf("%s %s %s %s at %s: %d×, first at %s#%d\n", d.Severity, d.Vendor, d.Operation, d.ID, d.Pointer, d.Count, d.First.Input, d.First.Index)
	}
	// Output:
	// 3 interactions: 2 judged, 1 drifted, 1 of other APIs; verdict drift
	// breaking ekycpro idOcrGeneral error-code-undocumented at /status: 1×, first at access.ndjson#1
}

package redact_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	kontrak "github.com/kontrak/kontrak"
	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/redact"
)

// Redact a recorded cassette in place by the rules the specs give (credentials, images, personal data
// out), after the leak scan found what it holds; the scan names places and kinds, never values. A cassette
// written by hand, not by go-vcr's writer, is also reported for its layout: redaction writes it anew.
func ExampleRedactFile() {
	c, err := contract.Load(kontrak.Files)
	if err != nil {
		fmt.Println(err)
		return
	}
	cassette := `version: 2
interactions:
    - id: 0
      request:
        headers:
            X-Api-Key:
                - sk-live-0123456789abcdefABCDEF
        url: https://api.ekycpro.com/v1/id_ocr/general
        method: POST
      response:
        headers:
            Content-Type:
                - application/json
        body: '{"status": "FAIL", "message": "check input image and retry"}'
        code: 200
`
	dir, _ := os.MkdirTemp("", "kontrak-example-")
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "recorded.yaml")
	os.WriteFile(file, []byte(cassette), 0o644)

	leaks, _ := redact.ScanFile(file, redact.ScanRulesFor(c))
	for _, l := range leaks {
		fmt.Println(l.Kind, "at", l.Where)
	}
	changed, err := redact.RedactFile(file, redact.RulesFor(c))
	fmt.Println("redacted:", changed, err)
	after, _ := os.ReadFile(file)
	fmt.Println("the key is still there:", strings.Contains(string(after), "sk-live"))
	leaks, _ = redact.ScanFile(file, redact.ScanRulesFor(c))
	fmt.Println("leaks after:", len(leaks))
	// Output:
	// credential at header X-Api-Key in the request
	// layout at the text outside its interactions (comments, keys or a layout go-vcr's writer does not write)
	// redacted: true <nil>
	// the key is still there: false
	// leaks after: 0
}

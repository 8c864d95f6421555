package contract_test

import (
	"fmt"
	"net/http"

	kontrak "github.com/kontrak/kontrak"
	"github.com/kontrak/kontrak/contract"
)

// Load the contract — the specs and schemas built into kontrak — and list its vendors and operations.
func ExampleLoad() {
	c, err := contract.Load(kontrak.Files)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, v := range c.Vendors() {
		fmt.Println(v.ID, v.OperationIDs())
	}
	// Output:
	// advance [ocrKtpCheck generateToken]
	// ekycpro [idOcrGeneral]
	// kredibel [ocrKtp]
	// verihubs [submitExtractKtpAsync getExtractKtpAsyncResult]
}

// Judge one exchange: the operation is found from the method and the URL's path, whatever the host; the
// verdict holds the findings (each with its id, severity, JSON Pointer, want and got) and what the answer
// costs.
func ExampleContract_Judge() {
	c, err := contract.Load(kontrak.Files)
	if err != nil {
		fmt.Println(err)
		return
	}
	answer := contract.Exchange{
		Method: http.MethodPost,
		Path:   "/v1/id_ocr/general",
		Status: http.StatusOK,
		Header: http.Header{"Content-Type": {"application/json"}},
		Body:   []byte(`{"status": "QUOTA_EXCEEDED", "message": "no quota left"}`),
	}
	v := c.Judge(answer, contract.JudgeOptions{})
	fmt.Println(v.Operation.Vendor.ID, v.Operation.ID, "breaking:", v.Breaking())
	for _, f := range v.Findings {
		fmt.Printf("%s %s at %s: want %s, got %s\n", f.Severity, f.ID, f.Pointer, f.Expected, f.Actual)
	}
	// Output:
	// ekycpro idOcrGeneral breaking: true
	// breaking error-code-undocumented at /status: want a code of the table (OK, FAIL, INVALID_REQUEST, IMAGE_INVALID_FORMAT, IMAGE_INVALID_SIZE, INNER_ERROR), got "QUOTA_EXCEEDED"
}

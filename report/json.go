package report

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/kontrak/kontrak/internal/wire"
)

func init() { Register(SummaryReport, "json", formatJSON) }

// formatJSON writes the Summary itself, indented; Decode reads it back.
func formatJSON(w io.Writer, s *Summary) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(s)
}

// Decode reads a Summary written by the json format.
func Decode(r io.Reader) (*Summary, error) {
	var s Summary
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	if err := wire.UnmarshalJSONKnown(b, &s); err != nil {
		return nil, fmt.Errorf("not a kontrak summary: %v", err)
	}
	return &s, nil
}

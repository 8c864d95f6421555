package report

import (
	"encoding/json"
	"fmt"
	"io"
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
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("not a kontrak summary: %v", err)
	}
	return &s, nil
}

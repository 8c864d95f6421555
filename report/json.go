package report

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/kontrak/kontrak/internal/wire"
)

// formatJSON writes the Summary itself, indented; Decode reads it back.
func formatJSON(w io.Writer, s *Summary) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(s)
}

// Decode reads a Summary written by the json format.
func Decode(r io.Reader) (*Summary, error) {
	var s Summary
	if err := readJSON(r, &s, wire.UnmarshalJSONKnown, "kontrak summary"); err != nil {
		return nil, err
	}
	return &s, nil
}

// readJSON reads all of r into v with unmarshal; a body unmarshal refuses is "not a what: why".
func readJSON(r io.Reader, v any, unmarshal func([]byte, any) error, what string) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if err := unmarshal(b, v); err != nil {
		return fmt.Errorf("not a %s: %s", what, wire.ShapeQuoted(err.Error())) // the decoder quotes the input
	}
	return nil
}

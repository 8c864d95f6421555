package contract_test

import (
	"slices"
	"testing"

	kontrak "github.com/kontrak/kontrak"
	"github.com/kontrak/kontrak/contract"
)

func TestFieldsFollowsRefsAndBranches(t *testing.T) {
	fs, err := contract.SchemaFields(kontrak.Files, "schemas/advance/ocrKtpCheck.429.json")
	if err != nil {
		t.Fatal(err)
	}
	by := map[string]contract.Field{}
	for _, f := range fs {
		by[f.Pointer] = f
	}
	for _, tc := range []struct {
		reason, pointer, required string
		types, formats            []string
	}{
		{"the 429 schema is an allOf of the 200's: its envelope is required", "/code", "yes", []string{"string"}, nil},
		{"data is object on success, null otherwise: both branches' types", "/data", "yes", []string{"null", "object"}, nil},
		{"a field of the success branch only (then) is required when", "/data/idNumber", "when", []string{"string"}, nil},
		{"the birthday's format comes through the definition", "/data/birthday", "when", []string{"null", "string"}, []string{"yyyy/mm/dd"}},
	} {
		f, ok := by[tc.pointer]
		if !ok {
			t.Errorf("%s: no field %s", tc.reason, tc.pointer)
			continue
		}
		if f.Required != tc.required || !slices.Equal(f.Types, tc.types) || !slices.Equal(f.Formats, tc.formats) {
			t.Errorf("%s: %s = required %s types %v formats %v, want %s %v %v", tc.reason, tc.pointer, f.Required, f.Types, f.Formats, tc.required, tc.types, tc.formats)
		}
	}
}

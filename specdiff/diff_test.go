package specdiff

import (
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	kontrak "github.com/kontrak/kontrak"
)

// edit is one textual change to a file of today's tree; the test fails if old is not found exactly once,
// so that a spec edit cannot silently turn a case into "nothing changed".
type edit struct{ file, old, new string }

func today(t testing.TB, vendor string) *Spec {
	t.Helper()
	s, err := Load("today", kontrak.Files, "specs/"+vendor+".yaml")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func edited(t testing.TB, vendor string, edits ...edit) *Spec {
	t.Helper()
	files := map[string][]byte{}
	for _, e := range edits {
		b, ok := files[e.file]
		if !ok {
			var err error
			if b, err = fs.ReadFile(kontrak.Files, e.file); err != nil {
				t.Fatal(err)
			}
		}
		if n := strings.Count(string(b), e.old); n != 1 {
			t.Fatalf("%s: %q found %d times, want once", e.file, e.old, n)
		}
		files[e.file] = []byte(strings.Replace(string(b), e.old, e.new, 1))
	}
	s, err := Load("edited", Overlay(kontrak.Files, files), "specs/"+vendor+".yaml")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// brief is the part of a Change a case asserts: kind, operation, place and severity.
type brief struct {
	Kind, Operation, Where string
	Breaking               bool
}

func briefs(cs []Change) []brief {
	out := []brief{}
	for _, c := range cs {
		out = append(out, brief{c.Kind, c.Operation, c.Where, c.Breaking})
	}
	return out
}

func TestDiffPreparedPairs(t *testing.T) {
	const ekycSchema = "schemas/ekycpro/idOcrGeneral.200.json"
	for _, tc := range []struct {
		reason   string
		vendor   string
		edits    []edit
		want     []brief
		breaking bool
	}{
		{reason: "the same spec: nothing", vendor: "ekycpro", want: []brief{}},
		{reason: "a required field removed from the success answer breaks a client that reads it", vendor: "ekycpro",
			edits: []edit{
				{ekycSchema, `"rt", "rw", "religion"`, `"rw", "religion"`},
				{ekycSchema, `"rt": {"x-kontrak-basis": "maybe-empty", "type": "string", "description": "RT, maybe empty"},`, ``},
			},
			want: []brief{{"field-removed", "idOcrGeneral", "200 /message/rt", true}}, breaking: true},
		{reason: "an optional field added is not breaking", vendor: "ekycpro",
			edits: []edit{{ekycSchema, `"rt": {"x-kontrak-basis": "maybe-empty", "type": "string", "description": "RT, maybe empty"},`,
				`"rt": {"x-kontrak-basis": "maybe-empty", "type": "string", "description": "RT, maybe empty"}, "extra": {"type": "string"},`}},
			want: []brief{{"field-added", "idOcrGeneral", "200 /message/extra", false}}},
		{reason: "a date format replaced breaks a client that parses it", vendor: "ekycpro",
			edits: []edit{{ekycSchema, `"format": "dd-mm-yyyy"`, `"format": "yyyy/mm/dd"`}},
			want:  []brief{{"field-format-changed", "idOcrGeneral", "200 /message/dob", true}}, breaking: true},
		{reason: "a code moved to another status is breaking, though oasdiff sees nothing", vendor: "ekycpro",
			edits: []edit{{"specs/ekycpro.yaml", "          - code: INVALID_REQUEST\n            statuses: [\"200\"]",
				"          - code: INVALID_REQUEST\n            statuses: [\"429\"]"}},
			want: []brief{{"code-status-moved", "idOcrGeneral", "INVALID_REQUEST", true}}, breaking: true},
		{reason: "a code made free is breaking: the client's reconciliation is wrong", vendor: "ekycpro",
			edits: []edit{{"specs/ekycpro.yaml", "            billable: true\n            messages: [\"check input image and retry\"]",
				"            billable: false\n            messages: [\"check input image and retry\"]"}},
			want: []brief{{"code-made-free", "idOcrGeneral", "FAIL", true}}, breaking: true},
		{reason: "a changed message is not breaking: vendors say messages change", vendor: "ekycpro",
			edits: []edit{{"specs/ekycpro.yaml", `messages: ["check input image and retry"]`, `messages: ["check the image and retry"]`}},
			want:  []brief{{"code-message-changed", "idOcrGeneral", "FAIL", false}}},
		{reason: "a new code widens the closed set a client knows", vendor: "ekycpro",
			edits: []edit{{"specs/ekycpro.yaml", "          - code: INNER_ERROR\n",
				"          - code: NEW_CODE\n            statuses: [\"200\"]\n            billable: false\n            source: {page: \"https://docs.ekycpro.com/indoniesia-ktp-ocr\", basis: documented}\n          - code: INNER_ERROR\n"}},
			want: []brief{{"code-added", "idOcrGeneral", "NEW_CODE", true}}, breaking: true},
		{reason: "a sandbox outcome changed breaks the sandbox tests that rely on it", vendor: "verihubs",
			edits: []edit{{"specs/verihubs.yaml", "            - value: KTP_B\n              description: \"a KTP photo in blur condition\"\n              outcome: {status: 200}",
				"            - value: KTP_B\n              description: \"a KTP photo in blur condition\"\n              outcome: {status: 400, code: INVALID_SANDBOX_CODE}"}},
			want: []brief{{"sandbox-outcome-changed", "submitExtractKtpAsync", "KTP_B", true}}, breaking: true},
		{reason: "a smaller image limit refuses images a client sends", vendor: "verihubs",
			edits: []edit{{"specs/verihubs.yaml", "maxBytes: 5000000", "maxBytes: 4000000"}},
			want:  []brief{{"image-limit-changed", "submitExtractKtpAsync", "maxBytes", true}}, breaking: true},
		{reason: "a summary edit is libopenapi's to see, and not breaking", vendor: "ekycpro",
			edits: []edit{{"specs/ekycpro.yaml", "summary: KTP + name recognition", "summary: KTP recognition"}},
			want:  []brief{{"openapi", "idOcrGeneral", "/paths/~1v1~1id_ocr~1general/post/summary", false}}},
	} {
		t.Run(tc.reason, func(t *testing.T) {
			r, err := Diff(today(t, tc.vendor), edited(t, tc.vendor, tc.edits...))
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, briefs(r.Changes)); d != "" {
				t.Errorf("changes (-want +got):\n%s", d)
			}
			if r.Breaking() != tc.breaking {
				t.Errorf("Breaking() = %t, want %t", r.Breaking(), tc.breaking)
			}
		})
	}
}

func TestDiffRefusesTwoVendors(t *testing.T) {
	_, err := Diff(today(t, "ekycpro"), today(t, "advance"))
	if err == nil || !strings.Contains(err.Error(), "vendor ekycpro") || !strings.Contains(err.Error(), "vendor advance") {
		t.Fatalf("err = %v, want one naming both vendors", err)
	}
}

func TestRejudgeListsTheScenariosWhoseVerdictChanges(t *testing.T) {
	files, err := filepath.Glob("../cassettes/ekycpro/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no ekycpro cassettes: %v", err)
	}
	old := today(t, "ekycpro")
	same, err := Rejudge(old, today(t, "ekycpro"), files)
	if err != nil {
		t.Fatal(err)
	}
	if len(same) != 0 {
		t.Errorf("the same spec re-judged %d cassettes differently: %v", len(same), same)
	}
	moved := edited(t, "ekycpro", edit{"specs/ekycpro.yaml", "          - code: INVALID_REQUEST\n            statuses: [\"200\"]",
		"          - code: INVALID_REQUEST\n            statuses: [\"429\"]"})
	got, err := Rejudge(old, moved, files)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, j := range got {
		names = append(names, filepath.Base(j.Cassette))
		// ekycpro's page states no HTTP status for a code (statusesSource inferred): a code on another status
		// is a notice there (the severity policy)
		if j.Old != "conform" || j.New != "notice" {
			t.Errorf("%s: %s → %s, want conform → notice", j.Cassette, j.Old, j.New)
		}
		if !slices.Contains(j.NewFindings, "error-code-status-mismatch /status") {
			t.Errorf("%s: new findings %v, want error-code-status-mismatch /status", j.Cassette, j.NewFindings)
		}
	}
	if d := cmp.Diff([]string{"invalid-request.yaml"}, names); d != "" {
		t.Errorf("re-judged cassettes (-want +got):\n%s", d)
	}
}

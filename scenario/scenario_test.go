package scenario_test

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	kontrak "github.com/kontrak/kontrak"
	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/scenario"
)

func load(t testing.TB) *contract.Contract {
	t.Helper()
	c, err := contract.Load(kontrak.Files)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func root(t testing.TB) string {
	t.Helper()
	r, err := scenario.Root()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// Bad scenario files give one line naming the file and the scenario.
func TestParseErrors(t *testing.T) {
	c := load(t)
	base := "vendor: ekycpro\nscenarios:\n  - name: x\n    operation: idOcrGeneral\n    kind: shape\n    title: t\n    expect: {status: 200, code: OK}\n    cassette: {example: success}\n"
	for _, tc := range []struct{ reason, yaml, want string }{
		{"unknown vendor", strings.Replace(base, "ekycpro", "acme", 1), `f.yaml: unknown vendor "acme"`},
		{"unknown operation", strings.Replace(base, "idOcrGeneral", "ocr", 1), `f.yaml: scenario 1 (x): ekycpro has no operation "ocr"`},
		{"unknown kind", strings.Replace(base, "kind: shape", "kind: happy", 1), `f.yaml: scenario 1 (x): kind "happy" is not one of`},
		{"code not in the table", strings.Replace(base, "code: OK", "code: NOPE", 1), `f.yaml: scenario 1 (x): code "NOPE" is not in ekycpro idOcrGeneral's table`},
		{"code on a status the table does not give it", strings.Replace(base, "status: 200", "status: 401", 1), `f.yaml: scenario 1 (x): code OK does not arrive with HTTP 401`},
		{"undocumented status", strings.Replace(base, "status: 200, code: OK", "status: 503", 1), `f.yaml: scenario 1 (x): HTTP 503 is not documented`},
		{"unknown example", strings.Replace(base, "example: success", "example: nope", 1), `f.yaml: scenario 1 (x): ekycpro idOcrGeneral has no example "nope"`},
		{"name not kebab-case", strings.Replace(base, "name: x", "name: Bad_Name", 1), `f.yaml: scenario 1 (Bad_Name): name must be kebab-case`},
		{"misspelt key", strings.Replace(base, "title: t", "titel: t", 1), `f.yaml: `},
		{"not a sandbox value", strings.Replace(base, "expect: {status: 200, code: OK}", "sandbox: KTP", 1), `f.yaml: scenario 1 (x): "KTP" is not a sandbox value`},
		{"a notice no contradiction records", strings.Replace(base, "code: OK}", "code: OK, notices: [field-undocumented]}", 1), `f.yaml: scenario 1 (x): notice "field-undocumented" is recorded by no contradiction of ekycpro's idOcrGeneral`},
		{"duplicate name", base + "  - name: x\n    operation: idOcrGeneral\n    kind: shape\n    title: t\n    expect: {status: 200, code: OK}\n    cassette: {example: success}\n", "f.yaml: scenario 2 (x): name used twice"},
	} {
		t.Run(tc.reason, func(t *testing.T) {
			_, err := scenario.Parse("f.yaml", []byte(tc.yaml), c)
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("err = %v\nwant one line starting %q", err, tc.want)
			}
		})
	}
}

// A code of a table without a scenario is a gap, and so is a sandbox value.
func TestCoverage(t *testing.T) {
	c := load(t)
	for _, v := range c.Vendors() {
		f, err := scenario.Load(root(t), c, v.ID)
		if err != nil {
			t.Fatal(err)
		}
		if gaps := scenario.Coverage(v, f); len(gaps) != 0 {
			t.Errorf("%s: gaps %v", v.ID, gaps)
		}
		// Drop the scenarios of one code and one sandbox value: both show as gaps.
		var kept []*scenario.Scenario
		var droppedCode, droppedSandbox string
		for _, s := range f.Scenarios {
			op := v.Operation(s.Operation)
			code := s.Expected(op).Code
			switch {
			case s.Sandbox != "" && droppedSandbox == "" && code == "":
				droppedSandbox = s.Sandbox
			case s.Sandbox == "" && code != "" && droppedCode == "" && countCode(f, s.Operation, code) == 1:
				droppedCode = s.Operation + " " + code
			default:
				kept = append(kept, s)
			}
		}
		if droppedCode == "" {
			t.Fatalf("%s: no code has a single scenario to drop: the gap check would test nothing", v.ID)
		}
		if len(v.Operations[0].Sandbox) > 0 && droppedSandbox == "" {
			t.Fatalf("%s: no sandbox scenario to drop", v.ID)
		}
		f.Scenarios = kept
		gaps := scenario.Coverage(v, f)
		var got []string
		for _, g := range gaps {
			got = append(got, g.Operation+" "+g.Value)
		}
		joined := strings.Join(got, ",")
		if droppedCode != "" && !strings.Contains(joined, droppedCode) {
			t.Errorf("%s: dropping the only scenario of %s leaves gaps %v", v.ID, droppedCode, got)
		}
		if droppedSandbox != "" && !strings.Contains(joined, droppedSandbox) {
			t.Errorf("%s: dropping the scenario of sandbox value %s leaves gaps %v", v.ID, droppedSandbox, got)
		}
	}
}

func countCode(f *scenario.File, op, code string) int {
	n := 0
	for _, s := range f.Scenarios {
		if s.Operation == op && s.Expect != nil && s.Expect.Code == code {
			n++
		}
	}
	return n
}

// A derived answer carries the code, its first documented message and the billing flag its row implies.
func TestAnswerDerivedFromTable(t *testing.T) {
	c := load(t)
	f, err := scenario.Load(root(t), c, "advance")
	if err != nil {
		t.Fatal(err)
	}
	op, _ := c.Operation("advance", "ocrKtpCheck")
	for _, s := range f.Scenarios {
		if s.Name != "ocr-glossary-insufficient-balance" {
			continue
		}
		status, body, err := s.Answer(op)
		if err != nil {
			t.Fatal(err)
		}
		var got map[string]any
		json.Unmarshal(body, &got)
		row := op.Codes.Lookup("INSUFFICIENT_BALANCE")
		if status != 200 || got["code"] != "INSUFFICIENT_BALANCE" || got["message"] != row.Messages[0] || got["pricingStrategy"] != "FREE" {
			t.Errorf("answer %d %s", status, body)
		}
		if fs := op.Check(status, nil, body, contract.CheckOptions{Strict: true}); len(fs) != 0 {
			t.Errorf("a derived answer must conform: %+v", fs)
		}
		return
	}
	t.Fatal("scenario ocr-glossary-insufficient-balance not found")
}

// Each scenario knows its line in scenarios.yaml, and its location is relative to the repository root.
func TestScenarioLines(t *testing.T) {
	c := load(t)
	r := root(t)
	for _, v := range c.Vendors() {
		f, err := scenario.Load(r, c, v.ID)
		if err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(f.Path())
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(string(data), "\n")
		for _, s := range f.Scenarios {
			got := ""
			if s.Line >= 1 && s.Line <= len(lines) {
				got = strings.TrimSpace(lines[s.Line-1])
			}
			if got != "- name: "+s.Name {
				t.Errorf("%s: scenario %s at line %d, which reads %q", v.ID, s.Name, s.Line, got)
			}
			file, line := s.Location(r)
			if want := "suites/" + v.ID + "/scenarios.yaml"; file != want || line != s.Line {
				t.Errorf("%s: location %s:%d, want %s:%d", s.Name, file, line, want, s.Line)
			}
		}
	}
}

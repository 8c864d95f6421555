package scenario

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"

	"go.yaml.in/yaml/v4"

	"github.com/kontrak/kontrak/contract"
)

// The kinds of scenario, as Ginkgo labels (kind:<kind>).
var Kinds = []string{"shape", "error-code", "billing", "sandbox", "auth"}

// File is one vendor's scenarios.yaml.
type File struct {
	Vendor    string      `yaml:"vendor"`
	Scenarios []*Scenario `yaml:"scenarios"`

	path string
}

// Scenario is one documented behaviour.
type Scenario struct {
	Name      string `yaml:"name"`
	Operation string `yaml:"operation"`
	Kind      string `yaml:"kind"`
	// Title is the spec's text; it names the vendor code it exercises.
	Title   string   `yaml:"title"`
	Request Request  `yaml:"request"`
	Expect  *Expect  `yaml:"expect,omitempty"`
	Sandbox string   `yaml:"sandbox,omitempty"` // a value of the operation's x-kontrak-sandbox table
	Live    LiveNote `yaml:"live,omitempty"`
	Source  Cassette `yaml:"cassette"`
	// Covers lists further codes the scenario exercises besides its expected one (none usually).
	Covers []string `yaml:"covers,omitempty"`

	// Line is the scenario's line in its scenarios.yaml (the "- name:" item), 1-based.
	Line int `yaml:"-"`

	vendor string
	file   string // the scenario file's path as Load was given it
}

// Request is what the scenario sends, in the spec's terms.
type Request struct {
	// Image is a synthetic specimen generated at run time; ImageRaw a literal for the image field.
	Image    *Image         `yaml:"image,omitempty"`
	ImageRaw *string        `yaml:"imageRaw,omitempty"`
	Fields   map[string]any `yaml:"fields,omitempty"`
	// Auth: "" (the configured credentials), wrong-credentials, or wrong-token.
	Auth string `yaml:"auth,omitempty"`
	// Wrong names credential variables sent with a wrong value (a wrong secret key only).
	Wrong []string `yaml:"wrong,omitempty"`
	// ImageContentType overrides a multipart part's content type.
	ImageContentType string `yaml:"imageContentType,omitempty"`
}

// Image describes a synthetic image: a specimen variant in a format and size, or an oversized PNG.
type Image struct {
	Variant  string `yaml:"variant,omitempty"`
	Format   string `yaml:"format,omitempty"`
	Width    int    `yaml:"width,omitempty"`
	Height   int    `yaml:"height,omitempty"`
	MinBytes int    `yaml:"minBytes,omitempty"` // an image of at least this many bytes
	Corrupt  bool   `yaml:"corrupt,omitempty"`  // not valid base64 at all
}

// Expect is the documented outcome.
type Expect struct {
	Status int    `yaml:"status"`
	Code   string `yaml:"code,omitempty"`
	// Notices are the notices the scenario's answer carries because a contradiction of the vendor's
	// document records them (the document's own example disagrees with itself): strict mode does not fail
	// on them. Each must be listed in one of the vendor's contradictions (Parse checks it).
	Notices []string `yaml:"notices,omitempty"`
}

// LiveNote says how the scenario behaves against a real vendor.
type LiveNote struct {
	// ReplayOnly scenarios cannot be provoked live (a server error); live mode skips them.
	ReplayOnly bool   `yaml:"replayOnly,omitempty"`
	Note       string `yaml:"note,omitempty"`
}

// Cassette says how the scenario's cassette is made by `make cassettes` (live recordings overwrite it).
type Cassette struct {
	// Example is the name of a documented example of the operation, answered as it is.
	Example string `yaml:"example,omitempty"`
	// Body is an answer given inline (Kredibel documents none); synthetic values only.
	Body any `yaml:"body,omitempty"`
	// Code derives the answer from the code table: the code, its first documented message, the billing
	// flag its row implies, set on Example or Body.
	Code string `yaml:"code,omitempty"`
	// Set puts values at JSON Pointers of the answer.
	Set map[string]any `yaml:"set,omitempty"`
	// Status is the HTTP status answered (default: the expected one).
	Status int `yaml:"status,omitempty"`
	// Headers are answered too (Retry-After).
	Headers map[string]string `yaml:"headers,omitempty"`
	// Note says where the answer comes from, for the provenance block.
	Note string `yaml:"note,omitempty"`
}

// Root finds the repository root (the directory holding go.mod) from the working directory up.
func Root() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the working directory")
		}
		dir = parent
	}
}

// Dir is where the scenario files live: suites/<vendor>/scenarios.yaml.
const Dir = "suites"

var nameRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// Load reads suites/<vendor>/scenarios.yaml under root and checks it against the contract: known operation,
// kind, codes of the table, sandbox values of the spec, unique names. Errors name the file and scenario.
func Load(root string, c *contract.Contract, vendor string) (*File, error) {
	path := filepath.Join(root, Dir, vendor, "scenarios.yaml")
	data, err := os.ReadFile(path)
	if err != nil {
		if pe, ok := err.(*fs.PathError); ok {
			err = pe.Err
		}
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return Parse(path, data, c)
}

// Parse reads a scenario file's bytes; path names it in errors.
func Parse(path string, data []byte, c *contract.Contract) (*File, error) {
	var f File
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("%s: %s", path, strings.Join(strings.Fields(err.Error()), " "))
	}
	f.path = path
	// Each scenario knows its line: failures and Ginkgo's reports point at it, not at the generator.
	var lines struct {
		Scenarios []yaml.Node `yaml:"scenarios"`
	}
	if err := yaml.Unmarshal(data, &lines); err == nil && len(lines.Scenarios) == len(f.Scenarios) {
		for i, n := range lines.Scenarios {
			f.Scenarios[i].Line = n.Line
		}
	}
	v := c.Vendor(f.Vendor)
	if v == nil {
		return nil, fmt.Errorf("%s: unknown vendor %q", path, f.Vendor)
	}
	seen := map[string]bool{}
	for i, s := range f.Scenarios {
		s.vendor, s.file = f.Vendor, path
		where := fmt.Sprintf("%s: scenario %d (%s)", path, i+1, s.Name)
		if !nameRE.MatchString(s.Name) {
			return nil, fmt.Errorf("%s: name must be kebab-case", where)
		}
		if seen[s.Name] {
			return nil, fmt.Errorf("%s: name used twice", where)
		}
		seen[s.Name] = true
		op := v.Operation(s.Operation)
		if op == nil {
			return nil, fmt.Errorf("%s: %s has no operation %q", where, f.Vendor, s.Operation)
		}
		if !contains(Kinds, s.Kind) {
			return nil, fmt.Errorf("%s: kind %q is not one of %s", where, s.Kind, strings.Join(Kinds, ", "))
		}
		if s.Title == "" {
			return nil, fmt.Errorf("%s: no title", where)
		}
		if s.Sandbox != "" {
			if _, _, ok := op.SandboxEntry(s.Sandbox); !ok {
				return nil, fmt.Errorf("%s: %q is not a sandbox value of %s", where, s.Sandbox, op.Name())
			}
		} else if s.Expect == nil {
			return nil, fmt.Errorf("%s: no expect (status, code)", where)
		}
		exp := s.Expected(op)
		if exp.Code != "" {
			row := op.Codes.Lookup(exp.Code)
			if row == nil {
				return nil, fmt.Errorf("%s: code %q is not in %s's table", where, exp.Code, op.Name())
			}
			if !row.AllowsStatus(exp.Status) {
				return nil, fmt.Errorf("%s: code %s does not arrive with HTTP %d by the table (%s)", where, exp.Code, exp.Status, strings.Join(row.Statuses, ", "))
			}
		}
		if op.Response(exp.Status) == nil {
			return nil, fmt.Errorf("%s: HTTP %d is not documented for %s", where, exp.Status, op.Name())
		}
		if s.Expect != nil {
			for _, id := range s.Expect.Notices {
				if !recordedNotice(v, op.ID, id) {
					return nil, fmt.Errorf("%s: notice %q is recorded by no contradiction of %s's %s", where, id, f.Vendor, op.ID)
				}
			}
		}
		if s.Source.Example == "" && s.Source.Body == nil && s.Sandbox == "" {
			return nil, fmt.Errorf("%s: cassette needs an example or a body to answer from", where)
		}
		if s.Source.Example != "" && ExampleOf(op, s.Source.Example) == nil {
			return nil, fmt.Errorf("%s: %s has no example %q", where, op.Name(), s.Source.Example)
		}
		switch s.Request.Auth {
		case "", "wrong-credentials", "wrong-token":
		default:
			return nil, fmt.Errorf("%s: auth %q is not wrong-credentials or wrong-token", where, s.Request.Auth)
		}
	}
	return &f, nil
}

// Path is the scenario file's path.
func (f *File) Path() string { return f.path }

// File is the path of the scenario's file, as Load or Parse was given it.
func (s *Scenario) File() string { return s.file }

// Location is where the scenario is written, "FILE:LINE", with FILE relative to root when it lies under
// it (suites/<vendor>/scenarios.yaml:LINE): never an absolute build path when root is the repository.
func (s *Scenario) Location(root string) (string, int) {
	file := s.file
	if root != "" {
		if rel, err := filepath.Rel(root, file); err == nil && !strings.HasPrefix(rel, "..") {
			file = rel
		}
	}
	return filepath.ToSlash(file), s.Line
}

// Vendor is the scenario's vendor id.
func (s *Scenario) Vendor() string { return s.vendor }

// Expected is the outcome the scenario asserts: its own, or its sandbox value's in the spec.
func (s *Scenario) Expected(op *contract.Operation) contract.Outcome {
	if s.Sandbox != "" {
		if _, sc, ok := op.SandboxEntry(s.Sandbox); ok {
			return sc.Outcome
		}
	}
	if s.Expect == nil {
		return contract.Outcome{}
	}
	return contract.Outcome{Status: s.Expect.Status, Code: s.Expect.Code}
}

// CassetteFile is cassettes/<vendor>/<name>.yaml under dir.
func (s *Scenario) CassetteFile(dir string) string {
	return filepath.Join(dir, s.vendor, s.Name+".yaml")
}

// Gap is a code or sandbox value that no scenario exercises.
type Gap struct {
	Operation string
	What      string // "code" or "sandbox"
	Value     string
}

// Coverage lists every code of every table and every sandbox value of the vendor that no scenario
// exercises. A code counts as exercised by a scenario that expects it (or lists it in covers).
func Coverage(v *contract.Vendor, f *File) []Gap {
	codes := map[string]bool{}
	sandbox := map[string]bool{}
	for _, s := range f.Scenarios {
		op := v.Operation(s.Operation)
		if op == nil {
			continue
		}
		if c := s.Expected(op).Code; c != "" {
			codes[s.Operation+"/"+c] = true
		}
		for _, c := range s.Covers {
			codes[s.Operation+"/"+c] = true
		}
		if s.Sandbox != "" {
			sandbox[s.Operation+"/"+s.Sandbox] = true
		}
	}
	var gaps []Gap
	for _, op := range v.Operations {
		for _, c := range op.Codes.Codes {
			if !codes[op.ID+"/"+c.Code] {
				gaps = append(gaps, Gap{op.ID, "code", c.Code})
			}
		}
		for _, p := range op.Sandbox {
			for _, sc := range p.Codes {
				if !sandbox[op.ID+"/"+sc.Value] {
					gaps = append(gaps, Gap{op.ID, "sandbox", sc.Value})
				}
			}
		}
	}
	sort.Slice(gaps, func(i, j int) bool {
		return gaps[i].Operation+gaps[i].What+gaps[i].Value < gaps[j].Operation+gaps[j].What+gaps[j].Value
	})
	return gaps
}

// ExampleOf is the documented example of op by name, nil when there is none.
func ExampleOf(op *contract.Operation, name string) *contract.Example {
	for _, r := range op.Responses {
		for i := range r.Examples {
			if r.Examples[i].Name == name {
				return &r.Examples[i]
			}
		}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// recordedNotice reports whether one of v's contradictions on operation op (or on none) records finding id
// as what the document's own examples yield.
func recordedNotice(v *contract.Vendor, op, id string) bool {
	for _, c := range v.Contradictions {
		if (c.Operation == "" || c.Operation == op) && slices.Contains(c.Findings, id) {
			return true
		}
	}
	return false
}

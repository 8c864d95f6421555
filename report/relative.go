package report

import (
	"path/filepath"
	"strings"
)

// Relative rewrites the paths of the Summary under root (the repository) as relative slash paths, in
// every field and message: a report read in CI then names suites/advance/scenarios.yaml:12, never the
// build machine's directory. Paths outside root are left as they are.
func (s *Summary) Relative(root string) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return
	}
	prefix := filepath.ToSlash(abs)
	if !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	rel := func(p *string) {
		*p = strings.ReplaceAll(filepath.ToSlash(*p), prefix, "")
	}
	fix := func(fs []Failure) {
		for i := range fs {
			rel(&fs[i].Cassette)
			rel(&fs[i].At)
			rel(&fs[i].Message)
			rel(&fs[i].Waiver)
		}
	}
	fix(s.Failures)
	for _, v := range s.Vendors {
		fix(v.Failures)
		fix(v.Waived)
		for i := range v.Skips {
			rel(&v.Skips[i].At)
			rel(&v.Skips[i].Reason)
		}
		for i := range v.Cases {
			rel(&v.Cases[i].At)
		}
	}
}

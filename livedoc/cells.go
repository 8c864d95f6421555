package livedoc

import (
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"

	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/scenario"
)

// The cells of the scenario table: what a scenario proves, how it is provoked live, where its cassette
// comes from.

// exercises names what a scenario proves: the sandbox value or the code, and the status.
func docExercises(s *scenario.Scenario, op *contract.Operation) string {
	want := s.Expected(op)
	out := docOutcome(want)
	if s.Sandbox != "" {
		out = "sandbox " + mdCode(s.Sandbox) + " → " + out
	}
	if len(s.Covers) > 0 {
		out += "; also " + mdCodes(s.Covers)
	}
	return out
}

// outcome is "HTTP 200, code X" or "HTTP 200".
func docOutcome(o contract.Outcome) string {
	out := "HTTP " + docItoa(o.Status)
	if o.Code != "" {
		out += ", code " + mdCode(o.Code)
	}
	return out
}

// liveNote says whether a scenario runs live and, if it does, what it sends to provoke its outcome.
func docLive(s *scenario.Scenario, op *contract.Operation) string {
	if s.Live.ReplayOnly {
		out := "replay-only"
		if s.Live.Note != "" {
			out += ": " + mdProse(s.Live.Note)
		}
		return out
	}
	var tr []string
	imageField, _ := op.ImageField()
	imageSent := false
	if s.Sandbox != "" {
		if sp, _, ok := op.SandboxEntry(s.Sandbox); ok {
			tr = append(tr, fmt.Sprintf("sandbox value %s in the %s parameter %s", mdCode(s.Sandbox), sp.Parameter.In, mdCode(sp.Parameter.Name)))
			imageSent = sp.Parameter.In == "body" && sp.Parameter.Name == imageField
		}
	}
	r := s.Request
	if imageField != "" && !imageSent && r.Image == nil && r.ImageRaw == nil {
		tr = append(tr, "no image")
	}
	if img := r.Image; img != nil {
		var parts []string
		if img.Variant != "" {
			parts = append(parts, img.Variant)
		}
		if img.Format != "" {
			parts = append(parts, img.Format)
		}
		if d := docDims(img.Width, img.Height); d != "" {
			parts = append(parts, d)
		}
		if img.MinBytes > 0 {
			parts = append(parts, "at least "+docItoa(img.MinBytes)+" bytes")
		}
		if img.Corrupt {
			parts = append(parts, "corrupt, not base64")
		}
		tr = append(tr, "synthetic image ("+strings.Join(parts, ", ")+")")
	}
	if r.ImageRaw != nil {
		if *r.ImageRaw == "" {
			tr = append(tr, "an empty image field")
		} else {
			tr = append(tr, "image field "+mdCode(*r.ImageRaw))
		}
	}
	if r.ImageContentType != "" {
		tr = append(tr, "part content type "+mdCode(r.ImageContentType))
	}
	for _, k := range slices.Sorted(maps.Keys(r.Fields)) {
		tr = append(tr, mdCode(k+"="+docJSON(r.Fields[k])))
	}
	switch r.Auth {
	case "wrong-credentials":
		tr = append(tr, "wrong credentials")
	case "wrong-token":
		tr = append(tr, "a wrong token")
	}
	for _, w := range r.Wrong {
		tr = append(tr, "a wrong "+mdCode(w))
	}
	if len(tr) == 0 {
		tr = append(tr, "the configured credentials")
	}
	out := "live: " + strings.Join(tr, ", ")
	if s.Live.Note != "" {
		out += " (" + mdProse(s.Live.Note) + ")"
	}
	return out
}

// cassette is the scenario's cassette path and what `make cassettes` builds it from.
func docCassette(s *scenario.Scenario) string {
	f := filepath.ToSlash(s.CassetteFile("cassettes"))
	out := mdLink(mdCode(f), "../"+f)
	var from []string
	src := s.Source
	switch {
	case src.Example != "":
		from = append(from, "example "+mdCode(src.Example))
	case src.Body != nil:
		from = append(from, "an inline body")
	case s.Sandbox != "":
		from = append(from, "the sandbox outcome")
	}
	if src.Code != "" {
		from = append(from, "code "+mdCode(src.Code)+" from the table")
	}
	if len(src.Set) > 0 {
		from = append(from, "set "+mdCodes(slices.Sorted(maps.Keys(src.Set))))
	}
	if len(from) > 0 {
		out += "<br>from " + strings.Join(from, ", ")
	}
	return out
}

package sandbox_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/kontrak/kontrak/client"
	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/sandbox"
	"github.com/kontrak/kontrak/scenario"
	"github.com/kontrak/kontrak/specimen"
)

// readingOps are each vendor's operation that answers a KTP (x-kontrak-canonical) and, for an
// asynchronous flow's result, the submit that takes its image.
func readingOps(t *testing.T, c *contract.Contract) map[*contract.Operation]*contract.Operation {
	t.Helper()
	out := map[*contract.Operation]*contract.Operation{}
	for _, v := range c.Vendors() {
		for _, op := range v.Operations {
			if op.Canonical == nil {
				continue
			}
			out[op] = nil
			for _, s := range v.Operations {
				if f, err := s.Flow(); err == nil && f != nil && f.ResultOperation() == op {
					out[op] = s
				}
			}
		}
	}
	if len(out) < len(c.Vendors()) {
		t.Fatalf("%d operations map a KTP, want one a vendor at least (%d)", len(out), len(c.Vendors()))
	}
	return out
}

// readImage sends an image to op (through its flow's submit) and returns the reading's answer.
func readImage(t *testing.T, f *fixture, op, submit *contract.Operation, img []byte) *client.Response {
	t.Helper()
	id := op.Vendor.ID
	if submit == nil {
		return f.do(t, id, client.Request{Operation: op.ID, Image: img})
	}
	resp := f.do(t, id, client.Request{Operation: submit.ID, Image: img})
	flow, _ := submit.Flow()
	ref, _ := contract.Lookup(resp.Body, flow.ID.Answer)
	if s, _ := ref.(string); resp.Status/100 != 2 || s == "" {
		t.Fatalf("%s: the submit of a specimen got HTTP %d %s (%s)", submit.Name(), resp.Status, resp.Body, f.log.Last())
	}
	return f.do(t, id, client.Request{Operation: op.ID, Fields: map[string]any{flow.ID.Parameter: ref}})
}

// modelReading is the canonical record the OCR model says a success carries for mk, computed from the
// model alone: its reading of every field the operation maps, a misread date that is no calendar date
// read as nothing (the canonical record's dates are dates).
func modelReading(t *testing.T, model *sandbox.OCRModel, op *contract.Operation, mk specimen.Mark) map[string]any {
	t.Helper()
	fields, ok := model.Read(mk)
	if !ok {
		t.Fatalf("the model does not read variant %s", mk.Variant)
	}
	out := map[string]any{}
	for _, f := range fields {
		if op.Canonical.Fields[f.Name] == nil {
			continue
		}
		var v any = f.Value
		if f.Name == "birthDate" {
			if _, err := time.Parse(time.DateOnly, f.Value); err != nil {
				v = nil
			}
		}
		out[f.Name] = v
	}
	return out
}

// recordOf is the canonical record of an answer as a map of the fields op maps.
func recordOf(t *testing.T, op *contract.Operation, body []byte) map[string]any {
	t.Helper()
	k, err := contract.Canonical(op, body)
	if err != nil {
		t.Fatalf("%s: %v", op.Name(), err)
	}
	b, _ := json.Marshal(k)
	var all map[string]any
	if err := json.Unmarshal(b, &all); err != nil {
		t.Fatal(err)
	}
	out := map[string]any{}
	for name := range op.Canonical.Fields {
		out[name] = all[name]
	}
	return out
}

// seedWhere is the first seed "kontrak-rule7-<n>" whose specimen of variant v the model fails (or reads)
// as asked: the test finds its specimens from the model rather than naming them.
func seedWhere(t *testing.T, model *sandbox.OCRModel, v specimen.Variant, wantFail bool) specimen.Mark {
	t.Helper()
	for n := 1; n <= 1000; n++ {
		mk := specimen.Mark{Seed: fmt.Sprintf("kontrak-rule7-%d", n), Variant: v}
		if _, fails := model.Fails(mk); fails == wantFail {
			return mk
		}
	}
	t.Fatalf("no seed of 1000 whose %s read fails=%v: the model's failures of %s are 0 or 1000", v, wantFail, v)
	return specimen.Mark{}
}

// TestRule7MarkedSpecimens sends marked specimens of every vendor's reading operation to serve: a
// specimen the model reads gets the documented success whose canonical fields carry the identity's values
// degraded exactly as the model says, one the model fails gets the vendor's documented code of that
// failure (x-kontrak-canonical.failures); both conform under strict judging and carry ReaderHeader.
func TestRule7MarkedSpecimens(t *testing.T) {
	t.Parallel()
	f := start(t, sandbox.Config{})
	model, err := sandbox.DefaultOCRModel()
	if err != nil {
		t.Fatal(err)
	}
	failing := specimen.Variant("")
	for v, fl := range model.Failures {
		if fl.Permille > 0 && fl.Permille < 1000 && (failing == "" || v < string(failing)) {
			failing = specimen.Variant(v)
		}
	}
	if failing == "" {
		t.Fatal("the model fails no read: rule 7's failures are not tested")
	}
	marks := []struct {
		reason string
		mk     specimen.Mark
		fails  bool
	}{
		{"a clean specimen the model reads without a misread conforms with no finding at all", exactClean(t, model), false},
		{"a " + string(failing) + " specimen the model reads is read, degraded", seedWhere(t, model, failing, false), false},
		{"a " + string(failing) + " specimen the model fails gets the vendor's code of that failure", seedWhere(t, model, failing, true), true},
	}
	for op, submit := range readingOps(t, f.c) {
		for _, m := range marks {
			t.Run(op.Vendor.ID+"/"+string(m.mk.Variant)+"/"+m.mk.Seed, func(t *testing.T) {
				img, err := specimen.RenderMarked(m.mk.Seed, m.mk.Variant, specimen.JPEG, 720, 480)
				if err != nil {
					t.Fatal(err)
				}
				resp := readImage(t, f, op, submit, img)
				if got := resp.Header.Get(sandbox.ReaderHeader); !strings.Contains(got, "not a vendor") {
					t.Errorf("%s: %s is %q: an answer of the model must say so", m.reason, sandbox.ReaderHeader, got)
				}
				v := f.c.Judge(contract.Exchange{Method: resp.Method, URL: resp.URL, Path: pathOf(resp.URL), Status: resp.Status, Header: resp.Header, Body: resp.Body, Synthetic: true},
					contract.JudgeOptions{Strict: true, Operation: op})
				// A misread value may break what a KTP prints (a province code, a religion): the KTP rules
				// notice it, as they would a real reader's misread. Nothing else may be found, and nothing at
				// all when the model reads every value right.
				exactRead := !m.fails && sameReading(t, model, m.mk)
				for _, fd := range v.Findings {
					if exactRead || stageOf[fd.ID] != "ktp" {
						t.Errorf("%s: the answer does not conform (strict): %s at %s: want %s, got %s\n%s", m.reason, fd.ID, fd.Pointer, fd.Expected, fd.Actual, resp.Body)
					}
				}
				if m.fails {
					kind, _ := model.Fails(m.mk)
					want := op.Canonical.Failures[kind]
					if want == nil {
						t.Fatalf("%s documents no code of a failed read of kind %s (x-kontrak-canonical.failures)", op.Name(), kind)
					}
					if got := op.Classify(resp.Status, resp.Body); got.Code != want.Code || !op.Codes.Lookup(want.Code).AllowsStatus(resp.Status) {
						t.Errorf("%s: HTTP %d code %q, want code %s on a status its row allows", m.reason, resp.Status, got.Code, want.Code)
					}
					if _, err := contract.Canonical(op, resp.Body); err == nil {
						t.Errorf("%s: a failed read carries a KTP", m.reason)
					}
					return
				}
				if resp.Status/100 != 2 {
					t.Fatalf("%s: HTTP %d %s (%s)", m.reason, resp.Status, resp.Body, f.log.Last())
				}
				got, want := recordOf(t, op, resp.Body), modelReading(t, model, op, m.mk)
				for name, w := range want {
					if fmt.Sprint(got[name]) != fmt.Sprint(w) {
						t.Errorf("%s: %s read %v, want %v (the model's reading)", m.reason, name, got[name], w)
					}
				}
			})
		}
	}
}

// TestRule7UnmarkedImage: an image without a mark is answered as rules 1 to 6 answer it, without
// ReaderHeader.
func TestRule7UnmarkedImage(t *testing.T) {
	t.Parallel()
	f := start(t, sandbox.Config{})
	success := map[string]string{"advance": "ocr-success", "ekycpro": "success", "kredibel": "success"}
	for op, submit := range readingOps(t, f.c) {
		t.Run(op.Vendor.ID, func(t *testing.T) {
			img := picture(t, scenario.Image{Variant: "clean", Format: "jpeg", Width: 720, Height: 480}) // Verihubs' documented minimum
			if _, marked := specimen.ReadMark(img); marked {
				t.Fatal("the scenarios' clean picture carries a specimen mark")
			}
			resp := readImage(t, f, op, submit, img)
			if got := resp.Header.Get(sandbox.ReaderHeader); got != "" {
				t.Errorf("an unmarked image's answer carries %s: %q", sandbox.ReaderHeader, got)
			}
			if name, ok := success[op.Vendor.ID]; ok && submit == nil {
				wantScenario(t, resp, op.Vendor.ID, name)
			} else if resp.Status/100 != 2 {
				t.Errorf("HTTP %d %s, want the documented success (%s)", resp.Status, resp.Body, f.log.Last())
			}
		})
	}
}

// exactClean is the first clean specimen "kontrak-rule7-<n>" the model reads without a misread.
func exactClean(t *testing.T, model *sandbox.OCRModel) specimen.Mark {
	t.Helper()
	for n := 1; n <= 1000; n++ {
		mk := specimen.Mark{Seed: fmt.Sprintf("kontrak-rule7-%d", n), Variant: specimen.Clean}
		if _, fails := model.Fails(mk); !fails && sameReading(t, model, mk) {
			return mk
		}
	}
	t.Fatal("no clean specimen of 1000 is read without a misread")
	return specimen.Mark{}
}

// stageOf is each rule's stage of judging, by id.
var stageOf = func() map[string]string {
	out := map[string]string{}
	for _, r := range contract.Rules() {
		out[r.ID] = r.Stage
	}
	return out
}()

// sameReading reports whether the model reads every value of mk's identity right.
func sameReading(t *testing.T, model *sandbox.OCRModel, mk specimen.Mark) bool {
	t.Helper()
	got, _ := model.Read(mk)
	return fmt.Sprint(got) == fmt.Sprint(specimen.Truth(specimen.NewIdentity(mk.Seed)))
}

func pathOf(u string) string {
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		return u
	}
	return req.URL.Path
}

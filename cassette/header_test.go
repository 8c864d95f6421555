package cassette

import (
	"bytes"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	kontrak "github.com/kontrak/kontrak"
	"github.com/kontrak/kontrak/contract"
	vcr "gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"
)

func TestCanonicalHeader(t *testing.T) {
	for _, tc := range []struct {
		reason string
		in     map[string][]string
		want   http.Header
	}{
		{"nil stays nil: a map not recorded is not an empty one", nil, nil},
		{"canonical names stay", map[string][]string{"Retry-After": {"10"}}, http.Header{"Retry-After": {"10"}}},
		{"as HTTP/2 sends them", map[string][]string{"retry-after": {"10"}, "content-type": {"application/json"}},
			http.Header{"Retry-After": {"10"}, "Content-Type": {"application/json"}}},
		{"two spellings merge, the canonical one first, each in its order",
			map[string][]string{"x-trace": {"c"}, "X-Trace": {"a", "b"}, "X-TRACE": {"d"}},
			http.Header{"X-Trace": {"d", "a", "b", "c"}}},
		{"a name that is no token is left as it is", map[string][]string{"bad name": {"x"}}, http.Header{"bad name": {"x"}}},
	} {
		t.Run(tc.reason, func(t *testing.T) {
			got := CanonicalHeader(tc.in)
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Fatalf("(-want +got):\n%s", d)
			}
			if (got == nil) != (tc.in == nil) {
				t.Fatalf("nil %v, want %v", got == nil, tc.in == nil)
			}
		})
	}
	// Canonical already: the map itself, not a copy (every interaction of go-vcr's own recordings).
	h := map[string][]string{"Accept": {"a"}}
	CanonicalHeader(h)["Accept"][0] = "b"
	if h["Accept"][0] != "b" {
		t.Errorf("a canonical map was copied")
	}
	// Not canonical: a copy, and the recorded map is left as it is.
	h = map[string][]string{"accept": {"a"}}
	CanonicalHeader(h)
	if _, ok := h["accept"]; !ok || len(h) != 1 {
		t.Errorf("the recorded map changed: %v", h)
	}
}

// A cassette whose answer header is spelled `retry-after` (as go-vcr records it from an HTTP/2 server)
// is judged as one spelled Retry-After: the code row of SERVICE_BUSY documents the header, and it is
// there. Read with Read/ExchangeOf (check, traffic) and with Parse/Exchanges (sandbox, specdiff) alike.
func TestLowerCaseRetryAfterIsSeen(t *testing.T) {
	data, err := os.ReadFile("../cassettes/advance/ocr-service-busy-429.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"Retry-After", "Content-Type", "Accept", "X-Access-Token"} {
		data = bytes.ReplaceAll(data, []byte(name+":"), []byte(strings.ToLower(name)+":"))
	}
	c, err := contract.Load(kontrak.Files)
	if err != nil {
		t.Fatal(err)
	}
	missing := func(x contract.Exchange) []string {
		var out []string
		for _, f := range c.Judge(x, contract.JudgeOptions{}).Findings {
			if f.ID == contract.HeaderMissing {
				out = append(out, f.Pointer)
			}
		}
		return out
	}
	var streamed []contract.Exchange
	var raw *vcr.Interaction
	if err := Read(bytes.NewReader(data), func(_ int, it *vcr.Interaction) error {
		x, err := ExchangeOf(it, 0)
		streamed = append(streamed, x)
		raw = it
		return err
	}); err != nil {
		t.Fatal(err)
	}
	loaded, _, err := Parse("busy.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	whole, err := Exchanges(loaded)
	if err != nil {
		t.Fatal(err)
	}
	// The control: the recorded map as it is hides the header from http.Header.Get, and the contract
	// would say it is missing.
	if _, ok := raw.Response.Headers["retry-after"]; !ok || http.Header(raw.Response.Headers).Get("Retry-After") != "" {
		t.Fatalf("the test cassette does not spell the header in lower case: %v", raw.Response.Headers)
	}
	control := streamed[len(streamed)-1]
	control.Header = raw.Response.Headers
	if got := missing(control); len(got) != 1 || got[0] != "/headers/Retry-After" {
		t.Fatalf("the control (headers as recorded) gives header-missing at %v, want /headers/Retry-After: the operation no longer documents the header", got)
	}
	for what, xs := range map[string][]contract.Exchange{"Read+ExchangeOf": streamed, "Parse+Exchanges": whole} {
		if len(xs) != 2 {
			t.Fatalf("%s: %d exchanges, want 2", what, len(xs))
		}
		for _, x := range xs {
			if got := missing(x); len(got) > 0 {
				t.Errorf("%s: interaction %d: header-missing at %v, though the cassette holds it in lower case", what, x.ID, got)
			}
		}
		if v := xs[1].Header.Get("Retry-After"); v != "10" {
			t.Errorf("%s: Retry-After %q, want 10", what, v)
		}
	}
}

// An interaction is named by its own id only when that is a layout number: a NIK or a phone written as the
// id would be printed by every listing and report (the red team's `id: 3174051201900003`).
func TestIDOf(t *testing.T) {
	for _, tc := range []struct{ id, index, want int }{
		{0, 5, 0}, {41, 5, 41}, {MaxID, 5, MaxID},
		{3174051201900003, 5, 5}, {81234567890, 6, 6}, {-3174051201900003, 7, 7}, {-1, 8, 8}, {MaxID + 1, 9, 9},
	} {
		it := &vcr.Interaction{ID: tc.id, Request: vcr.Request{Method: "GET", URL: "https://x.test/a"}}
		if got := IDOf(it, tc.index); got != tc.want {
			t.Errorf("IDOf(id %d, index %d) = %d, want %d", tc.id, tc.index, got, tc.want)
		}
		if x, err := ExchangeOf(it, tc.index); err != nil || x.ID != tc.want {
			t.Errorf("ExchangeOf(id %d, index %d): ID %d, %v; want %d", tc.id, tc.index, x.ID, err, tc.want)
		}
	}
}

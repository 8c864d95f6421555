package cassette

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"runtime/metrics"
	"strings"
	"testing"
	"time"

	vcr "gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"
)

// genCassette is a reader of a synthetic cassette of n interactions of about size bytes each, made as it
// is read: no file, and nothing of it held but by the reader under test. Interaction k's text comes from
// item(k); open and close frame the sequence.
type genCassette struct {
	open, close string
	item        func(k int) string
	n, k        int
	buf         bytes.Buffer
}

func (g *genCassette) Read(p []byte) (int, error) {
	for g.buf.Len() < len(p) {
		switch {
		case g.k == 0 && g.open != "":
			g.buf.WriteString(g.open)
			g.open = ""
		case g.k < g.n:
			g.buf.WriteString(g.item(g.k))
			g.k++
		case g.close != "":
			g.buf.WriteString(g.close)
			g.close = ""
		default:
			if g.buf.Len() == 0 {
				return 0, io.EOF
			}
			return g.buf.Read(p)
		}
	}
	return g.buf.Read(p)
}

func blockItem(size int) func(int) string {
	body := strings.Repeat("x", size)
	return func(k int) string {
		return fmt.Sprintf("    - id: %d\n      request:\n        method: GET\n        url: https://x.invalid/%d\n      response:\n        code: 200\n        body: '%s'\n", k, k, body)
	}
}

// heapPeak samples the heap (live and not yet collected) until stop is called, which returns its peak.
func heapPeak() (stop func() uint64) {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	done, out := make(chan struct{}), make(chan uint64)
	go func() {
		var peak uint64
		for {
			metrics.Read(sample)
			peak = max(peak, sample[0].Value.Uint64())
			select {
			case <-done:
				out <- peak
				return
			case <-time.After(time.Millisecond):
			}
		}
	}()
	return func() uint64 { close(done); return <-out }
}

// liveHeap is the live heap after a collection.
func liveHeap() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// Read's memory is bounded by the largest interaction, not the file, for go-vcr's own layout: 60 MB of
// cassette read in a few MB of live heap, measured every 500 interactions.
func TestReadMemoryBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 60 MB")
	}
	const n, size = 6000, 10000
	base := liveHeap()
	var peak uint64
	g := &genCassette{open: "version: 2\ninteractions:\n", item: blockItem(size), n: n}
	got := 0
	err := Split(g, func(item Item) error {
		if item.Whole {
			return fmt.Errorf("interaction %d decoded whole", item.Index)
		}
		if _, err := item.Decode(); err != nil {
			return err
		}
		if got++; got%500 == 0 {
			peak = max(peak, liveHeap())
		}
		return nil
	})
	if err != nil || got != n {
		t.Fatalf("%d interactions, %v", got, err)
	}
	growth := int64(peak) - int64(base)
	t.Logf("%d MB of cassette, live heap grew by %d KB at most", n*size>>20, growth>>10)
	if growth > 4<<20 {
		t.Fatalf("live heap grew by %d MB reading %d MB: not bounded by the interaction (%d KB)", growth>>20, n*size>>20, size>>10)
	}
}

// A layout decoded whole is held to MaxWholeBytes: beyond it, one line that says so (ErrTooLarge), not
// an out-of-memory; and what was held is let go of. JSON on one line, from the start; and a go-vcr
// layout whose items are streamed until an anchor, then held from there.
func TestReadWholeIsBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 16 MB twice")
	}
	body := strings.Repeat("x", 10000)
	jsonItem := func(k int) string {
		sep := ","
		if k == 0 {
			sep = ""
		}
		return fmt.Sprintf(`%s{"id":%d,"request":{"method":"GET","url":"https://x.invalid/"},"response":{"code":200,"body":"%s"}}`, sep, k, body)
	}
	anchored := func(k int) string {
		if k == 100 {
			return "    - id: 100\n      request: &r\n        method: GET\n        url: https://x.invalid/\n"
		}
		return blockItem(10000)(k)
	}
	for _, tc := range []struct {
		reason   string
		g        *genCassette
		streamed int
	}{
		{"JSON on one line of 80 MB", &genCassette{open: `{"version":2,"interactions":[`, item: jsonItem, n: 8000, close: "]}"}, 0},
		{"an anchor at interaction 100", &genCassette{open: "version: 2\ninteractions:\n", item: anchored, n: 1800}, 100},
	} {
		t.Run(tc.reason, func(t *testing.T) {
			base := liveHeap()
			stop := heapPeak()
			streamed := 0
			err := Split(tc.g, func(item Item) error {
				streamed++
				return nil
			})
			peak := stop()
			if !errors.Is(err, ErrTooLarge) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("error %v, want ErrTooLarge in one line", err)
			}
			if streamed != tc.streamed {
				t.Errorf("%d interactions handed on before the error, want %d", streamed, tc.streamed)
			}
			if after := int64(liveHeap()) - int64(base); after > 1<<20 {
				t.Errorf("%d KB still live after the error", after>>10)
			}
			// What is held is at most MaxWholeBytes (and a buffer's slack): reading the 80 MB line
			// whole would take twice that, decoding 17 MB of JSON some 900 MB.
			if growth := int64(peak) - int64(base); growth > 100<<20 {
				t.Errorf("the heap grew by %d MB: the bound of %d MB does not hold", growth>>20, MaxWholeBytes>>20)
			} else {
				t.Logf("heap peak %d MB above the start", growth>>20)
			}
		})
	}
	// Just below the bound, the same JSON is read, as go-vcr reads it.
	g := &genCassette{open: `{"version":2,"interactions":[`, item: jsonItem, n: 100, close: "]}"}
	data, _ := io.ReadAll(g)
	its, whole, err := readAsGoVCR(t, data)
	if err != nil || len(its) != 100 || whole != 100 {
		t.Fatalf("%d interactions, %d whole, %v", len(its), whole, err)
	}
}

// Read of go-vcr's own layout against a JSON-written cassette of the same interactions: the cost of
// the whole-document fallback, per interaction.
func BenchmarkReadLayouts(b *testing.B) {
	c := &vcr.Cassette{Version: 2}
	for k := range 200 {
		it := &vcr.Interaction{ID: k}
		it.Request.Method, it.Request.URL = "POST", fmt.Sprintf("https://x.invalid/%d", k)
		it.Request.Headers = map[string][]string{"Content-Type": {"application/json"}}
		it.Request.Body = `{"name":"SYNTHETIC PERSON","lang":"id"}`
		it.Response.Code, it.Response.Status = 200, "200 OK"
		it.Response.Headers = map[string][]string{"Content-Type": {"application/json"}}
		it.Response.Body = `{"status":"ok","data":{"nik":"0012345678901234","name":"SYNTHETIC PERSON"}}`
		c.Interactions = append(c.Interactions, it)
	}
	for _, l := range layouts {
		data := l.write(b, c, rand.New(rand.NewPCG(1, 2)))
		b.Run(strings.ReplaceAll(l.name, " ", "-"), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if err := Read(bytes.NewReader(data), func(int, *vcr.Interaction) error { return nil }); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/200, "ns/interaction")
		})
	}
}

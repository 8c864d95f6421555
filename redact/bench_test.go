package redact_test

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	kontrak "github.com/kontrak/kontrak"
	"github.com/kontrak/kontrak/cassette"
	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/internal/ordered"
	"github.com/kontrak/kontrak/redact"
	"github.com/kontrak/kontrak/traffic"
	vcr "gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"
)

// benchCassette writes n interactions, the committed cassettes' cycled, as go-vcr writes a cassette.
func benchCassette(b *testing.B, dir string, n int) string {
	b.Helper()
	files, _ := filepath.Glob("../cassettes/*/*.yaml")
	var its []*vcr.Interaction
	for _, f := range files {
		in, err := os.Open(f)
		if err != nil {
			b.Fatal(err)
		}
		br := bufio.NewReader(in)
		if _, err := cassette.ReadCommentBlock(br); err != nil {
			b.Fatal(err)
		}
		if err := cassette.Read(br, func(_ int, i *vcr.Interaction) error { its = append(its, i); return nil }); err != nil {
			b.Fatalf("%s: %v", f, err)
		}
		in.Close()
	}
	if len(its) < 100 {
		b.Fatalf("only %d committed interactions", len(its))
	}
	name := filepath.Join(dir, fmt.Sprintf("cassette-%d.yaml", n))
	out, err := os.Create(name)
	if err != nil {
		b.Fatal(err)
	}
	bw := bufio.NewWriterSize(out, 1<<20)
	bw.WriteString(cassette.Header)
	for k := range n {
		it := *its[k%len(its)]
		it.ID = k
		item, err := cassette.MarshalItem(&it)
		if err != nil {
			b.Fatal(err)
		}
		bw.Write(item)
	}
	if err := bw.Flush(); err != nil {
		b.Fatal(err)
	}
	out.Close()
	return name
}

// peakHeap samples the heap in use every few milliseconds until stop is closed.
func peakHeap(stop <-chan struct{}) *atomic.Uint64 {
	var peak atomic.Uint64
	go func() {
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	return &peak
}

// BenchmarkCassetteScanRedact measures scan and redact of a generated cassette (10k interactions, the
// committed ones cycled) against its floor, a traffic check of the same file (issue 24's goals: scan ≤ 2×
// check, redact ≤ 5× check, on every core). Each reports "x-check", its time over the check's, and
// "peak-heap-MB" (sampled; the bound is 200 MB of RSS on 100k interactions). Redaction works on a
// fresh copy each time, copied outside the timer. The collector runs at the commands' pace (GOGC 400
// unless GOGC is set).
func BenchmarkCassetteScanRedact(b *testing.B) {
	const n = 10_000
	defer ordered.Pace()() // the pace kontrak check, scan and redact run the collector at, the same for the three
	c, err := contract.Load(kontrak.Files)
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	name := benchCassette(b, dir, n)
	var checkNs float64
	run := func(mode string) {
		b.Run(fmt.Sprintf("%s/%d", mode, n), func(b *testing.B) {
			runtime.GC()
			stop := make(chan struct{})
			peak := peakHeap(stop)
			var elapsed time.Duration
			for range b.N {
				file := name
				if mode == "redact" {
					file = filepath.Join(dir, "copy.yaml")
					copyFile(b, name, file)
				}
				t0 := time.Now()
				switch mode {
				case "check":
					in := traffic.Input{Name: file, Format: traffic.Cassette, Open: func() (io.ReadCloser, error) { return os.Open(file) }}
					if _, err := traffic.Check(c, []traffic.Input{in}, traffic.Options{}); err != nil {
						b.Fatal(err)
					}
				case "scan":
					if _, err := redact.ScanFile(file, redact.ScanRulesFor(c)); err != nil {
						b.Fatal(err)
					}
				case "redact":
					if _, err := redact.RedactFile(file, redact.RulesFor(c)); err != nil {
						b.Fatal(err)
					}
				}
				elapsed += time.Since(t0)
			}
			close(stop)
			ns := float64(elapsed.Nanoseconds()) / float64(b.N)
			b.ReportMetric(ns/n, "ns/interaction")
			b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MB")
			if mode == "check" {
				checkNs = ns
			} else if checkNs > 0 {
				b.ReportMetric(ns/checkNs, "x-check")
			}
		})
	}
	for _, mode := range []string{"check", "scan", "redact"} {
		run(mode)
	}
}

func copyFile(b *testing.B, from, to string) {
	data, err := os.ReadFile(from)
	if err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o644); err != nil {
		b.Fatal(err)
	}
}

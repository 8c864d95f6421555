package ordered

import (
	"os"
	"runtime/debug"
)

// Pace sets the collector's pace of a streaming pass over traffic (kontrak check, scan and redact, and
// the benchmarks that measure them) and returns what puts it back. The live heap of such a pass is a few
// MB (the interactions in flight): the default pace (GOGC=100) spends a fifth of the time collecting. A
// quarter of that pace keeps the heap far under the 200 MB bound (BenchmarkTraffic and
// BenchmarkCassetteScanRedact report it). GOGC, when set, is the user's to choose.
func Pace() (restore func()) {
	if os.Getenv("GOGC") != "" {
		return func() {}
	}
	old := debug.SetGCPercent(400)
	return func() { debug.SetGCPercent(old) }
}

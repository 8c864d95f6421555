//go:build race

package sandbox_test

// raceEnabled: the race detector's shadow memory multiplies the RSS, so the RSS bound is checked without
// it only; the heap bound holds either way (TestConcurrentOversizeBodiesKeepMemoryBounded).
const raceEnabled = true

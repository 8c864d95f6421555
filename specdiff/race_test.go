//go:build race

package specdiff

// raceEnabled: TestDiffReportsEverySingleEditOnce samples the places under the race detector, which makes
// each diff about ten times slower.
const raceEnabled = true

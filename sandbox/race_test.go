//go:build race

package sandbox_test

// raceEnabled: the race detector multiplies memory use, so RSS bounds are not measured under it.
const raceEnabled = true

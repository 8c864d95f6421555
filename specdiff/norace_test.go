//go:build !race

package specdiff

const raceEnabled = false

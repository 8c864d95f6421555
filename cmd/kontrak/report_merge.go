package main

import (
	"io"
	"os"

	"github.com/kontrak/kontrak/report"
)

// mergeTraffic reads traffic drift reports (json) of shards of one log and prints the report of the
// whole: counts added, first seen the earliest, last seen the latest. Exit 1 when any shard drifted.
func mergeTraffic(files []string, format string, stdout io.Writer) error {
	if len(files) == 0 {
		return usagef("--merge: give the traffic reports to merge (kontrak check --report --format json output)")
	}
	all := &report.Traffic{Kind: report.TrafficKind}
	for _, f := range files {
		in, err := os.Open(f)
		if err != nil {
			return usagef("cannot read %s: %v", f, unwrapPathError(err))
		}
		t, err := report.DecodeTraffic(in)
		in.Close()
		if err != nil {
			return usagef("%s: %v", f, err)
		}
		all.Merge(t)
	}
	if err := report.FormatTraffic(stdout, format, all); err != nil {
		return usagef("--format: %v", err)
	}
	if all.Failing() {
		return errDrift
	}
	return nil
}

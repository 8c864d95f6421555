package specdiff

import "testing"

// BenchmarkDiff is one diff of each committed spec against itself with one description edited: the
// cost of libopenapi's what-changed, kontrak's tables and the placing of each change (the index of both
// versions' YAML by position).
func BenchmarkDiff(b *testing.B) {
	for _, tc := range []struct{ vendor, old, new string }{
		{"ekycpro", "description: production (no separate sandbox host is documented)", "description: production"},
		{"verihubs", "description: The receiver took the result", "description: The receiver took it"},
	} {
		b.Run(tc.vendor, func(b *testing.B) {
			old, new := today(b, tc.vendor), edited(b, tc.vendor, edit{"specs/" + tc.vendor + ".yaml", tc.old, tc.new})
			b.ResetTimer()
			for b.Loop() {
				r, err := Diff(old, new)
				if err != nil || len(r.Changes) != 1 {
					b.Fatalf("%v %v", err, r)
				}
			}
		})
	}
}

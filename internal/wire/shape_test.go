package wire

import "testing"

func TestShape(t *testing.T) {
	for _, tc := range []struct{ reason, in, want string }{
		{"a date of birth keeps its notation, not its digits", "17-08-1945", "99-99-9999"},
		{"letters keep their case, not their value", "Budi SANTOSO", "Aaaa AAAAAAA"},
		{"letters outside ASCII are letters too", "Éa", "Aa"},
		{"a long value is cut after 40 characters", "12345678901234567890123456789012345678901", "9999999999999999999999999999999999999999…"},
		{"the empty value has the empty shape", "", ""},
	} {
		if got := Shape(tc.in); got != tc.want {
			t.Errorf("%s: Shape(%q) = %q, want %q", tc.reason, tc.in, got, tc.want)
		}
	}
}

// TestShapeQuoted: what a library's error quotes from the input is given by its shape, whatever quotes it.
func TestShapeQuoted(t *testing.T) {
	for _, tc := range []struct{ reason, in, want string }{
		{"url quotes the URL", `parse "https://x.test/ktp/3174051201900003/%zz": invalid URL escape "%zz"`, `parse "aaaaa://a.aaaa/aaa/9999999999999999/%aa": invalid URL escape "%zz"`},
		{"a port", `invalid port ":3174051201900003" after host`, `invalid port ":9999999999999999" after host`},
		{"YAML quotes a scalar's first bytes", "cannot construct !!str `SITI 31...` into int", "cannot construct !!str `AAAA 99...` into int"},
		{"an escaped quote stays inside", `bad "a\"SITI" here`, `bad "a\"AAAA" here`},
		{"nothing quoted", "line 3: did not find expected ',' or '}'", "line 3: did not find expected ',' or '}'"},
		{"a YAML tag of the input", "cannot construct tag:kanari.indah@example.com,2026:x `2` into int", "cannot construct aaa:aaaaaa.aaaaa@aaaaaaa.aaa,9999:a `2` into int"},
		{"a YAML tag of its own", "cannot construct !!map into string", "cannot construct !!map into string"},
		{"an anchor", "unknown anchor 'kanariindah' referenced", "unknown anchor 'aaaaaaaaaaa' referenced"},
	} {
		if got := ShapeQuoted(tc.in); got != tc.want {
			t.Errorf("%s: ShapeQuoted(%q) = %q, want %q", tc.reason, tc.in, got, tc.want)
		}
	}
}

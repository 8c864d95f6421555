package redact

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v4"

	"github.com/kontrak/kontrak/traffic"
)

// The generative proof of issue 19 for HAR files, NDJSON logs and cassette files: the planted fuzzers of
// fuzz_plant_test.go plant in an exchange; these plant in the file itself, at any place of its JSON a fuzzer's bytes choose (a member
// added to any object, a string replaced, an element added to any array), where a browser, a proxy or a
// log shipper may put what no rule names: a page title, a comment, an `_initiator` stack, a log line's
// `user`. Whatever the place, `redact` either writes a file in which the marker survives in no decoded
// form and which scans clean, or refuses with one line and leaves the file as it was; `scan` either finds
// a leak (never printing the marker) or refuses.

// trafficBase is a clean exchange written as RedactTraffic writes it, one file a format; a cassette is
// the committed file itself.
func trafficBase(t testing.TB, f traffic.Format, which byte) []byte {
	t.Helper()
	b := plantBases[int(which)%len(plantBases)]
	if f == traffic.Cassette {
		data, err := os.ReadFile(filepath.Join("..", "cassettes", b.file))
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	var buf bytes.Buffer
	tw := newTrafficWriter(&buf, f)
	tw.write(base(t, b.file, b.n), time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	if err := tw.close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// plantJSON puts m into doc at a place choice picks: walking down the tree by the choice's bytes, then a
// member added to the object reached (its name or its value the marker), its string replaced, or an
// element added to its array.
func plantJSON(doc any, m marker, choice []byte) any {
	if len(choice) == 0 {
		choice = []byte{0}
	}
	val := encode(m.value, choice[0])
	name := nameOf(m, choice[0])
	k := 1
	next := func() int {
		if k >= len(choice) {
			return 0
		}
		k++
		return int(choice[k-1])
	}
	var walk func(v any, depth int) any
	walk = func(v any, depth int) any {
		descend := next()%4 != 0 && depth < 8
		switch x := v.(type) {
		case map[string]any:
			keys := make([]string, 0, len(x))
			for key := range x {
				keys = append(keys, key)
			}
			slices.Sort(keys)
			if descend && len(keys) > 0 {
				key := keys[next()%len(keys)]
				x[key] = walk(x[key], depth+1)
				return x
			}
			if next()%2 == 0 {
				// The name as it is: a person's name with its space, a NIK, or encoded (an identifier-like
				// word no other place holds is a name, and kept: see plant).
				x[name] = true
			} else {
				x["note"] = val
			}
			return x
		case []any:
			if descend && len(x) > 0 {
				i := next() % len(x)
				x[i] = walk(x[i], depth+1)
				return x
			}
			return append(x, val)
		case string:
			if next()%2 == 0 {
				return val
			}
			return x + " " + val
		case float64, int, int64, uint64:
			// A number of the layout (an id, a status, a length) replaced by a NIK as a number.
			if m.nik {
				n, _ := strconv.ParseInt(m.value, 10, 64)
				return n
			}
		}
		return v
	}
	return walk(doc, 0)
}

// plantTraffic is the base file with a marker planted: the HAR file's one object, or the NDJSON log's line.
func plantTraffic(t testing.TB, f traffic.Format, file []byte, m marker, choice []byte) []byte {
	t.Helper()
	var doc any
	if f == traffic.Cassette {
		if err := yaml.Unmarshal(file, &doc); err != nil {
			t.Fatal(err)
		}
		out, err := yaml.Marshal(plantJSON(doc, m, choice))
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	if err := json.Unmarshal(file, &doc); err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(plantJSON(doc, m, choice))
	if err != nil {
		t.Fatal(err)
	}
	if f == traffic.NDJSON {
		out = append(out, '\n')
	}
	return out
}

// scanAny and redactAny are the scan and redaction of a file of the format.
func scanAny(name string, format traffic.Format, r ScanRules) ([]Leak, error) {
	if format == traffic.Cassette {
		return ScanFile(name, r)
	}
	return ScanTraffic(name, format, r)
}

func redactAny(name string, format traffic.Format, r RedactRules) (bool, error) {
	if format == traffic.Cassette {
		return RedactFile(name, r)
	}
	return RedactTraffic(name, format, r)
}

func fuzzPlantedTraffic(f *testing.F, format traffic.Format) {
	for p := range 24 {
		f.Add(byte(p), []byte{byte(p * 37), byte(p), byte(p + 1), byte(p * 3), 0, 1, byte(p)}, []byte("kanari"))
		f.Add(byte(p+1), []byte{byte(p) | 0x40, 1, 1, byte(p), 1, byte(p * 5), 0, 0}, []byte{byte(p), 3})
	}
	rules, scan := rules19(f)
	bases := make([][]byte, len(plantBases))
	for n := range plantBases {
		bases[n] = trafficBase(f, format, byte(n))
		dir := f.TempDir()
		name := filepath.Join(dir, "clean.yaml")
		os.WriteFile(name, bases[n], 0o644)
		if ls, err := scanAny(name, format, scan); err != nil || len(ls) > 0 {
			f.Fatalf("the clean %s of %s scans dirty: %v %v", format, plantBases[n].file, ls, err)
		}
	}
	f.Fuzz(func(t *testing.T, which byte, choice, seed []byte) {
		m := markerOf(append([]byte{which}, seed...), int(which))
		planted := plantTraffic(t, format, bases[int(which)%len(bases)], m, choice)
		dir := t.TempDir()
		name := filepath.Join(dir, "planted.yaml")
		if err := os.WriteFile(name, planted, 0o644); err != nil {
			t.Fatal(err)
		}
		// The scan finds it, or refuses to read the file; it never prints the marker.
		ls, err := scanAny(name, format, scan)
		switch {
		case err != nil:
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("a scan error of more than one line: %q", err)
			}
			if survives(err.Error(), m.needle()) {
				t.Fatalf("the scan's error prints the marker: %v", err)
			}
		case len(ls) == 0:
			t.Fatalf("marker %q not flagged:\n%s", m.value, planted)
		}
		for _, l := range ls {
			if survives(l.String(), m.needle()) {
				t.Fatalf("the scan printed the marker: %s", l)
			}
		}
		// Redaction removes it in every decoded form, or refuses and writes nothing.
		if _, err := redactAny(name, format, rules); err != nil {
			if strings.Contains(err.Error(), "\n") || survives(err.Error(), m.needle()) {
				t.Fatalf("redaction's error is not one line without the marker: %q", err)
			}
			if now, _ := os.ReadFile(name); !bytes.Equal(now, planted) {
				t.Fatalf("redaction refused (%v) but changed the file", err)
			}
			return
		}
		out, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if survives(string(out), m.needle()) {
			t.Fatalf("marker %q survives redaction at %s:\nplanted: %s\nredacted: %s", m.value, survivesAt(t, out, m.needle()), planted, out)
		}
		if ls, err := scanAny(name, format, scan); err != nil || len(ls) > 0 {
			t.Fatalf("the redacted file scans dirty: %v %v\n%s", ls, err, out)
		}
		once := slices.Clone(out)
		if _, err := redactAny(name, format, rules); err != nil {
			t.Fatal(err)
		}
		if again, _ := os.ReadFile(name); !bytes.Equal(again, once) {
			t.Fatalf("redacting twice differs from once:\n%s\n%s", once, again)
		}
	})
}

// FuzzPlantedHAR plants a marker anywhere in a HAR file of a clean exchange (see above).
func FuzzPlantedHAR(f *testing.F) { fuzzPlantedTraffic(f, traffic.HAR) }

// FuzzPlantedCassetteFile plants a marker anywhere in the YAML of a committed cassette (see above): in a
// field go-vcr has and no rule names (request_uri, remote_addr, a duration), or one it does not have.
func FuzzPlantedCassetteFile(f *testing.F) { fuzzPlantedTraffic(f, traffic.Cassette) }

// FuzzPlantedNDJSON plants a marker anywhere in an NDJSON line of a clean exchange (see above).
func FuzzPlantedNDJSON(f *testing.F) { fuzzPlantedTraffic(f, traffic.NDJSON) }

// survivesAt names the path of a redacted file (JSON or YAML) where the marker survives.
func survivesAt(t testing.TB, file []byte, needle string) string {
	var doc any
	if err := yaml.Unmarshal(file, &doc); err != nil { // JSON is YAML
		return "(the file does not parse)"
	}
	var at func(v any, path string) string
	at = func(v any, path string) string {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				if survives(k, needle) {
					return path + "/" + k + " (the name)"
				}
				if p := at(e, path+"/"+k); p != "" {
					return p
				}
			}
		case []any:
			for i, e := range x {
				if p := at(e, path+"/"+strconv.Itoa(i)); p != "" {
					return p
				}
			}
		case string:
			if survives(x, needle) {
				return path
			}
		}
		return ""
	}
	return at(doc, "")
}

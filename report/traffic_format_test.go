package report

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTrafficFormatsGolden: every format of the traffic kind over testdata/traffic-run.json (a check's
// drift report: breaking, waived and notice drift, an unrouted interaction), byte for byte (-update
// rewrites them). A format of the kind without a golden file fails here.
func TestTrafficFormatsGolden(t *testing.T) {
	ext := map[string]string{"text": "txt", "json": "json", "markdown": "md"}
	for _, name := range Formats(TrafficReport) {
		t.Run(name, func(t *testing.T) {
			in, err := os.Open(filepath.Join("testdata", "traffic-run.json"))
			if err != nil {
				t.Fatal(err)
			}
			defer in.Close()
			tr, err := DecodeTraffic(in)
			if err != nil {
				t.Fatal(err)
			}
			f, err := Lookup(TrafficReport, name)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := f.Format(&buf, tr); err != nil {
				t.Fatal(err)
			}
			e, ok := ext[name]
			if !ok {
				t.Fatalf("traffic format %s has no golden file: add it to this table", name)
			}
			golden := filepath.Join("testdata", "traffic."+e)
			if *update {
				if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (go test ./report -update writes it)", err)
			}
			if !bytes.Equal(buf.Bytes(), want) {
				t.Errorf("%s differs from %s (go test ./report -update):\n got:\n%s\nwant:\n%s", name, golden, buf.Bytes(), want)
			}
		})
	}
}

// TestTrafficReady: every format of the traffic kind writes an empty report with its kind and empty
// lists, never null; the json of it reads back.
func TestTrafficReady(t *testing.T) {
	for _, name := range Formats(TrafficReport) {
		f, _ := Lookup(TrafficReport, name)
		var buf bytes.Buffer
		if err := f.Format(&buf, &Traffic{}); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if strings.Contains(buf.String(), "null") {
			t.Errorf("%s of an empty report writes null:\n%s", name, buf.String())
		}
		if name == "json" {
			if _, err := DecodeTraffic(&buf); err != nil {
				t.Errorf("the json of an empty report does not read back: %v", err)
			}
		}
	}
}

// TestReadTrafficReports: shards merge into the report of the whole; a missing file or one that is not a
// traffic report is one line naming it.
func TestReadTrafficReports(t *testing.T) {
	fixture := filepath.Join("testdata", "traffic-run.json")
	all, err := ReadTrafficReports([]string{fixture, fixture})
	if err != nil {
		t.Fatal(err)
	}
	if all.Interactions != 10 || all.Judged != 8 || all.Drifted != 2 || all.Waived != 4 || len(all.Inputs) != 4 {
		t.Errorf("two copies of the fixture merged: %d interactions, %d judged, %d drifted, %d waived, inputs %v; want 10, 8, 2, 4 and four inputs",
			all.Interactions, all.Judged, all.Drifted, all.Waived, all.Inputs)
	}
	for _, tc := range []struct{ reason, path, want string }{
		{"a missing file", filepath.Join("testdata", "none.json"), "cannot read testdata/none.json: no such file or directory"},
		{"a Summary is not a traffic report", filepath.Join("testdata", "flow.summary.json"), "testdata/flow.summary.json: not a kontrak traffic report: "},
	} {
		_, err := ReadTrafficReports([]string{fixture, tc.path})
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: %v, want one line starting %q", tc.reason, err, tc.want)
		}
	}
}

package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A HAR file and an NDJSON log on stdin give the drift report; shards merge into the report of the whole.
func TestCheckLogsAndMerge(t *testing.T) {
	dir := t.TempDir()
	drifted, err := os.ReadFile("testdata/drifted.yaml")
	if err != nil {
		t.Fatal(err)
	}
	// The same drifted ekycpro answer as a HAR entry and an NDJSON line, and a line of another API.
	body := `{"status":"QUOTA_EXCEEDED","message":"x"}`
	if !strings.Contains(string(drifted), "QUOTA_EXCEEDED") {
		t.Fatal("testdata/drifted.yaml changed")
	}
	har := `{"log":{"version":"1.2","entries":[{"startedDateTime":"2026-01-01T00:00:00Z","request":{"method":"POST","url":"https://api.ekycpro.com/v1/id_ocr/general","headers":[]},"response":{"status":200,"headers":[{"name":"Content-Type","value":"application/json"}],"content":{"mimeType":"application/json","text":` + jsonString(body) + `}}}]}}`
	harFile := filepath.Join(dir, "a.har")
	os.WriteFile(harFile, []byte(har), 0o644)
	nd := `{"time":"2026-01-02T00:00:00Z","method":"POST","url":"https://api.ekycpro.com/v1/id_ocr/general","status":200,"response_headers":{"Content-Type":"application/json"},"response_body":` + jsonString(body) + "}\n" +
		`{"method":"GET","url":"https://other.example/healthz","status":200,"response_body":"ok"}` + "\n"

	code, out, errs := runKontrak(t, "", "check", "--format", "json", harFile)
	if code != 1 {
		t.Fatalf("HAR: exit %d, stderr %q", code, errs)
	}
	shardA := filepath.Join(dir, "a.json")
	os.WriteFile(shardA, []byte(out), 0o644)
	code, out, errs = runKontrak(t, nd, "check", "--input", "ndjson", "--format", "json", "-")
	if code != 1 {
		t.Fatalf("NDJSON: exit %d, stderr %q", code, errs)
	}
	shardB := filepath.Join(dir, "b.json")
	os.WriteFile(shardB, []byte(out), 0o644)

	code, out, errs = runKontrak(t, "", "report", "--merge", "--format", "json", shardA, shardB)
	if code != 1 {
		t.Fatalf("merge: exit %d, stderr %q", code, errs)
	}
	var got struct {
		Interactions, Judged, Drifted, Unrouted int
		Drift                                   []struct {
			ID, Pointer, Got string
			Count            int
			First, Last      struct {
				Input string
				Time  string
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if got.Interactions != 3 || got.Judged != 2 || got.Drifted != 2 || got.Unrouted != 1 {
		t.Errorf("merged counts %+v", got)
	}
	found := false
	for _, d := range got.Drift {
		if d.ID == "error-code-undocumented" && d.Pointer == "/status" {
			found = true
			if d.Count != 2 || d.First.Input != harFile || d.Last.Input != "stdin" || d.Last.Time != "2026-01-02T00:00:00Z" {
				t.Errorf("merged row %+v", d)
			}
			// what came, where it is no personal data: the code
			if d.Got != `"QUOTA_EXCEEDED"` {
				t.Errorf("merged row says it got %q, want the code that came", d.Got)
			}
		}
	}
	if !found {
		t.Errorf("no error-code-undocumented row in %s", out)
	}
	code, out, _ = runKontrak(t, "", "report", "--merge", "--format", "markdown", shardA, shardB)
	if code != 1 || !strings.Contains(out, "| breaking | ekycpro | idOcrGeneral | `error-code-undocumented` | `/status` | 2 |") {
		t.Errorf("markdown: exit %d\n%s", code, out)
	}
	code, _, errs = runKontrak(t, "", "report", "--merge", "testdata/drifted.yaml")
	if code != 2 || !strings.Contains(errs, "not a kontrak traffic report") {
		t.Errorf("merging a non-report: exit %d, %q", code, errs)
	}
	// A shard is a file a person may edit: what the merge prints of it is shaped as any input is (the red
	// team's NIK and name in a shard's pointer, vendor, operation and finding id came out as written).
	shard, _ := os.ReadFile(shardA)
	edited := strings.NewReplacer(`"pointer": "/status"`, `"pointer": "/data/3174051201900003/KANARI INDAH"`,
		`"vendor": "ekycpro"`, `"vendor": "KANARI INDAH"`, `"operation": "idOcrGeneral"`, `"operation": "3174051201900003"`,
		`"id": "error-code-undocumented"`, `"id": "KANARI INDAH 3174051201900003"`).Replace(string(shard))
	if edited == string(shard) || strings.Count(edited, "3174051201900003") < 3 {
		t.Fatalf("the shard's layout changed: %s", shard)
	}
	shardC := filepath.Join(dir, "c.json")
	os.WriteFile(shardC, []byte(edited), 0o644)
	for _, format := range []string{"text", "json", "markdown"} {
		_, out, errs := runKontrak(t, "", "report", "--merge", "--format", format, shardC, shardB)
		if strings.Contains(out+errs, "3174051201900003") || strings.Contains(out+errs, "KANARI") {
			t.Errorf("merge --format %s prints an edited shard's personal data:\n%s%s", format, out, errs)
		}
	}
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// Waivers hold for traffic as for a body: in the drift report the waived drift is shown as waived and
// fails nothing; in the per-interaction listing every report format shows it; a stale waiver fails the
// run with its one line; the drift report refuses a format it has not.
func TestCheckTrafficWaivers(t *testing.T) {
	waivers := writeWaivers(t, "2999-12-31", "/status")
	code, out, errs := runKontrak(t, "", "check", "--report", "--waivers", waivers, "testdata/drifted.yaml")
	if code != 0 || errs != "" || !strings.Contains(out, "2 judged (2 conform, 0 drifted") {
		t.Errorf("report with the drift waived: exit %d, stderr %q, out %q; want 0", code, errs, out)
	}
	if !strings.Contains(out, "waived ekycpro idOcrGeneral error-code-undocumented /status: 1× (billed 0; 1 waived by ") ||
		!strings.Contains(out, "SUP-7") || !strings.Contains(out, "; 1 findings waived") {
		t.Errorf("the report does not show the waived drift as waived:\n%s", out)
	}
	code, out, _ = runKontrak(t, "", "check", "--report", "--format", "json", "--waivers", waivers, "testdata/drifted.yaml")
	var rep struct {
		Drifted, Waived int
		Drift           []struct{ Waived int }
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil || code != 0 || rep.Drifted != 0 || rep.Waived != 1 || len(rep.Drift) != 1 || rep.Drift[0].Waived != 1 {
		t.Errorf("json report with the drift waived: exit %d, %+v (%v)", code, rep, err)
	}
	code, out, _ = runKontrak(t, "", "check", "--format", "markdown", "--waivers", waivers, "testdata/drifted.yaml")
	if code != 0 || !strings.Contains(out, "**Waived**") || !strings.Contains(out, "SUP-7") {
		t.Errorf("markdown listing of a cassette with the drift waived: exit %d\n%s", code, out)
	}
	code, out, _ = runKontrak(t, "", "check", "--format", "junit", "testdata/drifted.yaml")
	if code != 1 || !strings.Contains(out, "<testsuites") || !strings.Contains(out, "error-code-undocumented") {
		t.Errorf("junit listing of a drifted cassette: exit %d\n%s", code, out)
	}

	success := filepath.Join("..", "..", "cassettes", "ekycpro", "success.yaml")
	code, _, errs = runKontrak(t, "", "check", "--report", "--waivers", waivers, success)
	if code != 1 || !strings.Contains(errs, "is stale") || strings.Count(errs, "\n") != 1 {
		t.Errorf("a waiver the traffic covered and never matched: exit %d, stderr %q; want 1 and its line", code, errs)
	}
	code, out, errs = runKontrak(t, "", "check", "--report", "--format", "junit", success)
	if code != 2 || out != "" || !strings.Contains(errs, "--format junit is not a format of the drift report") {
		t.Errorf("--report --format junit: exit %d, stdout %q, stderr %q; want 2 and one line", code, out, errs)
	}
}

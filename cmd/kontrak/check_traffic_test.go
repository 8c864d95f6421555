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
			ID, Pointer string
			Count       int
			First, Last struct {
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
		}
	}
	if !found {
		t.Errorf("no error-code-undocumented row in %s", out)
	}
	if strings.Contains(out, "QUOTA_EXCEEDED") {
		t.Errorf("the report echoes a value: %s", out)
	}
	code, out, _ = runKontrak(t, "", "report", "--merge", "--format", "markdown", shardA, shardB)
	if code != 1 || !strings.Contains(out, "| breaking | ekycpro | idOcrGeneral | `error-code-undocumented` | `/status` | 2 |") {
		t.Errorf("markdown: exit %d\n%s", code, out)
	}
	code, _, errs = runKontrak(t, "", "report", "--merge", "testdata/drifted.yaml")
	if code != 2 || !strings.Contains(errs, "not a kontrak traffic report") {
		t.Errorf("merging a non-report: exit %d, %q", code, errs)
	}
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

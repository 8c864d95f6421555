package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kontrak/kontrak/report"
)

// TestCheckTrafficPrintsNoPathNIK: traffic (a HAR file and an NDJSON log) whose request paths and queries
// hold a NIK — on a documented route with a drifted answer, and on routes of no vendor operation (a
// segment, after %2F, beside a documented path) — is checked in every format of the drift report and of the per-interaction listing, with and
// without --strict-routes, and the NIK appears in none of them, nor on stderr: every printed path goes
// through contract.ShownPath.
func TestCheckTrafficPrintsNoPathNIK(t *testing.T) {
	const nik = "3174011708900002"
	dir := t.TempDir()
	drift := `{"status":"QUOTA_EXCEEDED","message":"x"}`
	urls := []struct{ method, url, body string }{
		{"POST", "https://api.ekycpro.com/v1/id_ocr/general?nik=" + nik + "&q=" + nik[:8] + "-" + nik[8:], drift},
		{"GET", "https://api.ekycpro.com/v1/ktp/" + nik + "?nik=" + nik + "#" + nik, `{}`},
		{"POST", "https://api.ekycpro.com/v1/ktp%2F" + nik, `{}`},
		{"POST", "https://api.ekycpro.com/v1/id_ocr/general/" + nik, drift},
	}
	var har, nd, cas strings.Builder
	cas.WriteString("---\nversion: 2\ninteractions:\n")
	har.WriteString(`{"log":{"version":"1.2","entries":[`)
	for n, u := range urls {
		if n > 0 {
			har.WriteString(",")
		}
		har.WriteString(`{"startedDateTime":"2026-01-01T00:00:00Z","request":{"method":"` + u.method + `","url":` + jsonString(u.url) +
			`,"headers":[]},"response":{"status":200,"headers":[{"name":"Content-Type","value":"application/json"}],"content":{"mimeType":"application/json","text":` + jsonString(u.body) + `}}}`)
		nd.WriteString(`{"time":"2026-01-02T00:00:00Z","method":"` + u.method + `","url":` + jsonString(u.url) +
			`,"status":200,"response_headers":{"Content-Type":"application/json"},"response_body":` + jsonString(u.body) + "}\n")
		cas.WriteString(fmt.Sprintf("    - id: %d\n      request:\n        url: %s\n        method: %s\n      response:\n        body: %s\n"+
			"        headers:\n            Content-Type:\n                - application/json\n        status: 200 OK\n        code: 200\n",
			n, jsonString(u.url), u.method, jsonString(u.body)))
	}
	har.WriteString(`]}}`)
	harFile, ndFile, casFile := filepath.Join(dir, "kyc.har"), filepath.Join(dir, "kyc.ndjson"), filepath.Join(dir, "kyc.yaml")
	os.WriteFile(harFile, []byte(har.String()), 0o644)
	os.WriteFile(ndFile, []byte(nd.String()), 0o644)
	os.WriteFile(casFile, []byte(cas.String()), 0o644)

	// HAR and NDJSON give the drift report; a cassette the per-interaction listing (a Summary's formats,
	// junit and github among them), and the drift report with --report.
	inputs := []struct {
		file    string
		extra   []string
		formats []string
	}{
		{harFile, nil, report.Formats(report.TrafficReport)},
		{ndFile, nil, report.Formats(report.TrafficReport)},
		{casFile, nil, append([]string{"text", "json"}, report.Formats(report.SummaryReport)...)},
		{casFile, []string{"--report"}, report.Formats(report.TrafficReport)},
	}
	for _, in := range inputs {
		if len(in.formats) == 0 {
			t.Fatal("no report format")
		}
		file := in.file
		for _, format := range in.formats {
			for _, extra := range [][]string{nil, {"--strict-routes"}} {
				args := append(append([]string{"check", "--format", format}, in.extra...), extra...)
				code, out, errs := runKontrak(t, "", append(args, file)...)
				name := filepath.Base(file) + " " + strings.Join(args[1:], " ")
				if code == 0 {
					t.Errorf("%s: exit 0 for drifted and unrouted traffic", name)
				}
				if out == "" && errs == "" {
					t.Errorf("%s: printed nothing: the test proves nothing", name)
				}
				for _, leak := range []string{nik, nik[8:]} {
					if strings.Contains(out, leak) || strings.Contains(errs, leak) {
						t.Errorf("%s prints the path's NIK:\nstdout:\n%s\nstderr:\n%s", name, out, errs)
					}
				}
			}
		}
	}
}

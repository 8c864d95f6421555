package traffic

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/kontrak/kontrak/cassette"
	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/report"
)

// busyCassette is a committed cassette kontrak derived from a table: a token, then a SERVICE_BUSY answer
// with the rate-limit message, which carries Retry-After.
const busyCassette = "../cassettes/advance/ocr-glossary-service-busy.yaml"

// busy is the SERVICE_BUSY exchange of busyCassette (its second interaction): the tests build their log
// lines from it, so that no vendor fact is written here.
func busy(t testing.TB) contract.Exchange {
	t.Helper()
	xs, err := cassette.ReadExchanges(busyCassette)
	if err != nil {
		t.Fatal(err)
	}
	x := xs[1]
	if x.Header.Get("Retry-After") == "" || x.Status != 200 || len(x.Body) == 0 {
		t.Fatalf("%s: interaction 1 is no longer an answer with Retry-After and a body", busyCassette)
	}
	return x
}

func checkLines(t *testing.T, c *contract.Contract, f Format, data string) (*report.Traffic, []Verdict) {
	t.Helper()
	var vs []Verdict
	tr, err := Check(c, []Input{{Name: "in", Format: f, Open: func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(data)), nil }}},
		Options{Workers: 2, Each: func(v Verdict) error { vs = append(vs, v); return nil }})
	if err != nil {
		t.Fatal(err)
	}
	return tr, vs
}

func ids(fs []contract.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.ID)
	}
	return out
}

// stages are the stages of what was not judged ("body: the input carries…" is body).
func stages(notJudged []string) []string {
	var out []string
	for _, s := range notJudged {
		st, _, _ := strings.Cut(s, ":")
		out = append(out, st)
	}
	return out
}

// accessLines are stock access-log lines of common exporters, as their documentation shows them: none
// carries a body, all but Caddy carry no response headers. Each is written for a status.
func accessLines(x contract.Exchange) []struct {
	reason, exporter string
	headers          bool
	line             func(status int) string
} {
	u, _ := url.Parse(x.URL)
	path, host := u.RequestURI(), u.Host
	return []struct {
		reason, exporter string
		headers          bool
		line             func(status int) string
	}{
		{"nginx's usual JSON log_format: the request line, a string status, $time_local", "nginx", false, func(s int) string {
			return fmt.Sprintf(`{"time_local":"01/Jan/2026:07:00:00 +0700","remote_addr":"192.0.2.1","remote_user":"","request":"%s %s HTTP/1.1","status":"%d","body_bytes_sent":"198","request_time":"0.120","http_referrer":"","http_user_agent":"kontrak-test"}`, x.Method, path, s)
		}},
		{"nginx's variables by name: $request_method, $request_uri, $host, a number status, $time_iso8601", "nginx", false, func(s int) string {
			return fmt.Sprintf(`{"time_iso8601":"2026-01-01T07:00:00+07:00","request_method":"%s","request_uri":"%s","host":"%s","status":%d,"bytes_sent":411}`, x.Method, path, host, s)
		}},
		{"Istio's JSON encoding: path, authority, response_code a string, nulls where Envoy has no value", "Istio", false, func(s int) string {
			return fmt.Sprintf(`{"authority":"%s","bytes_received":"282","bytes_sent":"198","connection_termination_details":null,"downstream_remote_address":"192.0.2.1:5000","duration":"120","method":"%s","path":"%s","protocol":"HTTP/1.1","request_id":"00000000-0000-4000-8000-000000000000","response_code":"%d","response_code_details":"via_upstream","response_flags":"-","route_name":"default","start_time":"2026-01-01T00:00:00.000Z","upstream_host":"192.0.2.9:443","user_agent":"kontrak-test","x_forwarded_for":null}`, host, x.Method, path, s)
		}},
		{"Envoy Gateway's default: x-envoy-origin-path, :authority, response_code a number", "Envoy Gateway", false, func(s int) string {
			return fmt.Sprintf(`{":authority":"%s","bytes_received":282,"bytes_sent":198,"duration":120,"method":"%s","protocol":"HTTP/1.1","response_code":%d,"response_code_details":"via_upstream","response_flags":"-","start_time":"2026-01-01T00:00:00.000Z","upstream_host":"192.0.2.9:443","user-agent":"kontrak-test","x-envoy-origin-path":"%s","x-envoy-upstream-service-time":null,"x-forwarded-for":"192.0.2.1"}`, host, x.Method, s, path)
		}},
		{"a Google Cloud Logging export: httpRequest, an application's jsonPayload without the request, the LogEntry's timestamp", "Cloud Logging", false, func(s int) string {
			return fmt.Sprintf(`{"insertId":"abc","httpRequest":{"requestMethod":"%s","requestUrl":"%s","requestSize":"282","status":%d,"responseSize":"198","userAgent":"kontrak-test","remoteIp":"192.0.2.1","latency":"0.120s","protocol":"HTTP/1.1"},"jsonPayload":{"message":"handled","component":"proxy"},"resource":{"type":"cloud_run_revision","labels":{}},"timestamp":"2026-01-01T00:00:00.123456Z","severity":"INFO","logName":"projects/p/logs/run.googleapis.com%%2Frequests"}`, x.Method, x.URL, s)
		}},
		{"Amazon CloudFront's standard logs (v2) as JSON: cs-method, cs-uri-stem, sc-status a string, a query of -, a time of day alone before timestamp(ms)", "CloudFront", false, func(s int) string {
			return fmt.Sprintf(`{"date":"2026-01-01","time":"00:00:00","x-edge-location":"SIN2-C1","sc-bytes":"411","c-ip":"192.0.2.1","cs-method":"%s","cs(Host)":"d111111abcdef8.cloudfront.net","cs-uri-stem":"%s","sc-status":"%d","cs(Referer)":"-","cs(User-Agent)":"kontrak-test","cs-uri-query":"-","x-host-header":"%s","timestamp(ms)":"1767225600000"}`, x.Method, u.Path, s, host)
		}},
		{"Caddy's access log: request.method, request.uri, request.host, resp_headers carried, ts in seconds", "Caddy", true, func(s int) string {
			return fmt.Sprintf(`{"level":"info","ts":1767225600.5,"logger":"http.log.access","msg":"handled request","request":{"remote_ip":"192.0.2.1","proto":"HTTP/1.1","method":"%s","host":"%s","uri":"%s","headers":{"User-Agent":["kontrak-test"]}},"bytes_read":282,"duration":0.12,"size":198,"status":%d,"resp_headers":{"Content-Type":["%s"]}}`, x.Method, host, path, s, x.Header.Get("Content-Type"))
		}},
	}
}

// An access-log line of a stock exporter carries no body (and most no headers): it is judged on its route
// and status — a documented status conforms, an undocumented one is status-undocumented — and never
// body-not-json; the report counts what was not judged. (Before, every such line was breaking
// body-not-json, and Envoy's response_code made the whole file unreadable.)
func TestAccessLogLinesWithoutBody(t *testing.T) {
	c := loadContract(t)
	x := busy(t)
	lines := accessLines(x)
	for _, tc := range lines {
		t.Run(tc.exporter+": "+tc.reason, func(t *testing.T) {
			ex, err := ndjsonExchange([]byte(tc.line(x.Status)), 0, Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if ex.Method != x.Method || ex.Path != x.Path || ex.Status != x.Status || !ex.NoBody || ex.NoHeader == tc.headers || ex.Time.IsZero() {
				t.Errorf("read %s %s %d, NoBody %v, NoHeader %v, time %v; want %s %s %d, no body, headers carried %v, a time",
					ex.Method, ex.Path, ex.Status, ex.NoBody, ex.NoHeader, ex.Time, x.Method, x.Path, x.Status, tc.headers)
			}
			for _, st := range []struct {
				status int
				want   []string
			}{{x.Status, nil}, {418, []string{contract.StatusUndocumented}}} {
				_, vs := checkLines(t, c, NDJSON, tc.line(st.status)+"\n")
				v := vs[0]
				if v.Operation == nil || !slices.Equal(ids(v.Findings), st.want) {
					t.Errorf("status %d: routed %v, findings %v; want %v", st.status, v.Operation != nil, v.Findings, st.want)
				}
				if got := stages(v.NotJudged); !slices.Contains(got, "body") || slices.Contains(got, "headers") == tc.headers {
					t.Errorf("status %d: not judged %v; want the body, and the headers unless carried", st.status, v.NotJudged)
				}
			}
		})
	}

	var all strings.Builder
	headless := 0
	for _, tc := range lines {
		all.WriteString(tc.line(x.Status) + "\n" + tc.line(418) + "\n")
		if !tc.headers {
			headless += 2
		}
	}
	tr, _ := checkLines(t, c, NDJSON, all.String())
	if tr.Judged != 2*len(lines) || tr.Conforming != len(lines) || tr.Drifted != len(lines) || tr.Inconclusive != 0 {
		t.Errorf("judged %d, conforming %d, drifted %d, inconclusive %d; want %d, %d, %d, 0",
			tr.Judged, tr.Conforming, tr.Drifted, tr.Inconclusive, 2*len(lines), len(lines), len(lines))
	}
	for _, d := range tr.Drift {
		if d.ID != contract.StatusUndocumented || d.Count != len(lines) {
			t.Errorf("drift %s ×%d; want status-undocumented ×%d only", d.ID, d.Count, len(lines))
		}
	}
	counted := map[string]int{}
	for why, n := range tr.Unjudged {
		st, _, _ := strings.Cut(why, ":")
		counted[st] += n
	}
	if counted["body"] != 2*len(lines) || counted["headers"] != headless {
		t.Errorf("unjudged %v; want the body of %d interactions and the headers of %d", tr.Unjudged, 2*len(lines), headless)
	}
}

// Absent where the input carries the place is still drift: a logged header set without Retry-After on a
// SERVICE_BUSY answer with its body is header-missing; the same line with no header field at all is not
// judged on its headers, and conforms.
func TestAbsentWhereCarried(t *testing.T) {
	c := loadContract(t)
	x := busy(t)
	without := http.Header{"Content-Type": x.Header["Content-Type"]}
	line := func(fields map[string]any) string {
		m := map[string]any{"method": x.Method, "url": x.URL, "status": x.Status}
		for k, v := range fields {
			m[k] = v
		}
		b, _ := json.Marshal(m)
		return string(b) + "\n"
	}
	for _, tc := range []struct {
		reason    string
		line      string
		want      []string
		notJudged []string
	}{
		{"headers and body logged, Retry-After among the headers: conforms", line(map[string]any{"response_headers": x.Header, "response_body": string(x.Body)}), nil, nil},
		{"headers and body logged, the headers without Retry-After: header-missing", line(map[string]any{"response_headers": without, "response_body": string(x.Body)}), []string{contract.HeaderMissing}, nil},
		{"Caddy's resp_headers without Retry-After, a body logged: header-missing", line(map[string]any{"resp_headers": without, "resp_body": string(x.Body)}), []string{contract.HeaderMissing}, nil},
		{"headers logged as an empty object: carried, and Retry-After is missing", line(map[string]any{"response_headers": map[string]any{}, "response_body": string(x.Body)}), []string{contract.HeaderMissing}, nil},
		{"a body and no header field: the headers are not judged", line(map[string]any{"response_body": string(x.Body)}), nil, []string{"encoding", "headers"}},
		{"a header field of null: not carried", line(map[string]any{"response_headers": nil, "response_body": string(x.Body)}), nil, []string{"encoding", "headers"}},
		{"a body field present and empty is an empty body, judged", line(map[string]any{"response_headers": x.Header, "response_body": ""}), []string{contract.BodyNotJSON}, nil},
	} {
		t.Run(tc.reason, func(t *testing.T) {
			_, vs := checkLines(t, c, NDJSON, tc.line)
			v := vs[0]
			if got := ids(v.Findings); !slices.Equal(got, tc.want) {
				t.Errorf("findings %v; want %v", v.Findings, tc.want)
			}
			if got := stages(v.NotJudged); !slices.Equal(got, tc.notJudged) {
				t.Errorf("not judged %v; want %v", v.NotJudged, tc.notJudged)
			}
		})
	}
}

// What a HAR entry does not carry is not judged, never taken as absent; a request that got no answer is
// inconclusive, counted, never drift.
func TestHARWhatAnEntryCarries(t *testing.T) {
	c := loadContract(t)
	x := busy(t)
	entry := func(response string) string {
		return fmt.Sprintf(`{"startedDateTime":"2026-01-01T00:00:00.000Z","request":{"method":%q,"url":%q,"headers":[]},"response":%s}`, x.Method, x.URL, response)
	}
	hdrs, _ := json.Marshal(harHeadersOf(x.Header))
	body, _ := json.Marshal(string(x.Body))
	for _, tc := range []struct {
		reason         string
		response       string
		noBody, noHead bool
		incomplete     string
		state          string
		notJudged      []string
	}{
		{"a whole answer", fmt.Sprintf(`{"status":200,"headers":%s,"content":{"mimeType":"application/json","text":%s}}`, hdrs, body),
			false, false, "", "conform", nil},
		{"Chrome: status 0 and _error, the request got no answer", `{"status":0,"statusText":"","headers":[],"content":{"size":0,"mimeType":"x-unknown"},"_error":"net::ERR_CONNECTION_RESET"}`,
			true, false, contract.Aborted, "inconclusive", nil},
		{"Firefox: status 0 of an aborted request, no text", `{"status":0,"headers":[],"content":{"mimeType":"","size":-1}}`,
			true, false, contract.Aborted, "inconclusive", nil},
		{"a body the browser did not keep: no content.text", fmt.Sprintf(`{"status":200,"headers":%s,"content":{"size":198,"mimeType":"application/json","comment":"Response bodies are not included."}}`, hdrs),
			true, false, "", "conform", []string{"body", "schema", "codes", "ktp"}},
		{"a text of null is no text", fmt.Sprintf(`{"status":200,"headers":%s,"content":{"mimeType":"application/json","text":null}}`, hdrs),
			true, false, "", "conform", []string{"body", "schema", "codes", "ktp"}},
		{"Chrome's _error after a status: the answer began, its body may be cut and is not judged", fmt.Sprintf(`{"status":200,"headers":%s,"content":{"mimeType":"application/json","text":"{\"code\":"},"_error":"net::ERR_ABORTED"}`, hdrs),
			true, false, "", "conform", []string{"body", "schema", "codes", "ktp"}},
		{"no headers member: the headers are not judged", fmt.Sprintf(`{"status":200,"content":{"mimeType":"application/json","text":%s}}`, body),
			false, true, "", "conform", []string{"encoding", "headers"}},
		{"an empty text is an empty body, judged", fmt.Sprintf(`{"status":200,"headers":%s,"content":{"mimeType":"application/json","text":""}}`, hdrs),
			false, false, "", "drift", nil},
	} {
		t.Run(tc.reason, func(t *testing.T) {
			har := `{"log":{"version":"1.2","entries":[` + entry(tc.response) + `]}}`
			var ex *contract.Exchange
			if err := ReadHAR(strings.NewReader(har), Limits{}, func(_ int, e *contract.Exchange) error { ex = e; return nil }); err != nil {
				t.Fatal(err)
			}
			if ex.NoBody != tc.noBody || ex.NoHeader != tc.noHead || ex.Incomplete != tc.incomplete {
				t.Errorf("NoBody %v, NoHeader %v, Incomplete %q; want %v, %v, %q", ex.NoBody, ex.NoHeader, ex.Incomplete, tc.noBody, tc.noHead, tc.incomplete)
			}
			tr, vs := checkLines(t, c, HAR, har)
			v := vs[0]
			state := contract.Verdict{Findings: v.Findings, Inconclusive: v.Inconclusive}.State()
			if state != tc.state || !slices.Equal(stages(v.NotJudged), tc.notJudged) {
				t.Errorf("%s (findings %v), not judged %v; want %s, not judged %v", state, v.Findings, v.NotJudged, tc.state, tc.notJudged)
			}
			if tc.state == "inconclusive" && (tr.Inconclusive != 1 || tr.Drifted != 0 || tr.Conforming != 0 || len(tr.Drift) != 0) {
				t.Errorf("report: inconclusive %d, drifted %d, conforming %d, drift %v; want the one interaction inconclusive", tr.Inconclusive, tr.Drifted, tr.Conforming, tr.Drift)
			}
		})
	}
}

// An aborted status of the field table (nginx's 499, Envoy's 0) is inconclusive, never drift; a status
// outside HTTP's and the table's is refused, naming the line.
func TestNDJSONAbortedStatus(t *testing.T) {
	c := loadContract(t)
	x := busy(t)
	line := func(status string) string {
		return fmt.Sprintf(`{"request_method":%q,"request_uri":%q,"status":%s}`+"\n", x.Method, x.Path, status)
	}
	for _, tc := range []struct{ reason, status string }{
		{"nginx: 499, the client closed the connection", `"499"`},
		{"Envoy: response_code 0, no answer began", `0`},
	} {
		tr, vs := checkLines(t, c, NDJSON, line(tc.status))
		if vs[0].Inconclusive == "" || tr.Inconclusive != 1 || tr.Drifted != 0 {
			t.Errorf("%s: %+v; want inconclusive", tc.reason, vs[0])
		}
	}
	_, err := Check(c, []Input{{Name: "in", Format: NDJSON, Open: func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(line("42"))), nil }}}, Options{})
	if err == nil || err.Error() != "in: NDJSON: line 1: field status: not an HTTP status: 42" {
		t.Errorf("error %v", err)
	}
}

// A cassette kontrak wrote (its provenance comment block says so) holds kontrak's own synthetic values:
// every exchange read from it is Synthetic; a cassette without that provenance is not.
func TestCassetteSynthetic(t *testing.T) {
	data, err := os.ReadFile(busyCassette)
	if err != nil {
		t.Fatal(err)
	}
	_, body, _ := bytes.Cut(data, []byte("\n---\n"))
	body = append([]byte("---\n"), body...)
	recorded := cassette.Provenance{Kind: cassette.ProvenanceRecorded, Recorded: "2026-01-01", Scenario: "s"}.Header()
	example := cassette.Provenance{Kind: cassette.ProvenanceExample, Source: "https://example.com/doc"}.Header()
	for _, tc := range []struct {
		reason string
		data   []byte
		want   bool
	}{
		{"a committed cassette, derived from a table", data, true},
		{"recorded live, then redacted", append(recorded, body...), true},
		{"a documented example", append(example, body...), true},
		{"a documented example whose block comes after a comment of its own", append(append([]byte("# checked by hand\n"), example...), body...), true},
		{"no comment block", body, false},
		{"a comment block without provenance", append([]byte("# recorded by me\n"), body...), false},
		{"a provenance kontrak does not write", append([]byte("# kontrak: provenance=hand-made\n"), body...), false},
		{"a provenance that is not complete for its kind (no source)", append([]byte("# kontrak: provenance=documented-example\n"), body...), false},
	} {
		t.Run(tc.reason, func(t *testing.T) {
			for _, read := range []struct {
				how  string
				read func(func(int, *contract.Exchange) error) error
			}{
				{"ReadCassette", func(fn func(int, *contract.Exchange) error) error { return ReadCassette(bytes.NewReader(tc.data), fn) }},
				{"Read, detected", func(fn func(int, *contract.Exchange) error) error {
					return Read(bytes.NewReader(tc.data), "cassette", Auto, Limits{}, fn)
				}},
			} {
				n := 0
				err := read.read(func(_ int, ex *contract.Exchange) error {
					n++
					if ex.Synthetic != tc.want {
						t.Errorf("%s: interaction %d: Synthetic %v, want %v", read.how, n-1, ex.Synthetic, tc.want)
					}
					return nil
				})
				if err != nil || n != 2 {
					t.Errorf("%s: %v, %d interactions", read.how, err, n)
				}
			}
		})
	}
}

// TestLogFieldsTable: the embedded table loads, each part has names, and a source of kontrak's own names
// is a section of a file of this repository; a broken table is refused with one line naming the file and
// the place.
func TestLogFieldsTable(t *testing.T) {
	tab := LogFields()
	if len(tab.Parts) == 0 || len(ndjsonFields.status) == 0 || !ndjsonFields.aborted[0] {
		t.Fatalf("the table is empty: %+v", tab)
	}
	for _, p := range tab.Parts {
		for _, g := range p.Groups {
			file, anchor, ok := strings.Cut(g.Source, "#")
			if strings.Contains(g.Source, "://") || !ok {
				continue
			}
			doc, err := os.ReadFile("../" + file)
			if err != nil {
				t.Errorf("%s: source %s: %v", p.Part, g.Source, err)
				continue
			}
			if !slices.ContainsFunc(strings.Split(string(doc), "\n"), func(l string) bool {
				h, ok := strings.CutPrefix(l, "#")
				return ok && strings.ReplaceAll(strings.ToLower(strings.TrimSpace(strings.TrimLeft(h, "#"))), " ", "-") == anchor
			}) {
				t.Errorf("%s: source %s: %s has no heading #%s", p.Part, g.Source, file, anchor)
			}
		}
	}
	tab.Parts[0].Groups[0].Names[0] = "changed"
	if LogFields().Parts[0].Groups[0].Names[0] == "changed" {
		t.Error("LogFields hands out the reader's own table")
	}

	good := string(logFieldsYAML)
	for _, tc := range []struct{ reason, edit, want string }{
		{"an unknown key", strings.Replace(good, "  - part: method\n", "  - part: method\n    aliases: [verb]\n", 1), "traffic/logfields.yaml: yaml: "},
		{"an unknown part", strings.Replace(good, "part: method\n", "part: verb\n", 1), `traffic/logfields.yaml: parts[0]: unknown part "verb"`},
		{"a part given twice", strings.Replace(good, "part: url\n", "part: method\n", 1), "traffic/logfields.yaml: parts[1]: part method is given twice"},
		{"a missing part", strings.Replace(good, "part: url\n", "part: method\n", 1), "is given twice"},
		{"a name nested two levels", strings.Replace(good, "[req.method]", "[req.raw.method]", 1), `parts[0] (method): groups[5]: "req.raw.method": nested more than one level`},
		{"a name given twice in a part", strings.Replace(good, "[http_method]", "[method]", 1), "parts[0] (method): method is given twice"},
		{"a name with a space", strings.Replace(good, "[http_method]", "[http method]", 1), `"http method": not a field name`},
		{"a group without exporters", strings.Replace(good, "from: [pino]", "from: []", 1), "from names no exporter"},
		{"a source that is no URL", strings.Replace(good, "source: https://github.com/pinojs/pino-std-serializers", "source: pino docs", 1), `source "pino docs" is neither`},
		{"an aborted status that is no status", strings.Replace(good, "status: 499", "status: 4990", 1), "aborted[1]: 4990 is not an HTTP status"},
		{"a wrapper nested", strings.Replace(good, "name: jsonPayload", "name: json.payload", 1), "wrappers[0]: a wrapper is one plain member name"},
	} {
		_, _, err := loadFields([]byte(tc.edit))
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: error %v; want one line with %q", tc.reason, err, tc.want)
		}
	}
	var noTime bytes.Buffer
	for _, l := range strings.SplitAfter(good, "\n") {
		if strings.HasPrefix(l, "  - part: time") {
			break
		}
		noTime.WriteString(l)
	}
	if _, _, err := loadFields(noTime.Bytes()); err == nil || !strings.Contains(err.Error(), "no part time") {
		t.Errorf("a table without the time part: %v", err)
	}
}

// FuzzNDJSONFieldNames plants each part of an interaction under a name the table accepts, chosen by the
// fuzzer (at the top, inside a nested object, or under a wrapper; a status as a number or a string; the
// headers and body there or not), and holds the reader to reading back exactly what was planted, as the
// oracle reads it. Seeds: the table's first and last names; testdata/fuzz/FuzzNDJSONFieldNames.
func FuzzNDJSONFieldNames(f *testing.F) {
	f.Add([]byte{0, 0, 0, 0, 0, 0, 0, 0}, uint16(200), false, `{"code":"OK"}`)
	f.Add([]byte{255, 255, 255, 255, 255, 255, 255, 255}, uint16(499), true, "")
	f.Add([]byte{3, 7, 1, 2, 9, 4, 5, 6, 200, 17}, uint16(0), true, "not json")
	f.Fuzz(func(t *testing.T, pick []byte, status uint16, quoted bool, body string) {
		if len(pick) == 0 {
			pick = []byte{0}
		}
		k := 0
		next := func() int { k++; return int(pick[(k-1)%len(pick)]) }
		line := map[string]any{}
		put := func(name string, v any) {
			into := line
			if next()%3 == 0 && len(ndjsonFields.wrappers) > 0 {
				w := ndjsonFields.wrappers[0]
				if _, ok := line[w].(map[string]any); !ok {
					line[w] = map[string]any{}
				}
				into = line[w].(map[string]any)
			}
			prefix, rest, dotted := strings.Cut(name, ".")
			if dotted && next()%4 != 0 { // else a member named with the dot itself
				if _, ok := into[prefix].(map[string]any); !ok {
					into[prefix] = map[string]any{}
				}
				into[prefix].(map[string]any)[rest] = v
				return
			}
			into[name] = v
		}
		choose := func(names []string) string { return names[next()%len(names)] }
		put(choose(ndjsonFields.method), "post")
		put(choose(ndjsonFields.url), "/v1/ktp?x=1")
		put(choose(ndjsonFields.host), "api.example.com")
		var sv any = int(status)
		if quoted {
			sv = fmt.Sprint(status)
		}
		put(choose(ndjsonFields.status), sv)
		withHeaders, withBody := next()%2 == 0, next()%2 == 0
		if withHeaders {
			put(choose(ndjsonFields.header), map[string]any{"Content-Type": "application/json"})
		}
		if withBody {
			put(choose(ndjsonFields.body), body)
		}
		at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
		put(choose(ndjsonFields.time), [...]any{at.Format(time.RFC3339), at.Unix(), at.UnixMilli(), at.Format(clfTime), fmt.Sprint(at.UnixMilli())}[next()%5])
		raw, err := json.Marshal(line)
		if err != nil {
			t.Fatal(err)
		}

		got, gerr := ndjsonExchange(raw, 0, Limits{})
		want, werr := oracleExchange(raw, 0, Limits{})
		readable := status >= 100 && status <= 599 || ndjsonFields.aborted[int(status)]
		if (gerr == nil) != readable || (werr == nil) != readable {
			t.Fatalf("status %d: error %v, the oracle's %v\n%s", status, gerr, werr, raw)
		}
		if gerr != nil {
			return
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Fatalf("(-oracle +fast):\n%s\n%s", d, raw)
		}
		incomplete := ""
		if ndjsonFields.aborted[int(status)] {
			incomplete = contract.Aborted
		}
		var sent string // the body as JSON carries it: each byte of invalid UTF-8 a U+FFFD
		if b, _ := json.Marshal(body); json.Unmarshal(b, &sent) != nil {
			t.Fatal("json does not read its own string")
		}
		wantBody := []byte(sent)
		if got.Method != "POST" || got.URL != "https://api.example.com/v1/ktp?x=1" || got.Status != int(status) || got.Incomplete != incomplete ||
			got.NoHeader == withHeaders || got.NoBody == withBody || withBody && !bytes.Equal(got.Body, wantBody) ||
			withHeaders && got.Header.Get("Content-Type") != "application/json" || !got.Time.Equal(at) {
			t.Fatalf("read %s %s %d %q, NoHeader %v, NoBody %v, body %q, time %v\nfrom %s", got.Method, got.URL, got.Status, got.Incomplete,
				got.NoHeader, got.NoBody, got.Body, got.Time, raw)
		}
	})
}

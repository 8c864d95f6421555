package traffic

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	kontrak "github.com/kontrak/kontrak"
	"github.com/kontrak/kontrak/cassette"
	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/report"
)

func loadContract(t testing.TB) *contract.Contract {
	t.Helper()
	c, err := contract.Load(kontrak.Files)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// corpus reads every committed cassette's exchanges, in file order: the synthetic traffic the HAR and
// NDJSON fixtures are built from.
func corpus(t testing.TB) []contract.Exchange {
	t.Helper()
	files, _ := filepath.Glob("../cassettes/*/*.yaml")
	var out []contract.Exchange
	for _, f := range files {
		xs, err := cassette.ReadExchanges(f)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, xs...)
	}
	if len(out) < 100 {
		t.Fatalf("only %d committed interactions", len(out))
	}
	return out
}

// other is an interaction of an API no vendor documents: a mixed log has them.
var other = contract.Exchange{Method: "GET", URL: "https://internal.example/healthz", Path: "/healthz", Status: 200,
	Header: map[string][]string{"Content-Type": {"text/plain"}}, Body: []byte("ok")}

func gz(b []byte) []byte {
	var out bytes.Buffer
	w := gzip.NewWriter(&out)
	w.Write(b)
	w.Close()
	return out.Bytes()
}

// harHeadersOf is a header set as HAR writes it: a list, empty when there is none (a HAR entry without
// headers would not carry them).
func harHeadersOf(h map[string][]string) []harHeader {
	out := []harHeader{}
	for k, vs := range h {
		for _, v := range vs {
			out = append(out, harHeader{k, v})
		}
	}
	return out
}

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// writeCassette, writeHAR and writeNDJSON write the same exchanges in three shapes. The HAR varies the
// ways exporters store a body (plain text; base64; decoded text under a gzip header, as browsers do);
// the NDJSON varies the field names of common exporters and sends some answers gzip-compressed, base64.
func writeCassette(w io.Writer, xs []contract.Exchange) {
	fmt.Fprintln(w, "---\nversion: 2\ninteractions:")
	for i, x := range xs {
		b, _ := json.Marshal(map[string]any{"id": i,
			"request":  map[string]any{"method": x.Method, "url": x.URL, "headers": x.RequestHeader, "body": string(x.RequestBody)},
			"response": map[string]any{"code": x.Status, "headers": x.Header, "body": string(x.Body)}})
		fmt.Fprintf(w, "    - %s\n", b) // JSON is YAML: a flow mapping item
	}
}

func writeHAR(w io.Writer, xs []contract.Exchange) {
	var entries []map[string]any
	for i, x := range xs {
		content := map[string]any{"size": len(x.Body), "mimeType": x.Header.Get("Content-Type"), "text": string(x.Body)}
		headers := harHeadersOf(x.Header)
		switch i % 3 {
		case 1:
			content["text"], content["encoding"] = base64.StdEncoding.EncodeToString(x.Body), "base64"
		case 2:
			headers = append(headers, harHeader{"Content-Encoding", "gzip"}) // text already decoded
		}
		req := map[string]any{"method": x.Method, "url": x.URL, "httpVersion": "HTTP/1.1", "headers": harHeadersOf(x.RequestHeader),
			"queryString": []any{}, "cookies": []any{}, "headersSize": -1, "bodySize": len(x.RequestBody)}
		if len(x.RequestBody) > 0 {
			req["postData"] = map[string]any{"mimeType": x.RequestHeader.Get("Content-Type"), "text": string(x.RequestBody)}
		}
		entries = append(entries, map[string]any{
			"startedDateTime": t0.Add(time.Duration(i) * time.Second).Format(time.RFC3339Nano), "time": 12.5,
			"request": req,
			"response": map[string]any{"status": x.Status, "statusText": "", "httpVersion": "HTTP/1.1", "headers": headers,
				"cookies": []any{}, "content": content, "redirectURL": "", "headersSize": -1, "bodySize": len(x.Body)},
			"cache": map[string]any{}, "timings": map[string]any{"send": 0, "wait": 10, "receive": 2},
		})
	}
	json.NewEncoder(w).Encode(map[string]any{"log": map[string]any{"version": "1.2",
		"creator": map[string]any{"name": "kontrak-test", "version": "1"}, "pages": []any{}, "entries": entries}})
}

func writeNDJSON(w io.Writer, xs []contract.Exchange) {
	enc := json.NewEncoder(w)
	for i, x := range xs {
		if x.Header == nil {
			x.Header = http.Header{} // carried, and empty: a null would not carry it
		}
		var line map[string]any
		switch i % 3 {
		case 0: // flat
			line = map[string]any{"time": t0.Add(time.Duration(i) * time.Second).Format(time.RFC3339), "method": x.Method, "url": x.URL,
				"status": x.Status, "request_headers": x.RequestHeader, "request_body": string(x.RequestBody),
				"response_headers": x.Header, "response_body": string(x.Body)}
		case 1: // nested, gzip-compressed answer in base64
			h := x.Header.Clone()
			h.Set("Content-Encoding", "gzip")
			line = map[string]any{"timestamp": t0.Add(time.Duration(i) * time.Second).UnixMilli(),
				"request":  map[string]any{"method": x.Method, "url": x.URL, "headers": x.RequestHeader},
				"response": map[string]any{"status": fmt.Sprint(x.Status), "headers": harHeadersOf(h), "body": base64.StdEncoding.EncodeToString(gz(x.Body)), "body_encoding": "base64"}}
		case 2: // nginx-style names, path and host apart
			host, path, _ := strings.Cut(strings.TrimPrefix(strings.TrimPrefix(x.URL, "https://"), "http://"), "/")
			path, query, _ := strings.Cut(path, "?")
			line = map[string]any{"request_method": x.Method, "host": host, "request_uri": "/" + path, "query_string": query,
				"status_code": x.Status, "resp_headers": x.Header, "resp_body": string(x.Body)}
		}
		enc.Encode(line)
		if i%10 == 0 {
			fmt.Fprintln(w) // blank lines are skipped
		}
	}
}

func checkBytes(t testing.TB, c *contract.Contract, name string, f Format, data []byte) *report.Traffic {
	t.Helper()
	tr, err := Check(c, []Input{{Name: name, Format: f, Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }}},
		Options{Workers: 3})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return tr
}

// withOthers mixes an interaction of another API in after every fifth.
func withOthers(xs []contract.Exchange) []contract.Exchange {
	var out []contract.Exchange
	for i, x := range xs {
		out = append(out, x)
		if i%5 == 4 {
			out = append(out, other)
		}
	}
	return out
}

// The same traffic as a cassette, a HAR file and an NDJSON log gives the same verdicts: the same counts,
// the same drift rows with the same first and last interaction, the same bills.
func TestSameVerdictsInEveryShape(t *testing.T) {
	c := loadContract(t)
	xs := withOthers(corpus(t))
	// Drift must be in the traffic for the comparison to mean anything: break one answer of each kind.
	xs = append(xs, drifted(t, xs)...)
	var cas, har, nd bytes.Buffer
	writeCassette(&cas, xs)
	writeHAR(&har, xs)
	writeNDJSON(&nd, xs)
	want := checkBytes(t, c, "in", Cassette, cas.Bytes())
	if want.Unrouted == 0 || want.Drifted == 0 || want.Judged < 100 || want.Billed() == 0 {
		t.Fatalf("the fixture proves little: %+v", *want)
	}
	for _, tc := range []struct {
		reason string
		f      Format
		data   []byte
	}{
		{"HAR, three body encodings", HAR, har.Bytes()},
		{"NDJSON, three exporter shapes, gzip answers", NDJSON, nd.Bytes()},
		{"HAR detected", Auto, har.Bytes()},
		{"NDJSON detected", Auto, nd.Bytes()},
	} {
		t.Run(tc.reason, func(t *testing.T) {
			got := checkBytes(t, c, "in", tc.f, tc.data)
			// Times are the logs' own; the cassette has none.
			if d := cmp.Diff(want, got, cmp.Comparer(func(a, b report.Seen) bool { return a.Input == b.Input && a.Index == b.Index })); d != "" {
				t.Errorf("(-cassette +%s):\n%s", tc.f, d)
			}
		})
	}
}

// drifted returns broken copies of committed answers: an undocumented status, a body that is not JSON.
func drifted(t testing.TB, xs []contract.Exchange) []contract.Exchange {
	var out []contract.Exchange
	for _, x := range xs[:40] {
		if x.Status != 200 {
			continue
		}
		a, b := x, x
		a.Status = 418
		b.Body = []byte("<html>busy</html>")
		b.Header = map[string][]string{"Content-Type": {"text/html"}}
		out = append(out, a, b)
	}
	return out
}

func fuzzSeeds(f *testing.F, write func(io.Writer, []contract.Exchange)) {
	xs := corpus(f)
	for _, n := range []int{1, 3, 7} {
		var b bytes.Buffer
		write(&b, withOthers(xs[:n*5]))
		f.Add(b.Bytes())
	}
}

// FuzzReadHAR: any bytes are read or refused with an error, never a panic; what is read judges without
// a panic too.
func FuzzReadHAR(f *testing.F) {
	fuzzSeeds(f, writeHAR)
	c := loadContract(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = Check(c, []Input{{Name: "fuzz", Format: HAR, Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }}}, Options{Workers: 1})
	})
}

// FuzzReadNDJSON: as FuzzReadHAR, for JSON lines.
func FuzzReadNDJSON(f *testing.F) {
	fuzzSeeds(f, writeNDJSON)
	c := loadContract(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = Check(c, []Input{{Name: "fuzz", Format: NDJSON, Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }}}, Options{Workers: 1})
	})
}

func TestReadErrorsNameThePlace(t *testing.T) {
	c := loadContract(t)
	for _, tc := range []struct {
		reason, in string
		f          Format
		want       string
	}{
		{"HAR not an object", `[1]`, HAR, "in: HAR: not a HAR file: the top level is not an object"},
		{"HAR without log", `{"x":1}`, HAR, "in: HAR: not a HAR file: no log object"},
		{"HAR entry without url", `{"log":{"entries":[{"request":{"method":"GET"}}]}}`, HAR, "in: HAR: entry 0: no request method or url"},
		{"HAR bad base64", `{"log":{"entries":[{"request":{"method":"GET","url":"https://x/y"},"response":{"status":200,"content":{"text":"!!","encoding":"base64"}}}]}}`, HAR, "entry 0: response content: base64"},
		{"HAR truncated", `{"log":{"entries":[{"request":`, HAR, "in: HAR: entry 0:"},
		{"NDJSON not an object", "{\"method\":\"GET\",\"url\":\"/a\",\"status\":200}\n[1]\n", NDJSON, "in: NDJSON: line 2: not a JSON object"},
		{"NDJSON no status", `{"method":"GET","url":"/a"}`, NDJSON, "in: NDJSON: line 1: no status"},
		{"NDJSON bad status", `{"method":"GET","url":"/a","status":"teapot"}`, NDJSON, "line 1: field status: not an HTTP status"},
		{"NDJSON bad headers", `{"method":"GET","url":"/a","status":200,"headers":3}`, NDJSON, "line 1: field headers: headers are neither an object nor an array"},
		{"NDJSON no method", `{"url":"/a","status":200}`, NDJSON, "line 1: no method or url"},
		// A name from the input is printed by its shape when it is no safe name or is encoded text: it may
		// be the very value that leaks (FuzzPlantedNDJSON found a header's name in the error).
		{"NDJSON header named by a NIK", `{"method":"GET","url":"/a","status":200,"headers":{"X-Nik-3174051201900003":1}}`, NDJSON, "line 1: field headers: header (a name shaped A-Aaa-9999999999999999): not a string"},
		{"NDJSON header named in base64", `{"method":"GET","url":"/a","status":200,"headers":{"UkFIQVlVIEtOUkFCQ0RFRg":[1]}}`, NDJSON, "line 1: field headers: header (a name shaped AaAAAAaAAAaAAaAAA9AAAa): not strings"},
		{"NDJSON encoding", `{"method":"GET","url":"/a","status":200,"response_body":"x","response_body_encoding":"3174051201900003"}`, NDJSON, "unknown body encoding (a name shaped 9999999999999999)"},
		{"NDJSON status that is a name", `{"method":"GET","url":"/a","status":"KANARI INDAH"}`, NDJSON, "line 1: field status: not an HTTP status: AAAAAA AAAAA"},
		{"NDJSON status that is a NIK", `{"method":"GET","url":"/a","status":3174051201900003}`, NDJSON, "line 1: field status: not an HTTP status: 9999999999999999"},
		{"NDJSON URL that does not parse", `{"method":"GET","url":"https://x.test/ktp/3174051201900003/%zz","status":200}`, NDJSON, `line 1: bad url: invalid URL escape "%zz"`},
		{"HAR URL that does not parse", `{"log":{"entries":[{"request":{"method":"GET","url":"https://x.test:3174051201900003x/"},"response":{"status":200}}]}}`, HAR, `entry 0: bad request url: invalid port ":9999999999999999a" after host`},
		{"HAR member named by a name", `{"log":{"entries":[],"KANARI INDAH":[1,}}`, HAR, "HAR: log.(a name shaped AAAAAA AAAAA): not JSON"},
		// encoding/json's words print a number as written: a NIK at a number's place came out whole.
		{"HAR status that is a NIK", `{"log":{"entries":[{"request":{"method":"GET","url":"https://x/y"},"response":{"status":3174051201900003.5}}]}}`, HAR, "entry 0: json: a JSON number where an integer goes, at response.status"},
		{"HAR header value that is a NIK", `{"log":{"entries":[{"request":{"method":"GET","url":"https://x/y","headers":[{"name":"X","value":3174051201900003}]}}]}}`, HAR, "entry 0: json: a JSON number where a string goes, at request.headers.0.value"},
	} {
		t.Run(tc.reason, func(t *testing.T) {
			_, err := Check(c, []Input{{Name: "in", Format: tc.f, Open: func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(tc.in)), nil }}}, Options{})
			if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("error %v, want one line with %q", err, tc.want)
			}
			if err != nil && (strings.Contains(err.Error(), "3174051201900003") || strings.Contains(err.Error(), "KANARI")) {
				t.Errorf("error %v prints the input's personal data", err)
			}
		})
	}
}

func TestNDJSONLineLimit(t *testing.T) {
	c := loadContract(t)
	line := `{"method":"GET","url":"/a","status":200,"body":"` + strings.Repeat("x", 2000) + "\"}\n"
	_, err := Check(c, []Input{{Name: "in", Format: NDJSON, Open: func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(line)), nil }}},
		Options{Limits: Limits{MaxInteraction: 1000}})
	if err == nil || !strings.Contains(err.Error(), "line 1: longer than the limit of 1000 bytes") {
		t.Errorf("error %v", err)
	}
}

// StrictRoutes makes the first interaction of another API an error that names it.
func TestStrictRoutes(t *testing.T) {
	c := loadContract(t)
	var nd bytes.Buffer
	writeNDJSON(&nd, []contract.Exchange{other})
	_, err := Check(c, []Input{{Name: "in", Format: NDJSON, Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(nd.Bytes())), nil }}}, Options{StrictRoutes: true})
	var ue *UnroutedError
	if !errors.As(err, &ue) || ue.Path != "/healthz" || ue.Index != 0 {
		t.Errorf("error %v, want an UnroutedError for /healthz", err)
	}
}

// A HAR file is one JSON object and nothing more, read under the one UTF-8 policy: data after its
// top-level object (garbage, or a second HAR appended to the first) is refused with one line naming the
// input and the byte offset, not read as if the file were whole; so is a lone surrogate or invalid UTF-8.
// The former reader (encoding/json's Decoder) read all three.
func TestHARWholeFile(t *testing.T) {
	c := loadContract(t)
	har := `{"log":{"entries":[{"request":{"method":"GET","url":"https://x/healthz"},"response":{"status":200,"content":{"text":"ok"}}}]}}`
	for _, tc := range []struct {
		reason, in, want string
	}{
		{"white space after the object", har + " \n\r\t\n", ""},
		{"garbage after the object", har + "\nx", "in: HAR: data after the top-level object at byte 127"},
		{"a second HAR after the first", har + "\n" + har, "in: HAR: a second JSON value after the top-level object, at byte 127"},
		{"a string after the object", har + ` "x"`, "in: HAR: a second JSON value after the top-level object, at byte 127"},
		{"a lone surrogate in an entry", strings.Replace(har, `"ok"`, `"\udc00"`, 1), "in: HAR: entry 0: a lone surrogate escape (no character) in a string at byte 117"},
		{"invalid UTF-8 in an entry", strings.Replace(har, `"ok"`, "\"\xc9\"", 1), "in: HAR: entry 0: invalid UTF-8 at byte 117"},
		{"invalid UTF-8 after the log", strings.Replace(har, `}}]}}`, "}}]},\"x\":\"\xc9\"}", 1), "in: HAR: x: invalid UTF-8 at byte 131"},
	} {
		t.Run(tc.reason, func(t *testing.T) {
			tr, err := Check(c, []Input{{Name: "in", Format: HAR, Open: func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(tc.in)), nil }}}, Options{})
			if tc.want == "" {
				if err != nil || tr.Interactions != 1 {
					t.Fatalf("%v, %d interactions; want the one entry read", err, tr.Interactions)
				}
				return
			}
			if err == nil || err.Error() != tc.want {
				t.Errorf("error %v, want %q", err, tc.want)
			}
		})
	}
}

// An NDJSON line is read under the one UTF-8 policy: a line with invalid UTF-8 or a lone surrogate is
// refused, naming the line (the former reader read both as U+FFFD).
func TestNDJSONUTF8Policy(t *testing.T) {
	c := loadContract(t)
	for _, tc := range []struct{ in, want string }{
		{"{\"method\":\"GET\",\"url\":\"/a\",\"status\":200,\"body\":\"REN\xc9\"}\n", "in: NDJSON: line 1: not a JSON object: invalid UTF-8 at byte 51"},
		{"{\"method\":\"GET\",\"url\":\"/a\",\"status\":200}\n" + `{"method":"GET","url":"/a\ud800","status":200}`, "in: NDJSON: line 2: not a JSON object: a lone surrogate escape (no character) in a string at byte 25"},
	} {
		_, err := Check(c, []Input{{Name: "in", Format: NDJSON, Open: func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(tc.in)), nil }}}, Options{})
		if err == nil || err.Error() != tc.want {
			t.Errorf("error %v, want %q", err, tc.want)
		}
	}
}

// A value of a HAR file is bounded as the lexer reads it: a skipped member over Limits.MaxInteraction,
// or an entry over twice it and a MiB, is refused when its bound is read, naming it, not held whole.
func TestHARLimits(t *testing.T) {
	entry := `{"request":{"method":"GET","url":"https://x/healthz"},"response":{"status":200,"content":{"text":"ok"}}}`
	for _, tc := range []struct{ reason, in, want string }{
		{"a page list over the limit", `{"pages":["` + strings.Repeat("x", 5000) + `"],"log":{"entries":[` + entry + `]}}`,
			"HAR: pages: longer than the limit of 1000 bytes"},
		{"an entry over its bound", `{"log":{"entries":[` + entry + `,{"comment":"` + strings.Repeat("x", 2<<20) + `"}]}}`,
			"HAR: entry 1: longer than the limit of 1050576 bytes"},
	} {
		var read counter
		r := &read
		r.r = strings.NewReader(tc.in)
		n := 0
		err := ReadHAR(r, Limits{MaxInteraction: 1000}, func(int, *contract.Exchange) error { n++; return nil })
		if err == nil || err.Error() != tc.want {
			t.Errorf("%s: error %v, want %q", tc.reason, err, tc.want)
		}
		if r.n > int64(len(tc.in)) || r.n > 1050576+1<<16 {
			t.Errorf("%s: %d bytes read of %d before the refusal", tc.reason, r.n, len(tc.in))
		}
	}
}

// counter is a reader that counts what is read of it.
type counter struct {
	r io.Reader
	n int64
}

func (c *counter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

package recorder

import (
	"bytes"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kontrak/kontrak/cassette"
	"go.yaml.in/yaml/v4"
	vcr "gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"
)

const replayCassette = "testdata/replay.yaml"

// replayOptions are what a suite would pass, from its spec: the credential header, the volatile fields.
func replayOptions() []Option {
	return []Option{
		WithIgnoredHeaders("Authorization"),
		WithIgnoredFields("timestamp", "signature"),
		WithIgnoredQuery("ts"),
	}
}

func do(t *testing.T, c *http.Client, req *http.Request) (int, string, error) {
	t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b), nil
}

func TestReplay(t *testing.T) {
	base := untouchable(t).URL
	upload, uploadType := multipartBody(t, "", part{name: "name", content: "SYNTHETIC PERSON"}, part{name: "card", file: "ktp.bin", content: "synthetic card bytes"})
	for _, tc := range []struct {
		name, reason string
		req          liveReq
		status       int
		body         string
	}{
		{"query", "the query matches as url.Values, less the ignored ts; the host is not compared",
			liveReq{method: "GET", url: base + "/v1/status?lang=id&page=1&ts=1800000000"}, 200, `{"status":"ok"}`},
		{"json", "JSON member order, the credential and the nested timestamp take no part",
			liveReq{method: "POST", url: base + "/v1/ocr", contentType: "application/json",
				body:    `{"options":{"timestamp":"2026-05-01T10:00:00Z","lang":"id"},"name":"SYNTHETIC PERSON"}`,
				headers: []string{"Authorization", "Bearer live-token"}}, 200, `{"result":"ocr"}`},
		{"form", "form order and the signature take no part",
			liveReq{method: "POST", url: base + "/v1/form", contentType: formType, body: "a=1&signature=live-signature&b=2"}, 201, `{"result":"form"}`},
		{"multipart", "another boundary and another file name, the same parts",
			liveReq{method: "POST", url: base + "/v1/upload", contentType: uploadType, body: upload}, 200, `{"result":"upload"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := New(replayCassette, replayOptions()...)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Stop()
			status, body, err := do(t, r.Client(), tc.req.build(t))
			if err != nil {
				t.Fatalf("%s: %v", tc.reason, err)
			}
			if status != tc.status || body != tc.body {
				t.Fatalf("got %d %s, want %d %s", status, body, tc.status, tc.body)
			}
		})
	}
}

func TestReplayResponseCarriesLiveRequest(t *testing.T) {
	base := untouchable(t).URL
	r, err := New(replayCassette, replayOptions()...)
	if err != nil {
		t.Fatal(err)
	}
	req := newRequest(t, "GET", base+"/v1/status?page=1&lang=id", "", "")
	resp, err := r.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Request.URL.Host != req.URL.Host {
		t.Fatalf("resp.Request.URL = %s: a client reads its own request back, not the recorded one", resp.Request.URL)
	}
}

func TestReplayMiss(t *testing.T) {
	base := untouchable(t).URL
	for _, tc := range []struct {
		name, reason string
		reqs         []liveReq // all but the last match; the last misses
		wantReason   string
	}{
		{"unknown operation", "nothing in the cassette has the method and path",
			[]liveReq{{method: "DELETE", url: base + "/v1/ocr?id=7"}},
			"(the cassette holds 4 interactions, none for DELETE /v1/ocr)"},
		{"body differs", "the nearest interaction is the one with the same method and path, and the failure says where",
			[]liveReq{{method: "POST", url: base + "/v1/ocr", contentType: "application/json", body: `{"name":"OTHER PERSON","options":{"lang":"id"}}`}},
			"(interaction 1: body differs at /name)"},
		{"already replayed", "a cassette answers each request once",
			[]liveReq{{method: "POST", url: base + "/v1/form", contentType: formType, body: "a=1&b=2"}, {method: "POST", url: base + "/v1/form", contentType: formType, body: "a=1&b=2"}},
			"(interaction 2 matches but was already replayed: a cassette answers each request once)"},
		{"ignored query masked", "an ignored parameter may be a credential: its value stays out of the message",
			[]liveReq{{method: "GET", url: base + "/v1/status?page=9&ts=SECRET"}},
			"(interaction 0: query differs at /lang)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := New(replayCassette, replayOptions()...)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Stop()
			for _, l := range tc.reqs[:len(tc.reqs)-1] {
				if _, _, err := do(t, r.Client(), l.build(t)); err != nil {
					t.Fatal(err)
				}
			}
			last := tc.reqs[len(tc.reqs)-1].build(t)
			_, _, err = do(t, r.Client(), last)
			if err == nil {
				t.Fatalf("no error: %s", tc.reason)
			}
			var ue *url.Error
			if !errors.As(err, &ue) {
				t.Fatalf("%T is not a *url.Error: http.Client wraps a transport's error", err)
			}
			var miss *MissError
			if !errors.As(err, &miss) {
				t.Fatalf("errors.As(%v, *MissError) is false", err)
			}
			if !errors.Is(err, vcr.ErrInteractionNotFound) {
				t.Fatal("a MissError is go-vcr's ErrInteractionNotFound too")
			}
			wantURL := last.URL.String()
			if strings.Contains(wantURL, "SECRET") {
				wantURL = base + "/v1/status?page=9&ts=REDACTED"
			}
			want := "recorder: no interaction in " + replayCassette + " matches " + last.Method + " " + wantURL + " " + tc.wantReason
			if miss.Error() != want {
				t.Fatalf("%s\ngot  %s\nwant %s", tc.reason, miss.Error(), want)
			}
			// The *url.Error around it quotes the request's URL: that part is net/http's.
			if strings.Contains(miss.Error(), "SECRET") || strings.Contains(miss.Error(), "OTHER PERSON") {
				t.Fatalf("the error echoes a value: %v", miss)
			}
		})
	}
}

// writeCassette saves interactions as a go-vcr cassette, the way go-vcr itself does.
func writeCassette(t *testing.T, file string, is ...*vcr.Interaction) {
	t.Helper()
	c := vcr.New(strings.TrimSuffix(file, ".yaml"))
	c.MarshalFunc = yaml.Marshal // vcr.New leaves it to the recorder
	for _, i := range is {
		c.AddInteraction(i)
	}
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
}

func TestReplayRedactedImage(t *testing.T) {
	base := untouchable(t).URL
	img := synthPNG(t, 6, 4, false)
	file := filepath.Join(t.TempDir(), "redacted.yaml")
	writeCassette(t, file, &vcr.Interaction{
		Request: recorded("POST", "https://api.example.invalid/v1/ocr", "application/json",
			`{"image":"`+cassette.ImageDescriptor(img)+`","timestamp":"2020-01-01"}`, "Authorization", "REDACTED"),
		Response: vcr.Response{Code: 200, Status: "200 OK", Body: `{"nik":"0000000000000000"}`},
	})
	for _, tc := range []struct {
		name, reason string
		image        []byte
		wantMiss     string
	}{
		{"same image", "the descriptor stands for the image's bytes", img, ""},
		{"one pixel off", "another image, however close, is another request", synthPNG(t, 6, 4, true), "(interaction 0: body differs at /image)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := New(file, replayOptions()...)
			if err != nil {
				t.Fatal(err)
			}
			body := `{"timestamp":"2026-01-01","image":"` + base64.StdEncoding.EncodeToString(tc.image) + `"}`
			_, got, err := do(t, r.Client(), newRequest(t, "POST", base+"/v1/ocr", "application/json", body, "Authorization", "Bearer live"))
			switch {
			case tc.wantMiss == "" && err != nil:
				t.Fatalf("%s: %v", tc.reason, err)
			case tc.wantMiss == "" && got != `{"nik":"0000000000000000"}`:
				t.Fatalf("body %s", got)
			case tc.wantMiss != "" && (err == nil || !strings.HasSuffix(err.Error(), tc.wantMiss)):
				t.Fatalf("%s: got %v, want an error ending %q", tc.reason, err, tc.wantMiss)
			}
		})
	}
}

func TestLive(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		io.WriteString(w, "live:"+string(b))
	}))
	defer srv.Close()
	file := filepath.Join(t.TempDir(), "live.yaml")
	r, err := New(file, WithMode(ModeLive), WithRealTransport(srv.Client().Transport))
	if err != nil {
		t.Fatal(err)
	}
	_, body, err := do(t, r.Client(), newRequest(t, "POST", srv.URL+"/v1/x", "text/plain", "hello"))
	if err != nil || body != "live:hello" {
		t.Fatalf("live = %q, %v; want the server's answer", body, err)
	}
	if err := r.Stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(file); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("live mode wrote %s (%v): it keeps nothing", file, err)
	}
}

// echoServer answers every request with what it received, and remembers the bodies.
func echoServer(t *testing.T) (*httptest.Server, *[]string) {
	t.Helper()
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got = append(got, string(b))
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"echo":`+strings.Repeat("1", len(b)%7+1)+`}`)
	}))
	t.Cleanup(srv.Close)
	return srv, &got
}

func TestRecord(t *testing.T) {
	srv, received := echoServer(t)
	file := filepath.Join(t.TempDir(), "new", "dir", "recorded.yaml")
	prov := cassette.Provenance{Kind: cassette.ProvenanceRecorded, Recorded: "2026-05-01", Scenario: "recorder-record"}
	r, err := New(file, WithMode(ModeRecord), WithRealTransport(srv.Client().Transport), WithProvenance(prov),
		WithRedactor(func(i *vcr.Interaction) error {
			i.Request.Headers.Set("Authorization", "REDACTED")
			return nil
		}))
	if err != nil {
		t.Fatal(err)
	}
	img := synthPNG(t, 3, 3, false)
	upload, uploadType := multipartBody(t, "", part{name: "name", content: "SYNTHETIC"}, part{name: "card", file: "card.png", content: string(img)})
	reqs := []liveReq{
		{method: "POST", url: srv.URL + "/v1/ocr?lang=id", contentType: "application/json", body: `{"image":"` + base64.StdEncoding.EncodeToString(img) + `"}`,
			headers: []string{"Authorization", "Bearer live-secret"}},
		{method: "POST", url: srv.URL + "/v1/upload", contentType: uploadType, body: upload},
	}
	var answers []string
	for _, l := range reqs {
		_, body, err := do(t, r.Client(), l.build(t))
		if err != nil {
			t.Fatal(err)
		}
		answers = append(answers, body)
	}
	for i, l := range reqs {
		if (*received)[i] != l.body {
			t.Fatalf("the server received %d bytes of request %d, want %d: recording must not eat the body", len((*received)[i]), i, len(l.body))
		}
	}
	if err := r.Stop(); err != nil {
		t.Fatal(err)
	}

	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(data, append(prov.Header(), "---\n"...)) {
		t.Fatalf("the cassette does not open with its provenance, then the YAML:\n%.300s", data)
	}
	if bytes.Contains(data, []byte("live-secret")) {
		t.Fatal("the redactor did not run before the save")
	}
	if c, err := vcr.Load(strings.TrimSuffix(file, ".yaml")); err != nil || len(c.Interactions) != 2 {
		t.Fatalf("go-vcr cannot load what was recorded: %v", err)
	}
	if _, p, err := cassette.Load(file); err != nil || p != prov {
		t.Fatalf("Load = %+v, %v; want %+v", p, err, prov)
	}
	if fi, err := os.Stat(file); err != nil || fi.Mode().Perm() != 0o644 {
		t.Fatalf("mode %v, %v: a new cassette is 0644, like any file of the repository", fi.Mode(), err)
	}

	// What was recorded replays, without the network.
	srv.Close()
	rp, err := New(file)
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range reqs {
		_, body, err := do(t, rp.Client(), l.build(t))
		if err != nil || body != answers[i] {
			t.Fatalf("replay of request %d = %q, %v; want %q", i, body, err, answers[i])
		}
	}
}

func TestRecordDefaultProvenance(t *testing.T) {
	srv, _ := echoServer(t)
	file := filepath.Join(t.TempDir(), "default.yaml")
	r, err := New(file, WithMode(ModeRecord), WithRealTransport(srv.Client().Transport))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := do(t, r.Client(), newRequest(t, "GET", srv.URL+"/v1/s", "", "")); err != nil {
		t.Fatal(err)
	}
	if err := r.Stop(); err != nil {
		t.Fatal(err)
	}
	_, p, err := cassette.Load(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Valid(); err != nil || p.Kind != cassette.ProvenanceRecorded {
		t.Fatalf("provenance %+v (%v): a recording without one is recorded-live, today", p, err)
	}
	if _, err := New(file, WithMode(ModeRecord), WithProvenance(cassette.Provenance{Kind: cassette.ProvenanceExample})); err == nil {
		t.Fatal("an incomplete provenance (an example without its source) must be refused before anything is recorded")
	}
}

func TestRecordLeavesCassetteIntact(t *testing.T) {
	const old = "# kontrak: provenance=derived-from-table\n# kontrak: source=https://example.invalid\n---\nversion: 2\ninteractions: []\n"
	errBoom := errors.New("boom")
	for _, tc := range []struct {
		name, reason string
		opts         []Option
		transport    http.RoundTripper // nil: the echo server's
		run          func(r *Recorder) error
		wantStopErr  bool
	}{
		{name: "discarded", reason: "a failed scenario's recording is not saved",
			run: func(r *Recorder) error { r.Discard(); return r.Stop() }},
		{name: "never stopped", reason: "an interrupted run writes nothing: the write happens at Stop only",
			run: func(r *Recorder) error { return nil }},
		{name: "nothing recorded", reason: "an empty recording would replace a cassette with nothing",
			run: func(r *Recorder) error { return r.Stop() }},
		{name: "redactor fails", reason: "an unredacted cassette must never reach the disk",
			opts:        []Option{WithRedactor(func(*vcr.Interaction) error { return errBoom })},
			run:         func(r *Recorder) error { return r.Stop() },
			wantStopErr: true},
		{name: "hook fails midway", reason: "a save that fails after some interactions were processed writes none of them",
			opts: []Option{WithHook(func(i *vcr.Interaction) error {
				if i.ID == 1 {
					return errBoom
				}
				return nil
			}, BeforeSaveHook)},
			run:         func(r *Recorder) error { return r.Stop() },
			wantStopErr: true},
		{name: "write fails", reason: "a write that fails (wire.WriteFileAtomic's own test shows a failed rename leaves no temporary file) leaves the old file",
			run: func(r *Recorder) error {
				r.store.write = func(string, []byte, os.FileMode) error { return errBoom }
				return r.Stop()
			},
			wantStopErr: true},
		{name: "request failed", reason: "a recording that lacks an exchange is not saved",
			transport: roundTripFunc(func(*http.Request) (*http.Response, error) { return nil, errBoom }),
			run:       func(r *Recorder) error { return r.Stop() }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, _ := echoServer(t)
			dir := t.TempDir()
			file := filepath.Join(dir, "kept.yaml")
			if err := os.WriteFile(file, []byte(old), 0o644); err != nil {
				t.Fatal(err)
			}
			rt := tc.transport
			if rt == nil {
				rt = srv.Client().Transport
			}
			r, err := New(file, append([]Option{WithMode(ModeRecord), WithRealTransport(rt)}, tc.opts...)...)
			if err != nil {
				t.Fatal(err)
			}
			if tc.name != "nothing recorded" {
				for _, path := range []string{"/v1/a", "/v1/b"} {
					do(t, r.Client(), newRequest(t, "POST", srv.URL+path, "application/json", `{"a":1}`))
				}
			}
			err = tc.run(r)
			if (err != nil) != tc.wantStopErr {
				t.Fatalf("Stop() = %v, want error %v", err, tc.wantStopErr)
			}
			if err != nil && (!strings.Contains(err.Error(), file) || !errors.Is(err, errBoom)) {
				t.Fatalf("Stop() = %v: the error names the file and wraps its cause", err)
			}
			if got, _ := os.ReadFile(file); string(got) != old {
				t.Fatalf("%s; the cassette is now:\n%s", tc.reason, got)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 1 {
				t.Fatalf("%d files in the cassette's directory, want 1: a temporary file was left behind", len(entries))
			}
		})
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestBadCassette(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name, reason, content string
		want                  string // after "<file>: "
	}{
		{"missing", "replay needs its cassette", "", "cannot read cassette: no such file or directory"},
		{"not yaml", "a YAML parser's multi-line error becomes one line", "version: [2\ninteractions: {\n", "not a go-vcr v4 cassette: "},
		{"binary", "garbage bytes", "\x00\x01\xfe\xff garbage", "not a go-vcr v4 cassette: "},
		{"scalar", "a YAML document that is not a mapping", "just words\n", "not a go-vcr v4 cassette: "},
		{"old version", "go-vcr v3 cassettes are version 1: the error says which version it found", "version: 1\ninteractions: []\n", "not a go-vcr v4 cassette: version 1, want 2"},
		{"no version", "go-vcr alone would take any mapping for an empty cassette", "hello: world\n", "not a go-vcr v4 cassette: no version"},
		{"empty", "go-vcr alone would take an empty file for an empty cassette", "", "not a go-vcr v4 cassette: no version"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			file := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "-")+".yaml")
			if tc.name != "missing" { // the others exist, even the empty one
				if err := os.WriteFile(file, []byte(tc.content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			_, err := New(file)
			if err == nil {
				t.Fatalf("New(%s) succeeded: %s", tc.name, tc.reason)
			}
			msg := err.Error()
			if strings.Contains(msg, "\n") || !strings.HasPrefix(msg, file+": "+tc.want) {
				t.Fatalf("%s\ngot  %q\nwant one line starting %q", tc.reason, msg, file+": "+tc.want)
			}
		})
	}
}

func TestParseMode(t *testing.T) {
	for _, m := range []Mode{ModeReplay, ModeLive, ModeRecord} {
		if got, err := ParseMode(m.String()); err != nil || got != m {
			t.Errorf("ParseMode(%q) = %v, %v", m.String(), got, err)
		}
	}
	if _, err := ParseMode("Replay"); err == nil {
		t.Error("mode names are lower case, as the command line spells them")
	}
	var zero Mode
	if zero != ModeReplay {
		t.Error("the zero Mode must be replay: replay is the default and needs nothing")
	}
}

// Replay reads every cassette go-vcr reads (one written as JSON, one whose interactions alias an
// earlier answer) and answers with header names in canonical form, whatever their recorded spelling: a
// client's Header.Get("Retry-After") finds a `retry-after` recorded from an HTTP/2 server.
func TestReplayOtherLayouts(t *testing.T) {
	dir := t.TempDir()
	base := untouchable(t).URL
	for _, tc := range []struct{ reason, cassette string }{
		{"written as JSON", `{"version":2,"interactions":[` +
			`{"id":0,"request":{"method":"GET","url":"https://api.example.invalid/v1/a"},"response":{"code":429,"headers":{"retry-after":["10"],"content-type":["application/json"]},"body":"{\"busy\":true}"}},` +
			`{"id":1,"request":{"method":"GET","url":"https://api.example.invalid/v1/b"},"response":{"code":429,"headers":{"retry-after":["10"],"content-type":["application/json"]},"body":"{\"busy\":true}"}}]}`},
		{"anchors across interactions", "version: 2\ninteractions:\n" +
			"  - id: 0\n    request: {method: GET, url: 'https://api.example.invalid/v1/a'}\n" +
			"    response: &busy {code: 429, headers: {retry-after: ['10'], content-type: [application/json]}, body: '{\"busy\":true}'}\n" +
			"  - id: 1\n    request: {method: GET, url: 'https://api.example.invalid/v1/b'}\n    response: *busy\n"},
	} {
		t.Run(tc.reason, func(t *testing.T) {
			file := filepath.Join(dir, "layout.yaml")
			if err := os.WriteFile(file, []byte("# kontrak: provenance=derived-from-table\n# kontrak: source=https://example.invalid/\n"+tc.cassette), 0o644); err != nil {
				t.Fatal(err)
			}
			r, err := New(file)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Stop()
			for _, path := range []string{"/v1/a", "/v1/b"} {
				resp, err := r.Client().Do(newRequest(t, "GET", base+path, "", ""))
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 429 || string(body) != `{"busy":true}` {
					t.Fatalf("%s: %d %s", path, resp.StatusCode, body)
				}
				if got := resp.Header.Get("Retry-After"); got != "10" || resp.Header.Get("Content-Type") != "application/json" {
					t.Fatalf("%s: Retry-After %q, headers %v: the recorded spelling hides them from Get", path, got, resp.Header)
				}
			}
		})
	}
}

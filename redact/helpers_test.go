package redact

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kontrak/kontrak/match"
	"go.yaml.in/yaml/v4"
	vcr "gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"
)

// synthPNG draws a w×h PNG at test time: no real image is ever committed. odd changes one pixel, for the
// case of two images that differ by the least.
func synthPNG(t testing.TB, w, h int, odd bool) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x * 40), uint8(y * 40), 128, 255})
		}
	}
	if odd {
		img.Set(w-1, h-1, color.RGBA{1, 2, 3, 255})
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// part is one part of a multipart/form-data body; a file part has a file name.
type part struct{ name, file, content string }

// multipartBody writes parts with boundary, or with a random one when boundary is empty, and returns the
// body and its Content-Type.
func multipartBody(t testing.TB, boundary string, parts ...part) (string, string) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	if boundary != "" {
		if err := w.SetBoundary(boundary); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range parts {
		var pw io.Writer
		var err error
		if p.file != "" {
			pw, err = w.CreateFormFile(p.name, p.file)
		} else {
			pw, err = w.CreateFormField(p.name)
		}
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(pw, p.content)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.String(), w.FormDataContentType()
}

// newRequest builds a live request; headers are name, value pairs.
func newRequest(t testing.TB, method, url, contentType, body string, headers ...string) *http.Request {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return req
}

// untouchable is a loopback server that fails the test if a request reaches it: replay must not.
func untouchable(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("replay reached the network: %s %s", r.Method, r.URL)
		http.Error(w, "replay reached the network", http.StatusTeapot)
	}))
	t.Cleanup(srv.Close)
	return srv
}

const (
	jsonType = "application/json"
	formType = "application/x-www-form-urlencoded"
)

// recorded is a recorded request as a cassette holds it.
func recorded(method, url, contentType, body string, headers ...string) vcr.Request {
	h := http.Header{}
	if contentType != "" {
		h.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		h.Set(headers[i], headers[i+1])
	}
	return vcr.Request{Method: method, URL: url, Headers: h, Body: body}
}

// liveReq is a live request, built afresh for each use since a request's body is read once.
type liveReq struct {
	method, url, contentType, body string
	headers                        []string
}

func (l liveReq) build(t testing.TB) *http.Request {
	return newRequest(t, l.method, l.url, l.contentType, l.body, l.headers...)
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

// explain says why a live request does not match a recorded one, as replay's matcher would.
func explain(o match.Options, r *http.Request, body []byte, rec vcr.Request) string {
	m := match.NewRequestMatcher(o)
	return m.Explain(m.Live(r, body), m.Recorded(rec))
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

func committedCassettes(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob("../cassettes/*/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no committed cassettes (%v)", err)
	}
	return files
}

package recorder

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

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

const formType = "application/x-www-form-urlencoded"

// liveReq is a live request, built afresh for each use since a request's body is read once.
type liveReq struct {
	method, url, contentType, body string
	headers                        []string
}

func (l liveReq) build(t testing.TB) *http.Request {
	return newRequest(t, l.method, l.url, l.contentType, l.body, l.headers...)
}

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

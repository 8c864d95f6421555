package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"net/url"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"
)

func TestParseBodyJSON(t *testing.T) {
	b, err := ParseBody("application/json; charset=utf-8", []byte(`{"nik":3171234567890123,"n":1.50}`))
	if err != nil || !b.IsJSON {
		t.Fatalf("ParseBody = %+v, %v", b, err)
	}
	want := map[string]any{"nik": json.Number("3171234567890123"), "n": json.Number("1.50")}
	if diff := cmp.Diff(want, b.JSON); diff != "" {
		t.Errorf("numbers keep their digits as json.Number (-want +got):\n%s", diff)
	}
	for _, tc := range []struct{ body, reason string }{
		{`{"a":1} {"b":2}`, "two values are not one body"},
		{`{"a":1} x`, "trailing data"},
		{`{"a":`, "truncated"},
		{``, "empty"},
	} {
		if b, err := ParseBody("application/json", []byte(tc.body)); err == nil || b.IsJSON {
			t.Errorf("ParseBody(%q) = %+v, nil; want an error: %s", tc.body, b, tc.reason)
		}
	}
	if b, err := ParseBody("application/json", []byte("null")); err != nil || !b.IsJSON || b.JSON != nil {
		t.Errorf("a JSON null is JSON: got %+v, %v", b, err)
	}
}

func TestParseBodyForm(t *testing.T) {
	b, err := ParseBody("application/x-www-form-urlencoded", []byte("a=1&b=x%2By&a=2"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(url.Values{"a": {"1", "2"}, "b": {"x+y"}}, b.Form); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if _, err := ParseBody("application/x-www-form-urlencoded", []byte("a=%zz")); err == nil {
		t.Error("a form that does not unescape is an error")
	}
}

func TestParseBodyOther(t *testing.T) {
	b, err := ParseBody("text/plain", []byte(`{"a":1}`))
	if err != nil || b.IsJSON || b.Form != nil || b.Parts != nil || b.Media != "text/plain" {
		t.Errorf("a type that is not structured is not parsed, whatever the body: %+v, %v", b, err)
	}
}

// multipartBody writes a multipart body with a value part, a file part and a quoted-printable part.
func multipartBody(t *testing.T, boundary string) []byte {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if err := mw.SetBoundary(boundary); err != nil {
		t.Fatal(err)
	}
	mw.WriteField("name", "SYNTHETIC")
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="card"; filename="ktp.png"`)
	h.Set("Content-Type", "image/png")
	w, _ := mw.CreatePart(h)
	w.Write([]byte{0x89, 'P', 'N', 'G', 0, 1})
	h = textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="note"`)
	h.Set("Content-Transfer-Encoding", "quoted-printable")
	w, _ = mw.CreatePart(h)
	w.Write([]byte("caf=C3=A9"))
	mw.Close()
	return buf.Bytes()
}

func TestParseMultipart(t *testing.T) {
	body := multipartBody(t, "kontrak-b")
	b, err := ParseBody("multipart/form-data; boundary=kontrak-b", body)
	if err != nil {
		t.Fatal(err)
	}
	type got struct{ Name, FileName, ContentType, Raw, Data string }
	var parts []got
	for _, p := range b.Parts {
		parts = append(parts, got{p.Name, p.FileName, p.Header.Get("Content-Type"), string(p.Raw), string(p.Data)})
	}
	want := []got{
		{"name", "", "", "SYNTHETIC", "SYNTHETIC"},
		{"card", "ktp.png", "image/png", "\x89PNG\x00\x01", "\x89PNG\x00\x01"},
		{"note", "", "", "caf=C3=A9", "café"},
	}
	if diff := cmp.Diff(want, parts); diff != "" {
		t.Errorf("parts keep their headers, raw and decoded content (-want +got):\n%s", diff)
	}
	if !b.Parts[1].IsFile() || b.Parts[0].IsFile() {
		t.Error("a part with a file name is a file part, one without is not")
	}

	// A hand-written cassette may leave the boundary parameter out: the first line gives it.
	if b2, err := ParseBody("multipart/form-data", body); err != nil || len(b2.Parts) != 3 {
		t.Errorf("boundary from the body's first line: %d parts, %v", len(b2.Parts), err)
	}
	// A body cut short: the parts read before the fault come with the error.
	cut := body[:bytes.LastIndex(body, []byte("--kontrak-b"))-40]
	if b3, err := ParseBody("multipart/form-data; boundary=kontrak-b", cut); err == nil || len(b3.Parts) != 2 {
		t.Errorf("a truncated body: %d parts, error %v; want the 2 whole parts and an error", len(b3.Parts), err)
	}
	if _, err := ParseMultipart("", body); err == nil || !strings.Contains(err.Error(), "boundary") {
		t.Errorf("no boundary: %v, want an error that says so", err)
	}
}

// FuzzParseBody: no body of any type makes the parser panic, and a JSON body that parses re-encodes.
func FuzzParseBody(f *testing.F) {
	f.Add("application/json", []byte(`{"a":[1,"x",null]}`))
	f.Add("application/x-www-form-urlencoded", []byte("a=1&b=%20"))
	f.Add("multipart/form-data; boundary=b", []byte("--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\r\n--b--\r\n"))
	f.Add("multipart/form-data", []byte("--b\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n=ZZ\r\n--b--\r\n"))
	f.Add("", []byte("{"))
	f.Fuzz(func(t *testing.T, ct string, body []byte) {
		b, err := ParseBody(ct, body)
		if err == nil && b.IsJSON {
			if _, err := json.Marshal(b.JSON); err != nil {
				t.Fatalf("decoded JSON does not re-encode: %v", err)
			}
		}
	})
}

func TestBufferBody(t *testing.T) {
	rc := &closeCounter{Reader: strings.NewReader(`{"a":1}`)}
	body := io.ReadCloser(rc)
	b, err := BufferBody(&body)
	if err != nil || string(b) != `{"a":1}` || rc.closed != 1 {
		t.Fatalf("BufferBody = %q, %v, closed %d times; want the body, nil, closed once", b, err, rc.closed)
	}
	again, _ := io.ReadAll(body)
	if string(again) != `{"a":1}` {
		t.Errorf("the body put back reads %q, want the same bytes", again)
	}
	failing := io.ReadCloser(&closeCounter{Reader: iotest.ErrReader(errors.New("cut"))})
	if _, err := BufferBody(&failing); err == nil || failing.(*closeCounter).closed != 1 {
		t.Errorf("a body that fails to read: err %v, closed %d times; want the error, closed once", err, failing.(*closeCounter).closed)
	}
}

type closeCounter struct {
	io.Reader
	closed int
}

func (c *closeCounter) Close() error { c.closed++; return nil }

func TestRoundTripWhole(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "answer") }))
	defer srv.Close()
	req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
	resp, body, err := RoundTripWhole(http.DefaultTransport, req)
	if err != nil || string(body) != "answer" {
		t.Fatalf("RoundTripWhole = %q, %v; want the answer", body, err)
	}
	if again, _ := io.ReadAll(resp.Body); string(again) != "answer" {
		t.Errorf("the answer passed on reads %q, want it unchanged", again)
	}
	req, _ = http.NewRequest(http.MethodGet, "http://127.0.0.1:0/", nil)
	if _, _, err := RoundTripWhole(http.DefaultTransport, req); err == nil {
		t.Error("a transport error is lost")
	}
}

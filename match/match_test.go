package match

import (
	"encoding/base64"
	"fmt"
	"io"
	"net/url"
	"strings"
	"testing"

	"github.com/kontrak/kontrak/cassette"
	"github.com/kontrak/kontrak/internal/wire"
	vcr "gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"
)

const (
	liveBase = "http://127.0.0.1:8080"
	recBase  = "https://api.example.invalid"
	jsonType = "application/json"
)

func matchOptions() Options {
	return Options{
		IgnoredHeaders: []string{"X-Api-Key"},
		IgnoredFields:  []string{"timestamp", "signature"},
		IgnoredQuery:   []string{"ts"},
	}
}

func TestMatcher(t *testing.T) {
	shared := NewMatcher(matchOptions())
	img := synthPNG(t, 4, 3, false)
	odd := synthPNG(t, 4, 3, true)
	desc := cassette.ImageDescriptor(img)
	std := base64.StdEncoding.EncodeToString(img)
	rawURL := base64.RawURLEncoding.EncodeToString(img)
	var wrapped strings.Builder // MIME-style base64, wrapped at 76 columns
	for s := std; s != ""; {
		n := min(76, len(s))
		wrapped.WriteString(s[:n] + "\r\n")
		s = s[n:]
	}
	wrappedJSON := strings.NewReplacer("\r", `\r`, "\n", `\n`).Replace(wrapped.String())

	liveParts, liveMP := multipartBody(t, "", part{name: "name", content: "SYNTHETIC"}, part{name: "card", file: "card.png", content: string(img)})
	recParts, recMP := multipartBody(t, "recorded-boundary", part{name: "name", content: "SYNTHETIC"}, part{name: "card", file: "card.png", content: string(img)})
	redParts, redMP := multipartBody(t, "redacted-boundary", part{name: "name", content: "SYNTHETIC"}, part{name: "card", file: "card.png", content: desc})
	oddParts, oddMP := multipartBody(t, "", part{name: "name", content: "SYNTHETIC"}, part{name: "card", file: "card.png", content: string(odd)})
	otherName, otherNameMP := multipartBody(t, "", part{name: "name", content: "OTHER"}, part{name: "card", file: "card.png", content: string(img)})
	renamed, renamedMP := multipartBody(t, "", part{name: "name", content: "SYNTHETIC"}, part{name: "card", file: "upload-123.png", content: string(img)})
	binLive, binLiveMP := multipartBody(t, "", part{name: "doc", file: "doc.bin", content: "\x00\x01binary"})
	binRec, binRecMP := multipartBody(t, "b1", part{name: "doc", file: "doc.bin", content: "\x00\x01binary"})
	binOther, binOtherMP := multipartBody(t, "b2", part{name: "doc", file: "doc.bin", content: "\x00\x02binary"})
	signed, signedMP := multipartBody(t, "", part{name: "name", content: "SYNTHETIC"}, part{name: "signature", content: "live-signature"})
	signedRec, signedRecMP := multipartBody(t, "b3", part{name: "name", content: "SYNTHETIC"}, part{name: "signature", content: "recorded-signature"})
	// A hand-written cassette may give the boundary in the body only.
	noParam := "--hand\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nSYNTHETIC\r\n--hand--\r\n"

	for _, tc := range []struct {
		name, reason string
		live         liveReq
		rec          vcr.Request
		want         bool
	}{
		{"host and scheme", "a live base URL differs from the recorded one",
			liveReq{method: "GET", url: liveBase + "/v1/status"}, recorded("GET", recBase+"/v1/status", "", ""), true},
		{"path", "another path is another operation",
			liveReq{method: "GET", url: liveBase + "/v1/other"}, recorded("GET", recBase+"/v1/status", "", ""), false},
		{"method", "another method is another operation",
			liveReq{method: "POST", url: liveBase + "/v1/status"}, recorded("GET", recBase+"/v1/status", "", ""), false},
		{"query order", "a query is compared as url.Values",
			liveReq{method: "GET", url: liveBase + "/v1/s?b=2&a=1"}, recorded("GET", recBase+"/v1/s?a=1&b=2", "", ""), true},
		{"ignored query", "an ignored parameter (a timestamp) differs between runs",
			liveReq{method: "GET", url: liveBase + "/v1/s?a=1&ts=2"}, recorded("GET", recBase+"/v1/s?ts=1&a=1", "", ""), true},
		{"ignored query absent", "an ignored parameter may be missing on one side",
			liveReq{method: "GET", url: liveBase + "/v1/s?a=1"}, recorded("GET", recBase+"/v1/s?ts=1&a=1", "", ""), true},
		{"query value", "a query value is part of the request",
			liveReq{method: "GET", url: liveBase + "/v1/s?a=2"}, recorded("GET", recBase+"/v1/s?a=1", "", ""), false},
		{"repeated query order", "the values of one parameter keep their order",
			liveReq{method: "GET", url: liveBase + "/v1/s?a=2&a=1"}, recorded("GET", recBase+"/v1/s?a=1&a=2", "", ""), false},
		{"content type parameters", "only the media type of Content-Type is compared",
			liveReq{method: "POST", url: liveBase + "/v1/j", contentType: "application/json; charset=UTF-8", body: `{}`}, recorded("POST", recBase+"/v1/j", jsonType, `{}`), true},
		{"content type", "another media type is another request",
			liveReq{method: "POST", url: liveBase + "/v1/j", contentType: "text/plain", body: `{}`}, recorded("POST", recBase+"/v1/j", jsonType, `{}`), false},
		{"credentials", "credentials never take part in a match",
			liveReq{method: "GET", url: liveBase + "/v1/s", headers: []string{"Authorization", "Bearer live", "X-Api-Key", "live-key"}},
			recorded("GET", recBase+"/v1/s", "", "", "Authorization", "REDACTED", "X-Api-Key", "REDACTED"), true},
		{"other headers", "headers other than Content-Type are not compared",
			liveReq{method: "GET", url: liveBase + "/v1/s", headers: []string{"User-Agent", "kontrak", "Accept", "*/*"}}, recorded("GET", recBase+"/v1/s", "", ""), true},

		{"json member order", "JSON compares as JSON",
			liveReq{method: "POST", url: liveBase + "/v1/j", contentType: jsonType, body: `{"b":[1,2],"a":{"y":1,"x":2}}`},
			recorded("POST", recBase+"/v1/j", jsonType, "{\n  \"a\": {\"x\": 2, \"y\": 1},\n  \"b\": [1, 2]\n}"), true},
		{"json value", "a different value is a different request",
			liveReq{method: "POST", url: liveBase + "/v1/j", contentType: jsonType, body: `{"a":"x"}`}, recorded("POST", recBase+"/v1/j", jsonType, `{"a":"y"}`), false},
		{"json array order", "JSON arrays are ordered",
			liveReq{method: "POST", url: liveBase + "/v1/j", contentType: jsonType, body: `{"a":[2,1]}`}, recorded("POST", recBase+"/v1/j", jsonType, `{"a":[1,2]}`), false},
		{"json ignored field at depth", "ignored fields are dropped at any depth, inside arrays too",
			liveReq{method: "POST", url: liveBase + "/v1/j", contentType: jsonType, body: `{"a":[{"timestamp":2,"v":1}],"signature":"live"}`},
			recorded("POST", recBase+"/v1/j", jsonType, `{"a":[{"timestamp":1,"v":1}],"signature":"rec"}`), true},
		{"json number spelling", "numbers compare as written, so that no id is rounded through a float",
			liveReq{method: "POST", url: liveBase + "/v1/j", contentType: jsonType, body: `{"n":1.0}`}, recorded("POST", recBase+"/v1/j", jsonType, `{"n":1}`), false},
		{"json big number", "two ids beyond float64's precision stay apart",
			liveReq{method: "POST", url: liveBase + "/v1/j", contentType: jsonType, body: `{"n":12345678901234567891}`}, recorded("POST", recBase+"/v1/j", jsonType, `{"n":12345678901234567890}`), false},
		{"json not json, same bytes", "a body that is not what its type says compares byte for byte",
			liveReq{method: "POST", url: liveBase + "/v1/j", contentType: jsonType, body: `{broken`}, recorded("POST", recBase+"/v1/j", jsonType, `{broken`), true},
		{"json not json, one side", "valid JSON and broken JSON are different requests",
			liveReq{method: "POST", url: liveBase + "/v1/j", contentType: jsonType, body: `{"a":1}`}, recorded("POST", recBase+"/v1/j", jsonType, `{"a":1`), false},
		{"json trailing data", "a second value after the JSON is not JSON",
			liveReq{method: "POST", url: liveBase + "/v1/j", contentType: jsonType, body: `{"a":1}{"b":2}`}, recorded("POST", recBase+"/v1/j", jsonType, `{"a":1}`), false},
		{"empty bodies", "two bodiless requests match whatever their type",
			liveReq{method: "POST", url: liveBase + "/v1/j", contentType: jsonType}, recorded("POST", recBase+"/v1/j", jsonType, ""), true},

		{"json image vs descriptor", "a redacted cassette holds the image's descriptor; the live request sends the image",
			liveReq{method: "POST", url: liveBase + "/v1/ocr", contentType: jsonType, body: `{"image":"` + std + `","lang":"id"}`},
			recorded("POST", recBase+"/v1/ocr", jsonType, `{"lang":"id","image":"`+desc+`"}`), true},
		{"json image one pixel off", "the hash is of the image's bytes: one pixel is another image",
			liveReq{method: "POST", url: liveBase + "/v1/ocr", contentType: jsonType, body: `{"image":"` + base64.StdEncoding.EncodeToString(odd) + `"}`},
			recorded("POST", recBase+"/v1/ocr", jsonType, `{"image":"`+desc+`"}`), false},
		{"json image data URI", "a data: URI prefix is not part of the image",
			liveReq{method: "POST", url: liveBase + "/v1/ocr", contentType: jsonType, body: `{"image":"data:image/png;base64,` + std + `"}`},
			recorded("POST", recBase+"/v1/ocr", jsonType, `{"image":"`+desc+`"}`), true},
		{"json image URL alphabet unpadded", "an API may send base64url without padding",
			liveReq{method: "POST", url: liveBase + "/v1/ocr", contentType: jsonType, body: `{"image":"` + rawURL + `"}`},
			recorded("POST", recBase+"/v1/ocr", jsonType, `{"image":"`+desc+`"}`), true},
		{"json image line-wrapped", "MIME base64 wraps at 76 columns",
			liveReq{method: "POST", url: liveBase + "/v1/ocr", contentType: jsonType, body: `{"image":"` + wrappedJSON + `"}`},
			recorded("POST", recBase+"/v1/ocr", jsonType, `{"image":"`+desc+`"}`), true},
		{"json image in two encodings", "an unredacted cassette matches the same image whatever its base64 spelling",
			liveReq{method: "POST", url: liveBase + "/v1/ocr", contentType: jsonType, body: `{"images":["` + rawURL + `"]}`},
			recorded("POST", recBase+"/v1/ocr", jsonType, `{"images":["`+std+`"]}`), true},

		{"form order", "a form compares as url.Values",
			liveReq{method: "POST", url: liveBase + "/v1/f", contentType: formType, body: "a=1&b=2"}, recorded("POST", recBase+"/v1/f", formType, "b=2&a=1"), true},
		{"form ignored field", "a signature changes with every request",
			liveReq{method: "POST", url: liveBase + "/v1/f", contentType: formType, body: "a=1&signature=live"}, recorded("POST", recBase+"/v1/f", formType, "signature=rec&a=1"), true},
		{"form value", "a different form value is a different request",
			liveReq{method: "POST", url: liveBase + "/v1/f", contentType: formType, body: "a=2"}, recorded("POST", recBase+"/v1/f", formType, "a=1"), false},
		{"form image vs descriptor", "images compare by hash in forms too",
			liveReq{method: "POST", url: liveBase + "/v1/f", contentType: formType, body: url.Values{"image": {std}}.Encode()},
			recorded("POST", recBase+"/v1/f", formType, url.Values{"image": {desc}}.Encode()), true},

		{"multipart boundaries", "each side is parsed with its own boundary",
			liveReq{method: "POST", url: liveBase + "/v1/m", contentType: liveMP, body: liveParts}, recorded("POST", recBase+"/v1/m", recMP, recParts), true},
		{"multipart file vs descriptor", "a redacted cassette holds the descriptor in place of the file's bytes",
			liveReq{method: "POST", url: liveBase + "/v1/m", contentType: liveMP, body: liveParts}, recorded("POST", recBase+"/v1/m", redMP, redParts), true},
		{"multipart file one pixel off", "a file part compares by the hash of its bytes",
			liveReq{method: "POST", url: liveBase + "/v1/m", contentType: oddMP, body: oddParts}, recorded("POST", recBase+"/v1/m", redMP, redParts), false},
		{"multipart field", "a different field value is a different request",
			liveReq{method: "POST", url: liveBase + "/v1/m", contentType: otherNameMP, body: otherName}, recorded("POST", recBase+"/v1/m", recMP, recParts), false},
		{"multipart file name", "a file's name is not compared: a client may name its upload anyhow",
			liveReq{method: "POST", url: liveBase + "/v1/m", contentType: renamedMP, body: renamed}, recorded("POST", recBase+"/v1/m", recMP, recParts), true},
		{"multipart binary file", "any file part is binary content, compared by hash",
			liveReq{method: "POST", url: liveBase + "/v1/m", contentType: binLiveMP, body: binLive}, recorded("POST", recBase+"/v1/m", binRecMP, binRec), true},
		{"multipart binary file differs", "a different file is a different request",
			liveReq{method: "POST", url: liveBase + "/v1/m", contentType: binLiveMP, body: binLive}, recorded("POST", recBase+"/v1/m", binOtherMP, binOther), false},
		{"multipart ignored part", "ignored fields are dropped by form name",
			liveReq{method: "POST", url: liveBase + "/v1/m", contentType: signedMP, body: signed}, recorded("POST", recBase+"/v1/m", signedRecMP, signedRec), true},
		{"multipart boundary from the body", "a hand-written cassette may leave the boundary parameter out",
			liveReq{method: "POST", url: liveBase + "/v1/m", contentType: signedMP, body: signed}, recorded("POST", recBase+"/v1/m", "multipart/form-data", noParam), true},

		{"raw image vs descriptor", "an image sent as the whole body compares by hash",
			liveReq{method: "PUT", url: liveBase + "/v1/raw", contentType: "image/png", body: string(img)}, recorded("PUT", recBase+"/v1/raw", "image/png", desc), true},
		{"raw text", "a body of another type compares byte for byte",
			liveReq{method: "PUT", url: liveBase + "/v1/raw", contentType: "text/plain", body: "a b"}, recorded("PUT", recBase+"/v1/raw", "text/plain", "a  b"), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := New(matchOptions())
			if got := m.Explain(tc.live.build(t), tc.rec); (got == "") != tc.want {
				t.Fatalf("match = %v, want %v (%s); explain: %q", got == "", tc.want, tc.reason, got)
			}
			if got := NewMatcher(matchOptions())(tc.live.build(t), tc.rec); got != tc.want {
				t.Fatalf("NewMatcher disagrees with explain: %v, want %v", got, tc.want)
			}
			// One matcher for every case, its caches warm: a cached form is never another request's.
			live := tc.live.build(t)
			for range 2 {
				if got := shared(live, tc.rec); got != tc.want {
					t.Fatalf("a matcher with warm caches: %v, want %v", got, tc.want)
				}
			}
			rm := NewRequestMatcher(matchOptions())
			r := tc.live.build(t)
			body, err := readBody(r)
			if err != nil {
				t.Fatal(err)
			}
			if got := rm.Match(rm.Live(r, body), rm.Recorded(tc.rec)); got != tc.want {
				t.Fatalf("RequestMatcher disagrees with explain: %v, want %v", got, tc.want)
			}
			// A body the caller parsed (the sandbox) gives the same answer, and its parse is left as it was;
			// so does one whose images the caller decoded already.
			parsed, perr := wire.ParseBody(r.Header.Get("Content-Type"), body)
			before := fmt.Sprint(parsed.JSON, parsed.Form)
			memo := func(s string) ([]byte, bool) { d, _, ok := wire.DecodeBase64(s); return wire.Base64ImageFrom(s, d, ok) }
			for _, decoder := range []func(string) ([]byte, bool){nil, memo} {
				if got := rm.Match(rm.LiveParsed(r, body, parsed, perr, decoder), rm.Recorded(tc.rec)); got != tc.want {
					t.Fatalf("LiveParsed disagrees with explain: %v, want %v", got, tc.want)
				}
			}
			if after := fmt.Sprint(parsed.JSON, parsed.Form); after != before {
				t.Fatalf("LiveParsed changed the caller's parse: %s, was %s", after, before)
			}
		})
	}
}

// The go-vcr hook canonicalises a live request once for all the interactions it is tried against; a
// request whose body, URL or Content-Type changed since is read again.
func TestMatcherCacheFollowsTheRequest(t *testing.T) {
	m := NewMatcher(Options{})
	rec := recorded("POST", recBase+"/v1/j?a=1", jsonType, `{"a":1}`)
	req := newRequest(t, "POST", liveBase+"/v1/j?a=1", jsonType, `{"a":1}`)
	if !m(req, rec) || !m(req, rec) {
		t.Fatal("no match")
	}
	req.Body = io.NopCloser(strings.NewReader(`{"a":2}`))
	if m(req, rec) {
		t.Fatal("a new body matched as the old one")
	}
	req.Body = io.NopCloser(strings.NewReader(`{"a":1}`))
	if !m(req, rec) {
		t.Fatal("the old body again: no match")
	}
	req.URL.RawQuery = "a=2"
	if m(req, rec) {
		t.Fatal("a new query matched as the old one")
	}
	req.URL.RawQuery = "a=1"
	req.Header.Set("Content-Type", "text/plain")
	if m(req, rec) {
		t.Fatal("a new Content-Type matched as the old one")
	}
	req.Header.Set("Content-Type", jsonType)
	io.ReadAll(req.Body) // read by someone else: the matcher reads what is left, not its cache
	if m(req, rec) {
		t.Fatal("a body read since matched as the whole one")
	}
}

func TestMatcherExplains(t *testing.T) {
	img := synthPNG(t, 4, 3, false)
	odd := base64.StdEncoding.EncodeToString(synthPNG(t, 4, 3, true))
	for _, tc := range []struct {
		name, reason string
		live         liveReq
		rec          vcr.Request
		want         string
	}{
		{"body pointer", "a failure says where, as a JSON Pointer",
			liveReq{method: "POST", url: liveBase + "/v1/ocr", contentType: jsonType, body: `{"doc":{"image":"` + odd + `"}}`},
			recorded("POST", recBase+"/v1/ocr", jsonType, `{"doc":{"image":"`+cassette.ImageDescriptor(img)+`"}}`), "body differs at /doc/image"},
		{"pointer escaping", "member names with / and ~ are escaped as RFC 6901 says",
			liveReq{method: "POST", url: liveBase + "/v1/j", contentType: jsonType, body: `{"a/b~c":1}`},
			recorded("POST", recBase+"/v1/j", jsonType, `{"a/b~c":2}`), "body differs at /a~1b~0c"},
		{"missing member", "a member on one side only is named",
			liveReq{method: "POST", url: liveBase + "/v1/j", contentType: jsonType, body: `{"a":1}`},
			recorded("POST", recBase+"/v1/j", jsonType, `{"a":1,"b":2}`), "body differs at /b"},
		{"raw body", "an unstructured body differs as a whole",
			liveReq{method: "PUT", url: liveBase + "/v1/raw", contentType: "text/plain", body: "x"}, recorded("PUT", recBase+"/v1/raw", "text/plain", "y"), "body differs at the root"},
		{"query", "a query parameter is named, not its value",
			liveReq{method: "GET", url: liveBase + "/v1/s?page=2"}, recorded("GET", recBase+"/v1/s?page=1", "", ""), "query differs at /page"},
		{"content type", "media types are not personal data: both are given",
			liveReq{method: "POST", url: liveBase + "/v1/j", contentType: formType, body: "a=1"}, recorded("POST", recBase+"/v1/j", jsonType, `{}`),
			"content type differs: application/x-www-form-urlencoded, recorded application/json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := New(matchOptions()).Explain(tc.live.build(t), tc.rec)
			if got != tc.want {
				t.Fatalf("%s\ngot  %q\nwant %q", tc.reason, got, tc.want)
			}
		})
	}
}

func TestMatcherLeavesBodyWhole(t *testing.T) {
	body := `{"b":1,"a":2}`
	req := newRequest(t, "POST", liveBase+"/v1/j", jsonType, body)
	m := NewMatcher(Options{})
	for range 2 { // the matcher runs once per interaction: the second run must see the whole body too
		if !m(req, recorded("POST", recBase+"/v1/j", jsonType, `{"a":2,"b":1}`)) {
			t.Fatal("no match")
		}
	}
	got, err := io.ReadAll(req.Body)
	if err != nil || string(got) != body {
		t.Fatalf("body after matching = %q, %v; want %q: the real transport sends what the matcher read", got, err, body)
	}
}

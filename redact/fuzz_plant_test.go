package redact

import (
	"bytes"
	"compress/gzip"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v4"
	vcr "gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"
)

// The generative proof of issue 19: markers, made from the fuzzer's bytes, planted at places chosen by
// them in a clean exchange of a real vendor (a committed cassette's), each through encodings chosen by
// them (base64 either alphabet, URL escapes, JSON in a string, gzip, a URL's query). The rule held is the
// allow-list's, not a list of places: wherever a marker goes, redaction leaves it in no decoded form, and
// the scan finds each one before.

// plantBases are the clean exchanges markers are planted in: a form request and a free-text answer
// (ekycpro), a multipart request (ADVANCE.AI), a JSON request with an image (Kredibel) and a token
// exchange with credentials (ADVANCE.AI).
var plantBases = []struct {
	file string
	n    int
}{{"ekycpro/success.yaml", 0}, {"advance/ocr-success.yaml", 1}, {"kredibel/success.yaml", 0}, {"advance/ocr-success.yaml", 0}, {"verihubs/submit-ktp.yaml", 0}}

// marker is a planted value: a NIK (16 digits, first 3, never specimen's synthetic 00 prefix), or a name
// (KNR and letters, upper case) which as a name of something is written with a space, as a person's
// name is (an identifier-like word no other place holds is a name, and kept).
type marker struct {
	value string
	nik   bool
}

func markerOf(b []byte, n int) marker {
	if len(b) == 0 {
		b = []byte{byte(n)}
	}
	if b[0]%2 == 0 {
		d := []byte("3")
		for k := 0; len(d) < 16; k++ {
			d = append(d, '0'+(b[k%len(b)]+byte(k*7+n))%10)
		}
		return marker{value: string(d), nik: true}
	}
	l := []byte("KNR")
	for k := 0; len(l) < 10; k++ {
		l = append(l, 'A'+(b[k%len(b)]+byte(k*5+n))%26)
	}
	return marker{value: "RAHAYU " + string(l)}
}

// asName is the marker as a key: a NIK as it is, a name with its space.
func (m marker) asName() string { return m.value }

// needle is what must not survive: the NIK, or the name's own word.
func (m marker) needle() string {
	if m.nik {
		return m.value
	}
	return strings.TrimPrefix(m.value, "RAHAYU ")
}

// encode wraps a value in the encodings the choice names, innermost first.
func encode(v string, choice byte) string {
	for k := 0; k < 2; k++ {
		switch (choice >> (3 * k)) % 8 {
		case 1:
			v = base64.StdEncoding.EncodeToString([]byte(v))
		case 2:
			v = base64.RawURLEncoding.EncodeToString([]byte(v))
		case 3:
			v = url.QueryEscape(v)
		case 4:
			v = `{"holder":` + strconv.Quote(v) + `}`
		case 5:
			var b bytes.Buffer
			w := gzip.NewWriter(&b)
			w.Write([]byte(v))
			w.Close()
			v = base64.StdEncoding.EncodeToString(b.Bytes())
		case 6:
			v = "https://hooks.example.com/cb?ref=" + url.QueryEscape(v)
		case 7:
			v = base64.StdEncoding.EncodeToString([]byte(`{"n":` + strconv.Quote(v) + `}`))
		}
	}
	// The two high bits: an outer hex or base32 layer (3 names the marker by its base64, nameOf).
	switch choice >> 6 {
	case 1:
		v = hex.EncodeToString([]byte(v))
	case 2:
		v = base32.StdEncoding.EncodeToString([]byte(v))
	}
	return v
}

// nameOf is the marker as a name of something (a header, a query parameter, a cookie, a JSON member): as
// it is, or (the two high bits of the choice) in hex, or in base64 that looks like an identifier.
func nameOf(m marker, choice byte) string {
	switch choice >> 6 {
	case 1:
		return hex.EncodeToString([]byte(m.asName()))
	case 3:
		return base64.RawURLEncoding.EncodeToString([]byte(m.asName()))
	}
	return m.asName()
}

const plantPlaces = 24

// plant puts a marker at place p of an exchange, its value through the encodings of enc.
func plant(i *vcr.Interaction, m marker, p, enc byte) {
	val := encode(m.value, enc)
	name := nameOf(m, enc)
	if strings.Contains(name, " ") {
		// A header or cookie name holds no space: a name there would be identifier-like, and kept.
		switch p % plantPlaces {
		case 2:
			p = 1
		case 9:
			p = 8
		}
	}
	switch p % plantPlaces {
	case 0:
		i.Request.Headers.Add("X-Context", val)
	case 1:
		i.Response.Headers.Add("X-Debug", val)
	case 2:
		i.Response.Headers.Add("X-Id-"+strings.ReplaceAll(name, " ", "-"), "1")
	case 3, 4, 5, 6, 7:
		u, err := url.Parse(i.Request.URL)
		if err != nil {
			return
		}
		q := u.Query()
		switch p % plantPlaces {
		case 3:
			q.Add("ref", val)
		case 4:
			q.Add(name, "1")
		case 5:
			u.Path += "/" + val
			u.RawPath = ""
		case 6:
			u.Fragment = val
		case 7:
			u.User = url.UserPassword("hook", val)
		}
		u.RawQuery = q.Encode()
		i.Request.URL = u.String()
	case 8:
		i.Request.Headers.Add("Cookie", "sid="+url.QueryEscape(val))
	case 9:
		i.Request.Headers.Add("Cookie", "n"+strings.ReplaceAll(name, " ", "")+"=1")
	case 10:
		if i.Response.Trailer == nil {
			i.Response.Trailer = http.Header{}
		}
		i.Response.Trailer.Add("X-Checksum", val)
	case 11, 12:
		member := `"ref":` + strconv.Quote(val)
		if p%plantPlaces == 12 {
			member = strconv.Quote(name) + `:1`
		}
		if b := i.Response.Body; strings.HasPrefix(b, "{") {
			if strings.HasPrefix(b, "{}") {
				i.Response.Body = "{" + member + "}"
			} else {
				i.Response.Body = "{" + member + "," + b[1:]
			}
			i.Response.ContentLength = int64(len(i.Response.Body))
		}
	case 13:
		if i.Request.Form != nil {
			i.Request.Form.Add("meta", val)
			i.Request.Body = i.Request.Form.Encode()
		} else if b := i.Request.Body; strings.HasPrefix(b, "{") {
			i.Request.Body = `{"meta":` + strconv.Quote(val) + "," + b[1:]
		}
		i.Request.ContentLength = int64(len(i.Request.Body))
	case 14:
		i.Response.Headers.Add("Set-Cookie", "theme=dark; Path=/, sid="+url.QueryEscape(val)+"; Path=/; HttpOnly")
	case 15:
		i.Response.Headers.Add("Location", "https://api.example.com/next?state="+url.QueryEscape(val))
	case 16, 17, 18:
		// A part added to a multipart request: its file name, its form name or a header of its own.
		_, params, err := mime.ParseMediaType(i.Request.Headers.Get("Content-Type"))
		end := "--" + params["boundary"] + "--"
		if err != nil || params["boundary"] == "" || !strings.Contains(i.Request.Body, end) {
			return
		}
		disposition, header := `form-data; name="note"; filename="note.txt"`, ""
		switch p % plantPlaces {
		case 16:
			disposition = `form-data; name="note"; filename="` + strings.ReplaceAll(val, `"`, "") + `.txt"`
		case 17:
			disposition = `form-data; name="` + strings.ReplaceAll(name, `"`, "") + `"`
		case 18:
			header = "X-Note: " + strings.NewReplacer("\r", "", "\n", "").Replace(val) + "\r\n"
			if enc%2 == 1 && m.nik && enc>>6 != 3 {
				// Or a header name of the part (the red team's X-Nik-3174…: 1). A part's names are read
				// case-folded (net/textproto), so a name or its base64, whose case tells it, is not planted.
				header = "X-Id-" + name + ": 1\r\n"
			}
		}
		part := "--" + params["boundary"] + "\r\nContent-Disposition: " + disposition + "\r\n" + header + "\r\nsynthetic\r\n"
		i.Request.Body = strings.Replace(i.Request.Body, end, part+end, 1)
		i.Request.ContentLength = int64(len(i.Request.Body))
	case 19:
		// A parameter of the answer's media type, or the value as its subtype.
		if ct := i.Response.Headers.Get("Content-Type"); ct != "" && enc%2 == 0 {
			i.Response.Headers.Set("Content-Type", ct+"; profile="+val)
		} else {
			i.Response.Headers.Set("Content-Type", "application/"+strings.ReplaceAll(name, " ", "-"))
		}
	case 20:
		// The text of a multipart request outside its parts: a preamble or an epilogue.
		_, params, err := mime.ParseMediaType(i.Request.Headers.Get("Content-Type"))
		if err != nil || params["boundary"] == "" || !strings.Contains(i.Request.Body, "--"+params["boundary"]+"--") {
			return
		}
		if enc%2 == 0 {
			i.Request.Body = val + "\r\n" + i.Request.Body
		} else {
			i.Request.Body += val + "\r\n"
		}
		i.Request.ContentLength = int64(len(i.Request.Body))
	case 21:
		i.Request.Headers.Set("Accept", "application/json, text/"+strings.ReplaceAll(name, " ", "-")+";q=0.5")
	case 22:
		// The URL's port: a number where a port goes (the red team's api.advance.ai:3174…).
		if u, err := url.Parse(i.Request.URL); err == nil && m.nik {
			u.Host = u.Hostname() + ":" + m.value
			i.Request.URL = u.String()
		}
	case 23:
		// A multipart request's boundary, in its Content-Type and every delimiter line of its body.
		_, params, err := mime.ParseMediaType(i.Request.Headers.Get("Content-Type"))
		old := params["boundary"]
		if err != nil || old == "" || strings.ContainsAny(name, " \"") {
			return
		}
		nb := "b-" + name
		i.Request.Headers.Set("Content-Type", strings.Replace(i.Request.Headers.Get("Content-Type"), old, nb, 1))
		i.Request.Body = strings.ReplaceAll(i.Request.Body, "--"+old, "--"+nb)
	}
}

// plantAll plants one marker for each triple (marker bytes' choice, place, encoding) of choices.
func plantAll(i *vcr.Interaction, choices []byte, seed []byte) []marker {
	var ms []marker
	for k := 0; k+1 < len(choices) && len(ms) < 4; k += 2 {
		m := markerOf(append([]byte{choices[k] ^ byte(k)}, seed...), k)
		plant(i, m, choices[k], choices[k+1])
		ms = append(ms, m)
	}
	return ms
}

func plantSeeds(f *testing.F) {
	// A multipart request's own parts: a file name, a form name, a part header (ADVANCE.AI's upload).
	f.Add(byte(1), []byte{16, 1, 17, 0, 18, 0x41}, []byte("multipart"))
	f.Add(byte(1), []byte{17, 0xC0, 16, 0x80, 18, 3}, []byte{9, 9})
	f.Add(byte(0), []byte{18, 1}, []byte("a NIK as a part's header name"))
	f.Add(byte(0), []byte{18, 0x41}, []byte("its hex"))
	f.Add(byte(0), []byte{22, 0}, []byte("a NIK as the URL's port"))
	f.Add(byte(1), []byte{23, 0}, []byte("a NIK as a multipart boundary"))
	f.Add(byte(1), []byte{23, 0x41}, []byte("its hex as the boundary"))
	for p := range plantPlaces {
		f.Add(byte(p), []byte{byte(p), byte(p * 9)}, []byte("kanari"))
		f.Add(byte(p+1), []byte{byte(p*2 + 1), byte(p + 3), byte(p + 5), byte(p * 7)}, []byte{1, 2, 3})
		// The outer layers and the encoded names: hex, base32, a name in identifier-like base64.
		f.Add(byte(p+2), []byte{byte(p), 0x40, byte(p), 0x80 | 3, byte(p), 0xC0, byte(p), 0xC0 | 1}, []byte{byte(p), 7})
	}
}

// FuzzPlantedRedacted: after redaction no planted marker survives in any decoded form, the exchange scans
// clean, and redacting it again changes nothing. Seeds: every place under two encodings, and
// testdata/fuzz/FuzzPlantedRedacted.
func FuzzPlantedRedacted(f *testing.F) {
	plantSeeds(f)
	rules, scan := rules19(f)
	bases := make([]*vcr.Interaction, len(plantBases))
	for n, b := range plantBases {
		bases[n] = base(f, b.file, b.n)
	}
	f.Fuzz(func(t *testing.T, which byte, choices, seed []byte) {
		i := cloneDeep(t, bases[int(which)%len(bases)])
		ms := plantAll(i, choices, seed)
		if err := Redactor(rules)(i); err != nil {
			t.Fatalf("redaction refused: %v", err)
		}
		for _, m := range ms {
			if where := survivesIn(i, m.needle()); where != "" {
				t.Fatalf("marker %q survives in %s:\n%s", m.value, where, dump(t, i))
			}
		}
		if ls := scan1(cloneDeep(t, i), scan); len(ls) > 0 {
			t.Fatalf("redacted exchange scans dirty: %v\n%s", ls, dump(t, i))
		}
		once := dump(t, i)
		if err := Redactor(rules)(i); err != nil {
			t.Fatal(err)
		}
		if again := dump(t, i); again != once {
			t.Fatalf("redacting twice differs from once:\n%s\n%s", once, again)
		}
	})
}

// FuzzPlantedFlagged: each marker, planted alone in a clean exchange, is flagged by the scan, which never
// prints it. Seeds: as FuzzPlantedRedacted's, and testdata/fuzz/FuzzPlantedFlagged.
func FuzzPlantedFlagged(f *testing.F) {
	plantSeeds(f)
	_, scan := rules19(f)
	bases := make([]*vcr.Interaction, len(plantBases))
	for n, b := range plantBases {
		bases[n] = base(f, b.file, b.n)
		if ls := scan1(cloneDeep(f, bases[n]), scan); len(ls) > 0 {
			f.Fatalf("the clean exchange %s scans dirty: %v", b.file, ls)
		}
	}
	f.Fuzz(func(t *testing.T, which byte, choices, seed []byte) {
		for k := 0; k+1 < len(choices) && k < 8; k += 2 {
			i := cloneDeep(t, bases[int(which)%len(bases)])
			before := dump(t, i)
			m := markerOf(append([]byte{choices[k] ^ byte(k)}, seed...), k)
			plant(i, m, choices[k], choices[k+1])
			if dump(t, i) == before {
				continue // the place does not exist in this exchange (a form field of a JSON request)
			}
			ls := scan1(cloneDeep(t, i), scan)
			rewalkAlways = true
			walked := scan1(i, scan)
			rewalkAlways = false
			if !slices.Equal(ls, walked) {
				t.Fatalf("the scan's tape found %v, a second walk %v", ls, walked)
			}
			if len(ls) == 0 {
				t.Fatalf("marker %q at place %d (encoding %d) not flagged:\n%s", m.value, choices[k]%plantPlaces, choices[k+1], dump(t, i))
			}
			for _, l := range ls {
				if survives(l.String(), m.needle()) {
					t.Fatalf("the scan printed the marker: %s", l)
				}
			}
		}
	})
}

// cloneDeep copies an interaction through its YAML, so that nothing (a trailer, a form) is shared.
func cloneDeep(t testing.TB, i *vcr.Interaction) *vcr.Interaction {
	t.Helper()
	c, err := cassetteOf(dump(t, i))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func cassetteOf(text string) (*vcr.Interaction, error) {
	var i vcr.Interaction
	if err := yaml.Unmarshal([]byte(text), &i); err != nil {
		return nil, err
	}
	return &i, nil
}

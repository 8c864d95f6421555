package sandbox

import (
	"bytes"
	"fmt"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/kontrak/kontrak/internal/wire"
)

// overBounds says why a body's structure is beyond the limits, before anything of it is built: more
// JSON values than Limits.Fields or deeper than Limits.Depth, more form fields or multipart parts than
// Limits.Fields. "" when it is within them, or cannot be counted (it does not parse: the parser says so).
//
// Why count first: a parsed body costs far more than its bytes when it is made of many small values —
// a map entry, a string header and an interface a JSON member (25 to 30 times the body), a MIME header
// map and two slices a multipart part (70 to 85 times, measured by issue 21 on 1 MB bodies). Counting
// reads the body once and allocates nothing: jsontext reads a *bytes.Buffer in place, and delimiters are
// counted with bytes.Count. The parse that follows then builds at most Fields values.
func overBounds(media string, params map[string]string, body []byte, lim Limits) string {
	switch {
	case wire.IsJSONMedia(media):
		return jsonOverBounds(body, lim)
	case media == wire.MediaForm:
		if n := bytes.Count(body, []byte("&")) + 1; len(body) > 0 && n > lim.Fields {
			return fmt.Sprintf("%d form fields, more than %d", n, lim.Fields)
		}
	case media == wire.MediaMultipart:
		if b := wire.Boundary(params, body); b != "" {
			// Each part starts at a delimiter line; the last delimiter closes the body.
			if n := bytes.Count(body, []byte("--"+b)) - 1; n > lim.Fields {
				return fmt.Sprintf("%d multipart parts, more than %d", n, lim.Fields)
			}
		}
	}
	return ""
}

// jsonOverBounds counts a JSON body's values (every object member's value and array element, at any
// depth) and its nesting, token by token, and stops at the first bound it passes.
func jsonOverBounds(body []byte, lim Limits) string {
	// Bounds from the delimiters alone, counted with bytes.Count (SIMD): every value but the root follows a
	// ':' (a member's) or a '[' or ',' (an element's), and every level of nesting opens with '{' or '['.
	// Bytes inside strings only raise the counts, so a body within them is within the limits, and the
	// token-by-token count below is not needed: an OCR body is one long base64 string, which the lexer
	// would read a second time (the parser reads it once more; cmd/kontrak-load's profile of serve).
	opens := bytes.Count(body, []byte("[")) + bytes.Count(body, []byte("{"))
	if opens <= lim.Depth && opens+bytes.Count(body, []byte(":"))+bytes.Count(body, []byte(",")) <= lim.Fields {
		return ""
	}
	// Duplicate names are counted, not refused: the parser reads them (the last wins).
	dec := jsontext.NewDecoder(bytes.NewBuffer(body), jsontext.AllowDuplicateNames(true))
	values := 0
	for {
		// A name is the token read in an object after an even number of its tokens (name, value, ...).
		if k, n := dec.StackIndex(dec.StackDepth()); k == '{' && n%2 == 0 && dec.StackDepth() > 0 {
			if _, err := dec.ReadToken(); err != nil {
				return ""
			}
			continue
		}
		tok, err := dec.ReadToken()
		if err != nil {
			return "" // the end of the body, or an error the parser reports
		}
		switch tok.Kind() {
		case '}', ']':
			continue
		}
		values++
		if values > lim.Fields+1 { // the root is a value too
			return fmt.Sprintf("more than %d JSON values", lim.Fields)
		}
		if d := dec.StackDepth(); d > lim.Depth {
			return fmt.Sprintf("JSON nested deeper than %d", lim.Depth)
		}
	}
}

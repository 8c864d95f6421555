package redact

import (
	"encoding/json"
	"errors"
	"io"
	"math/rand"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/kontrak/kontrak/internal/wire"
)

// The walker must read a body exactly as encoding/json's Decoder does (the reader it replaced, kept here
// as the oracle): the same scalars, pointers, spans, names and kinds, the same verdict on validity and
// depth; except that the one UTF-8 policy (wire) refuses what the Decoder reads as U+FFFD: invalid UTF-8
// and a lone surrogate escape.

func TestWalkJSONAsDecoder(t *testing.T) {
	bodies := []string{
		`{"data":{"nik":"3171234567890001","full_address":"JL. KENARI 9"},"message":"NIK 3171 2345 6789 0001"}`,
		`  { "full_name" : "Siti" , "n" : [ 1 , 2.5e3 , true , null , -0 , "x" ] }  `,
		`{"a\u0041~/b":{"x\"y":"Siti \u004b \ud800 \u00e9","m":1E+2,"e":[]}}`,
		`{"a\u0041~/b":{"x\"y":"Siti \u004b \ud83d\ude00 \u00e9","m":1E+2,"e":[]}}`,
		"{\"a\":\"\xff\xfe\",\"b\":\"\xef\xbf\xbd\"}",
		`"top"`, `12`, `-1.5e-3`, `true`, `null`, `[]`, `{}`, `[[],[{}]]`,
		`{"a":1}{"b":2}`, `{"a":1,}`, `[1 2]`, `{"a" 1}`, `{"a":01}`, `{"a":"\x"}`, `{"a":"\u12"}`, "{\"a\":\"\x01\"}",
		`  `, `[1,]`, `{,}`, `-`, `1.`, `1e`, `[[[[`, `{"a":tru}`, `nul`, `[1]x`, `{"a":1}  `, `{1:2}`,
		strings.Repeat("[", MaxDepth) + strings.Repeat("]", MaxDepth),
		strings.Repeat("[", MaxDepth+1) + strings.Repeat("]", MaxDepth+1),
		strings.Repeat(`{"a":`, MaxDepth+1) + `x`,
		`[1,x` + strings.Repeat("[", MaxDepth+1),
	}
	r := rand.New(rand.NewSource(1))
	atoms := []string{`{`, `}`, `[`, `]`, `,`, `:`, ` `, `"k"`, `"a\"b"`, `"\u00e9"`, `1`, `-2.5`, `true`, `null`, `"full_name"`, `"message"`, "\n", `x`, `"`}
	for range 20000 {
		var b strings.Builder
		for range r.Intn(24) {
			b.WriteString(atoms[r.Intn(len(atoms))])
		}
		bodies = append(bodies, b.String())
	}
	for _, body := range bodies {
		for _, s := range []side{sideRequest, sideAnswer} {
			var got []leaf
			var gotSpans [][2]int
			valid, deep := walkJSON(s, body, func(l leaf, start, end int) bool {
				l.ptr = []byte(string(l.ptr)) // the walker's buffers: valid only during the visit
				l.schema = []byte(string(l.schema))
				got = append(got, l)
				gotSpans = append(gotSpans, [2]int{start, end})
				return false
			})
			want, wantSpans, ok, wantDeep := decoderLeaves(s, body)
			if ok && (!utf8.ValidString(body) || loneSurrogate(body)) {
				ok = false // the UTF-8 policy
			}
			if valid != ok || deep != wantDeep {
				t.Fatalf("%q: walkJSON valid %v deep %v, the Decoder %v %v", body, valid, deep, ok, wantDeep)
			}
			if !ok {
				continue
			}
			if len(got) == len(want) {
				for n := range got { // an empty pointer is "" either way
					if len(got[n].ptr) == 0 && len(want[n].ptr) == 0 {
						got[n].ptr, want[n].ptr = nil, nil
					}
					if len(got[n].schema) == 0 && len(want[n].schema) == 0 {
						got[n].schema, want[n].schema = nil, nil
					}
				}
			}
			if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(gotSpans, wantSpans) {
				t.Fatalf("%q:\n got %v %v\nwant %v %v", body, got, gotSpans, want, wantSpans)
			}
		}
	}
}

// decoderLeaves is the reader walkJSON replaced: encoding/json's Decoder, token by token. It reports each
// member name (place inJSONName) before its value, with the schema pointer ("*" for an array's index), and
// a value's kind is its own name's, when the name rules give one, else its container's.
func decoderLeaves(s side, body string) (leaves []leaf, spans [][2]int, ok, deep bool) {
	type frame struct {
		object  bool
		wantKey bool
		key     string
		index   int
		ptr     string
		schema  string
		ctx     string
	}
	dec := json.NewDecoder(strings.NewReader(body))
	dec.UseNumber()
	var stack []*frame
	done := false
	// A body repeats its member names: each is judged by the name rules once.
	kinds := map[string]string{}
	kindOf := func(name string) string {
		k, ok := kinds[name]
		if !ok {
			k = kindOfName(s, name)
			kinds[name] = k
		}
		return k
	}
	// child is the pointer, schema pointer, member name and rule kind of the value about to be read.
	child := func() (string, string, string, string) {
		if len(stack) == 0 {
			return "", "", "", ""
		}
		f := stack[len(stack)-1]
		if f.object {
			ctx := f.ctx
			if k := kindOf(f.key); k != "" {
				ctx = k
			}
			return wire.Join(f.ptr, f.key), wire.Join(f.schema, f.key), f.key, ctx
		}
		return wire.JoinIndex(f.ptr, f.index), f.schema + "/*", "", f.ctx
	}
	// valueDone moves the enclosing container past the value just read.
	valueDone := func() {
		if len(stack) == 0 {
			done = true
			return
		}
		f := stack[len(stack)-1]
		if f.object {
			f.wantKey = true
		} else {
			f.index++
		}
	}
	for {
		before := int(dec.InputOffset())
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return leaves, spans, done, false
		}
		if err != nil || done {
			return nil, nil, false, false
		}
		end := int(dec.InputOffset())
		if len(stack) > 0 && stack[len(stack)-1].object && stack[len(stack)-1].wantKey {
			f := stack[len(stack)-1]
			if d, isDelim := tok.(json.Delim); isDelim && d == '}' {
				stack = stack[:len(stack)-1]
				valueDone()
				continue
			}
			f.key, _ = tok.(string)
			f.wantKey = false
			ptr, schema, name, ctx := child()
			leaves = append(leaves, leaf{side: s, place: inJSONName, name: name, ptr: []byte(ptr), schema: []byte(schema), str: true, value: name, ctx: ctx})
			spans = append(spans, [2]int{tokenStart(body, before), end})
			continue
		}
		ptr, schema, name, ctx := child()
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				if len(stack) >= MaxDepth {
					return nil, nil, false, true
				}
				stack = append(stack, &frame{object: t == '{', wantKey: t == '{', ptr: ptr, schema: schema, ctx: ctx})
			case ']':
				stack = stack[:len(stack)-1]
				valueDone()
			}
			continue
		case string:
			leaves = append(leaves, leaf{side: s, place: inJSON, name: name, ptr: []byte(ptr), schema: []byte(schema), str: true, value: t, ctx: ctx})
		default: // json.Number, bool, nil
			leaves = append(leaves, leaf{side: s, place: inJSON, name: name, ptr: []byte(ptr), schema: []byte(schema), value: strings.TrimSpace(body[tokenStart(body, before):end]), ctx: ctx})
		}
		spans = append(spans, [2]int{tokenStart(body, before), end})
		valueDone()
	}
}

// loneSurrogate reports whether a string of body escapes a surrogate half without its partner.
func loneSurrogate(body string) bool {
	for i := 0; i+5 < len(body); i++ {
		if body[i] == '\\' && body[i+1] != 'u' {
			i++
			continue
		}
		if body[i] != '\\' {
			continue
		}
		r, err := strconv.ParseUint(body[i+2:i+6], 16, 32)
		if err != nil || !utf16.IsSurrogate(rune(r)) {
			i += 5
			continue
		}
		if r >= 0xDC00 || i+12 > len(body) || body[i+6:i+8] != `\u` {
			return true
		}
		r2, err := strconv.ParseUint(body[i+8:i+12], 16, 32)
		if err != nil || r2 < 0xDC00 || r2 > 0xDFFF {
			return true
		}
		i += 11
	}
	return false
}

// tokenStart skips the whitespace and separators the decoder reads before a token.
func tokenStart(body string, from int) int {
	for from < len(body) && strings.IndexByte(" \t\r\n,:", body[from]) >= 0 {
		from++
	}
	return from
}

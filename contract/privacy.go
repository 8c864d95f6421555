package contract

import (
	"net/textproto"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"github.com/kontrak/kontrak/internal/wire"
)

// The privacy views: what a recorded exchange of an operation may keep, as its spec documents it. Redaction
// (package redact) keeps a value only at a place these views allow and replaces everything else by a
// stand-in; the leak scan reads the same views. Each is derived here once, from the spec, so that redaction,
// the scan and the reports agree on what is documented and what is personal.

// The kinds of a documented place that are not personal data (Place.Kind); the personal kinds are
// x-kontrak-pii's (nik, name, address, date, place, placedate, text).
const (
	// PlaceSecret holds a credential or a token: a security scheme's header or query parameter, a signature's
	// credential input and the signature, an answer's token.
	PlaceSecret = "secret"
	// PlaceMessage holds the documents' free text: the value at the code table's message pointer. A text
	// the documents give (Privacy.Texts) is kept there; any other text is the vendor's own, and may quote the
	// request.
	PlaceMessage = "message"
	// PlaceImage holds the request's image (x-kontrak-image): bytes, base64 or, where accepted, a URL.
	PlaceImage = "image"
)

// Privacy is what an exchange of one operation may keep, by place.
type Privacy struct {
	Operation *Operation
	// Request are the places of the documented request body, by schema pointer ("/field"; "/*" stands for
	// every item of an array): the properties of the request schema, at any depth.
	Request map[string]Place
	// Answer are the places of the documented answer bodies, the union over the operation's responses
	// (Contract.Fields), with the personal places of x-kontrak-pii and x-kontrak-canonical, the token and the
	// code, message and billing pointers marked.
	Answer map[string]Place
	// Query and Headers are the documented query and header parameters of the request, by name (headers in
	// canonical form), credentials among them (PlaceSecret).
	Query, Headers map[string]Place
	// AnswerHeaders are the documented response headers of every status, in canonical form.
	AnswerHeaders []string
	// Texts are the texts the vendor's documents give at a message pointer: every code's messages and
	// description, the messages of a Retry-After and of a refused token, and the examples' values at the
	// message pointer, of every operation of the vendor (a 401 body is shared).
	Texts map[string]bool
	// Words are the words of the vendor's documents' prose, lower case: of Texts, the codes, the operations'
	// summaries and the descriptions of their responses, fields and request properties (never of an
	// example's values, which hold example names). A message made only of them (DocumentedText) says
	// nothing the documents do not.
	Words map[string]bool
}

// DocumentedText reports whether a text at a message pointer is the documents' own: one of Texts, or text
// made only of their words ("error", "ktp not detected"), which cannot quote a request unless the
// documents' words do. A text with no word is not.
func (p *Privacy) DocumentedText(s string) bool {
	if p == nil {
		return false
	}
	if p.Texts[s] {
		return true
	}
	words := textWords(s)
	if len(words) == 0 {
		return false
	}
	for _, w := range words {
		if !p.Words[w] {
			return false
		}
	}
	return true
}

// textWords splits a text into its words, lower case: runs of letters and digits.
func textWords(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// Place is one documented place.
type Place struct {
	// Kind is "" for a documented value that is not personal (a code, a status, a billing flag, a boolean, a
	// score, an id), PlaceSecret, PlaceMessage, PlaceImage, or the personal-data kind of x-kontrak-pii (a
	// canonical KTP field the operation maps and x-kontrak-pii does not name gets the kind of its field:
	// a place, a date or text).
	Kind string
	// Types are the JSON types the schema allows, sorted; empty for any.
	Types []string
	// Set is the closed set of the place, where the documents give one: a code table's codes at the code
	// pointer, the billing values at the billing pointer, a schema's enum, or the KTP vocabulary's values of
	// the canonical field mapped there (gender, religion, marital status, blood type, nationality).
	Set []string
	// Values are documented values of an open place: a sandbox parameter's codes.
	Values []string
}

// Personal reports whether the place holds personal data.
func (p Place) Personal() bool {
	switch p.Kind {
	case "", PlaceSecret, PlaceMessage, PlaceImage:
		return false
	}
	return true
}

// canonicalKinds is the personal-data kind of each canonical KTP field (KTP), by x-kontrak-pii's kinds: what
// its stand-in is when the operation maps the field and x-kontrak-pii does not name its place. A field with
// a vocabulary set (gender, religion, …) is "text" with Place.Set.
var canonicalKinds = map[string]string{
	"nik": "nik", "name": "name", "birthPlace": "place", "birthDate": "date", "gender": "text", "bloodType": "text",
	"address": "address", "rt": "text", "rw": "text", "village": "place", "district": "place", "city": "place",
	"province": "place", "religion": "text", "maritalStatus": "text", "occupation": "text", "nationality": "text",
	"expiry": "date",
}

var privacyCache sync.Map // *Operation → *Privacy

// Privacy is the operation's privacy view, computed once an operation. A schema that does not read (which
// Load has already read once) leaves its response's places out: they are then undocumented, and replaced.
func (c *Contract) Privacy(o *Operation) *Privacy {
	if o == nil {
		return nil
	}
	if p, ok := privacyCache.Load(o); ok {
		return p.(*Privacy)
	}
	p, _ := privacyCache.LoadOrStore(o, c.computePrivacy(o))
	return p.(*Privacy)
}

func (c *Contract) computePrivacy(o *Operation) *Privacy {
	p := &Privacy{Operation: o, Request: map[string]Place{}, Answer: map[string]Place{}, Query: map[string]Place{},
		Headers: map[string]Place{}, Texts: map[string]bool{}}
	secrets := Secrets{}
	o.addSecrets(&secrets)

	// The request.
	requestPlaces(o.RequestSchema, "", p.Request, 0)
	for _, f := range secrets.Fields {
		p.Request["/"+wire.Escape(f)] = Place{Kind: PlaceSecret, Types: p.Request["/"+wire.Escape(f)].Types}
	}
	if f, _ := o.ImageField(); f != "" {
		pl := p.Request["/"+wire.Escape(f)]
		pl.Kind = PlaceImage
		p.Request["/"+wire.Escape(f)] = pl
	}
	for _, prm := range o.Parameters {
		pl := Place{Types: schemaTypes(prm.Schema)}
		switch prm.In {
		case "query":
			p.Query[prm.Name] = pl
		case "header":
			p.Headers[textproto.CanonicalMIMEHeaderKey(prm.Name)] = pl
		}
	}
	for _, q := range secrets.Query {
		p.Query[q] = Place{Kind: PlaceSecret}
	}
	for _, h := range secrets.Headers {
		p.Headers[h] = Place{Kind: PlaceSecret}
	}
	for _, sp := range o.Sandbox {
		var vals []string
		for _, sc := range sp.Codes {
			vals = append(vals, sc.Value)
		}
		name := sp.Parameter.Name
		switch sp.Parameter.In {
		case "query":
			pl := p.Query[name]
			pl.Values = append(pl.Values, vals...)
			p.Query[name] = pl
		case "header":
			pl := p.Headers[textproto.CanonicalMIMEHeaderKey(name)]
			pl.Values = append(pl.Values, vals...)
			p.Headers[textproto.CanonicalMIMEHeaderKey(name)] = pl
		default:
			ptr := "/" + wire.Escape(name)
			pl := p.Request[ptr]
			pl.Values = append(pl.Values, vals...)
			p.Request[ptr] = pl
		}
	}

	// The answers: every documented field, then what the extensions say of some.
	for _, r := range o.Responses {
		fs, err := c.Fields(r)
		if err != nil {
			continue
		}
		for _, f := range fs {
			pl := p.Answer[f.Pointer]
			pl.Types = union(pl.Types, f.Types)
			if len(f.Types) == 0 {
				pl.Types = nil
			}
			pl.Set = union(pl.Set, f.Set)
			p.Answer[f.Pointer] = pl
		}
		for _, h := range r.Headers {
			if n := textproto.CanonicalMIMEHeaderKey(h.Name); !slices.Contains(p.AnswerHeaders, n) {
				p.AnswerHeaders = append(p.AnswerHeaders, n)
			}
		}
	}
	slices.Sort(p.AnswerHeaders)
	mark := func(ptr, kind string, set []string) {
		if ptr == "" {
			return
		}
		pl := p.Answer[ptr]
		pl.Kind = kind
		if set != nil {
			pl.Set = set
		}
		p.Answer[ptr] = pl
	}
	if cm := o.Canonical; cm != nil {
		voc := o.Vendor.vocab
		for name, fm := range cm.Fields {
			var set []string
			if voc != nil {
				if s := voc.Set(name); s != nil {
					set = s.Values
				}
			}
			for _, m := range append([]*FieldMap{fm}, fm.Also...) {
				if m != nil {
					mark(m.Pointer, canonicalKinds[name], set)
				}
			}
		}
	}
	for ptr, kind := range o.PII {
		pl := p.Answer[ptr]
		pl.Kind = kind
		p.Answer[ptr] = pl
	}
	for _, ptr := range o.AnswerSecrets() {
		mark(ptr, PlaceSecret, nil)
	}
	if o.Codes.Pointer != "" {
		mark(o.Codes.Pointer, "", o.codeList())
	}
	if o.Billing.Pointer != "" && len(o.Billing.Values) > 0 {
		mark(o.Billing.Pointer, "", o.Billing.flagValues())
	}
	if mp := o.Codes.MessagePointer; mp != "" {
		pl := p.Answer[mp]
		if !pl.Personal() {
			pl.Kind = PlaceMessage
			p.Answer[mp] = pl
		}
	}

	// The texts the vendor's documents give, and the words of its documents' prose.
	p.Words = map[string]bool{}
	addWords := func(t string) {
		for _, w := range textWords(t) {
			p.Words[w] = true
		}
	}
	for _, vo := range o.Vendor.Operations {
		addTexts(vo, p.Texts)
		addWords(vo.Summary)
		for _, code := range vo.Codes.Codes {
			addWords(code.Code)
		}
		for _, r := range vo.Responses {
			addWords(r.Description)
			if fs, err := c.Fields(r); err == nil {
				for _, f := range fs {
					addWords(f.Description)
				}
			}
		}
		if props, ok := vo.RequestSchema["properties"].(map[string]any); ok {
			for _, ps := range props {
				if m, ok := ps.(map[string]any); ok {
					if d, ok := m["description"].(string); ok {
						addWords(d)
					}
				}
			}
		}
	}
	delete(p.Texts, "")
	for t := range p.Texts {
		addWords(t)
	}
	return p
}

// addTexts adds the texts an operation's documents give at its message pointer.
func addTexts(o *Operation, texts map[string]bool) {
	for _, code := range o.Codes.Codes {
		for _, m := range code.Messages {
			texts[m] = true
		}
		if code.Description != "" {
			texts[code.Description] = true
		}
		if code.RetryAfter != nil {
			for _, m := range code.RetryAfter.Messages {
				texts[m] = true
			}
		}
	}
	if o.Token != nil && o.Token.Refused != nil {
		for _, m := range o.Token.Refused.Messages {
			texts[m] = true
		}
	}
	if mp := o.Codes.MessagePointer; mp != "" {
		for _, r := range o.Responses {
			for _, ex := range r.Examples {
				if doc, ok := decodeJSON(ex.Value); ok {
					if s, ok := lookupValue(doc, mp); ok {
						if t, ok := s.(string); ok {
							texts[t] = true
						}
					}
				}
			}
		}
	}
}

// requestPlaces flattens an inline request schema into places: its properties at any depth, an array's
// items as "/*", through allOf, anyOf and oneOf.
func requestPlaces(s map[string]any, ptr string, out map[string]Place, depth int) {
	if s == nil || depth > 32 {
		return
	}
	if ptr != "" {
		pl := out[ptr]
		pl.Types = union(pl.Types, schemaTypes(s))
		for _, k := range []string{"enum", "const"} {
			switch v := s[k].(type) {
			case []any:
				for _, x := range v {
					if str, ok := x.(string); ok {
						pl.Set = union(pl.Set, []string{str})
					}
				}
			case string:
				pl.Set = union(pl.Set, []string{v})
			}
		}
		out[ptr] = pl
	}
	if props, ok := s["properties"].(map[string]any); ok {
		for name, ps := range props {
			if m, ok := ps.(map[string]any); ok {
				requestPlaces(m, ptr+"/"+wire.Escape(name), out, depth+1)
			}
		}
	}
	if it, ok := s["items"].(map[string]any); ok {
		requestPlaces(it, ptr+"/*", out, depth+1)
	}
	for _, k := range []string{"allOf", "anyOf", "oneOf"} {
		if l, ok := s[k].([]any); ok {
			for _, x := range l {
				if m, ok := x.(map[string]any); ok {
					requestPlaces(m, ptr, out, depth+1)
				}
			}
		}
	}
}

// schemaTypes are a schema's types, sorted: a place's types compare as sets.
func schemaTypes(s map[string]any) []string {
	t := SchemaTypes(s)
	slices.Sort(t)
	return t
}

func union(a, b []string) []string {
	if len(b) == 0 {
		return a
	}
	out := append(append([]string(nil), a...), b...)
	slices.Sort(out)
	return slices.Compact(out)
}

// Place returns the place of a schema pointer of the request (answer false) or the answer, and whether
// the documents know it.
func (p *Privacy) Place(answer bool, ptr string) (Place, bool) {
	if p == nil {
		return Place{}, false
	}
	m := p.Request
	if answer {
		m = p.Answer
	}
	pl, ok := m[ptr]
	return pl, ok
}

// DocumentedHosts are the hosts the documents name: every vendor's servers (a templated one, such as
// Kredibel's {vision}, names none) and the hosts of the vendors' documentation pages, lower case and
// sorted. A cassette's provenance names these pages, and its requests these servers.
func (c *Contract) DocumentedHosts() []string {
	var out []string
	add := func(raw string) {
		u, err := url.Parse(raw)
		if err != nil || u.Host == "" || strings.ContainsAny(u.Host, "{}") {
			return
		}
		out = append(out, strings.ToLower(u.Hostname()))
	}
	for _, v := range c.vendors {
		for _, s := range v.Servers {
			add(s.URL)
		}
		for _, pg := range v.Pages {
			add(pg)
		}
		for _, o := range v.Operations {
			add(o.Source.Page)
			add(o.Codes.Source.Page)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// ServerPaths are the path prefixes of the vendors' documented servers ("/openapi" of a server
// https://host/openapi), without a trailing slash; empty when no server has one.
func (c *Contract) ServerPaths() []string {
	var out []string
	for _, v := range c.vendors {
		for _, s := range v.Servers {
			if u, err := url.Parse(s.URL); err == nil {
				if p := strings.TrimRight(u.Path, "/"); p != "" && !strings.ContainsAny(p, "{}") {
					out = append(out, p)
				}
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// ShownName is a name that came from the input (a header's, a member's, a coding's) as an error, a
// finding or a leak may print it: itself when identifier-like (SafeName) and no encoded text, else its
// shape, since it may be the very value that leaks ("X-Nik-3174…", a person's name as a key, its base64).
func ShownName(n string) string {
	if printableName(n) {
		return n
	}
	return "(a name shaped " + wire.Shape(n) + ")"
}

// printableName: a name from the input that a printer gives as it is (ShownName, ShapePointer, a finding's
// member name): identifier-like (SafeName) and no encoded text in it.
func printableName(n string) bool { return SafeName(n) && !wire.EncodedParts(n) }

// safeSegment: a path segment a printer gives as it is: a safe name, no encoded text, and not made only of
// upper-case words (a name written as a KTP writes it, "KANARI-INDAH"; routes are written in lower case).
func safeSegment(s string) bool {
	if !SafeName(s) || wire.EncodedParts(s) {
		return false
	}
	words, upper := 0, 0
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return r == '.' || r == '-' || r == '_' }) {
		words++
		if len(w) >= 3 && strings.ToUpper(w) == w && strings.ToLower(w) != w {
			upper++
		}
	}
	return words == 0 || upper < words
}

// ShownMethod is a request's method as a message prints it: a method of the IANA HTTP Method Registry as
// it is (upper case), anything else by its shape (the input chose it: a name, a NIK).
func ShownMethod(m string) string {
	if wire.Method(m) {
		return m
	}
	return "(a method shaped " + wire.Shape(m) + ")"
}

// ShownPath is a request path as a finding, a report or a log may print it: each segment that is not
// identifier-like (SafeName, after its escapes are undone: "ktp%2F3174…" holds a NIK) given by its shape,
// a query and a fragment dropped. A path that matched no documented route came from the input, and may
// carry a NIK or a name; this is the one redaction of a place every printer of a path goes through.
func ShownPath(p string) string {
	p, _, _ = strings.Cut(p, "#")
	p, _, _ = strings.Cut(p, "?")
	segs := strings.Split(p, "/")
	for n, seg := range segs {
		if seg == "" {
			continue
		}
		plain, err := url.PathUnescape(seg)
		if err == nil && plain == seg && safeSegment(seg) {
			continue
		}
		if err != nil {
			plain = seg
		}
		segs[n] = "(" + wire.Shape(plain) + ")"
	}
	return strings.Join(segs, "/")
}

// SafeName reports whether a name (a JSON member, a header, a query parameter, a path segment) is
// identifier-like: ASCII letters, digits, '_', '-' and '.', starting with a letter or '_', at most 64
// bytes, no run of more than three digits, no '.' twice in a row. Such a name names a field or a resource;
// anything else (a number, a date, a NIK, words with spaces, an escape) may be a value, and is not shown
// where personal data must not be: redaction replaces it, a report prints its shape.
func SafeName(s string) bool {
	if s == "" {
		return false
	}
	if c0 := s[0]; !(c0 >= 'a' && c0 <= 'z' || c0 >= 'A' && c0 <= 'Z' || c0 == '_') {
		return false
	}
	return shortWord(s, 3, func(i int) bool {
		c := s[i]
		return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '-' || c == '.' && (i == 0 || s[i-1] != '.')
	})
}

// shortWord is the scanner SafeName and safeCode share: s is not empty, at most 64 bytes, and made of
// ASCII digits, no run of more than maxDigits of them, and of the bytes allowed accepts (by index, for a
// rule that looks at the byte before).
func shortWord(s string, maxDigits int, allowed func(i int) bool) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	run := 0
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= '0' && c <= '9' {
			run++
			if run > maxDigits {
				return false
			}
			continue
		}
		if !allowed(i) {
			return false
		}
		run = 0
	}
	return true
}

// ShapePath is a URL path as a report may print it: each segment that is not a SafeName is given by its
// shape (wire.Shape: digits as 9, letters as A or a), so that a NIK or a name in a path is never echoed;
// "/v1/ktp/3174011708900002" prints as "/v1/ktp/9999999999999999". A query or fragment is dropped.
func ShapePath(path string) string {
	path, _, _ = strings.Cut(path, "?")
	path, _, _ = strings.Cut(path, "#")
	segs := strings.Split(path, "/")
	for i, s := range segs {
		if s == "" || safeSegment(s) {
			continue
		}
		if u, err := url.PathUnescape(s); err == nil {
			s = u
		}
		segs[i] = wire.Shape(s)
	}
	return strings.Join(segs, "/")
}

// ShapePointer is a JSON Pointer as a report may print it: each reference token that is not a SafeName
// nor an array index is given by its shape, so that a member named with a value is never echoed.
func ShapePointer(ptr string) string {
	if ptr == "" {
		return ptr
	}
	toks := strings.Split(ptr, "/")
	for i, t := range toks {
		if i == 0 || t == "" || t == "*" || printableName(wire.Unescape(t)) || isIndex(t) {
			continue
		}
		toks[i] = wire.Escape(wire.Shape(wire.Unescape(t)))
	}
	return strings.Join(toks, "/")
}

func isIndex(t string) bool {
	if t == "" || len(t) > 9 {
		return false
	}
	for i := 0; i < len(t); i++ {
		if t[i] < '0' || t[i] > '9' {
			return false
		}
	}
	return t == "0" || t[0] != '0'
}

// Shaped is the finding as a report or a log may print it: never a value of personal data. The pointer
// is ShapePointer's; a route-undocumented's "METHOD /path" gives the path by ShapePath; a value a finding
// quotes outside a documented set (an undocumented code, a billing flag, a value outside an enum or the
// KTP vocabulary) stays when it is a SafeName (a code such as NEW_CODE), else it is given by its shape;
// field-undocumented's member name likewise. The message follows. What a finding already shapes (a
// message, a NIK, a date) is left as it is.
// A quoted value of several words (a code written "INVALID PARAMETER") stays only when every word is one
// of words (the vendor's documents', Privacy.Words): "KANARI INDAH" at a code's place is a person's name.
// Control characters of the input are never printed. Contract.Judge gives every finding through it.
func (f Finding) Shaped(words map[string]bool) Finding {
	out := f
	out.Pointer = noControl(ShapePointer(f.Pointer))
	replace := func(old, new string) {
		if old == new || old == "" {
			return
		}
		out.Actual = strings.ReplaceAll(out.Actual, old, new)
		out.Expected = strings.ReplaceAll(out.Expected, old, new)
		out.Message = strings.ReplaceAll(out.Message, old, new)
	}
	switch f.ID {
	case RouteUndocumented:
		method, path, ok := strings.Cut(f.Actual, " /") // a method shaped already holds spaces
		if !ok {
			method, path, _ = strings.Cut(f.Actual, " ")
		} else {
			path = "/" + path
		}
		if !strings.HasPrefix(method, "(a method shaped ") {
			method = ShownMethod(method)
		}
		if shaped := method + " " + ShapePath(path); shaped != f.Actual {
			replace(f.Actual, shaped)
		}
	case ErrorCodeUndocumented, ValueNotInSet, KTPValueUnusual, BillingFlagMismatch:
		v := f.Actual
		if uq, ok := unquote(v); ok {
			v = uq
		}
		// A code may be new (the drift a user must see): printed when it is a safe name, or words the
		// documents use. A value of a closed set or a KTP field of several parts is printed only when each
		// part is a word of the documents or of the set the finding names ("LAKI LAKI" for "LAKI-LAKI"),
		// never a name written with dashes or underscores ("KANARI-INDAH").
		also := textWords(f.Expected)
		ok := (SafeName(v) || safeCode(v)) && documentedParts(v, words, also)
		if f.ID == ErrorCodeUndocumented {
			ok = SafeName(v) || safeCode(v) && documentedWords(v, words)
		}
		if v != "" && !ok {
			shaped := "a value shaped " + wire.Shape(v) + " (withheld: may be personal data)"
			replace(f.Actual, shaped)
			if len(v) >= 4 {
				replace(v, wire.Shape(v))
			}
		}
	case FieldUndocumented:
		tokens := strings.Split(f.Pointer, "/")
		if last := tokens[len(tokens)-1]; capsName(wire.Unescape(last), words) {
			// The undocumented member's name is upper-case words the documents do not use: a name.
			tokens[len(tokens)-1] = wire.Escape(wire.Shape(wire.Unescape(last)))
			out.Pointer = noControl(ShapePointer(strings.Join(tokens, "/")))
		}
		for i, t := range strings.Split(f.Pointer, "/") {
			if name := wire.Unescape(t); name != "" && (!printableName(name) || i == len(tokens)-1 && capsName(name, words)) && !isIndex(t) {
				replace("field "+name+" ", "field "+wire.Shape(name)+" ")
				replace("field "+name, "field "+wire.Shape(name))
			}
		}
	}
	if f.Pointer != out.Pointer {
		// The message names the pointer as it is, as Display writes it, or quoted (%q escapes a newline).
		out.Message = strings.ReplaceAll(out.Message, strconv.Quote(f.Pointer), strconv.Quote(out.Pointer))
		out.Message = strings.ReplaceAll(out.Message, f.Pointer, out.Pointer)
		out.Message = strings.ReplaceAll(out.Message, wire.Display(f.Pointer), wire.Display(out.Pointer))
	}
	out.Expected, out.Actual, out.Message = noControl(out.Expected), noControl(out.Actual), noControl(out.Message)
	return out
}

// documentedWords: s has no space, or each of its words is one of words (lower case); with no words,
// only a single word.
func documentedWords(s string, words map[string]bool) bool {
	if !strings.Contains(s, " ") {
		return true
	}
	for _, w := range strings.Fields(s) {
		if !words[strings.ToLower(w)] {
			return false
		}
	}
	return true
}

// documentedParts: s is one part, or each of its parts (between spaces, dashes, underscores and dots) is
// a word of the documents (lower case) or a number.
func documentedParts(s string, words map[string]bool, also []string) bool {
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '-' || r == '_' || r == '.' })
	if len(parts) < 2 {
		return true
	}
	for _, p := range parts {
		if l := strings.ToLower(p); !words[l] && !slices.Contains(also, l) && strings.Trim(p, "0123456789") != "" {
			return false
		}
	}
	return true
}

// capsName: a name of two or more upper-case words (between dashes, underscores and dots) that the
// documents do not all use, as a person's name written as an identifier is ("KANARI_INDAH").
func capsName(s string, words map[string]bool) bool {
	caps, undocumented := 0, false
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return r == '-' || r == '_' || r == '.' }) {
		if len(p) >= 2 && strings.ToUpper(p) == p && strings.Trim(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == "" {
			caps++
			undocumented = undocumented || !words[strings.ToLower(p)]
		}
	}
	return caps >= 2 && undocumented
}

// noControl replaces the control characters of a text from the input (a newline that would start a
// workflow command, an escape sequence) by U+FFFD: a finding prints on one line, as it came.
func noControl(s string) string {
	if !strings.ContainsFunc(s, unicode.IsControl) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return '\uFFFD'
		}
		return r
	}, s)
}

// safeCode: a short text of words a code or a flag is written in (upper-case letters, digits, '_', '-',
// '.', spaces between words), without a run of more than four digits: "INVALID PARAMETER", "4001".
func safeCode(s string) bool {
	return shortWord(s, 4, func(i int) bool {
		c := s[i]
		return c >= 'A' && c <= 'Z' || c == '_' || c == '-' || c == '.' || c == ' '
	})
}

// unquote undoes quoteValue's %q.
func unquote(s string) (string, bool) {
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		if out, err := strconv.Unquote(s); err == nil {
			return out, true
		}
		return s[1 : len(s)-1], true
	}
	return s, false
}

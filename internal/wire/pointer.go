package wire

import (
	"fmt"
	"strconv"
	"strings"
)

// JSON Pointers (RFC 6901) over decoded JSON: objects as map[string]any, arrays as []any. The empty
// pointer is the whole document.

var (
	escaper   = strings.NewReplacer("~", "~0", "/", "~1")
	unescaper = strings.NewReplacer("~1", "/", "~0", "~")
)

// Escape escapes one reference token: "~" becomes "~0" and "/" becomes "~1".
func Escape(token string) string { return escaper.Replace(token) }

// Unescape undoes Escape. Reading "~1" first and then "~0" in one pass is what RFC 6901 asks: "~01" is
// "~1", not "/".
func Unescape(token string) string { return unescaper.Replace(token) }

// Join appends tokens, each escaped, to the pointer ptr: Join("/data", "a/b") is "/data/a~1b".
func Join(ptr string, tokens ...string) string {
	var b strings.Builder
	b.WriteString(ptr)
	for _, t := range tokens {
		b.WriteByte('/')
		b.WriteString(Escape(t))
	}
	return b.String()
}

// JoinIndex appends an array index to ptr.
func JoinIndex(ptr string, i int) string { return ptr + "/" + strconv.Itoa(i) }

// Display is a pointer as a message shows it: "/" for the whole document, else the pointer.
func Display(ptr string) string {
	if ptr == "" {
		return "/"
	}
	return ptr
}

// Split returns a pointer's reference tokens, unescaped. A pointer other than "" must start with "/"; a
// "~" must be followed by "0" or "1".
func Split(ptr string) ([]string, error) {
	if ptr == "" {
		return nil, nil
	}
	if ptr[0] != '/' {
		return nil, fmt.Errorf("JSON Pointer %q does not start with /", ptr)
	}
	tokens := strings.Split(ptr[1:], "/")
	for i, t := range tokens {
		for j := 0; j < len(t); j++ {
			if t[j] == '~' && (j+1 == len(t) || (t[j+1] != '0' && t[j+1] != '1')) {
				return nil, fmt.Errorf("JSON Pointer %q: ~ not followed by 0 or 1", ptr)
			}
		}
		tokens[i] = Unescape(t)
	}
	return tokens, nil
}

// Get returns the value at ptr in doc, and whether there is one. An array token is a decimal index
// without leading zeros.
func Get(doc any, ptr string) (any, bool) {
	if ptr != "" && ptr[0] == '/' && strings.IndexByte(ptr, '~') < 0 {
		return walk(doc, ptr[1:]) // no escape: walked in place, allocating nothing (Check reads many)
	}
	tokens, err := Split(ptr)
	if err != nil {
		return nil, false
	}
	cur := doc
	for _, t := range tokens {
		var ok bool
		if cur, ok = step(cur, t); !ok {
			return nil, false
		}
	}
	return cur, true
}

// walk follows the tokens of rest ("a/0/b"), which hold no escape, through doc.
func walk(doc any, rest string) (any, bool) {
	node := doc
	for {
		token, more, cut := strings.Cut(rest, "/")
		var ok bool
		if node, ok = step(node, token); !ok {
			return nil, false
		}
		if !cut {
			return node, true
		}
		rest = more
	}
}

// step is one token of a pointer: a member of an object, or an index of an array.
func step(node any, token string) (any, bool) {
	switch c := node.(type) {
	case map[string]any:
		v, ok := c[token]
		return v, ok
	case []any:
		n, ok := index(token, len(c))
		if !ok {
			return nil, false
		}
		return c[n], true
	}
	return nil, false
}

// Set writes value at ptr in doc and returns the document (a new one when ptr is "", or when doc is nil
// and becomes an object). Objects are created on the way where a member is absent or null; an array is
// entered by an existing index. A token that meets a string, number or boolean is an error naming the
// pointer: Set never replaces data it was not asked to.
func Set(doc any, ptr string, value any) (any, error) {
	tokens, err := Split(ptr)
	if err != nil {
		return nil, err
	}
	if len(tokens) == 0 {
		return value, nil
	}
	if doc == nil {
		doc = map[string]any{}
	}
	cur := doc
	for i, t := range tokens {
		last := i == len(tokens)-1
		switch c := cur.(type) {
		case map[string]any:
			if last {
				c[t] = value
				return doc, nil
			}
			next := c[t]
			if next == nil {
				next = map[string]any{}
				c[t] = next
			}
			cur = next
		case []any:
			n, ok := index(t, len(c))
			if !ok {
				return nil, fmt.Errorf("JSON Pointer %s: %q is no index of an array of %d", ptr, t, len(c))
			}
			if last {
				c[n] = value
				return doc, nil
			}
			if c[n] == nil {
				c[n] = map[string]any{}
			}
			cur = c[n]
		default:
			return nil, fmt.Errorf("JSON Pointer %s: %s is not an object or an array", ptr, Display(Join("", tokens[:i]...)))
		}
	}
	return doc, nil
}

func index(t string, n int) (int, bool) {
	if t == "" || (len(t) > 1 && t[0] == '0') {
		return 0, false
	}
	i, err := strconv.Atoi(t)
	if err != nil || i < 0 || i >= n || t[0] == '+' {
		return 0, false
	}
	return i, true
}

// CopyJSON is a deep copy of a decoded JSON document (objects and arrays copied, scalars shared); when
// str is not nil, every string of it, member names too, is str's mapping of it (a template filled in).
func CopyJSON(v any, str func(string) string) any {
	switch t := v.(type) {
	case string:
		if str != nil {
			return str(t)
		}
	case map[string]any:
		m := make(map[string]any, len(t))
		for k, x := range t {
			if str != nil {
				k = str(k)
			}
			m[k] = CopyJSON(x, str)
		}
		return m
	case []any:
		a := make([]any, len(t))
		for i, x := range t {
			a[i] = CopyJSON(x, str)
		}
		return a
	}
	return v
}

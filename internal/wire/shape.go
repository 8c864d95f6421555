package wire

import (
	"errors"
	"net/url"
	"regexp"
	"strings"
	"unicode"
)

// Shape describes a value without giving it: every digit becomes 9, every upper-case letter A, every other
// letter a; punctuation and spaces stay. It is what a finding or a log line may say about a value that may be
// personal data ("99-99-9999"). Past 40 characters the shape is cut with "…".
func Shape(s string) string {
	r := []rune(s)
	if len(r) > 40 {
		r = append(r[:40], '…')
	}
	for i, c := range r {
		switch {
		case unicode.IsDigit(c):
			r[i] = '9'
		case unicode.IsUpper(c):
			r[i] = 'A'
		case unicode.IsLetter(c):
			r[i] = 'a'
		}
	}
	return string(r)
}

// ShapeUnlessShort is s as it is when it has at most n characters (a status, a version: too short to be
// personal data), else its Shape.
func ShapeUnlessShort(s string, n int) string {
	if len([]rune(s)) <= n {
		return s
	}
	return Shape(s)
}

// quotedRE is a segment a library's error message quotes from its input: "…" (Go's %q: url, strconv),
// `…` (the YAML decoder's value) or '…' without white space (the YAML decoder's anchor), escapes kept.
var quotedRE = regexp.MustCompile("\"(?:[^\"\\\\]|\\\\.)*\"|`[^`]*`|'[^'\\s]+'")

var yamlTagRE = regexp.MustCompile("(cannot (?:construct|unmarshal) )([^ `]+)")

// ShapeQuoted is a library's error message with each quoted segment of its input longer than three
// characters given by its Shape: such messages quote the value at fault (a URL, a port, the first bytes of a
// YAML scalar), which may hold a NIK or a name. "%zz" of an invalid escape stays as it is.
func ShapeQuoted(msg string) string {
	// The YAML decoder names a value's tag unquoted ("cannot construct !<tag:…> `2` into int"): a tag of
	// its own ("!!str") as it is, any other (the input's) by its shape.
	msg = yamlTagRE.ReplaceAllStringFunc(msg, func(m string) string {
		sub := yamlTagRE.FindStringSubmatch(m)
		if strings.HasPrefix(sub[2], "!!") {
			return m
		}
		return sub[1] + Shape(sub[2])
	})
	return quotedRE.ReplaceAllStringFunc(msg, func(q string) string {
		return q[:1] + ShapeUnlessShort(q[1:len(q)-1], 3) + q[len(q)-1:]
	})
}

// URLFault is what is wrong with a URL that does not parse, without the URL: url.Error quotes it whole,
// and it may hold a NIK or a name. Print it through ShapeQuoted (a port or a host it quotes).
func URLFault(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err.Error()
	}
	return err.Error()
}

package wire

import "unicode"

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

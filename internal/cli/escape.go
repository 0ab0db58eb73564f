//go:build linux

package cli

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Key descriptions are chosen by whoever created the key, possibly another
// user, and reach the terminal of whoever lists them. So that a
// description cannot drive the terminal (retitle it, clear it, move the
// cursor and overwrite lines, hide text, answer back), keyctl escapes the
// key-derived text it prints when the output is a terminal: types,
// descriptions (describe, rdescribe, list, show) and security labels on
// standard output, and, in diagnostics on standard error, the arguments
// echoed back ("Can't find 'user:<desc>'", "Unparsable key: '<arg>'").
// When the output is not a terminal (a pipe, a file) the bytes are the
// kernel's, as with keyutils 1.6.3, so scripts see exactly what they did.
//
// Payloads are not escaped: print shows only printable ASCII and hex,
// read hex, and pipe (like the pkey commands' results) writes the payload
// itself, which is what it is for.

// termSafe returns s with what a terminal would act on instead of
// displaying escaped: C0 control characters (tab and newline included) and
// DEL as \xHH, C1 control characters (U+0080 to U+009F, which a UTF-8
// terminal takes as escape sequences too) and the Unicode characters that
// reorder or break the text around them (bidirectional controls, line and
// paragraph separators) as \uHHHH, and bytes that are not UTF-8 as \xHH.
// Everything else, backslashes included, is kept: the escaped form is for
// reading, not a reversible encoding (the exact bytes go to pipes).
func termSafe(s string) string {
	i := 0
	for i < len(s) && s[i] >= 0x20 && s[i] < 0x7f {
		i++
	}
	if i == len(s) {
		return s
	}
	const digits = hexDigits
	var b strings.Builder
	b.Grow(len(s) + 16)
	b.WriteString(s[:i])
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1, r < 0x20, r == 0x7f:
			c := s[i]
			b.WriteString(`\x`)
			b.WriteByte(digits[c>>4])
			b.WriteByte(digits[c&15])
		case r >= 0x80 && r < 0xa0, r == 0x2028, r == 0x2029, unicode.Is(unicode.Bidi_Control, r):
			b.WriteString(`\u`)
			for shift := 12; shift >= 0; shift -= 4 {
				b.WriteByte(digits[r>>shift&15])
			}
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// keyText is key-derived text (a type, a description, a security label)
// as keyctl prints it on standard output: escaped by termSafe when that is
// a terminal, unchanged otherwise.
func (c *ctx) keyText(s string) string {
	if !c.out.line {
		return s
	}
	return termSafe(s)
}

package syslog

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Escape returns s with what could end, split or forge a log record, or
// drive a terminal, escaped, in the form keyctl uses on a terminal:
//
//   - the C0 control characters other than tab (NUL, newline, carriage
//     return, escape, ...), DEL and bytes that are not valid UTF-8 as \xhh;
//   - the C1 control characters U+0080-U+009F (which a UTF-8 terminal
//     takes as escape sequences too: U+009B is CSI), the line and paragraph
//     separators U+2028 and U+2029, and the bidirectional controls (which
//     reorder the text around them) as \uhhhh.
//
// Everything else is unchanged: printable ASCII (the backslash included:
// the form is for reading, not a reversible encoding, so that ordinary
// text stays byte-identical), tab (harmless, and common between the fields
// of configuration lines), and valid UTF-8 text. Escape(Escape(s)) ==
// Escape(s), and Escape returns s itself when there is nothing to escape.
func Escape(s string) string {
	i := 0
	for i < len(s) {
		n := safeLen(s[i:])
		if n == 0 {
			break
		}
		i += n
	}
	if i == len(s) {
		return s
	}
	const hex = "0123456789abcdef"
	var b strings.Builder
	b.Grow(len(s) + 16)
	b.WriteString(s[:i])
	for i < len(s) {
		if n := safeLen(s[i:]); n > 0 {
			b.WriteString(s[i : i+n])
			i += n
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r < 0x80 || r == utf8.RuneError && size == 1 {
			b.WriteString(`\x`)
			b.WriteByte(hex[s[i]>>4])
			b.WriteByte(hex[s[i]&0xf])
			i++
			continue
		}
		b.WriteString(`\u`)
		for shift := 12; shift >= 0; shift -= 4 {
			b.WriteByte(hex[r>>shift&0xf])
		}
		i += size
	}
	return b.String()
}

// safeLen returns the length of the character at the start of s if it is
// kept as it is, or 0 if it must be escaped.
func safeLen(s string) int {
	c := s[0]
	switch {
	case c == '\t' || c >= 0x20 && c < 0x7f:
		return 1
	case c < 0x80:
		return 0
	}
	r, size := utf8.DecodeRuneInString(s)
	switch {
	case r == utf8.RuneError && size == 1, r < 0xa0, r == 0x2028, r == 0x2029, unicode.Is(unicode.Bidi_Control, r):
		return 0
	}
	return size
}

// CString returns s up to its first NUL byte, as C's "%s" and "%.*s"
// print it.
func CString(s string) string {
	if i := strings.IndexByte(s, 0); i >= 0 {
		return s[:i]
	}
	return s
}

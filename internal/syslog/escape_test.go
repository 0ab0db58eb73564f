package syslog

import (
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestEscape(t *testing.T) {
	for in, want := range map[string]string{
		"":                                   "",
		"user;0;0;1f0000;debug:1234":         "user;0;0;1f0000;debug:1234",
		"tab\there \\x1b stays":              "tab\there \\x1b stays",
		"caf\u00e9 \u65e5\u672c \U0001F511":  "caf\u00e9 \u65e5\u672c \U0001F511",
		"\ufffd is text":                     "\ufffd is text",
		"a\x00b":                             `a\x00b`,
		"line\nforged":                       `line\x0aforged`,
		"\x1b]0;pwned\x07\x1b[2J":            `\x1b]0;pwned\x07\x1b[2J`,
		"cr\rlf\x0bff\x0c\x7f":               `cr\x0dlf\x0bff\x0c\x7f`,
		"c1 \u009b2J \u0085":                 `c1 \u009b2J \u0085`,
		"bidi \u202eevil\u2066 \u2028\u2029": `bidi \u202eevil\u2066 \u2028\u2029`,
		"\u00a0nbsp \u200bzwsp":              "\u00a0nbsp \u200bzwsp",
		"bad \xff\xc3 utf8 \xed\xa0\x80":     `bad \xff\xc3 utf8 \xed\xa0\x80`,
		"\xc3\xa9\xc3":                       "\u00e9\\xc3",
	} {
		if got := Escape(in); got != want {
			t.Errorf("Escape(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCString(t *testing.T) {
	for in, want := range map[string]string{"": "", "abc": "abc", "x\x00sshd[1]: y": "x", "\x00": ""} {
		if got := CString(in); got != want {
			t.Errorf("CString(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzEscape: the result holds nothing that can end or split a record or
// drive a terminal (C0 controls but tab, DEL, C1 controls, line and
// paragraph separators, bidirectional controls, invalid UTF-8); escaping
// is idempotent; a string with nothing to escape is returned unchanged;
// and, where the input has no backslash, undoing the escapes gives back
// the input.
func FuzzEscape(f *testing.F) {
	for _, s := range []string{"", "plain", "a\x00b\nc", "\x1b]0;t\x07", "\u009b\u00e9", "\xff\xfe", "\\x41", "\t\u2028\u202e"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e := Escape(s)
		if !utf8.ValidString(e) {
			t.Fatalf("Escape(%q) = %q: not valid UTF-8", s, e)
		}
		for _, r := range e {
			if r < 0x20 && r != '\t' || r >= 0x7f && r <= 0x9f || r == 0x2028 || r == 0x2029 || unicode.Is(unicode.Bidi_Control, r) {
				t.Fatalf("Escape(%q) = %q: holds %U", s, e, r)
			}
		}
		if Escape(e) != e {
			t.Fatalf("Escape not idempotent on %q: %q, then %q", s, e, Escape(e))
		}
		if e == s || strings.Contains(s, `\`) {
			return // nothing escaped; or ambiguous by design
		}
		var b []byte
		for i := 0; i < len(e); i++ {
			if e[i] != '\\' {
				b = append(b, e[i])
				continue
			}
			n := 2 // \xhh
			if e[i+1] == 'u' {
				n = 4 // \uhhhh
			}
			v, err := strconv.ParseUint(e[i+2:i+2+n], 16, 32)
			if err != nil {
				t.Fatalf("Escape(%q) = %q: bad escape at %d", s, e, i)
			}
			if n == 2 {
				b = append(b, byte(v))
			} else {
				b = utf8.AppendRune(b, rune(v))
			}
			i += 1 + n
		}
		if string(b) != s {
			t.Fatalf("Escape(%q) = %q, which unescapes to %q", s, e, b)
		}
	})
}

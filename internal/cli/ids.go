//go:build linux

package cli

import (
	"strings"

	"github.com/keyutils-go/keyutils"
)

// isSpace is C's isspace in the C locale.
func isSpace(b byte) bool {
	return b == ' ' || b == '\t' || b == '\n' || b == '\v' || b == '\f' || b == '\r'
}

func digitVal(b byte) int {
	switch {
	case b >= '0' && b <= '9':
		return int(b - '0')
	case b >= 'a' && b <= 'z':
		return int(b-'a') + 10
	case b >= 'A' && b <= 'Z':
		return int(b-'A') + 10
	}
	return 99
}

// strtoul is glibc's strtoul(s, &end, base) for base 0 or 10 on a 64-bit
// machine: it returns the value and the unparsed rest of s. Leading
// whitespace and one sign are accepted; base 0 selects hex after "0x" and
// octal after "0"; "-" negates modulo 2^64; overflow gives 2^64-1 (without
// negation) and sets overflow. Without digits, rest is all of s.
func strtoul(s string, base int) (v uint64, rest string, overflow bool) {
	i := 0
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	if base == 0 {
		base = 10
		if i < len(s) && s[i] == '0' {
			base = 8
			if i+2 < len(s)+0 && (s[i+1] == 'x' || s[i+1] == 'X') && digitVal(s[i+2]) < 16 {
				base = 16
				i += 2
			}
		}
	}
	start := i
	for ; i < len(s); i++ {
		d := digitVal(s[i])
		if d >= base {
			break
		}
		if v > (^uint64(0)-uint64(d))/uint64(base) {
			overflow = true
		}
		v = v*uint64(base) + uint64(d)
	}
	if i == start {
		return 0, s, false
	}
	if overflow {
		return ^uint64(0), s[i:], true
	}
	if neg {
		v = -v
	}
	return v, s[i:], false
}

// parseUlong parses all of s as strtoul does, reporting whether nothing was
// left over.
func parseUlong(s string, base int) (uint64, bool) {
	v, rest, _ := strtoul(s, base)
	return v, rest == ""
}

// key parses a key or keyring argument as keyctl does: "@x" specials,
// "%type:desc" and "%:name" lookups, and C strtoul base-0 numbers truncated
// to 32 bits. Specials are passed to the kernel unresolved, exactly as the C
// tool passes them.
func (c *ctx) key(arg string) (keyutils.Serial, error) {
	if strings.HasPrefix(arg, "@") {
		sp, ok := keyutils.ParseSpecial(arg)
		if !ok {
			return 0, c.fail(exitUsage, "Unknown special key: '%s'", arg)
		}
		return keyutils.Serial(int32(sp)), nil
	}
	if strings.HasPrefix(arg, "%") {
		typ, desc, ok := parseKeyByName(arg[1:])
		if !ok {
			return 0, c.fail(exitUsage, "Incorrect key-by-name spec")
		}
		id, err := keyutils.FindKeyByTypeAndDesc(typ, desc, nil)
		if err != nil {
			return 0, c.fail(exitFail, "Can't find '%s:%s'", typ, desc)
		}
		return id, nil
	}
	v, ok := parseUlong(arg, 0)
	if !ok {
		return 0, c.fail(exitUsage, "Unparsable key: '%s'", arg)
	}
	return keyutils.Serial(int32(uint32(v))), nil
}

// parseKeyByName splits the text after '%' into type and description:
// ":name" is a keyring, otherwise the type ends at the first ':'. Neither
// part may be empty.
func parseKeyByName(s string) (typ, desc string, ok bool) {
	if s == "" {
		return "", "", false
	}
	if s[0] == ':' {
		typ, desc = "keyring", s[1:]
	} else {
		var found bool
		typ, desc, found = strings.Cut(s, ":")
		if !found {
			return "", "", false
		}
	}
	return typ, desc, desc != ""
}

// keys parses several key arguments in order, stopping at the first bad one.
func (c *ctx) keys(args ...string) ([]keyutils.Serial, error) {
	ids := make([]keyutils.Serial, len(args))
	for i, a := range args {
		id, err := c.key(a)
		if err != nil {
			return nil, err
		}
		ids[i] = id
	}
	return ids, nil
}

// number parses a whole-string strtoul argument truncated to 32 bits,
// printing "Unparsable <what>: '<s>'" (exit 2) if anything is left over.
func (c *ctx) number(s string, base int, what string) (uint32, error) {
	v, ok := parseUlong(s, base)
	if !ok {
		return 0, c.fail(exitUsage, "Unparsable %s: '%s'", what, s)
	}
	return uint32(v), nil
}

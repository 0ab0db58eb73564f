package dnsresolver

import (
	"bufio"
	"errors"
	"io"
	"math"
	"strconv"
	"strings"
)

// DefaultConfigFile is the configuration file key.dns_resolver reads when
// no -c option names another (1.6.3's; its man page says
// /etc/key.dns_resolver.conf).
const DefaultConfigFile = "/etc/keyutils/key.dns_resolver.conf"

// DefaultTTL is default_ttl, in seconds, when the configuration does not
// set it.
const DefaultTTL = 5

// MaxConfigSize is the most of a configuration file that is read; a larger
// file is an error at the line that crosses it.
const MaxConfigSize = 1 << 20

// maxConfigLine is the longest line fgets(buf, 4095) returns whole, as
// 1.6.3 reads: a longer one is "line missing newline or too long".
const maxConfigLine = 4094

// Config is what key.dns_resolver.conf sets.
type Config struct {
	// DefaultTTL is the key's timeout, in seconds, when no record gives a
	// TTL (host names found in /etc/hosts, address literals): 1 to
	// math.MaxInt32.
	DefaultTTL uint32
}

// DefaultConfig returns the configuration in force when there is no
// configuration file.
func DefaultConfig() Config { return Config{DefaultTTL: DefaultTTL} }

// ParseConfig parses a key.dns_resolver.conf read from r, named name in
// messages, over the settings in c, as key.dns_resolver.conf(5) describes
// it: lines of key[=value]; blank lines and lines starting with '#'
// ignored; blanks around the key, around '=' and at the end of the line
// stripped; the value may be quoted with ” or "" (the quotes are
// stripped), a backslash makes the next character (space, tab, ', " or
// backslash) ordinary, and an unquoted, unescaped '#' starts a comment.
// The only option is default_ttl, a decimal number from 1 to INT_MAX; an
// unknown option is not an error: its message (1.6.3's warning) is
// returned in warnings. Errors are *ConfigError, with 1.6.3's messages.
//
// The last line must end in a newline, and lines may not be longer than
// 4094 bytes (fgets into 1.6.3's buffer). A NUL byte ends a line's text as
// it ends a C string.
func (c *Config) Parse(r io.Reader, name string) (warnings []string, err error) {
	br := bufio.NewReaderSize(r, maxConfigLine+1)
	read, line := 0, 0
	for {
		raw, err := readConfigLine(br)
		if len(raw) == 0 {
			if err == nil || errors.Is(err, io.EOF) {
				return warnings, nil
			}
			return warnings, err
		}
		line++
		if read += len(raw); read > MaxConfigSize {
			return warnings, &ConfigError{File: name, Line: line, Reason: "file larger than 1 MiB"}
		}
		warn, perr := c.parseLine(cstr(raw), name, line)
		if warn != "" {
			warnings = append(warnings, warn)
		}
		if perr != nil {
			return warnings, perr
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return warnings, err
		}
	}
}

// readConfigLine reads what fgets(buf, 4095, f) reads: up to and including
// a newline, at most maxConfigLine bytes.
func readConfigLine(br *bufio.Reader) (string, error) {
	var b strings.Builder
	for b.Len() < maxConfigLine {
		c, err := br.ReadByte()
		if err != nil {
			return b.String(), err
		}
		b.WriteByte(c)
		if c == '\n' {
			break
		}
	}
	return b.String(), nil
}

// isSpace is C's isspace in the C locale.
func isSpace(c byte) bool { return c == ' ' || c >= '\t' && c <= '\r' }

// parseLine parses one line, a C string with its newline if it has one.
func (c *Config) parseLine(s, name string, line int) (warning string, err error) {
	fail := func(key, reason string) error {
		return &ConfigError{File: name, Line: line, Key: key, Reason: reason}
	}
	b := 0
	for b < len(s) && isSpace(s[b]) {
		b++
	}
	if b == len(s) || s[b] == '#' {
		return "", nil
	}
	nl := strings.IndexByte(s[b:], '\n')
	if nl < 0 {
		return "", fail("", "line missing newline or too long")
	}
	s = strings.TrimRightFunc(s[b:b+nl], func(r rune) bool { return r < 0x80 && isSpace(byte(r)) })

	key, rest, hasValue := strings.Cut(s, "=")
	var value string
	if hasValue {
		if key == "" {
			return "", fail("", "Unspecified key")
		}
		key = strings.TrimRightFunc(key, func(r rune) bool { return r < 0x80 && isSpace(byte(r)) })
		v, reason := parseValue(rest)
		switch reason {
		case "":
		case "Incomplete escape", "Unclosed quotes":
			return "", fail("", reason)
		default:
			return "", fail(key, reason)
		}
		value = v
	}

	switch key {
	case "default_ttl":
		if !hasValue {
			return "", fail(key, "Missing value")
		}
		ttl, reason := parseTTL(value)
		if reason != "" {
			return "", fail(key, reason)
		}
		c.DefaultTTL = ttl
	default:
		return name + ":" + strconv.Itoa(line) + ": Unknown option '" + key + "'", nil
	}
	return "", nil
}

// parseValue parses what follows '=' (blanks at the end of the line
// already stripped): quotes, escapes and a comment. reason is 1.6.3's
// message for a value that does not parse.
func parseValue(s string) (value, reason string) {
	i := 0
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	if i == len(s) {
		return "", "Missing value"
	}
	var quote byte
	if s[i] == '"' || s[i] == '\'' {
		quote = s[i]
		i++
	}
	var v []byte
	kept := 0 // v[:kept] must stay: quoted or escaped
	for ; i < len(s); i++ {
		ch := s[i]
		switch {
		case ch == '\\':
			i++
			if i == len(s) {
				return "", "Incomplete escape"
			}
			switch s[i] {
			case ' ', '\t', '"', '\'', '\\':
			default:
				return "", "Invalid char in escape"
			}
			v = append(v, s[i])
			kept = len(v)
		case quote != 0 && ch == quote:
			// After the closing quote only blanks and a comment.
			rest := strings.TrimLeft(s[i+1:], " \t\n\v\f\r")
			if rest != "" && rest[0] != '#' {
				return "", "Data after closing quote"
			}
			return string(v), ""
		case quote == 0 && ch == '#':
			// A comment: blanks before it are not part of the value
			// (key.dns_resolver.conf(5); 1.6.3 keeps them).
			return string(v[:kept]) + strings.TrimRight(string(v[kept:]), " \t\n\v\f\r"), ""
		default:
			v = append(v, ch)
			if quote != 0 {
				kept = len(v)
			}
		}
	}
	if quote != 0 {
		return "", "Unclosed quotes"
	}
	return string(v), ""
}

// parseTTL parses default_ttl's value as sscanf("%u%n") reads it, the
// whole value: blanks, an optional sign, decimal digits. A negative number
// or one above INT_MAX is out of range (1.6.3 wraps some of them to valid
// ones: -4294967295 and 4294967297 to 1).
func parseTTL(v string) (uint32, string) {
	i := 0
	for i < len(v) && isSpace(v[i]) {
		i++
	}
	neg := false
	if i < len(v) && (v[i] == '+' || v[i] == '-') {
		neg = v[i] == '-'
		i++
	}
	start := i
	var n uint64
	big := false
	for ; i < len(v) && v[i] >= '0' && v[i] <= '9'; i++ {
		if n = n*10 + uint64(v[i]-'0'); n > math.MaxInt32 {
			big = true
			n = math.MaxInt32 + 1
		}
	}
	switch {
	case i == start:
		return 0, "Bad value"
	case i < len(v):
		return 0, "Extra data supplied"
	case big || n < 1 || neg && n != 0:
		return 0, "Value out of range"
	}
	return uint32(n), ""
}

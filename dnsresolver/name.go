package dnsresolver

import (
	"errors"
	"strconv"
	"strings"
)

// Domain names: key.dns_resolver passes them around as glibc does, in
// presentation form (RFC 1035 master-file text: labels separated by dots,
// special characters escaped), without a final dot.

// errBadName is a name that cannot be encoded in a query.
var errBadName = errors.New("dnsresolver: bad domain name")

// maxName is the longest encoded domain name (NS_MAXCDNAME).
const maxName = 255

// parseName turns a name in presentation form into its labels, as
// ns_name_pton(3) does: "\c" is c, "\DDD" the byte DDD; a final dot is
// allowed, empty labels are not. The root is "." or "" (no labels).
func parseName(s string) ([][]byte, error) {
	if s == "." || s == "" {
		return nil, nil
	}
	var labels [][]byte
	var cur []byte
	size := 1
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\':
			if i+1 >= len(s) {
				return nil, errBadName
			}
			if d := s[i+1]; d >= '0' && d <= '9' {
				if i+4 > len(s) || !isDigits(s[i+1:i+4]) {
					return nil, errBadName
				}
				v, _ := strconv.Atoi(s[i+1 : i+4])
				if v > 255 {
					return nil, errBadName
				}
				cur = append(cur, byte(v))
				i += 3
			} else {
				cur = append(cur, d)
				i++
			}
		case c == '.':
			if len(cur) == 0 {
				return nil, errBadName
			}
			labels = append(labels, cur)
			size += 1 + len(cur)
			cur = nil
		default:
			cur = append(cur, c)
		}
		if len(cur) > 63 {
			return nil, errBadName
		}
	}
	if len(cur) > 0 {
		labels = append(labels, cur)
		size += 1 + len(cur)
	}
	if size > maxName {
		return nil, errBadName
	}
	return labels, nil
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// formatName returns labels in presentation form, as ns_name_ntop(3)
// writes it: special characters (" . ; \ ( ) @ $) escaped with a
// backslash, bytes that are not printable ASCII as \DDD, no final dot;
// "." for the root.
func formatName(labels [][]byte) string {
	if len(labels) == 0 {
		return "."
	}
	var b strings.Builder
	for i, l := range labels {
		if i > 0 {
			b.WriteByte('.')
		}
		for _, c := range l {
			switch {
			case strings.IndexByte(`".;\()@$`, c) >= 0:
				b.WriteByte('\\')
				b.WriteByte(c)
			case c > 0x20 && c < 0x7f:
				b.WriteByte(c)
			default:
				b.WriteByte('\\')
				b.WriteByte('0' + c/100)
				b.WriteByte('0' + c/10%10)
				b.WriteByte('0' + c%10)
			}
		}
	}
	return b.String()
}

// hostnameOK reports whether name is a valid host name, as glibc's
// res_hnok(3), which getaddrinfo applies before it asks DNS: printable
// ASCII, parsable, labels of letters, digits, '-' and '_', the first not
// starting with '-'.
func hostnameOK(name string) bool {
	for i := 0; i < len(name); i++ {
		if name[i] <= ' ' || name[i] > '~' {
			return false
		}
	}
	labels, err := parseName(name)
	if err != nil {
		return false
	}
	if len(labels) > 0 && labels[0][0] == '-' {
		return false
	}
	for _, l := range labels {
		for _, c := range l {
			if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '-' || c == '_') {
				return false
			}
		}
	}
	return true
}

// sameName compares two label lists as DNS does: ASCII case-insensitively.
func sameName(a, b [][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if len(a[i]) != len(b[i]) {
			return false
		}
		for j := range a[i] {
			if lower(a[i][j]) != lower(b[i][j]) {
				return false
			}
		}
	}
	return true
}

func lower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

package dnsresolver

import (
	"net/netip"
	"strconv"
	"strings"
)

// formatAddr formats a as glibc's inet_ntop(3) does. It differs from
// netip.Addr.String for IPv6 addresses whose first 96 bits are zero
// ("::192.0.2.1", not "::c000:201").
func formatAddr(a netip.Addr) string {
	if a.Is4() {
		return a.String()
	}
	b := a.As16()
	var w [8]int
	for i := range w {
		w[i] = int(b[2*i])<<8 | int(b[2*i+1])
	}
	// The longest run of zero words, the first of equals, if at least 2.
	best, bestLen, cur, curLen := -1, 0, -1, 0
	for i := 0; i < 8; i++ {
		if w[i] == 0 {
			if cur < 0 {
				cur, curLen = i, 1
			} else {
				curLen++
			}
			if curLen > bestLen {
				best, bestLen = cur, curLen
			}
		} else {
			cur = -1
		}
	}
	if bestLen < 2 {
		best = -1
	}
	var s strings.Builder
	for i := 0; i < 8; i++ {
		if best >= 0 && i >= best && i < best+bestLen {
			if i == best {
				s.WriteByte(':')
			}
			continue
		}
		if i != 0 {
			s.WriteByte(':')
		}
		// An encapsulated IPv4 address: ::a.b.c.d, ::ffff:a.b.c.d.
		if i == 6 && best == 0 && (bestLen == 6 || bestLen == 5 && w[5] == 0xffff) {
			s.WriteString(netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]}).String())
			return s.String()
		}
		s.WriteString(strconv.FormatUint(uint64(w[i]), 16))
	}
	if best >= 0 && best+bestLen == 8 {
		s.WriteByte(':')
	}
	return s.String()
}

// parseInetAton parses s as glibc's __inet_aton_exact does (what
// getaddrinfo(3) accepts as an IPv4 address): one to four parts separated
// by dots, each decimal, octal (leading 0) or hexadecimal (0x), the last
// filling the remaining bytes: "127.1" is 127.0.0.1.
func parseInetAton(s string) (netip.Addr, bool) {
	var parts [4]uint32
	n := 0
	for {
		if s == "" || s[0] < '0' || s[0] > '9' {
			return netip.Addr{}, false
		}
		v, rest, ok := strtoul(s)
		if !ok {
			return netip.Addr{}, false
		}
		s = rest
		if s != "" && s[0] == '.' {
			if n > 2 || v > 0xff {
				return netip.Addr{}, false
			}
			parts[n] = v
			n++
			s = s[1:]
			continue
		}
		if s != "" {
			return netip.Addr{}, false
		}
		max := [4]uint32{0xffffffff, 0xffffff, 0xffff, 0xff}
		if v > max[n] {
			return netip.Addr{}, false
		}
		word := v
		for i := 0; i < n; i++ {
			word |= parts[i] << (24 - 8*i)
		}
		return netip.AddrFrom4([4]byte{byte(word >> 24), byte(word >> 16), byte(word >> 8), byte(word)}), true
	}
}

// strtoul reads an unsigned number at the start of s as strtoul(s, &end,
// 0) does (s starts with a digit), failing above 32 bits.
func strtoul(s string) (uint32, string, bool) {
	base, i := uint64(10), 0
	if s[0] == '0' {
		base = 8
		if len(s) > 2 && (s[1] == 'x' || s[1] == 'X') && isHex(s[2]) {
			base, i = 16, 2
		}
	}
	var v uint64
	for ; i < len(s); i++ {
		d, ok := digit(s[i])
		if !ok || uint64(d) >= base {
			break
		}
		if v = v*base + uint64(d); v > 0xffffffff {
			return 0, "", false
		}
	}
	return uint32(v), s[i:], true
}

func isHex(c byte) bool { _, ok := digit(c); return ok }

func digit(c byte) (int, bool) {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0'), true
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10, true
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10, true
	}
	return 0, false
}

// parseInet6 parses s as getaddrinfo(3) does an IPv6 address: the address,
// optionally followed by "%scope", where scope is a decimal number or,
// for link-local addresses, the name of an interface that ifIndex finds.
// The scope is checked, not kept: scopeOK is false for a bad one.
func parseInet6(s string, ifIndex func(string) bool) (netip.Addr, bool) {
	a, ok, scopeOK := parseInet6Scope(s, ifIndex)
	return a, ok && scopeOK
}

func parseInet6Scope(s string, ifIndex func(string) bool) (a netip.Addr, ok, scopeOK bool) {
	addr, scope, hasScope := strings.Cut(s, "%")
	if !strings.Contains(addr, ":") {
		return netip.Addr{}, false, false
	}
	a, err := netip.ParseAddr(addr)
	if err != nil || !a.Is6() || a.Zone() != "" {
		return netip.Addr{}, false, false
	}
	if hasScope {
		ok = false
		if (a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() || a.IsInterfaceLocalMulticast()) && ifIndex != nil && ifIndex(scope) {
			ok = true
		} else if scope != "" && scope[0] >= '0' && scope[0] <= '9' {
			_, err := strconv.ParseUint(scope, 10, 32)
			ok = err == nil
		}
		return a, true, ok
	}
	return a, true, true
}

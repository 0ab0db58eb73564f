package dnsresolver

import (
	"math/bits"
	"net/netip"
	"slices"
)

// Destination address selection: glibc's getaddrinfo sorts the addresses
// it returns by the rules of RFC 3484 (rfc3484_sort), with its default
// policy tables; /etc/gai.conf, which can change them, is not read.

// source is what a destination's source address tells the rules: the
// address the kernel would send from (a connected UDP socket), and the
// prefix length and flags of that local address.
type source struct {
	ok         bool
	addr       netip.Addr
	prefixLen  int
	deprecated bool
	home       bool
}

// policy is an entry of a glibc default policy table.
type policy struct {
	prefix netip.Prefix
	value  int
}

var (
	precedences = []policy{
		{netip.MustParsePrefix("::1/128"), 50},
		{netip.MustParsePrefix("2002::/16"), 30},
		{netip.MustParsePrefix("::/96"), 20},
		{netip.MustParsePrefix("::ffff:0:0/96"), 10},
		{netip.MustParsePrefix("::/0"), 40},
	}
	labels = []policy{
		{netip.MustParsePrefix("::1/128"), 0},
		{netip.MustParsePrefix("2002::/16"), 2},
		{netip.MustParsePrefix("::/96"), 3},
		{netip.MustParsePrefix("::ffff:0:0/96"), 4},
		{netip.MustParsePrefix("fec0::/10"), 5},
		{netip.MustParsePrefix("fc00::/7"), 6},
		{netip.MustParsePrefix("2001::/32"), 7},
		{netip.MustParsePrefix("::/0"), 1},
	}
)

// as16 returns a as an IPv6 address, IPv4 ones mapped.
func as16(a netip.Addr) netip.Addr { return netip.AddrFrom16(a.As16()) }

func lookupPolicy(table []policy, a netip.Addr) int {
	a = as16(a)
	for _, p := range table {
		if p.prefix.Contains(a) {
			return p.value
		}
	}
	return 0
}

// scope is glibc's get_scope: IPv6 multicast scope, link-local (and
// loopback) 2, site-local 5, global 14; IPv4 169.254/16 and 127/8 2,
// others 14.
func scope(a netip.Addr) int {
	if a.Is4() {
		b := a.As4()
		if b[0] == 169 && b[1] == 254 || b[0] == 127 {
			return 2
		}
		return 14
	}
	b := a.As16()
	switch {
	case b[0] == 0xff:
		return int(b[1] & 0xf)
	case b[0] == 0xfe && b[1]&0xc0 == 0x80, a == netip.IPv6Loopback():
		return 2
	case b[0] == 0xfe && b[1]&0xc0 == 0xc0:
		return 5
	}
	return 14
}

// sortAddrs sorts addrs as glibc's rfc3484_sort does (rules 1 to 6, 8, 9
// and 10; rule 7, native transport, never decides here).
func sortAddrs(addrs []gaiAddr) []gaiAddr {
	if len(addrs) < 2 {
		return addrs
	}
	type entry struct {
		gaiAddr
		src source
	}
	e := make([]entry, len(addrs))
	for i, a := range addrs {
		e[i] = entry{a, sourceFor(a.addr)}
	}
	slices.SortStableFunc(e, func(a1, a2 entry) int {
		s1, s2 := a1.src, a2.src
		// Rule 1: avoid unusable destinations.
		if s1.ok != s2.ok {
			if s1.ok {
				return -1
			}
			return 1
		}
		d1, d2 := scope(a1.addr), scope(a2.addr)
		if s1.ok {
			// Rule 2: prefer matching scope.
			m1, m2 := d1 == scope(s1.addr), d2 == scope(s2.addr)
			if m1 != m2 {
				if m1 {
					return -1
				}
				return 1
			}
			// Rule 3: avoid deprecated addresses.
			if s1.deprecated != s2.deprecated {
				if !s1.deprecated {
					return -1
				}
				return 1
			}
			// Rule 4: prefer home addresses.
			if s1.home != s2.home {
				if s1.home {
					return -1
				}
				return 1
			}
			// Rule 5: prefer matching label.
			l1 := lookupPolicy(labels, a1.addr) == lookupPolicy(labels, s1.addr)
			l2 := lookupPolicy(labels, a2.addr) == lookupPolicy(labels, s2.addr)
			if l1 != l2 {
				if l1 {
					return -1
				}
				return 1
			}
		}
		// Rule 6: prefer higher precedence.
		if p1, p2 := lookupPolicy(precedences, a1.addr), lookupPolicy(precedences, a2.addr); p1 != p2 {
			if p1 > p2 {
				return -1
			}
			return 1
		}
		// Rule 8: prefer smaller scope.
		if d1 != d2 {
			if d1 < d2 {
				return -1
			}
			return 1
		}
		// Rule 9: use longest matching prefix.
		if s1.ok && a1.addr.Is4() == a2.addr.Is4() {
			b1, b2 := prefixBits(a1.addr, s1, a2.addr, s2)
			if b1 != b2 {
				if b1 > b2 {
					return 1
				}
				return -1
			}
		}
		return 0 // Rule 10: leave the order unchanged.
	})
	out := make([]gaiAddr, len(e))
	for i := range e {
		out[i] = e[i].gaiAddr
	}
	return out
}

// prefixBits is glibc's measure for rule 9, for two destinations of one
// family and their sources: for IPv4, the highest bit where destination
// and source differ if the destination is in the source's subnet, else 0;
// for IPv6, the highest differing bit of each pair in the first 32-bit
// word where either pair differs.
func prefixBits(d1 netip.Addr, s1 source, d2 netip.Addr, s2 source) (int, int) {
	if d1.Is4() {
		return bits4(d1, s1), bits4(d2, s2)
	}
	x1, y1, x2, y2 := d1.As16(), s1.addr.As16(), d2.As16(), s2.addr.As16()
	for i := 0; i < 16; i += 4 {
		w1, w2 := word(x1[i:])^word(y1[i:]), word(x2[i:])^word(y2[i:])
		if w1 != 0 || w2 != 0 {
			return bits.Len32(w1), bits.Len32(w2)
		}
	}
	return 0, 0
}

func word(b []byte) uint32 {
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}

func bits4(dst netip.Addr, s source) int {
	d4, s4 := dst.As4(), s.addr.Unmap().As4()
	d, src := word(d4[:]), word(s4[:])
	mask := ^uint32(0) << ((32 - s.prefixLen) & 31) // x86 takes the shift count mod 32
	if d&mask == src&mask {
		return bits.Len32(d ^ src)
	}
	return 0
}

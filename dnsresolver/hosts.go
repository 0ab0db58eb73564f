package dnsresolver

import (
	"bufio"
	"io"
	"net/netip"
	"strings"
)

// Hosts is what getaddrinfo(3) consults besides DNS: the sources of the
// "hosts" line of nsswitch.conf(5) and the hosts(5) file.
type Hosts struct {
	// Sources lists the sources in order; "files" (Entries) and "dns"
	// are used, others (myhostname, resolve, mdns...) skipped. Empty
	// means "files dns".
	Sources []string
	// Entries are the lines of the hosts file.
	Entries []HostsEntry
	// Multi returns every matching line of the hosts file, not only the
	// first, when one address family is asked for (host.conf(5) "multi
	// on"). Both families always get every line, as in glibc.
	Multi bool
}

// HostsEntry is a line of the hosts file: an address and its names.
type HostsEntry struct {
	Addr  netip.Addr
	Names []string
}

// ParseHosts parses a hosts(5) file as glibc does: '#' starts a comment,
// an address (IPv4 in dotted-quad form, or IPv6) and names; a line with an
// address alone has the empty name (which getaddrinfo(3) then finds);
// other lines are skipped.
func ParseHosts(r io.Reader) ([]HostsEntry, error) {
	var out []HostsEntry
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 4096), 1<<20)
	for sc.Scan() {
		line, _, _ := strings.Cut(sc.Text(), "#")
		f := strings.Fields(line)
		if len(f) < 1 {
			continue
		}
		a, err := netip.ParseAddr(f[0])
		if err != nil || a.Zone() != "" {
			continue
		}
		names := f[1:]
		if len(names) == 0 {
			names = []string{""}
		}
		out = append(out, HostsEntry{Addr: a, Names: names})
	}
	return out, sc.Err()
}

// ParseNSSwitchHosts returns the sources of the "hosts:" line of an
// nsswitch.conf(5), without the [STATUS=ACTION] items; nil if there is no
// such line.
func ParseNSSwitchHosts(r io.Reader) ([]string, error) {
	var out []string
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 4096), 1<<20)
	for sc.Scan() {
		line, _, _ := strings.Cut(sc.Text(), "#")
		db, rest, ok := strings.Cut(line, ":")
		if !ok || strings.TrimSpace(db) != "hosts" {
			continue
		}
		out = []string{}
		depth := 0
		for _, w := range strings.Fields(rest) {
			switch {
			case strings.HasPrefix(w, "["):
				depth++
				if strings.HasSuffix(w, "]") {
					depth--
				}
			case depth > 0:
				if strings.HasSuffix(w, "]") {
					depth--
				}
			default:
				out = append(out, w)
			}
		}
	}
	return out, sc.Err()
}

// ParseHostConfMulti reports whether a host.conf(5) says "multi on".
func ParseHostConfMulti(r io.Reader) (bool, error) {
	multi := false
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) >= 2 && strings.EqualFold(f[0], "multi") {
			multi = strings.EqualFold(f[1], "on")
		}
	}
	return multi, sc.Err()
}

// lookup returns the addresses of name in the hosts file for family
// (afUnspec, afInet, afInet6), as glibc's files module does: names are
// compared without regard to case; for IPv4 only, an IPv4-mapped address
// counts as its IPv4 address and ::1 as 127.0.0.1; for one family, only
// the first line unless Multi.
func (h *Hosts) lookup(name string, family int) []netip.Addr {
	var out []netip.Addr
	for _, e := range h.Entries {
		match := false
		for _, n := range e.Names {
			if equalFoldASCII(n, name) {
				match = true
				break
			}
		}
		if !match {
			continue
		}
		a := e.Addr
		switch family {
		case afInet:
			switch {
			case a.Is4():
			case a.Is4In6():
				a = a.Unmap()
			case a == netip.IPv6Loopback():
				a = netip.AddrFrom4([4]byte{127, 0, 0, 1})
			default:
				continue
			}
		case afInet6:
			if a.Is4() {
				continue
			}
		}
		out = append(out, a)
		if family != afUnspec && !h.Multi {
			break
		}
	}
	return out
}

// sources returns the sources to consult.
func (h *Hosts) sources() []string {
	if len(h.Sources) == 0 {
		return []string{"files", "dns"}
	}
	return h.Sources
}

// equalFoldASCII is strcasecmp(3) in the C locale.
func equalFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if lower(a[i]) != lower(b[i]) {
			return false
		}
	}
	return true
}

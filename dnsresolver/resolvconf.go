package dnsresolver

import (
	"bufio"
	"io"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// ResolvConf is the part of resolv.conf(5) that key.dns_resolver's
// lookups use, as glibc reads it.
type ResolvConf struct {
	// Servers are the name servers, at most 3 (MAXNS), port 53 unless a
	// program sets another. None means 127.0.0.1.
	Servers []netip.AddrPort
	// Search is the search list ("search", or the last "domain").
	Search []string
	// Ndots: names with at least this many dots are tried as they are
	// before the search list (options ndots:n, default 1, at most 15).
	Ndots int
	// Timeout is the time to wait for the first server's answer on the
	// first try (options timeout:n, default 5 s, at most 30 s); see
	// ResolvConf.Wait.
	Timeout time.Duration
	// Attempts is the number of rounds over the servers (options
	// attempts:n, default 2, at most 5).
	Attempts int
	// EDNS0 adds an OPT record advertising 1200-byte UDP answers
	// (options edns0).
	EDNS0 bool
	// UseVC sends queries over TCP (options use-vc).
	UseVC bool
	// NoTLDQuery stops names without a dot from being tried as they are
	// (options no-tld-query).
	NoTLDQuery bool
	// NoAAAA does not ask for IPv6 addresses when both families are
	// wanted (options no-aaaa).
	NoAAAA bool
}

// glibc's limits (resolv.h).
const (
	maxNS       = 3
	maxNdots    = 15
	maxRetrans  = 30
	maxRetry    = 5
	defRetrans  = 5
	defRetry    = 2
	ednsUDPSize = 1200
)

// DefaultResolvConf returns the settings glibc uses without a resolv.conf.
func DefaultResolvConf() *ResolvConf {
	return &ResolvConf{Ndots: 1, Timeout: defRetrans * time.Second, Attempts: defRetry}
}

// ParseResolvConf parses a resolv.conf as glibc's resolver does:
// "nameserver" (IPv4 in inet_aton's forms, or IPv6 with an optional
// %scope), "domain", "search" (the last of the two wins) and the options
// ndots:n, timeout:n, attempts:n, edns0, use-vc, no-tld-query and no-aaaa;
// other lines and options (sortlist, rotate, single-request, ...) are
// ignored. Keywords must be followed by a blank; lines starting with '#'
// or ';' are comments. Without a search list, hostname is used as glibc
// uses gethostname(2): the part after its first dot, if any, is the
// domain.
func ParseResolvConf(r io.Reader, hostname string) (*ResolvConf, error) {
	c := DefaultResolvConf()
	haveSearch := false
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 4096), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' || line[0] == ';' {
			continue
		}
		kw, rest := keyword(line)
		switch kw {
		case "domain":
			if f := strings.Fields(rest); len(f) > 0 {
				c.Search, haveSearch = []string{f[0]}, true
			}
		case "search":
			c.Search, haveSearch = strings.Fields(rest), true
		case "nameserver":
			f := strings.Fields(rest)
			if len(f) == 0 || len(c.Servers) >= maxNS {
				continue
			}
			if a, ok := parseInetAton(f[0]); ok {
				c.Servers = append(c.Servers, netip.AddrPortFrom(a, 53))
			} else if a, ok := parseInet6(f[0], nil); ok {
				c.Servers = append(c.Servers, netip.AddrPortFrom(a, 53))
			}
		case "options":
			for _, o := range strings.Fields(rest) {
				c.option(o)
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if !haveSearch {
		if _, dom, ok := strings.Cut(hostname, "."); ok && dom != "" {
			c.Search = []string{dom}
		}
	}
	return c, nil
}

// keyword splits a resolv.conf line into its keyword, which must be
// followed by a space or a tab, and the rest.
func keyword(line string) (string, string) {
	i := strings.IndexAny(line, " \t")
	if i < 0 {
		return "", ""
	}
	return line[:i], line[i+1:]
}

// option applies one word of an options line.
func (c *ResolvConf) option(o string) {
	num := func(prefix string, max int) (int, bool) {
		v, ok := strings.CutPrefix(o, prefix)
		if !ok {
			return 0, false
		}
		n := atoi(v)
		if n > max {
			n = max
		}
		return n, true
	}
	if n, ok := num("ndots:", maxNdots); ok {
		c.Ndots = n
	} else if n, ok := num("timeout:", maxRetrans); ok {
		c.Timeout = time.Duration(n) * time.Second
	} else if n, ok := num("attempts:", maxRetry); ok {
		c.Attempts = n
	} else {
		switch o {
		case "edns0":
			c.EDNS0 = true
		case "use-vc":
			c.UseVC = true
		case "no-tld-query":
			c.NoTLDQuery = true
		case "no-aaaa":
			c.NoAAAA = true
		}
	}
}

// atoi is C's atoi: blanks, a sign, digits; 0 if none.
func atoi(s string) int {
	s = strings.TrimLeft(s, " \t\n\v\f\r")
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	n := 0
	for i := 0; i < len(s) && s[i] >= '0' && s[i] <= '9' && n < 1<<30; i++ {
		n = n*10 + int(s[i]-'0')
	}
	if neg {
		n = -n
	}
	return n
}

// servers returns the servers to ask: 127.0.0.1 when none is configured.
func (c *ResolvConf) servers() []netip.AddrPort {
	if len(c.Servers) == 0 {
		return []netip.AddrPort{netip.AddrPortFrom(netip.AddrFrom4([4]byte{127, 0, 0, 1}), 53)}
	}
	return c.Servers
}

// Wait returns how long glibc waits for an answer from the server at
// index ns of n (n servers in all): Timeout for the first, Timeout<<ns/n
// for the others, at least one second.
func (c *ResolvConf) Wait(ns, n int) time.Duration {
	secs := int64(c.Timeout/time.Second) << ns
	if ns > 0 && n > 0 {
		secs /= int64(n)
	}
	if secs <= 0 {
		secs = 1
	}
	return time.Duration(secs) * time.Second
}

// String returns the settings in resolv.conf form.
func (c *ResolvConf) String() string {
	var b strings.Builder
	for _, s := range c.Servers {
		b.WriteString("nameserver " + s.Addr().String())
		if s.Port() != 53 {
			b.WriteString(" # port " + strconv.Itoa(int(s.Port())))
		}
		b.WriteByte('\n')
	}
	if len(c.Search) > 0 {
		b.WriteString("search " + strings.Join(c.Search, " ") + "\n")
	}
	b.WriteString("options ndots:" + strconv.Itoa(c.Ndots) + " timeout:" + strconv.Itoa(int(c.Timeout/time.Second)) + " attempts:" + strconv.Itoa(c.Attempts))
	for _, o := range []struct {
		on   bool
		name string
	}{{c.EDNS0, "edns0"}, {c.UseVC, "use-vc"}, {c.NoTLDQuery, "no-tld-query"}, {c.NoAAAA, "no-aaaa"}} {
		if o.on {
			b.WriteString(" " + o.name)
		}
	}
	return b.String() + "\n"
}

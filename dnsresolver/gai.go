package dnsresolver

import (
	"net/netip"
)

// Address families, as getaddrinfo's hints give them.
const (
	afUnspec = 0
	afInet   = 2  // AF_INET
	afInet6  = 10 // AF_INET6
)

// gaiAddr is an address getaddrinfo found, with the TTL of the records
// that gave it (the address record and the CNAMEs leading to it).
type gaiAddr struct {
	addr   netip.Addr
	ttl    uint32
	hasTTL bool
}

// getaddrinfo looks name up as getaddrinfo(name, NULL, {family}) does
// in glibc: an address literal is its own answer; otherwise each source
// of h in turn (the hosts file, DNS with the search list), and the
// addresses are sorted as RFC 3484 and glibc's default policy say.
func (r *Resolver) getaddrinfo(name string, family int) ([]gaiAddr, gaiError) {
	if a, ok := parseInetAton(name); ok {
		if family == afInet6 {
			return nil, eaiAddrFamily
		}
		return []gaiAddr{{addr: a}}, 0
	}
	if a, ok, scopeOK := parseInet6Scope(name, interfaceExists); ok {
		if family == afInet {
			if !a.Is4In6() {
				return nil, eaiAddrFamily
			}
			a = a.Unmap()
		}
		if !scopeOK {
			return nil, eaiNoName
		}
		return []gaiAddr{{addr: a}}, 0
	}
	herr := HostNotFound
	hosts := r.hosts()
	for _, src := range hosts.sources() {
		switch src {
		case "files":
			if addrs := hosts.lookup(name, family); len(addrs) > 0 {
				out := make([]gaiAddr, len(addrs))
				for i, a := range addrs {
					out[i] = gaiAddr{addr: a}
				}
				return sortAddrs(out), 0
			}
			herr = HostNotFound
		case "dns":
			var addrs []gaiAddr
			addrs, herr = r.lookupDNS(name, family)
			if len(addrs) > 0 {
				return sortAddrs(addrs), 0
			}
		}
	}
	switch herr {
	case TryAgain:
		return nil, eaiAgain
	case NoData:
		return nil, eaiNoData
	}
	return nil, eaiNoName
}

// lookupDNS is getaddrinfo's DNS source: a valid host name (res_hnok) is
// searched for A and AAAA records (one of them for one family), CNAME
// chains inside the answers followed.
func (r *Resolver) lookupDNS(name string, family int) ([]gaiAddr, HostError) {
	if !hostnameOK(name) {
		return nil, HostNotFound
	}
	conf := r.resolvConf()
	var qtypes []uint16
	switch family {
	case afInet:
		qtypes = []uint16{typeA}
	case afInet6:
		qtypes = []uint16{typeAAAA}
	default:
		qtypes = []uint16{typeA, typeAAAA}
		if conf.NoAAAA {
			qtypes = qtypes[:1]
		}
	}
	a := conf.search(name, qtypes...)
	if a.herr != 0 {
		// glibc's getaddrinfo reports a temporary failure of the first
		// try of an IPv4-only search as "not found" when later tries
		// found nothing (observed with 2.36; both families get
		// EAI_AGAIN).
		if family == afInet && a.herr == TryAgain && a.last != TryAgain {
			return nil, HostNotFound
		}
		return nil, a.herr
	}
	var out []gaiAddr
	for _, resp := range a.answers {
		addrs, ok := addressesOf(resp)
		if !ok {
			return nil, NoRecovery
		}
		out = append(out, addrs...)
	}
	if len(out) == 0 {
		// An answer without usable addresses (a CNAME alone): glibc's
		// getaddrinfo says EAI_NODATA for IPv4 alone, EAI_NONAME
		// otherwise.
		if family == afInet {
			return nil, NoData
		}
		return nil, HostNotFound
	}
	return out, 0
}

// maxCNAMEs bounds the CNAME records followed in one answer.
const maxCNAMEs = 16

// addressesOf returns the addresses an answer gives for its question:
// the records of the asked type (A or AAAA) and class IN whose owner is
// the question's name or, following the CNAME records in order, its
// alias; ok is false if a record could not be parsed (glibc then refuses
// the whole answer).
func addressesOf(resp *response) (addrs []gaiAddr, ok bool) {
	if resp.err != nil {
		return nil, false
	}
	alias := resp.qname
	chainTTL, cnames := ^uint32(0), 0
	for _, rec := range resp.answers {
		if rec.err != nil {
			return nil, false
		}
		if rec.class != classIN || !sameName(rec.name, alias) {
			continue
		}
		switch rec.typ {
		case typeCNAME:
			if cnames++; cnames > maxCNAMEs {
				return addrs, true
			}
			alias = rec.target
			chainTTL = min(chainTTL, rec.ttl)
		case typeA, typeAAAA:
			if rec.typ != resp.qtype {
				continue
			}
			addrs = append(addrs, gaiAddr{addr: rec.addr, ttl: min(chainTTL, rec.ttl), hasTTL: true})
		}
	}
	return addrs, true
}

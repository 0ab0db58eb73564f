package dnsresolver

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"syscall"
)

// KeyType is the kernel key type key.dns_resolver constructs.
const KeyType = "dns_resolver"

// Resolver resolves the descriptions of dns_resolver keys, as
// key.dns_resolver does.
type Resolver struct {
	// Config is the configuration (LoadConfig, DefaultConfig).
	Config Config
	// ResolvConf is the DNS configuration; nil: read /etc/resolv.conf
	// when first needed (LoadResolvConf).
	ResolvConf *ResolvConf
	// Hosts is the hosts database; nil: read /etc/nsswitch.conf,
	// /etc/host.conf and /etc/hosts when first needed (LoadHosts).
	Hosts *Hosts
	// Log receives the messages; nil drops them.
	Log *Logger
	// Debug is key.dns_resolver's -D: the payload and expiry are logged
	// even without -v.
	Debug bool

	once sync.Once
}

// Result is what a description resolves to: a payload with its timeout,
// or a rejection.
type Result struct {
	// Payload is the key's payload, the addresses separated by commas and
	// a final NUL byte: "192.0.2.1,2001:db8::1\x00", with "+port" after
	// each address for AFS SRV records.
	Payload []byte
	// Timeout is the key's timeout in seconds: the smallest TTL of the
	// records used (at least 1), else Config.DefaultTTL.
	Timeout uint32
	// Rejected is set when nothing was found: the key is rejected with
	// Errno (ENODATA) for RejectTimeout seconds (60).
	Rejected      bool
	Errno         syscall.Errno
	RejectTimeout uint32
	// AFS is set for afsdb: queries (1.6.3's afs_instantiate, whose
	// messages differ).
	AFS bool
}

func (r *Resolver) logger() *Logger {
	if r.Log == nil {
		r.Log = &Logger{}
	}
	return r.Log
}

func (r *Resolver) load() {
	r.once.Do(func() {
		if r.ResolvConf == nil {
			c, err := LoadResolvConf("/etc/resolv.conf")
			if err != nil {
				c = DefaultResolvConf()
			}
			r.ResolvConf = c
		}
		if r.Hosts == nil {
			r.Hosts = LoadHosts("/etc/nsswitch.conf", "/etc/host.conf", "/etc/hosts")
		}
	})
}

func (r *Resolver) resolvConf() *ResolvConf { r.load(); return r.ResolvConf }
func (r *Resolver) hosts() *Hosts           { r.load(); return r.Hosts }

// LoadResolvConf reads a resolv.conf(5) (ParseResolvConf); a missing file
// gives glibc's defaults.
func LoadResolvConf(path string) (*ResolvConf, error) {
	host, _ := os.Hostname()
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return ParseResolvConf(strings.NewReader(""), host)
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ParseResolvConf(f, host)
}

// LoadHosts reads the hosts database from nsswitch.conf, host.conf and
// hosts files; missing or unreadable files count as empty.
func LoadHosts(nsswitch, hostConf, hosts string) *Hosts {
	h := &Hosts{}
	if f, err := os.Open(nsswitch); err == nil {
		h.Sources, _ = ParseNSSwitchHosts(f)
		f.Close()
	}
	if f, err := os.Open(hostConf); err == nil {
		h.Multi, _ = ParseHostConfMulti(f)
		f.Close()
	}
	if f, err := os.Open(hosts); err == nil {
		h.Entries, _ = ParseHosts(f)
		f.Close()
	}
	return h
}

// fatal is 1.6.3's error(): "Error: " and the message.
func fatal(format string, args ...any) *Error {
	return &Error{Msg: "Error: " + fmt.Sprintf(format, args...)}
}

// Resolve resolves a dns_resolver key whose KEYCTL_DESCRIBE string is
// description ("dns_resolver;uid;gid;perm;name") and whose callout info is
// callout, as key.dns_resolver does, logging as it goes. The name is
//
//	host            A and AAAA records of host
//	a:host          the same
//	aaaa:host       the same
//	afsdb:cell      AFS VL servers: SRV records _afs3-vlserver._udp.cell,
//	                else AFSDB records of cell; their addresses, "+port"
//	                after each for SRV
//
// and the callout info holds options: for host names "ipv4", "ipv6"
// (addresses of one family), "list" (all addresses, not the first), words
// separated by spaces, "" meaning "ipv4" (the kernel's legacy callers);
// for AFS exactly "ipv4" or "ipv6", anything else meaning both.
//
// The error, an *Error, is a failure (1.6.3 negates the key and exits 1);
// finding nothing is a Result with Rejected set.
func (r *Resolver) Resolve(description, callout string) (*Result, error) {
	log := r.logger()
	buf, callout := cstr(description), cstr(callout)
	log.Infof("Key description: '%s'", buf)
	log.Infof("Callout info: '%s'", callout)
	semi := strings.IndexByte(buf, ';')
	if semi < 0 {
		return nil, fatal("Badly formatted key description '%s'", buf)
	}
	if buf[:semi] != KeyType {
		return nil, fatal("Key type is not supported: '%s'", buf[:semi])
	}
	last := strings.LastIndexByte(buf[semi+1:], ';')
	if last < 0 {
		return nil, fatal("Invalid key description: %s", buf)
	}
	keyend := buf[semi+1+last+1:]
	qtype, name, ok := strings.Cut(keyend, ":")
	if !ok {
		return r.hostQuery(keyend, callout)
	}
	log.Infof("Query type: '%s'", qtype)
	switch qtype {
	case "a", "aaaa":
		log.Infof("Do DNS query of A/AAAA type for:'%s' mask:'%s'", name, callout)
		return r.hostQuery(name, callout)
	case "afsdb":
		log.Infof("Do AFS VL server query for:'%s' mask:'%s'", name, callout)
		return r.afsQuery(name, callout)
	}
	return nil, fatal("Query type: \"%s\" is not supported", qtype)
}

// Address masks (1.6.3's).
const (
	inetIP4Only = 0x1
	inetIP6Only = 0x2
	inetAll     = 0xff
	oneAddrOnly = 0x100
)

// hostOptions parses the callout info of a host-name query.
func hostOptions(log *Logger, options string) (uint, error) {
	if options == "" {
		return inetIP4Only | oneAddrOnly, nil // legacy mode
	}
	mask := uint(inetAll | oneAddrOnly)
	for _, k := range strings.Split(options, " ") {
		if k == "" {
			continue
		}
		if strings.Contains(k, ",") {
			return 0, fatal("Option name '%s' contains a comma", k)
		}
		k, _, _ = strings.Cut(k, "=")
		log.Debugf("Opt %s", k)
		switch k {
		case "ipv4":
			mask = mask&^inetAll | inetIP4Only
		case "ipv6":
			mask = mask&^inetAll | inetIP6Only
		case "list":
			mask &^= oneAddrOnly
		}
	}
	return mask, nil
}

// reject is 1.6.3's nsError: report, and reject the key.
func (r *Resolver) reject(h HostError, domain string, afs bool) *Result {
	r.logger().nsError(h, domain)
	return &Result{Rejected: true, Errno: h.Errno(), RejectTimeout: h.rejectTimeout(), AFS: afs}
}

// hostQuery is 1.6.3's dns_query_a_or_aaaa.
func (r *Resolver) hostQuery(host, options string) (*Result, error) {
	log := r.logger()
	log.Debugf("Get A/AAAA RR for hostname:'%s', options:'%s'", host, options)
	mask, err := hostOptions(log, options)
	if err != nil {
		return nil, err
	}
	var p payload
	if !r.resolveHost(&p, host, "", mask) || len(p.addrs) == 0 {
		return r.reject(NoData, host, false), nil
	}
	timeout := r.Config.DefaultTTL
	if p.hasTTL {
		timeout = max(p.ttl, 1)
	}
	r.dump(&p, timeout)
	return &Result{Payload: p.bytes(), Timeout: timeout}, nil
}

// resolveHost is 1.6.3's dns_resolver: the addresses of name, with port
// appended ("+7003") if set, added to p as mask says. It reports whether
// the name resolved.
func (r *Resolver) resolveHost(p *payload, name, port string, mask uint) bool {
	log := r.logger()
	log.Debugf("Resolve '%s' with %x", name, mask)
	family := afUnspec
	switch mask & inetAll {
	case inetIP4Only:
		family = afInet
		log.Debugf("IPv4")
	case inetIP6Only:
		family = afInet6
		log.Debugf("IPv6")
	}
	addrs, gerr := r.getaddrinfo(name, family)
	if gerr != 0 {
		log.Infof("unable to resolve hostname: %s [%s]", name, gerr)
		return false
	}
	for _, a := range addrs {
		fam, alen := afInet, 0x10
		if a.addr.Is6() {
			fam, alen = afInet6, 0x1c
		}
		// getaddrinfo gives each address once per socket type.
		for _, st := range [3][2]int{{1, 6}, {2, 17}, {3, 0}} {
			log.Debugf("RR: 0,%x,%x,%x,%x,(null)", fam, st[0], st[1], alen)
			if fam == afInet && mask&inetIP4Only == 0 || fam == afInet6 && mask&inetIP6Only == 0 {
				continue
			}
			p.add(log, formatAddr(a.addr)+port, a.ttl, a.hasTTL)
			if mask&oneAddrOnly != 0 {
				return true
			}
		}
	}
	return true
}

//go:build linux

package dnsresolver

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/keyutils-go/keyutils/internal/dnstest"
)

// testZone is served by a real DNS server in the test process
// (internal/dnstest), on a port of 127.0.0.1 the kernel chooses.
const testZone = `
a.test        120 A 192.0.2.10
multi.test    100 A 198.51.100.11
multi.test    200 A 198.51.100.12
multi.test    150 AAAA 2001:db8::11
v6.test        60 AAAA 2001:db8::20
c1.test        30 CNAME c2.test
c2.test        40 CNAME multi.test
zero.test       0 A 192.0.2.13
onlycname.test 50 CNAME nowhere.test
nodata.test       TXT x
servfail.test     SERVFAIL
refused.test      REFUSED
silent.test       SILENT
tc.test           TRUNCATE
tc.test        90 A 192.0.2.96
_afs3-vlserver._udp.cell1 33 SRV 10 0 7003 multi.test
_afs3-vlserver._udp.cell1 44 SRV 20 0 7004 a.test
_afs3-vlserver._udp.cell1 22 SRV 20 0 7005 missing.test
_afs3-vlserver._udp.cell1 55 SRV 20 0 7006 A.test
cell2  90 AFSDB 1 a.test
cell2  85 AFSDB 1 missing.test
_afs3-vlserver._udp.cell3 500 SRV 1 0 7003 a.test
`

// newResolver returns a Resolver that asks srv only (no hosts file), with
// a one-second timeout, logging everything (-vv, as on a terminal) to
// out.
func newResolver(srv *dnstest.Server, out *strings.Builder) *Resolver {
	c := DefaultResolvConf()
	c.Servers = append(c.Servers, srv.Addr)
	c.Timeout, c.Attempts = time.Second, 1
	return &Resolver{
		Config:     DefaultConfig(),
		ResolvConf: c,
		Hosts:      &Hosts{Sources: []string{"dns"}},
		Log:        &Logger{Verbose: 2, Stdout: out, Stderr: out, StdoutTTY: true, StderrTTY: true},
	}
}

func TestResolve(t *testing.T) {
	srv := dnstest.Start(t, "127.0.0.1:0", testZone)
	for _, c := range []struct {
		name, callout string
		payload       string // "": rejected
		timeout       uint32
	}{
		{"a.test", "", "192.0.2.10", 120},
		{"multi.test", "", "198.51.100.11", 100},
		{"multi.test", "ipv4 list", "198.51.100.11,198.51.100.12", 100},
		{"multi.test", "ipv6", "2001:db8::11", 150},
		{"a:multi.test", "ipv6 list", "2001:db8::11", 150},
		{"c1.test", "ipv4 list", "198.51.100.11,198.51.100.12", 30}, // the CNAME chain's TTL
		{"zero.test", "", "192.0.2.13", 1},                          // TTL 0: 1 s, not forever
		{"tc.test", "", "192.0.2.96", 90},                           // over TCP
		{"192.0.2.1", "", "192.0.2.1", DefaultTTL},                  // a literal: no TTL
		{"v6.test", "", "", 60},
		{"nx.test", "", "", 60},
		{"nodata.test", "list", "", 60},
		{"onlycname.test", "", "", 60},
		{"servfail.test", "", "", 60},
		{"refused.test", "list", "", 60},
		{"afsdb:cell1", "ipv6", "2001:db8::11+7003", 22},
		{"afsdb:cell1", "ipv4", "198.51.100.11+7003,198.51.100.12+7003,192.0.2.10+7004", 22},
		{"afsdb:cell2", "", "192.0.2.10", 85},
		{"afsdb:cell3", "", "192.0.2.10+7003", 120}, // the address's TTL is smaller than the SRV's
		{"afsdb:nx", "", "", 60},
	} {
		var out strings.Builder
		r := newResolver(srv, &out)
		res, err := r.Resolve("dns_resolver;0;0;3f010000;"+c.name, c.callout)
		if err != nil {
			t.Errorf("%s %q: %v\n%s", c.name, c.callout, err, out.String())
			continue
		}
		if c.payload == "" {
			if !res.Rejected || res.Errno != syscall.ENODATA || res.RejectTimeout != c.timeout {
				t.Errorf("%s %q: %+v, want rejected with ENODATA for %d s\n%s", c.name, c.callout, res, c.timeout, out.String())
			}
			continue
		}
		if res.Rejected || string(res.Payload) != c.payload+"\x00" || res.Timeout != c.timeout {
			t.Errorf("%s %q: payload %q, timeout %d, rejected %v; want %q, %d\n%s", c.name, c.callout, res.Payload, res.Timeout, res.Rejected, c.payload, c.timeout, out.String())
		}
	}
	var tcp bool
	for _, q := range srv.Log() {
		tcp = tcp || q == "tcp tc.test. A"
	}
	if !tcp {
		t.Errorf("no TCP query after the truncated answer: %q", srv.Log())
	}
}

// A server that does not answer: a temporary failure after the timeout,
// and a second server that answers is asked.
func TestResolveTimeout(t *testing.T) {
	srv := dnstest.Start(t, "127.0.0.1:0", testZone)
	var out strings.Builder
	r := newResolver(srv, &out)
	start := time.Now()
	res, err := r.Resolve("dns_resolver;0;0;0;silent.test", "list")
	if err != nil || !res.Rejected {
		t.Fatalf("%+v, %v", res, err)
	}
	if d := time.Since(start); d < time.Second || d > 10*time.Second {
		t.Errorf("took %v, want the 1 s timeout", d)
	}
	if !strings.Contains(out.String(), "[Temporary failure in name resolution]") {
		t.Errorf("output:\n%s", out.String())
	}

	// The first server is silent for everything, the second answers.
	dead := dnstest.Start(t, "127.0.0.1:0", "a.test SILENT\n")
	r = newResolver(srv, &out)
	r.ResolvConf.Servers = append([]netip.AddrPort{dead.Addr}, srv.Addr)
	res, err = r.Resolve("dns_resolver;0;0;0;a.test", "")
	if err != nil || string(res.Payload) != "192.0.2.10\x00" {
		t.Errorf("%+v, %v", res, err)
	}
}

// The debug output of a lookup, line for line as 1.6.3 prints it (the
// expiry aside: 1.6.3 prints default_ttl).
func TestResolveOutput(t *testing.T) {
	srv := dnstest.Start(t, "127.0.0.1:0", testZone)
	var out strings.Builder
	r := newResolver(srv, &out)
	r.Debug = true
	if _, err := r.Resolve("dns_resolver;-1;-1;0;afsdb:cell2", ""); err != nil {
		t.Fatal(err)
	}
	want := `I: Key description: 'dns_resolver;-1;-1;0;afsdb:cell2'
I: Callout info: ''
I: Query type: 'afsdb'
I: Do AFS VL server query for:'cell2' mask:''
D: Get VL SRV RR for name:'_afs3-vlserver._udp.cell2'
NS:cell2: Unknown host.
I: Reject the key with error 61
D: Get AFSDB RR for cell name:'cell2'
D: AFSDB RR count is 2
D: Resolve 'a.test' with ff
D: RR: 0,2,1,6,10,(null)
D: append '192.0.2.10'
D: RR: 0,2,2,11,10,(null)
D: append '192.0.2.10'
D: RR: 0,2,3,0,10,(null)
D: append '192.0.2.10'
I: AFSDB RR subtype:1, server name:a.test, ip:192.0.2.10, ttl:90
D: Resolve 'missing.test' with ff
I: unable to resolve hostname: missing.test [Name or service not known]
D: AFSDB RR can't resolve.subtype:1, server name:missing.test, netmask:255
I: ttl: 85
I: DNS query AFSDB RR results:1 ttl:85
I: The key instantiation data is '192.0.2.10'
I: The expiry time is 85s
`
	if out.String() != want {
		t.Errorf("output:\n%s\nwant:\n%s", out.String(), want)
	}
}

func TestResolveErrors(t *testing.T) {
	for _, c := range []struct{ desc, callout, err string }{
		{"nosemicolon", "", "Error: Badly formatted key description 'nosemicolon'"},
		{"user;0;0;0;x", "", "Error: Key type is not supported: 'user'"},
		{"dns_resolver;x", "", "Error: Invalid key description: dns_resolver;x"},
		{"dns_resolver;0;0;0;srv:x", "", `Error: Query type: "srv" is not supported`},
		{"dns_resolver;0;0;0;192.0.2.1", "ipv4,list", "Error: Option name 'ipv4,list' contains a comma"},
	} {
		r := &Resolver{Hosts: &Hosts{}, ResolvConf: DefaultResolvConf()}
		_, err := r.Resolve(c.desc, c.callout)
		var e *Error
		if !errors.As(err, &e) || e.Msg != c.err {
			t.Errorf("%q %q: %v, want %q", c.desc, c.callout, err, c.err)
		}
	}
}

// A cell's answer naming more than 15 servers: 15 are resolved (1.6.3
// overflows an array there).
func TestAFSServerLimit(t *testing.T) {
	var zone strings.Builder
	for i := 1; i <= 40; i++ {
		fmt.Fprintf(&zone, "big 60 AFSDB 1 h%d.test\nh%d.test 60 A 198.51.100.%d\n", i, i, i)
	}
	srv := dnstest.Start(t, "127.0.0.1:0", zone.String())
	var out strings.Builder
	res, err := newResolver(srv, &out).Resolve("dns_resolver;0;0;0;afsdb:big", "")
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(res.Payload), ",") + 1; n != maxVLServers {
		t.Errorf("%d servers, want %d: %q", n, maxVLServers, res.Payload)
	}
}

//go:build linux

package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/keyutils-go/keyutils/internal/dnstest"
)

// diffZone is the zone of the differential tests. Address records have
// TTLs of at least those of the SRV and AFSDB records that lead to them,
// so that 1.6.3's expiry (which ignores them) and ours agree for AFS.
const diffZone = `
a1.test        120 A 192.0.2.10
multi.test     100 A 192.0.2.11
multi.test     200 A 192.0.2.12
multi.test     150 AAAA 2001:db8::11
multi.test     150 AAAA 2001:db8::12
v6only.test     60 AAAA 2001:db8::20
dual.test       70 A 192.0.2.30
dual.test       80 AAAA 2001:db8::30
ula.test        70 A 192.0.2.31
ula.test        70 AAAA fd00::31
ula.test        70 AAAA 2002::31
ula.test        70 AAAA fec0::31
ula.test        70 AAAA ::1
ula.test        70 A 127.0.0.9
mapped.test        AAAA ::ffff:192.0.2.40
compat.test        AAAA ::192.0.2.41
cname1.test     30 CNAME cname2.test
cname2.test     40 CNAME dual.test
onlycname.test  50 CNAME nowhere.test
nodata.test        TXT x
a1.search1.test    A 192.0.2.99
host.sub           A 192.0.2.98
under_score.test   A 192.0.2.97
servfail.test      SERVFAIL
refused.test       REFUSED
formerr.test       FORMERR
silent.test        SILENT
tc.test            TRUNCATE
tc.test         90 A 192.0.2.96
_afs3-vlserver._udp.cell1 33 SRV 10 0 7003 dual.test
_afs3-vlserver._udp.cell1 44 SRV 20 0 7004 a1.test
_afs3-vlserver._udp.cell1 22 SRV 20 0 7005 missing.test
_afs3-vlserver._udp.cell1 55 SRV 20 0 7006 A1.test
cell2  90 AFSDB 1 multi.test
cell2  95 AFSDB 1 a1.test
cell2  95 AFSDB 1 A1.test
cell2  85 AFSDB 1 missing.test
cell2  85 AFSDB 1 missing.test
cell3  85 AFSDB 1 missing.test
_afs3-vlserver._udp.cell4 33 SRV 10 0 7003 missing.test
cell4  90 AFSDB 1 multi.test
cell5  90 TXT x
_afs3-vlserver._udp.cell6 33 TXT x
cell6  90 AFSDB 1 a1.test
_afs3-vlserver._udp.cell7 SERVFAIL
cell7  60 AFSDB 2 hostsname
_afs3-vlserver._udp.cell8 30 CNAME _afs3-vlserver._udp.cell1
`

// big.test has 59 A records: its answer needs TCP.
func bigZone() string {
	var b strings.Builder
	for i := 1; i < 60; i++ {
		fmt.Fprintf(&b, "big.test 60 A 198.51.100.%d\n", i)
	}
	return b.String()
}

const diffHosts = `127.0.0.1 localhost
::1 localhost ip6-localhost
192.0.2.77 hostsname Alias1
2001:db8::77 hostsname
::ffff:192.0.2.78 mappedhost
::1 v6lo
10.1.1.1   # comment only
192.0.2.79 second hostsname
`

// diffNames are the key descriptions compared, each with every callout
// info of diffCallouts.
var diffNames = []string{
	"a1.test", "multi.test", "dual.test", "ula.test", "cname1.test", "onlycname.test",
	"nodata.test", "nx.test", "servfail.test", "refused.test", "formerr.test",
	"silent.test.", "tc.test", "big.test", "mapped.test", "compat.test", "v6only.test",
	"a1", "host.sub", "under_score.test", "hostsname", "HOSTSNAME", "alias1", "localhost",
	"mappedhost", "v6lo", "localhost.", "127.1", "0x7f.1", "4294967295", "01.2.3.08",
	"1.2.3.4.5", "", "1.2.3.4 ", "sp ace.test", "a!b.test", "a..b", ".", "a.-b.test",
	"x;y;multi.test", "a:multi.test", "aaaa:multi.test", "a:::1", "a:fe80::1%lo",
	"a:fe80::1%1", "a:fe80::1%nope", "a:::ffff:1.2.3.4", "a:2001:db8::1", "foo:bar", "::1",
	"afsdb:cell1", "afsdb:cell2", "afsdb:cell3", "afsdb:cell4", "afsdb:cell5",
	"afsdb:cell6", "afsdb:cell7", "afsdb:cell8", "afsdb:nx", "afsdb:",
	"esc\x1b]0;title\x07.test",
}

// notDNS are the names of diffNames resolved without DNS (literals, the
// hosts file): no TTL, default_ttl as in 1.6.3.
var notDNS = map[string]bool{
	"hostsname": true, "HOSTSNAME": true, "alias1": true, "localhost": true, "mappedhost": true,
	"v6lo": true, "127.1": true, "0x7f.1": true, "4294967295": true, "": true, "a:::1": true,
	"a:fe80::1%lo": true, "a:fe80::1%1": true, "a:::ffff:1.2.3.4": true, "a:2001:db8::1": true,
}

var diffCallouts = []string{"", "list", "ipv4", "ipv6", "ipv4 list", "list  ipv6", "x", "srv=1", "a,b", "ipv6=1 list"}

// TestDebugAgainstC runs our key.dns_resolver and keyutils 1.6.3's in
// debug mode (-D -v -v) against the same DNS server, hosts file and
// resolv.conf (bound over /etc's in a private mount namespace), on a
// terminal, and compares their output and exit status, line for line.
// They differ, by design, only in the expiry of host-name keys (1.6.3
// cannot see TTLs through getaddrinfo; we use them), in the escaping of
// control characters, and where 1.6.3 fails on answers over 512 bytes.
func TestDebugAgainstC(t *testing.T) {
	needC(t)
	ours := buildOurs(t)
	srv := dnstest.StartPort53(t, diffZone+bigZone())
	dir := t.TempDir()
	binds := map[string]string{
		"/etc/resolv.conf":   writeFile(t, dir, "resolv.conf", "nameserver "+srv.Addr.Addr().String()+"\nsearch search1.test test\noptions timeout:1 attempts:1\n"),
		"/etc/hosts":         writeFile(t, dir, "hosts", diffHosts),
		"/etc/nsswitch.conf": writeFile(t, dir, "nsswitch.conf", "hosts: files dns\n"),
		"/etc/host.conf":     writeFile(t, dir, "host.conf", "multi on\n"),
	}
	type pair struct{ name, callout string }
	var cases []pair
	var jobs []dnstest.Job
	for _, name := range diffNames {
		for _, callout := range diffCallouts {
			if strings.Contains(name, "silent") && callout != "list" || strings.Contains(name, "\x1b") && callout != "" {
				continue // slow (timeouts) or not worth more than once
			}
			cases = append(cases, pair{name, callout})
			argv := []string{cResolver, "-D", "-v", "-v", name, callout}
			jobs = append(jobs, dnstest.Job{Path: cResolver, Argv: argv, Pty: true}, dnstest.Job{Path: ours, Argv: argv, Pty: true})
		}
	}
	results := dnstest.RunBatch(t, binds, jobs)
	for i, c := range cases {
		name, callout := c.name, c.callout
		want, wantCode := escapeC(results[2*i].Output), results[2*i].Code
		got, gotCode := results[2*i+1].Output, results[2*i+1].Code
		if withoutExpiry(got) != withoutExpiry(want) || gotCode != wantCode {
			t.Errorf("-D -v -v %q %q: exit %d, want %d; output:\n%s\nwant (1.6.3):\n%s", name, callout, gotCode, wantCode, lines(got), lines(want))
			continue
		}
		// Host names found in DNS expire after their TTL (1.6.3:
		// default_ttl); AFS keys, literals and /etc/hosts names as in
		// 1.6.3 (dnsresolver's TestResolve checks the TTLs).
		if e, w := expiryOf(got), expiryOf(want); e != w && (strings.HasPrefix(name, "afsdb:") || notDNS[name]) {
			t.Errorf("-D -v -v %q %q: expiry %s, 1.6.3 %s", name, callout, e, w)
		}
	}
}

// TestDebugVerbosityAgainstC compares -D with fewer -v, on a terminal
// and through pipes (where 1.6.3 logs everything to syslog), and a
// configuration file's default_ttl in use.
func TestDebugVerbosityAgainstC(t *testing.T) {
	needC(t)
	ours := buildOurs(t)
	srv := dnstest.StartPort53(t, diffZone)
	dir := t.TempDir()
	binds := map[string]string{
		"/etc/resolv.conf":   writeFile(t, dir, "resolv.conf", "nameserver "+srv.Addr.Addr().String()+"\noptions timeout:1 attempts:1\n"),
		"/etc/hosts":         writeFile(t, dir, "hosts", diffHosts),
		"/etc/nsswitch.conf": writeFile(t, dir, "nsswitch.conf", "hosts: files dns\n"),
	}
	conf := writeFile(t, dir, "kdr.conf", "default_ttl = 77\n")
	for _, args := range [][]string{
		{"-D", "multi.test", "list"}, {"-D", "-v", "multi.test", "list"}, {"-D", "-v", "afsdb:cell1", ""},
		{"-D", "nx.test", ""}, {"-D", "-v", "nx.test", ""}, {"-D", "foo:bar", ""},
		{"-D", "-v", "-c", conf, "hostsname", "list"}, {"-D", "-v", "-v", "-c", conf, "afsdb:cell7", ""},
		{"-v", "-v", "-D", "--", "a1.test", "list"},
	} {
		want, wantCode := onPty(t, binds, cResolver, args...)
		got, gotCode := onPty(t, binds, ours, args...)
		want = escapeC(want)
		exact := strings.Contains(strings.Join(args, " "), "hostsname") || strings.Contains(strings.Join(args, " "), "afsdb:")
		if !exact {
			// DNS names expire after their TTL (1.6.3: default_ttl).
			got, want = withoutExpiry(got), withoutExpiry(want)
		}
		if got != want || gotCode != wantCode {
			t.Errorf("%q: exit %d, want %d; output:\n%s\nwant (1.6.3):\n%s", args, gotCode, wantCode, lines(got), lines(want))
		}
		// Through pipes: nothing on stdout or stderr (syslog), same status.
		run := func(path string) (string, int) {
			cmd := dnstest.Command(t, binds, path, append([]string{cResolver}, args...)...)
			out, err := cmd.CombinedOutput()
			code := 0
			if err != nil {
				code = -1
				if ee, ok := err.(interface{ ExitCode() int }); ok {
					code = ee.ExitCode()
				}
			}
			return string(out), code
		}
		wantP, wantPCode := run(cResolver)
		gotP, gotPCode := run(ours)
		if gotP != wantP || gotPCode != wantPCode {
			t.Errorf("%q through pipes: %q, exit %d; want %q, exit %d", args, gotP, gotPCode, wantP, wantPCode)
		}
	}
}

// escapeC escapes the C program's output as ours escapes everything it
// prints: line by line (the newlines are ours).
func escapeC(s string) string {
	var b strings.Builder
	for _, l := range strings.SplitAfter(s, "\n") {
		nl := strings.HasSuffix(l, "\n")
		b.WriteString(escapeLine(strings.TrimSuffix(l, "\n")))
		if nl {
			b.WriteByte('\n')
		}
	}
	return b.String()
}

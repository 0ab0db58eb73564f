package dnsresolver

import (
	"encoding/binary"
	"math"
	"net/netip"
	"strings"
	"testing"
)

// FuzzConfigParse: any file parses or fails with a ConfigError, never
// panics, and a parsed default_ttl is in range.
func FuzzConfigParse(f *testing.F) {
	for _, s := range []string{
		"default_ttl=10\n", "default_ttl = \"1\\ 0\" # c\n", "a=b\n=\n", "default_ttl='5'\n",
		"x\x00y\n", strings.Repeat("a", 5000), "default_ttl=\\", "default_ttl=99999999999999999999\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c := DefaultConfig()
		warnings, err := c.Parse(strings.NewReader(s), "f")
		if err != nil {
			if _, ok := err.(*ConfigError); !ok {
				t.Fatalf("error %T %v", err, err)
			}
			return
		}
		if c.DefaultTTL < 1 || c.DefaultTTL > math.MaxInt32 {
			t.Fatalf("default_ttl %d", c.DefaultTTL)
		}
		for _, w := range warnings {
			if !strings.HasPrefix(w, "f:") || !strings.Contains(w, ": Unknown option '") {
				t.Fatalf("warning %q", w)
			}
		}
	})
}

// fuzzQuery is a query for "q.test" A, the start of the fuzzed answers.
var fuzzQuery = func() []byte {
	b := []byte{0x12, 0x34, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0}
	b = append(b, 1, 'q', 4, 't', 'e', 's', 't', 0, 0, 1, 0, 1)
	return b
}()

// FuzzAnswer: any answer, however hostile (compression loops, names too
// long, lying counts, huge record sets), is parsed and used for addresses
// and for AFS servers without a panic, and never gives more than 128
// addresses.
func FuzzAnswer(f *testing.F) {
	rec := func(typ uint16, data ...byte) []byte {
		b := []byte{0xc0, 12}
		b = binary.BigEndian.AppendUint16(b, typ)
		b = append(b, 0, 1, 0, 0, 0, 60)
		b = binary.BigEndian.AppendUint16(b, uint16(len(data)))
		return append(b, data...)
	}
	msg := func(n int, recs ...[]byte) []byte {
		b := append([]byte(nil), fuzzQuery...)
		binary.BigEndian.PutUint16(b[6:], uint16(n))
		for _, r := range recs {
			b = append(b, r...)
		}
		return b
	}
	f.Add(msg(1, rec(typeA, 192, 0, 2, 1)))
	f.Add(msg(2, rec(typeCNAME, 0xc0, 12), rec(typeA, 192, 0, 2, 1)))
	f.Add(msg(1, rec(typeSRV, 0, 1, 0, 0, 0x1b, 0x5b, 0xc0, 12)))
	f.Add(msg(1, rec(typeAFSDB, 0, 1, 0xc0, 12)))
	f.Add(msg(1, rec(typeAFSDB, 0, 1, 0xc0, 30)))
	f.Add(msg(3, rec(typeA, 1, 2, 3)))
	f.Add(msg(1, []byte{0xc0, 30, 0, 1, 0, 1, 0, 0, 0, 1, 0, 4, 1, 2, 3, 4}))
	f.Fuzz(func(t *testing.T, b []byte) {
		resp := parseResponse(b)
		if resp.qname == nil {
			resp.qname = [][]byte{[]byte("q"), []byte("test")}
			resp.qtype = typeA
		}
		addrs, _ := addressesOf(resp)
		for _, a := range addrs {
			if !a.addr.IsValid() {
				t.Fatalf("invalid address in %v", addrs)
			}
		}
		// The servers named are looked up in a hosts table, not DNS.
		r := &Resolver{
			ResolvConf: DefaultResolvConf(),
			Hosts:      &Hosts{Sources: []string{"files"}, Entries: []HostsEntry{{Addr: netip.MustParseAddr("192.0.2.1"), Names: []string{"q.test"}}}},
			Log:        &Logger{Verbose: 2},
		}
		for _, srv := range []bool{true, false} {
			var p payload
			expiry := uint32(DefaultTTL)
			r.afsRecords(&p, resp, srv, inetAll, &expiry)
			if len(p.addrs) > 128 {
				t.Fatalf("%d addresses", len(p.addrs))
			}
			p.bytes()
		}
		for _, rec := range resp.answers {
			formatName(rec.name)
			formatName(rec.target)
		}
	})
}

// FuzzNames: host names and literals of any form are checked and parsed
// without a panic, and formatName and parseName agree.
func FuzzNames(f *testing.F) {
	for _, s := range []string{"a.b", "a\\.b", "\\065bc", "127.1", "0x7f.1", "fe80::1%lo", "::ffff:1.2.3.4", "a..b", ".", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		hostnameOK(s)
		parseInetAton(s)
		parseInet6(s, nil)
		labels, err := parseName(s)
		if err != nil {
			return
		}
		back, err := parseName(formatName(labels))
		if err != nil || !sameName(back, labels) {
			t.Fatalf("%q: %q -> %q -> %q, %v", s, labels, formatName(labels), back, err)
		}
	})
}

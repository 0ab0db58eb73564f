// Package dnstest runs real DNS servers for key.dns_resolver's tests: a
// server in the test process, on a loopback address, answering from a
// small zone with golang.org/x/net/dns/dnsmessage (the library
// key.dns_resolver parses answers with), over UDP and TCP, with the
// failures a resolver must handle (SERVFAIL, REFUSED, silence,
// truncation, hostile raw answers). It also runs programs in a private
// mount namespace with files bound over /etc/resolv.conf and others, and
// on a pseudo-terminal.
package dnstest

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"

	"golang.org/x/net/dns/dnsmessage"
)

// Behaviours of a name, given in a zone as "name BEHAVIOUR".
const (
	ServFail = "SERVFAIL" // answer SERVFAIL
	Refused  = "REFUSED"  // answer REFUSED
	FormErr  = "FORMERR"  // answer FORMERR
	Silent   = "SILENT"   // never answer (a timeout)
	Truncate = "TRUNCATE" // over UDP, always answer truncated (TC), empty
)

// Server is a DNS server on a loopback address.
type Server struct {
	Addr netip.AddrPort

	udp *net.UDPConn
	tcp *net.TCPListener

	mu      sync.Mutex
	records map[string][]rr    // by lower-case owner name, with final dot
	special map[string]string  // behaviours
	raw     map[string]RawFunc // hostile answers
	log     []string           // "udp name TYPE", in arrival order
	wg      sync.WaitGroup
}

// RawFunc returns the bytes to answer query with, whatever they are.
type RawFunc func(query []byte) []byte

type rr struct {
	name string
	typ  dnsmessage.Type
	ttl  uint32
	data []string
}

// Start starts a server on addr ("127.0.0.1:0": a port the kernel
// chooses) serving zone (see Server.Load); it is stopped at the test's
// cleanup.
func Start(t testing.TB, addr string, zone string) *Server {
	t.Helper()
	s, err := listen(addr)
	if err != nil {
		t.Fatalf("dnstest: %v", err)
	}
	if err := s.Load(zone); err != nil {
		s.Close()
		t.Fatalf("dnstest: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

// StartPort53 starts a server on port 53 of a loopback address of its
// own, 127.X.Y.Z derived from the process ID (another address if that one
// is taken), as a resolv.conf can only name port 53. It needs root (or
// CAP_NET_BIND_SERVICE), and skips the test otherwise.
func StartPort53(t testing.TB, zone string) *Server {
	t.Helper()
	pid := os.Getpid()
	var last error
	for k := 0; k < 64; k++ {
		n := pid*64 + k
		a := netip.AddrFrom4([4]byte{127, byte(64 + (n>>16)%160), byte(n >> 8), byte(n)})
		if a.As4()[3] == 0 || a.As4()[3] == 255 {
			continue
		}
		s, err := listen(netip.AddrPortFrom(a, 53).String())
		if err != nil {
			last = err
			if strings.Contains(err.Error(), "permission denied") {
				t.Skipf("cannot listen on port 53 (needs root): %v", err)
			}
			continue
		}
		if err := s.Load(zone); err != nil {
			s.Close()
			t.Fatalf("dnstest: %v", err)
		}
		t.Cleanup(s.Close)
		return s
	}
	t.Fatalf("dnstest: no loopback address free for port 53: %v", last)
	return nil
}

// listen opens the UDP and TCP sockets of a server on addr. With port 0
// the kernel chooses the UDP port, and the TCP port must be the same: when
// another program holds that TCP port, another pair is tried.
func listen(addr string) (*Server, error) {
	want, err := netip.ParseAddrPort(addr)
	if err != nil {
		return nil, err
	}
	var (
		ap netip.AddrPort
		u  *net.UDPConn
		l  *net.TCPListener
	)
	for try := 0; ; try++ {
		u, err = net.ListenUDP("udp", net.UDPAddrFromAddrPort(want))
		if err != nil {
			return nil, err
		}
		ap = u.LocalAddr().(*net.UDPAddr).AddrPort()
		l, err = net.ListenTCP("tcp", net.TCPAddrFromAddrPort(ap))
		if err == nil {
			break
		}
		u.Close()
		if want.Port() != 0 || try == 100 || !errors.Is(err, syscall.EADDRINUSE) {
			return nil, err
		}
	}
	s := &Server{Addr: ap, udp: u, tcp: l, records: map[string][]rr{}, special: map[string]string{}, raw: map[string]RawFunc{}}
	s.wg.Add(2)
	go s.serveUDP()
	go s.serveTCP()
	return s, nil
}

// Close stops the server.
func (s *Server) Close() {
	s.udp.Close()
	s.tcp.Close()
	s.wg.Wait()
}

// Load adds a zone: one record per line,
//
//	name [ttl] TYPE data...
//
// with TYPE A, AAAA, CNAME, SRV (priority weight port target), AFSDB
// (subtype host) or TXT, names absolute or not (a final dot is added), the
// TTL 300 if not given; or "name BEHAVIOUR" (ServFail, ...). '#' starts a
// comment.
func (s *Server) Load(zone string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, line := range strings.Split(zone, "\n") {
		line, _, _ = strings.Cut(line, "#")
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		name := canon(f[0])
		if len(f) == 2 {
			switch f[1] {
			case ServFail, Refused, FormErr, Silent, Truncate:
				s.special[name] = f[1]
				continue
			}
		}
		if len(f) < 3 {
			return fmt.Errorf("bad zone line %q", line)
		}
		ttl := uint32(300)
		f = f[1:]
		if n, err := strconv.ParseUint(f[0], 10, 32); err == nil {
			ttl, f = uint32(n), f[1:]
		}
		var typ dnsmessage.Type
		switch f[0] {
		case "A":
			typ = dnsmessage.TypeA
		case "AAAA":
			typ = dnsmessage.TypeAAAA
		case "CNAME":
			typ = dnsmessage.TypeCNAME
		case "SRV":
			typ = dnsmessage.TypeSRV
		case "AFSDB":
			typ = 18
		case "TXT":
			typ = dnsmessage.TypeTXT
		default:
			return fmt.Errorf("bad type in %q", line)
		}
		s.records[strings.ToLower(name)] = append(s.records[strings.ToLower(name)], rr{name: name, typ: typ, ttl: ttl, data: f[1:]})
	}
	return nil
}

// Raw makes the server answer queries for name (any type) with what f
// returns.
func (s *Server) Raw(name string, f RawFunc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.raw[strings.ToLower(canon(name))] = f
}

// Log returns the queries received so far: "udp name. TYPE" or "tcp ...".
func (s *Server) Log() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.log...)
}

func canon(name string) string {
	if !strings.HasSuffix(name, ".") {
		name += "."
	}
	return name
}

func (s *Server) serveUDP() {
	defer s.wg.Done()
	buf := make([]byte, 65536)
	for {
		n, from, err := s.udp.ReadFromUDPAddrPort(buf)
		if err != nil {
			return
		}
		if resp := s.answer(buf[:n], "udp"); resp != nil {
			s.udp.WriteToUDPAddrPort(resp, from)
		}
	}
}

func (s *Server) serveTCP() {
	defer s.wg.Done()
	for {
		c, err := s.tcp.AcceptTCP()
		if err != nil {
			return
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer c.Close()
			for { // queries, one after the other, as glibc pipelines them
				var l [2]byte
				if _, err := readFull(c, l[:]); err != nil {
					return
				}
				q := make([]byte, binary.BigEndian.Uint16(l[:]))
				if _, err := readFull(c, q); err != nil {
					return
				}
				resp := s.answer(q, "tcp")
				if resp == nil {
					return
				}
				out := make([]byte, 2+len(resp))
				binary.BigEndian.PutUint16(out, uint16(len(resp)))
				copy(out[2:], resp)
				if _, err := c.Write(out); err != nil {
					return
				}
			}
		}()
	}
}

func readFull(c net.Conn, b []byte) (int, error) {
	n := 0
	for n < len(b) {
		m, err := c.Read(b[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// answer builds the answer to query received over proto, nil for none.
func (s *Server) answer(query []byte, proto string) []byte {
	var p dnsmessage.Parser
	h, err := p.Start(query)
	if err != nil {
		return nil
	}
	q, err := p.Question()
	if err != nil {
		return nil
	}
	edns := 512
	p.SkipAllQuestions()
	p.SkipAllAnswers()
	p.SkipAllAuthorities()
	for {
		ah, err := p.AdditionalHeader()
		if err != nil {
			break
		}
		if ah.Type == dnsmessage.TypeOPT {
			edns = max(int(ah.Class), 512)
		}
		p.SkipAdditional()
	}
	name := strings.ToLower(q.Name.String())
	s.mu.Lock()
	s.log = append(s.log, proto+" "+q.Name.String()+" "+typeString(q.Type))
	special, raw := s.special[name], s.raw[name]
	s.mu.Unlock()
	if raw != nil {
		return raw(query)
	}
	rh := dnsmessage.Header{ID: h.ID, Response: true, Authoritative: true, RecursionDesired: h.RecursionDesired, RecursionAvailable: true}
	switch special {
	case Silent:
		return nil
	case ServFail:
		rh.RCode = dnsmessage.RCodeServerFailure
	case Refused:
		rh.RCode = dnsmessage.RCodeRefused
	case FormErr:
		rh.RCode = dnsmessage.RCodeFormatError
	case Truncate:
		if proto == "udp" {
			rh.Truncated = true
			return build(rh, q, nil)
		}
	}
	var answers []rr
	if special == "" || special == Truncate {
		answers, rh.RCode = s.lookup(name, q.Type)
	}
	msg := build(rh, q, answers)
	if proto == "udp" && len(msg) > edns {
		rh.Truncated = true
		msg = build(rh, q, nil)
	}
	return msg
}

// lookup finds the records for name and typ, following CNAMEs.
func (s *Server) lookup(name string, typ dnsmessage.Type) ([]rr, dnsmessage.RCode) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []rr
	found := false
	for hops := 0; hops < 16; hops++ {
		recs, ok := s.records[name]
		if !ok {
			break
		}
		found = true
		next := ""
		for _, r := range recs {
			if r.typ == typ || r.typ == dnsmessage.TypeCNAME && typ != dnsmessage.TypeCNAME {
				out = append(out, r)
				if r.typ == dnsmessage.TypeCNAME {
					next = strings.ToLower(canon(r.data[0]))
				}
			}
		}
		if next == "" {
			break
		}
		name = next
	}
	if !found {
		return nil, dnsmessage.RCodeNameError
	}
	return out, dnsmessage.RCodeSuccess
}

func typeString(t dnsmessage.Type) string {
	if t == 18 {
		return "AFSDB"
	}
	return strings.TrimPrefix(t.String(), "Type")
}

// build packs an answer.
func build(h dnsmessage.Header, q dnsmessage.Question, answers []rr) []byte {
	b := dnsmessage.NewBuilder(nil, h)
	b.EnableCompression()
	b.StartQuestions()
	b.Question(q)
	b.StartAnswers()
	for _, r := range answers {
		rh := dnsmessage.ResourceHeader{Name: dnsmessage.MustNewName(r.name), Class: dnsmessage.ClassINET, TTL: r.ttl}
		var err error
		switch r.typ {
		case dnsmessage.TypeA:
			a := netip.MustParseAddr(r.data[0])
			err = b.AResource(rh, dnsmessage.AResource{A: a.As4()})
		case dnsmessage.TypeAAAA:
			a := netip.MustParseAddr(r.data[0])
			err = b.AAAAResource(rh, dnsmessage.AAAAResource{AAAA: a.As16()})
		case dnsmessage.TypeCNAME:
			err = b.CNAMEResource(rh, dnsmessage.CNAMEResource{CNAME: dnsmessage.MustNewName(canon(r.data[0]))})
		case dnsmessage.TypeSRV:
			n := func(i int) uint16 { v, _ := strconv.Atoi(r.data[i]); return uint16(v) }
			err = b.SRVResource(rh, dnsmessage.SRVResource{Priority: n(0), Weight: n(1), Port: n(2), Target: dnsmessage.MustNewName(canon(r.data[3]))})
		case dnsmessage.TypeTXT:
			err = b.TXTResource(rh, dnsmessage.TXTResource{TXT: r.data})
		case 18:
			sub, _ := strconv.Atoi(r.data[0])
			data := binary.BigEndian.AppendUint16(nil, uint16(sub))
			data = append(data, WireName(r.data[1])...)
			err = b.UnknownResource(rh, dnsmessage.UnknownResource{Type: 18, Data: data})
		}
		if err != nil {
			panic(err)
		}
	}
	msg, err := b.Finish()
	if err != nil {
		panic(err)
	}
	return msg
}

// WireName encodes name (dots between labels) uncompressed.
func WireName(name string) []byte {
	var out []byte
	for _, l := range strings.Split(strings.TrimSuffix(name, "."), ".") {
		if l == "" {
			continue
		}
		out = append(out, byte(len(l)))
		out = append(out, l...)
	}
	return append(out, 0)
}

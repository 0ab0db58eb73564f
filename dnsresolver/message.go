package dnsresolver

import (
	"encoding/binary"
	"errors"
	"net/netip"
	"strings"

	"golang.org/x/net/dns/dnsmessage"
)

// DNS messages are built and parsed with golang.org/x/net/dns/dnsmessage,
// the Go team's DNS message library (the standard library's resolver uses
// it), which does not import package net: key.dns_resolver stays a static
// binary. It follows at most 10 compression pointers per name and rejects
// names over 255 bytes and labels holding a dot.

// Record types and classes key.dns_resolver asks for or reads.
const (
	typeA     = uint16(dnsmessage.TypeA)
	typeAAAA  = uint16(dnsmessage.TypeAAAA)
	typeCNAME = uint16(dnsmessage.TypeCNAME)
	typeSRV   = uint16(dnsmessage.TypeSRV)
	typeAFSDB = uint16(18)
	classIN   = uint16(dnsmessage.ClassINET)
)

// Response codes.
const (
	rcodeNoError  = 0
	rcodeFormErr  = 1
	rcodeServFail = 2
	rcodeNXDomain = 3
	rcodeNotImp   = 4
	rcodeRefused  = 5
)

// buildQuery returns a recursive query, with id, for the name whose labels
// are given and type qtype, with an EDNS0 OPT record if edns is set.
func buildQuery(id uint16, labels [][]byte, qtype uint16, edns bool) ([]byte, error) {
	name, err := dnsName(labels)
	if err != nil {
		return nil, err
	}
	b := dnsmessage.NewBuilder(make([]byte, 0, 64), dnsmessage.Header{ID: id, RecursionDesired: true})
	b.EnableCompression()
	if err := b.StartQuestions(); err != nil {
		return nil, err
	}
	if err := b.Question(dnsmessage.Question{Name: name, Type: dnsmessage.Type(qtype), Class: dnsmessage.ClassINET}); err != nil {
		return nil, err
	}
	if edns {
		if err := b.StartAdditionals(); err != nil {
			return nil, err
		}
		var h dnsmessage.ResourceHeader
		if err := h.SetEDNS0(ednsUDPSize, dnsmessage.RCodeSuccess, false); err != nil {
			return nil, err
		}
		if err := b.OPTResource(h, dnsmessage.OPTResource{}); err != nil {
			return nil, err
		}
	}
	return b.Finish()
}

// dnsName converts labels to a dnsmessage.Name, which cannot hold a label
// with a dot.
func dnsName(labels [][]byte) (dnsmessage.Name, error) {
	var s strings.Builder
	for _, l := range labels {
		if strings.IndexByte(string(l), '.') >= 0 {
			return dnsmessage.Name{}, errBadName
		}
		s.Write(l)
		s.WriteByte('.')
	}
	if s.Len() == 0 {
		s.WriteByte('.')
	}
	return dnsmessage.NewName(s.String())
}

// nameLabels splits a dnsmessage.Name (labels hold no dot) into labels.
func nameLabels(n dnsmessage.Name) [][]byte {
	s := strings.TrimSuffix(n.String(), ".")
	if s == "" {
		return nil
	}
	var labels [][]byte
	for _, l := range strings.Split(s, ".") {
		labels = append(labels, []byte(l))
	}
	return labels
}

// record is one resource record of an answer section.
type record struct {
	name   [][]byte
	typ    uint16
	class  uint16
	ttl    uint32
	addr   netip.Addr // A, AAAA
	target [][]byte   // CNAME, SRV, AFSDB
	// SRV: priority, weight, port; AFSDB: subtype in prio.
	prio, weight, port uint16
	// err is set when the record's data could not be parsed, badHeader
	// when not even its owner name and header could (glibc's ns_parserr
	// fails).
	err       error
	badHeader bool
}

// response is a parsed answer.
type response struct {
	id      uint16
	rcode   int
	tc      bool
	qr      bool
	ancount int
	qname   [][]byte // the question, when there is exactly one
	qtype   uint16
	qclass  uint16
	qcount  int
	answers []record
	// err is set when the message's structure is broken (glibc's
	// ns_initparse fails): the records cannot even be counted.
	err error
}

// errMsgSize stands for glibc's EMSGSIZE on a message it cannot parse.
var errMsgSize = errors.New("message too long")

// parseResponse parses msg. Each answer record is parsed on its own, so
// that one bad record (a compression loop in its name, a wrong length)
// spoils only itself.
func parseResponse(msg []byte) *response {
	r := &response{}
	var p dnsmessage.Parser
	h, err := p.Start(msg)
	if err != nil {
		r.err = errMsgSize
		return r
	}
	r.id, r.rcode, r.tc, r.qr = h.ID, int(h.RCode), h.Truncated, h.Response
	r.qcount = int(binary.BigEndian.Uint16(msg[4:]))
	r.ancount = int(binary.BigEndian.Uint16(msg[6:]))
	for {
		q, err := p.Question()
		if errors.Is(err, dnsmessage.ErrSectionDone) {
			break
		}
		if err != nil {
			r.err = errMsgSize
			return r
		}
		if r.qname == nil && r.qcount == 1 {
			r.qname, r.qtype, r.qclass = nameLabels(q.Name), uint16(q.Type), uint16(q.Class)
			if r.qname == nil {
				r.qname = [][]byte{}
			}
		}
	}
	// The structure, as ns_initparse checks it: every record skippable.
	check := p
	if check.SkipAllAnswers() != nil || check.SkipAllAuthorities() != nil || check.SkipAllAdditionals() != nil {
		r.err = errMsgSize
		return r
	}
	for i := 0; i < r.ancount; i++ {
		rec, next, ok := parseRecord(msg, p)
		r.answers = append(r.answers, rec)
		if !ok { // skip the bad record from a fresh parser
			next = restart(msg, i+1)
		}
		p = next
	}
	return r
}

// restart returns a parser positioned after the first n answer records.
func restart(msg []byte, n int) dnsmessage.Parser {
	var p dnsmessage.Parser
	p.Start(msg)
	p.SkipAllQuestions()
	for i := 0; i < n; i++ {
		p.SkipAnswer()
	}
	return p
}

// parseRecord parses the next answer record of p; ok is false when the
// parser could not move past it.
func parseRecord(msg []byte, p dnsmessage.Parser) (rec record, next dnsmessage.Parser, ok bool) {
	h, err := p.AnswerHeader()
	if err != nil {
		rec.err, rec.badHeader = errMsgSize, true
		return rec, p, false
	}
	rec.name, rec.typ, rec.class, rec.ttl = nameLabels(h.Name), uint16(h.Type), uint16(h.Class), h.TTL
	switch rec.typ {
	case typeA, typeAAAA:
		if h.Length != 4 && rec.typ == typeA || h.Length != 16 && rec.typ == typeAAAA {
			rec.err = errMsgSize // glibc refuses the answer
			return rec, p, p.SkipAnswer() == nil
		}
	}
	switch rec.typ {
	case typeA:
		a, err := p.AResource()
		if err != nil {
			rec.err = err
			return rec, p, false
		}
		rec.addr = netip.AddrFrom4(a.A)
	case typeAAAA:
		a, err := p.AAAAResource()
		if err != nil {
			rec.err = err
			return rec, p, false
		}
		rec.addr = netip.AddrFrom16(a.AAAA)
	case typeCNAME:
		c, err := p.CNAMEResource()
		if err != nil {
			rec.err = err
			return rec, p, false
		}
		rec.target = nameLabels(c.CNAME)
	case typeSRV:
		s, err := p.SRVResource()
		if err != nil {
			rec.err = err
			return rec, p, false
		}
		rec.prio, rec.weight, rec.port, rec.target = s.Priority, s.Weight, s.Port, nameLabels(s.Target)
	case typeAFSDB:
		u, err := p.UnknownResource()
		if err != nil {
			rec.err = err
			return rec, p, false
		}
		if len(u.Data) < 3 {
			rec.err = errMsgSize
			return rec, p, true
		}
		rec.prio = binary.BigEndian.Uint16(u.Data)
		rec.target, rec.err = unpackName(msg, u.Data[2:])
	default:
		if err := p.SkipAnswer(); err != nil {
			rec.err = err
			return rec, p, false
		}
	}
	return rec, p, true
}

// maxPointers bounds the compression pointers followed in one name, as
// dnsmessage does.
const maxPointers = 10

// unpackName decodes the possibly compressed name at the start of data,
// a record's data inside msg: labels until the root label or a pointer
// into msg. It refuses loops, reserved label types, names over 255 bytes
// and labels holding a dot (as dnsmessage does).
func unpackName(msg, data []byte) ([][]byte, error) {
	var labels [][]byte
	size, ptrs := 1, 0
	buf, off := data, 0
	for {
		if off >= len(buf) {
			return nil, errMsgSize
		}
		c := int(buf[off])
		off++
		switch c & 0xc0 {
		case 0x00:
			if c == 0 {
				return labels, nil
			}
			if off+c > len(buf) {
				return nil, errMsgSize
			}
			l := buf[off : off+c]
			if strings.IndexByte(string(l), '.') >= 0 {
				return nil, errBadName
			}
			if size += 1 + c; size > maxName {
				return nil, errMsgSize
			}
			labels = append(labels, append([]byte(nil), l...))
			off += c
		case 0xc0:
			if off >= len(buf) {
				return nil, errMsgSize
			}
			if ptrs++; ptrs > maxPointers {
				return nil, errMsgSize
			}
			buf, off = msg, (c&0x3f)<<8|int(buf[off])
		default:
			return nil, errMsgSize
		}
	}
}

//go:build linux

package dnsresolver

import (
	"encoding/binary"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/keyutils-go/keyutils/internal/dnstest"
)

// rawAnswer builds an answer to query: its ID and question, the flags of
// a successful recursive answer, ancount records given as raw bytes.
func rawAnswer(query []byte, ancount int, records ...[]byte) []byte {
	qend := 12
	for query[qend] != 0 {
		qend += int(query[qend]) + 1
	}
	qend += 5
	msg := append([]byte(nil), query[:qend]...)
	msg[2] |= 0x80 // QR
	msg[3] = 0x80  // RA, NOERROR
	binary.BigEndian.PutUint16(msg[6:], uint16(ancount))
	binary.BigEndian.PutUint16(msg[8:], 0)
	binary.BigEndian.PutUint16(msg[10:], 0)
	for _, r := range records {
		msg = append(msg, r...)
	}
	return msg
}

// rr builds a record: owner (raw wire bytes), type, class IN, TTL, data.
func rr(owner []byte, typ uint16, ttl uint32, data []byte) []byte {
	b := append([]byte(nil), owner...)
	b = binary.BigEndian.AppendUint16(b, typ)
	b = binary.BigEndian.AppendUint16(b, classIN)
	b = binary.BigEndian.AppendUint32(b, ttl)
	b = binary.BigEndian.AppendUint16(b, uint16(len(data)))
	return append(b, data...)
}

// ptrQ points at the question's name (offset 12).
var ptrQ = []byte{0xc0, 12}

func TestHostileAnswers(t *testing.T) {
	srv := dnstest.Start(t, "127.0.0.1:0", "ok.test 60 A 192.0.2.1\n")
	// A compression loop: a pointer to itself.
	srv.Raw("loop.test", func(q []byte) []byte {
		off := len(rawAnswer(q, 0))
		return rawAnswer(q, 1, rr([]byte{0xc0 | byte(off>>8), byte(off)}, typeA, 60, []byte{192, 0, 2, 1}))
	})
	// 4000 A records: a 64 KiB answer, over TCP.
	srv.Raw("huge.test", func(q []byte) []byte {
		var recs [][]byte
		for i := 0; i < 4000; i++ {
			recs = append(recs, rr(ptrQ, typeA, 60, []byte{203, 0, 113, byte(i)}))
		}
		msg := rawAnswer(q, len(recs), recs...)
		if len(msg) > 65535 {
			panic("too big")
		}
		return msg
	})
	// A CNAME to a name over 255 bytes.
	srv.Raw("long.test", func(q []byte) []byte {
		var target []byte
		for i := 0; i < 5; i++ {
			target = append(target, 63)
			target = append(target, strings.Repeat("x", 63)...)
		}
		target = append(target, 0)
		return rawAnswer(q, 2, rr(ptrQ, typeCNAME, 60, target), rr(target, typeA, 60, []byte{192, 0, 2, 2}))
	})
	// An A record of 5 bytes.
	srv.Raw("badlen.test", func(q []byte) []byte {
		return rawAnswer(q, 1, rr(ptrQ, typeA, 60, []byte{192, 0, 2, 3, 4}))
	})
	// More records announced than sent.
	srv.Raw("short.test", func(q []byte) []byte {
		return rawAnswer(q, 3, rr(ptrQ, typeA, 60, []byte{192, 0, 2, 3}))
	})
	// An AFSDB record whose host name loops; an SRV record whose target
	// does; and good records after them.
	srv.Raw("afsloop", func(q []byte) []byte {
		off := len(rawAnswer(q, 0)) + 2 + 10 + 2
		return rawAnswer(q, 1, rr(ptrQ, typeAFSDB, 60, []byte{0, 1, 0xc0 | byte(off>>8), byte(off)}))
	})
	srv.Raw("_afs3-vlserver._udp.srvloop", func(q []byte) []byte {
		off := len(rawAnswer(q, 0)) + 2 + 10 + 6
		return rawAnswer(q, 2,
			rr(ptrQ, typeSRV, 60, []byte{0, 1, 0, 0, 0x1b, 0x5b, 0xc0 | byte(off>>8), byte(off)}),
			rr(ptrQ, typeSRV, 60, append([]byte{0, 1, 0, 0, 0x1b, 0x5c}, dnstest.WireName("ok.test")...)))
	})
	// An answer with another ID, then none: a timeout.
	srv.Raw("wrongid.test", func(q []byte) []byte {
		a := rawAnswer(q, 1, rr(ptrQ, typeA, 60, []byte{192, 0, 2, 4}))
		a[0] ^= 0xff
		return a
	})

	for _, c := range []struct {
		name, callout string
		payload       string // "": rejected
		err           string // a fatal error
		log           string // in the output
	}{
		{name: "loop.test", callout: "list"},
		{name: "huge.test", callout: "ipv4 list", payload: "203.0.113.0,203.0.113.1,"},
		{name: "long.test", callout: "list"},
		{name: "badlen.test", callout: "ipv4"},
		{name: "short.test", callout: "ipv4"},
		{name: "wrongid.test", callout: "ipv4", log: "Temporary failure"},
		{name: "afsdb:afsloop", err: "ns_name_uncompress failed"},
		{name: "afsdb:srvloop", payload: "192.0.2.1+7004", log: "ns_name_uncompress failed\n"},
	} {
		var out strings.Builder
		r := newResolver(srv, &out)
		done := make(chan struct{})
		var res *Result
		var err error
		go func() { res, err = r.Resolve("dns_resolver;0;0;0;"+c.name, c.callout); close(done) }()
		select {
		case <-done:
		case <-time.After(time.Minute):
			t.Fatalf("%s: no result after a minute", c.name)
		}
		switch {
		case c.err != "":
			var e *Error
			if !errors.As(err, &e) || e.Msg != c.err {
				t.Errorf("%s: %v, want %q", c.name, err, c.err)
			}
		case err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.payload == "" && !res.Rejected:
			t.Errorf("%s: %q, want a rejection", c.name, res.Payload)
		case c.payload != "" && !strings.HasPrefix(string(res.Payload), c.payload):
			t.Errorf("%s: %q, want %q...", c.name, res.Payload, c.payload)
		}
		if c.log != "" && !strings.Contains(out.String(), c.log) {
			t.Errorf("%s: output lacks %q:\n%s", c.name, c.log, out.String())
		}
		if c.name == "huge.test" && res != nil {
			if n := strings.Count(string(res.Payload), ","); n != 127 {
				t.Errorf("huge.test: %d addresses, want 128 (1.6.3's limit)", n+1)
			}
		}
	}
}

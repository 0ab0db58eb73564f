package dnsresolver

import (
	"errors"
	"sync"
	"time"
)

// sent is the outcome of sending one query to the name servers, as
// glibc's res_send gives it.
type sent struct {
	resp *response // the answer, nil if none
	// refused: no server could be reached (ECONNREFUSED), which ends a
	// search at once.
	refused bool
	// rcode is the response code of the last answer received, also when
	// it was refused (SERVFAIL...), -1 if none: a search goes on after a
	// SERVFAIL.
	rcode int
	// badName: the name could not be put in a query.
	badName bool
}

// send sends a query for labels and qtype to the servers of c, as glibc
// does: Attempts rounds over the servers, each waited for c.Wait; an answer
// with SERVFAIL, NOTIMP or REFUSED moves on to the next server; a
// truncated UDP answer is asked again over TCP from the same server.
func (c *ResolvConf) send(labels [][]byte, qtype uint16) sent {
	id := randomID()
	query, err := buildQuery(id, labels, qtype, c.EDNS0)
	if err != nil {
		return sent{rcode: -1, badName: true}
	}
	valid := func(b []byte) bool {
		r := parseResponse(b)
		return r.qr && r.id == id && r.qcount == 1 && r.qname != nil &&
			sameName(r.qname, labels) && r.qtype == qtype && r.qclass == classIN
	}
	servers := c.servers()
	out := sent{rcode: -1, refused: true}
	for try := 0; try < c.Attempts; try++ {
		for i, s := range servers {
			tcp := c.UseVC
		same:
			deadline := time.Now().Add(c.Wait(i, len(servers)))
			var b []byte
			var err error
			if tcp {
				b, err = exchangeTCP(s, query, deadline, valid)
			} else {
				b, err = exchangeUDP(s, query, deadline, valid)
			}
			if err != nil {
				if !errors.Is(err, errRefused) {
					out.refused = false
				}
				continue
			}
			out.refused = false
			r := parseResponse(b)
			out.rcode = r.rcode
			switch r.rcode {
			case rcodeServFail, rcodeNotImp, rcodeRefused:
				continue
			}
			if r.tc && !tcp {
				tcp = true
				goto same
			}
			out.resp = r
			return out
		}
	}
	return out
}

// answered is the outcome of a query as glibc's res_query gives it: the
// answers (for a pair, A's then AAAA's) or a HostError.
type answered struct {
	answers []*response
	herr    HostError
	// last is the HostError of the last query a search made.
	last    HostError
	refused bool
	rcode   int // of the (first) query's last answer, for the search
}

// classify turns an answer's response code into a HostError, 0 if the
// answer holds records.
func classify(r *response) HostError {
	switch {
	case r.rcode == rcodeNoError && r.ancount > 0:
		return 0
	case r.rcode == rcodeNXDomain:
		return HostNotFound
	case r.rcode == rcodeServFail:
		return TryAgain
	case r.rcode == rcodeNoError:
		return NoData
	}
	return NoRecovery
}

// query asks for labels with one type (res_query) or, given two, for both
// at once as glibc's getaddrinfo does (A and AAAA, sent together): an
// answer with records to either succeeds.
func (c *ResolvConf) query(labels [][]byte, qtypes ...uint16) answered {
	// Both queries at once, as glibc sends them (the waits overlap).
	got := make([]sent, len(qtypes))
	var wg sync.WaitGroup
	for i, t := range qtypes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i] = c.send(labels, t)
		}()
	}
	wg.Wait()
	for _, s := range got {
		if s.badName {
			return answered{herr: NoRecovery, rcode: -1}
		}
	}
	out := answered{rcode: got[0].rcode}
	var present []*response
	refused := true
	for _, s := range got {
		if s.resp != nil {
			present = append(present, s.resp)
		}
		refused = refused && s.refused
	}
	if len(present) == 0 {
		out.herr, out.refused = TryAgain, refused
		return out
	}
	out.answers = present
	for _, r := range present {
		if classify(r) == 0 {
			return out
		}
	}
	// glibc looks at the second answer's code when the first is NOERROR.
	code := present[0]
	if code.rcode == rcodeNoError && len(present) > 1 {
		code = present[1]
	}
	out.herr = classify(code)
	if code.rcode == rcodeNoError {
		out.herr = NoData
	}
	out.answers = nil
	return out
}

// maxDName is glibc's MAXDNAME: longer names (text) are not queried.
const maxDName = 1025

// search looks name up as glibc's res_search does: as it is first when it
// has at least Ndots dots or a final dot, then with each search domain,
// then as it is if not tried yet; NXDOMAIN and NODATA go on to the next
// domain, SERVFAIL too, anything else stops.
func (c *ResolvConf) search(name string, qtypes ...uint16) answered {
	dots := 0
	for i := 0; i < len(name); i++ {
		if name[i] == '.' {
			dots++
		}
	}
	trailing := len(name) > 0 && name[len(name)-1] == '.'
	try := func(domain *string) answered {
		full := name
		if domain == nil {
			if len(name) == 0 || len(name)-1 >= maxDName-1 {
				return answered{herr: NoRecovery, rcode: -1}
			}
		} else {
			if len(name)+len(*domain)+1 >= maxDName {
				return answered{herr: NoRecovery, rcode: -1}
			}
			full = name + "." + *domain
		}
		labels, err := parseName(full)
		if err != nil {
			return answered{herr: NoRecovery, rcode: -1}
		}
		return c.query(labels, qtypes...)
	}
	saved, last := HostError(-1), HostNotFound
	triedAsIs, searched, rootOnList := false, false, false
	gotNoData, gotServFail := false, false
	if dots >= c.Ndots || trailing {
		a := try(nil)
		if a.herr == 0 || trailing {
			return a
		}
		saved, triedAsIs, last = a.herr, true, a.herr
	}
	if dots == 0 || !trailing {
	loop:
		for _, d := range c.Search {
			searched = true
			d = trimDot(d)
			if d == "" {
				rootOnList = true
			}
			a := try(&d)
			if a.herr == 0 {
				return a
			}
			last = a.herr
			if a.refused {
				return answered{herr: TryAgain, refused: true}
			}
			switch a.herr {
			case NoData:
				gotNoData = true
			case HostNotFound:
			case TryAgain:
				if a.rcode == rcodeServFail {
					gotServFail = true
					break
				}
				break loop
			default:
				break loop
			}
		}
	}
	if (dots > 0 || !searched || !c.NoTLDQuery) && !(triedAsIs || rootOnList) {
		a := try(nil)
		if a.herr == 0 {
			return a
		}
		last = a.herr
	}
	switch {
	case saved >= 0:
		return answered{herr: saved, last: last}
	case gotNoData:
		return answered{herr: NoData, last: last}
	case gotServFail:
		return answered{herr: TryAgain, last: last}
	}
	return answered{herr: last, last: last}
}

// trimDot removes the first '.' of a search domain, as glibc does so that
// "." stands for the root.
func trimDot(d string) string {
	if len(d) > 0 && d[0] == '.' {
		return d[1:]
	}
	return d
}

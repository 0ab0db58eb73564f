package dnsresolver

import (
	"fmt"
	"math"
)

// AFS cells: 1.6.3's dns.afsdb.c.

// maxVLServers is how many VL servers of a cell are resolved (1.6.3's
// MAX_VLS, the size of an array it overflows with more).
const maxVLServers = 15

// maxAFSLookups bounds the host-name lookups one AFS answer may cause.
const maxAFSLookups = 64

// afsQuery is 1.6.3's afs_look_up_VL_servers and afs_instantiate.
func (r *Resolver) afsQuery(cell, options string) (*Result, error) {
	mask := uint(inetAll)
	switch options {
	case "ipv4":
		mask = inetIP4Only
	case "ipv6":
		mask = inetIP6Only
	}
	var p payload
	expiry := r.Config.DefaultTTL
	ok, err := r.afsServers(&p, cell, mask, true, &expiry)
	if err == nil && !ok {
		_, err = r.afsServers(&p, cell, mask, false, &expiry)
	}
	if err != nil {
		return nil, err
	}
	if len(p.addrs) == 0 {
		return r.reject(NoData, cell, true), nil
	}
	timeout := max(expiry, 1)
	r.dump(&p, timeout)
	return &Result{Payload: p.bytes(), Timeout: timeout, AFS: true}, nil
}

// afsServers is 1.6.3's dns_query_VL_SRV (srv set) or dns_query_AFSDB:
// it asks for the records, then resolves the servers they name into p.
// ok is false if the query failed; err is a fatal error. expiry becomes
// the smallest TTL of the records (and of the addresses used).
func (r *Resolver) afsServers(p *payload, cell string, mask uint, srv bool, expiry *uint32) (ok bool, err error) {
	log := r.logger()
	name, qtype := cell, typeAFSDB
	if srv {
		name, qtype = "_afs3-vlserver._udp."+cell, typeSRV
		if len(name) > 1023 { // snprintf into 1.6.3's buffer
			name = name[:1023]
		}
		log.Debugf("Get VL SRV RR for name:'%s'", name)
	} else {
		log.Debugf("Get AFSDB RR for cell name:'%s'", cell)
	}
	// res_query: the name as it is, no search list.
	var a answered
	if len(name)+1 >= maxDName {
		a = answered{herr: NoRecovery}
	} else if labels, err := parseName(name); err != nil {
		a = answered{herr: NoRecovery}
	} else {
		a = r.resolvConf().query(labels, qtype)
	}
	if a.herr != 0 {
		log.nsError(a.herr, cell)
		return false, nil
	}
	return true, r.afsRecords(p, a.answers[0], srv, mask, expiry)
}

// afsRecords resolves into p the servers the SRV (srv set) or AFSDB
// records of resp name (1.6.3's srv_hosts_to_addrs, afsdb_hosts_to_addrs).
func (r *Resolver) afsRecords(p *payload, resp *response, srv bool, mask uint, expiry *uint32) error {
	log := r.logger()
	qtype, what := typeAFSDB, "AFSDB"
	if srv {
		qtype, what = typeSRV, "SRV"
	}
	if resp.err != nil {
		return &Error{Msg: "ns_initparse: Message too long", Err: resp.err}
	}
	log.Debugf("%s RR count is %d", what, resp.ancount)
	ttl := uint32(math.MaxUint32)
	var servers []string
	lookups := 0
	for _, rec := range resp.answers {
		if len(servers) >= maxVLServers || lookups >= maxAFSLookups {
			break
		}
		switch {
		case rec.badHeader:
			log.Errorf("ns_parserr failed : Message too long")
			continue
		case rec.typ != qtype:
			continue
		case rec.err != nil && !srv:
			return &Error{Msg: "ns_name_uncompress failed", Err: rec.err}
		case rec.err != nil:
			log.Errorf("ns_name_uncompress failed")
			continue
		}
		host := formatName(rec.target)
		ttl = min(ttl, rec.ttl)
		port := ""
		if srv {
			log.Infof("rdata %d %d %d", rec.prio, rec.weight, rec.port)
			port = fmt.Sprintf("+%d", rec.port)
		}
		dup := false
		for _, s := range servers {
			dup = dup || equalFoldASCII(s, host)
		}
		if dup {
			continue
		}
		lookups++
		if !r.resolveHost(p, host, port, mask) {
			log.Debugf("%s RR can't resolve.subtype:%d, server name:%s, netmask:%d", what, rec.prio, host, mask)
			continue
		}
		if p.hasTTL { // the addresses' own TTLs count too
			ttl = min(ttl, p.ttl)
		}
		log.Infof("%s RR subtype:%d, server name:%s, ip:%s, ttl:%d", what, rec.prio, host, p.last(), ttl)
		servers = append(servers, host)
	}
	*expiry = ttl
	log.Infof("ttl: %d", *expiry)
	if srv {
		what = "VL SRV"
	}
	log.Infof("DNS query %s RR results:%d ttl:%d", what, p.segments(), *expiry)
	return nil
}

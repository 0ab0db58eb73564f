package dnsresolver

import "strconv"

// maxSegments is the size of 1.6.3's payload vector (N_PAYLOAD): with the
// separators and the final NUL, it holds at most 128 addresses.
const maxSegments = 256

// payload collects the addresses that make up the key, as 1.6.3's
// append_address_to_payload does: without duplicates, separated by commas.
type payload struct {
	addrs  []string
	ttl    uint32 // the smallest TTL of the records behind the addresses
	hasTTL bool
}

// segments is 1.6.3's payload_index: addresses and separators.
func (p *payload) segments() int {
	if len(p.addrs) == 0 {
		return 0
	}
	return 2*len(p.addrs) - 1
}

// last returns the last address added ("" if none).
func (p *payload) last() string {
	if len(p.addrs) == 0 {
		return ""
	}
	return p.addrs[len(p.addrs)-1]
}

// add adds addr, found with a TTL if hasTTL, logging it as 1.6.3 does.
func (p *payload) add(log *Logger, addr string, ttl uint32, hasTTL bool) {
	log.Debugf("append '%s'", addr)
	if p.segments()+2 > maxSegments-1 {
		return
	}
	if hasTTL && (!p.hasTTL || ttl < p.ttl) {
		p.ttl, p.hasTTL = ttl, true
	}
	for _, a := range p.addrs {
		if a == addr {
			return
		}
	}
	p.addrs = append(p.addrs, addr)
}

// bytes returns the key's payload: the addresses, commas between them, and
// a NUL at the end, as the kernel's dns_resolver key type wants it.
func (p *payload) bytes() []byte {
	var b []byte
	for i, a := range p.addrs {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, a...)
	}
	return append(b, 0)
}

// dump logs the payload and expiry as 1.6.3's dump_payload does: in
// debug mode it is shown even without -v (and -vv's debugging stops).
func (r *Resolver) dump(p *payload, expiry uint32) {
	log := r.logger()
	if r.Debug {
		log.Verbose = 1
	}
	if log.Verbose < 1 {
		return
	}
	total := 0
	for i, a := range p.addrs {
		if i > 0 {
			log.Debugf("seg[%d]: 1", 2*i-1)
		}
		log.Debugf("seg[%d]: %d", 2*i, len(a))
		total += len(a)
		if i > 0 {
			total++
		}
	}
	log.Debugf("seg[%d]: 1", p.segments())
	total++
	log.Debugf("total: %d", total)
	s := string(p.bytes())
	log.Infof("The key instantiation data is '%s'", s[:len(s)-1])
	log.Infof("The expiry time is %ss", strconv.FormatUint(uint64(expiry), 10))
}

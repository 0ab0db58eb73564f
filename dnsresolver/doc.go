// Package dnsresolver implements key.dns_resolver(8), the program that
// request-key runs for the kernel's dns_resolver keys: when the NFS, CIFS
// or AFS clients need a host name or an AFS cell resolved, the kernel asks
// for a key of type "dns_resolver" whose description is the name, and the
// program instantiates it with the addresses. It is a port of keyutils
// 1.6.3's key.dns_resolver (see cmd/key.dns_resolver for the command).
//
// # Queries
//
// The key's description is a name, optionally prefixed by a query type
// (Resolver.Resolve):
//
//	host           the addresses of host: A and AAAA records, via /etc/hosts
//	a:host         and DNS as getaddrinfo(3) finds them (search list, ndots)
//	aaaa:host      the same (1.6.3 does not tell the three apart)
//	afsdb:cell     the VL servers of an AFS cell: SRV records of
//	               _afs3-vlserver._udp.cell or, if that query fails, AFSDB
//	               records of cell; the servers' addresses
//
// The callout info holds options: for host names, words separated by
// spaces, "ipv4" or "ipv6" (one family) and "list" (every address, not the
// first); none at all means "ipv4", the kernel's legacy callers. For AFS,
// exactly "ipv4" or "ipv6" restricts the family; anything else (the
// kernel passes "srv=1") means both. The payload is the addresses as text,
// separated by commas, at most 128, each followed by "+port" for SRV
// records, and a final NUL: "192.0.2.1,2001:db8::1". Like 1.6.3, it never
// produces the kernel's binary server-list format.
//
// The key expires after the smallest TTL of the DNS records used: the
// address records and the CNAME records leading to them, and for AFS the
// SRV or AFSDB records; names found without DNS (/etc/hosts, address
// literals) expire after default_ttl (Config). A name that resolves to
// nothing rejects the key with ENODATA for 60 seconds.
//
// # Configuration
//
// /etc/keyutils/key.dns_resolver.conf (Config.Parse, LoadConfig) sets
// default_ttl, 1 to INT_MAX seconds, 5 by default, as
// key.dns_resolver.conf(5) describes: key[=value] lines, quotes, backslash
// escapes, comments.
//
// # The resolver
//
// Host names are resolved as glibc 2.36's getaddrinfo(name, NULL, hints)
// resolves them, reimplemented so that the TTLs are seen: address
// literals (inet_aton forms such as "127.1", IPv6 with a scope), then the
// sources of the hosts line of /etc/nsswitch.conf, "files" (/etc/hosts,
// "multi" of /etc/host.conf) and "dns": a valid host name (res_hnok) is
// searched as res_search does (ndots, search list, the as-is try),
// asking the name servers of /etc/resolv.conf in turn (timeout, attempts,
// the next server on SERVFAIL, REFUSED or silence, TCP when an answer is
// truncated, EDNS0 and use-vc on request), A and AAAA records with their
// CNAME chains; the addresses are sorted by RFC 3484 as glibc does with
// its default policy. SRV and AFSDB records are asked for with the name as
// it is (res_query). DNS messages are built and parsed with
// golang.org/x/net/dns/dnsmessage; queries go out on raw sockets, so that
// the command does not link libc.
//
// # Differences from keyutils 1.6.3
//
// Messages, debug output (-D -v -v), exit codes and payloads are 1.6.3's,
// byte for byte, but for these changes:
//
//   - Host names found in DNS expire after their records' TTL (1.6.3 gets
//     no TTL from getaddrinfo and always uses default_ttl, although the man
//     page says a TTL overrides it); AFS keys after the smallest TTL of the
//     SRV or AFSDB records and of the address records used (1.6.3: of the
//     SRV or AFSDB records only). A TTL of 0 gives a timeout of 1 second
//     (1.6.3 sets 0: the key never expires).
//   - Keys for names that resolve to nothing are rejected with ENODATA, as
//     the message "Reject the key with error 61" says (1.6.3 passes the
//     resolver's NO_DATA code, 4, so requesters get EINTR).
//   - SRV and AFSDB answers of any size are read (over TCP when truncated,
//     up to 64 KiB). 1.6.3 reads 512 bytes of them and fails with
//     "ns_initparse: Message too long".
//   - At most 15 VL servers of a cell are resolved, and at most 64 host
//     names looked up per AFS answer (1.6.3 overflows an array of 15 with
//     more servers, and looks up whatever the answer names).
//   - key.dns_resolver.conf: a '#' comment may follow a value after blanks,
//     also after a closing quote, as key.dns_resolver.conf(5) says (1.6.3:
//     "Extra data supplied", "Data after closing quote"); a negative
//     default_ttl or one above INT_MAX is out of range (1.6.3 wraps
//     -4294967295 and 4294967297 to 1); at most MaxConfigSize is read; a
//     file that is not a regular file is ignored, with "Ignoring <file>:
//     not a regular file" (1.6.3 hangs on a FIFO); and, running as root, a
//     file that a user other than root could have changed is ignored, with
//     "Ignoring <file>: <reason>", as request-key ignores such
//     configuration (see package requestkey's Load: owner, mode, every
//     directory and symbolic link on the path). 1.6.3 reads whatever is
//     there.
//   - The command's --config option takes its file argument (1.6.3
//     declares it without one and reads the file "(null)"); -V prints
//     "version: 1.0 from keyutils-1.6.3 (Go port <version>)"; a
//     configuration error in upcall mode negates the key for one second
//     (1.6.3 negates key 0, before it has read its argument, and leaves the
//     key to the kernel).
//   - Upcall assumes the authority to construct the key itself
//     (keyutils.Construct); without it the error is "Error:
//     keyctl_assume_authority failed: ..." (1.6.3 relies on request-key's
//     and fails later, reading the callout info).
//   - Everything printed or logged is escaped as request-key's output is:
//     control characters but tab, DEL and invalid UTF-8 as \xhh, C1
//     controls, U+2028, U+2029 and bidirectional controls as \uhhhh, so
//     that a host name from a DNS answer or a key description cannot drive
//     a terminal or forge a log record. 1.6.3 prints them raw.
//   - The resolver is not glibc's: nsswitch.conf sources other than files
//     and dns (myhostname, resolve, mdns...) and [STATUS=ACTION] items are
//     ignored; /etc/gai.conf is not read (glibc's default policy), and
//     RFC 3484's rule 7 (native transport) is not applied; the resolv.conf
//     options rotate, single-request and others than those above, and the
//     variables LOCALDOMAIN, RES_OPTIONS, HOSTALIASES and RESOLV_MULTI, are
//     ignored. DNS names whose labels hold a '.' byte cannot be asked for
//     or read (dnsmessage refuses them; a record with one counts as
//     unparsable), a name may use at most 10 compression pointers, and at
//     most 16 CNAME records are followed in an answer. Where glibc's own
//     behaviour is odd, it is copied as observed (e.g. an IPv4-only search
//     whose first try failed temporarily and the others found nothing
//     reports "Name or service not known").
package dnsresolver

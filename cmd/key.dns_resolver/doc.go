// Command key.dns_resolver is the upcall program for the kernel's
// dns_resolver keys, a drop-in replacement for /sbin/key.dns_resolver from
// keyutils 1.6.3. request-key runs it, through the stock request-key.conf
// line
//
//	create  dns_resolver  *  *  /sbin/key.dns_resolver %k
//
// when the kernel's NFS, CIFS or AFS clients need a host name or an AFS
// cell resolved and the key is not cached.
//
// # Synopsis
//
//	key.dns_resolver [-v] [-v] [-c <configfile>] <key>
//	key.dns_resolver --dump-config [-c <configfile>]
//	key.dns_resolver -D [-v] [-v] [-c <configfile>] <desc> <calloutinfo>
//	key.dns_resolver -V
//
// # Description
//
// With a key serial number, key.dns_resolver assumes the authority to
// construct the key (which request-key holds for it), reads its
// description and callout info, looks the name up, and instantiates the
// key with the addresses and a timeout, or rejects it (ENODATA, 60 s) if
// there are none. The description is "host", "a:host", "aaaa:host" (A and
// AAAA records, via /etc/hosts and DNS) or "afsdb:cell" (the cell's VL
// servers, from SRV records of _afs3-vlserver._udp.cell, else AFSDB
// records). The callout info holds options: "ipv4", "ipv6", "list"
// (separated by spaces; none means "ipv4", one address) for host names,
// "ipv4" or "ipv6" for cells. The payload is the addresses, separated by
// commas, with "+port" for SRV records. The key expires after the smallest
// TTL of the records used, or default_ttl. See package dnsresolver for
// the details and for the differences from keyutils 1.6.3.
//
// # Options
//
//	-c, --config <file>  read <file>, not /etc/keyutils/key.dns_resolver.conf
//	                     (a missing default file is no error)
//	--dump-config        print the configuration after parsing it, and exit
//	-D, --debug          debug mode: no kernel; <desc> is the name, and what
//	                     the key would hold is printed (as with -v)
//	-v, --verbose        more messages (twice: debugging messages)
//	-V, --version        print the version and exit
//
// Long options may be abbreviated to a unique prefix.
//
// # Configuration
//
// key.dns_resolver.conf(5): lines "key[=value]"; blank lines and lines
// starting with '#' are ignored; blanks around the key and '=' are
// stripped; the value may be quoted with ” or "", a backslash makes the
// next blank, quote or backslash ordinary, and an unquoted '#' starts a
// comment. The one option:
//
//	default_ttl=<seconds>   timeout of keys whose addresses come without a
//	                        TTL (1 to 2147483647; default 5)
//
// Running as root, a configuration file that a user other than root could
// have changed, or that is not a regular file, is ignored (and logged).
//
// # Messages and exit status
//
// Errors and warnings go to standard error when it is a terminal, else to
// syslog (ident key.dns_resolver, facility LOG_DAEMON); information (-v,
// "I: ") and debugging (-v -v, "D: ") messages go to standard output when
// it is a terminal, else to syslog. Everything is escaped (control
// characters, invalid UTF-8). The exit status is 0 when the key was
// instantiated or rejected (or would have been, with -D), 1 on an error
// (after negating the key for one second), 2 for a bad command line,
// after the usage:
//
//	Usage: key.dns_resolver [-vv] [-c config] key_serial
//	Usage: key.dns_resolver -D [-vv] [-c config] <desc> <calloutinfo>
//
// -V prints "version: 1.0 from keyutils-1.6.3 (Go port <version>)".
//
// # Files
//
//	/etc/keyutils/key.dns_resolver.conf    configuration
//	/etc/resolv.conf                       name servers, search list, options
//	/etc/hosts, /etc/host.conf             the hosts file
//	/etc/nsswitch.conf                     the order of files and dns
//
// # Example
//
//	$ key.dns_resolver -D example.org list
//	I: The key instantiation data is '192.0.2.1,2001:db8::1'
//	I: The expiry time is 300s
package main

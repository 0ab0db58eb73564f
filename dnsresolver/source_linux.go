package dnsresolver

import (
	"net/netip"
	"os"
	"strings"
	"sync"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// sourceFor finds the source address the kernel would use to reach dst,
// as glibc does: it connects a UDP socket (nothing is sent) and asks for
// its local address, then looks that address up among the machine's
// (netlink RTM_GETADDR) for its prefix length and flags.
func sourceFor(dst netip.Addr) source {
	family := unix.AF_INET6
	var sa unix.Sockaddr = &unix.SockaddrInet6{Addr: dst.As16()}
	if dst.Is4() {
		family, sa = unix.AF_INET, &unix.SockaddrInet4{Addr: dst.As4()}
	}
	fd, err := unix.Socket(family, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return source{}
	}
	defer unix.Close(fd)
	if unix.Connect(fd, sa) != nil {
		return source{}
	}
	local, err := unix.Getsockname(fd)
	if err != nil {
		return source{}
	}
	s := source{ok: true}
	switch l := local.(type) {
	case *unix.SockaddrInet4:
		s.addr = netip.AddrFrom4(l.Addr)
	case *unix.SockaddrInet6:
		s.addr = netip.AddrFrom16(l.Addr)
	default:
		return source{}
	}
	key := as16(s.addr)
	if s.addr.Is4() && s.addr.As4()[0] == 127 {
		key = as16(netip.AddrFrom4([4]byte{127, 0, 0, 1}))
	}
	if info, ok := localAddrs()[key]; ok {
		s.prefixLen, s.deprecated, s.home = info.prefixLen, info.deprecated, info.home
	}
	return s
}

// localInfo is what netlink says of a local address.
type localInfo struct {
	prefixLen        int
	deprecated, home bool
}

var localAddrs = sync.OnceValue(func() map[netip.Addr]localInfo {
	out := map[netip.Addr]localInfo{}
	b, err := syscall.NetlinkRIB(syscall.RTM_GETADDR, syscall.AF_UNSPEC)
	if err != nil {
		return out
	}
	msgs, err := syscall.ParseNetlinkMessage(b)
	if err != nil {
		return out
	}
	for i := range msgs {
		m := &msgs[i]
		if m.Header.Type != syscall.RTM_NEWADDR || len(m.Data) < unix.SizeofIfAddrmsg {
			continue
		}
		ifa := (*unix.IfAddrmsg)(unsafe.Pointer(&m.Data[0]))
		attrs, err := syscall.ParseNetlinkRouteAttr(m)
		if err != nil {
			continue
		}
		var addr, local []byte
		for _, a := range attrs {
			switch a.Attr.Type {
			case unix.IFA_ADDRESS:
				addr = a.Value
			case unix.IFA_LOCAL:
				local = a.Value
			}
		}
		if local != nil {
			addr = local
		}
		a, ok := netip.AddrFromSlice(addr)
		if !ok {
			continue
		}
		out[as16(a)] = localInfo{
			prefixLen:  int(ifa.Prefixlen),
			deprecated: ifa.Flags&(unix.IFA_F_DEPRECATED|unix.IFA_F_OPTIMISTIC) != 0,
			home:       ifa.Flags&unix.IFA_F_HOMEADDRESS != 0,
		}
	}
	return out
})

// interfaceExists reports whether the network interface name exists, as
// if_nametoindex(3) finds it.
func interfaceExists(name string) bool {
	if name == "" || len(name) >= unix.IFNAMSIZ || strings.ContainsAny(name, "/\x00") || name == "." || name == ".." {
		return false
	}
	_, err := os.Stat("/sys/class/net/" + name + "/ifindex")
	return err == nil
}

package dnsresolver

import (
	"encoding/binary"
	"errors"
	"net/netip"
	"time"

	"golang.org/x/sys/unix"
)

// The transport: one query to one server, over UDP (a connected socket,
// as glibc uses, so that an ICMP port unreachable is seen) or TCP, with a
// deadline. It uses raw sockets (x/sys/unix), not package net, which
// would make the command link libc when cgo is enabled.

// errRefused is a server that is not listening (ECONNREFUSED).
var errRefused = unix.ECONNREFUSED

// errTimeout is a server that did not answer in time.
var errTimeout = unix.ETIMEDOUT

func sockaddr(ap netip.AddrPort) (int, unix.Sockaddr) {
	a := ap.Addr()
	if a.Is4() {
		return unix.AF_INET, &unix.SockaddrInet4{Port: int(ap.Port()), Addr: a.As4()}
	}
	return unix.AF_INET6, &unix.SockaddrInet6{Port: int(ap.Port()), Addr: a.As16()}
}

// waitFD waits until fd is ready for events or the deadline passes.
func waitFD(fd int, events int16, deadline time.Time) error {
	for {
		left := time.Until(deadline)
		if left <= 0 {
			return errTimeout
		}
		ms := int(left / time.Millisecond)
		if ms == 0 {
			ms = 1
		}
		pfd := []unix.PollFd{{Fd: int32(fd), Events: events}}
		n, err := unix.Poll(pfd, ms)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
	}
}

// exchangeUDP sends query to server and returns the first datagram that
// valid accepts, or an error (errTimeout, errRefused, ...).
func exchangeUDP(server netip.AddrPort, query []byte, deadline time.Time, valid func([]byte) bool) ([]byte, error) {
	family, sa := sockaddr(server)
	fd, err := unix.Socket(family, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC|unix.SOCK_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer unix.Close(fd)
	if err := unix.Connect(fd, sa); err != nil {
		return nil, err
	}
	if _, err := unix.Write(fd, query); err != nil {
		return nil, err
	}
	buf := make([]byte, 65536)
	for {
		if err := waitFD(fd, unix.POLLIN, deadline); err != nil {
			return nil, err
		}
		n, err := unix.Read(fd, buf)
		if errors.Is(err, unix.EAGAIN) || errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if valid(buf[:n]) {
			return append([]byte(nil), buf[:n]...), nil
		}
		// Not the answer to our query: keep waiting, as glibc does.
	}
}

// exchangeTCP sends query to server over TCP and returns the answer.
func exchangeTCP(server netip.AddrPort, query []byte, deadline time.Time, valid func([]byte) bool) ([]byte, error) {
	family, sa := sockaddr(server)
	fd, err := unix.Socket(family, unix.SOCK_STREAM|unix.SOCK_CLOEXEC|unix.SOCK_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer unix.Close(fd)
	if err := unix.Connect(fd, sa); err != nil && !errors.Is(err, unix.EINPROGRESS) {
		return nil, err
	}
	if err := waitFD(fd, unix.POLLOUT, deadline); err != nil {
		return nil, err
	}
	if e, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_ERROR); err != nil {
		return nil, err
	} else if e != 0 {
		return nil, unix.Errno(e)
	}
	msg := make([]byte, 2+len(query))
	binary.BigEndian.PutUint16(msg, uint16(len(query)))
	copy(msg[2:], query)
	for len(msg) > 0 {
		if err := waitFD(fd, unix.POLLOUT, deadline); err != nil {
			return nil, err
		}
		n, err := unix.Write(fd, msg)
		if errors.Is(err, unix.EAGAIN) || errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return nil, err
		}
		msg = msg[n:]
	}
	read := func(b []byte) error {
		for len(b) > 0 {
			if err := waitFD(fd, unix.POLLIN, deadline); err != nil {
				return err
			}
			n, err := unix.Read(fd, b)
			if errors.Is(err, unix.EAGAIN) || errors.Is(err, unix.EINTR) {
				continue
			}
			if err != nil {
				return err
			}
			if n == 0 {
				return unix.ECONNRESET
			}
			b = b[n:]
		}
		return nil
	}
	var l [2]byte
	if err := read(l[:]); err != nil {
		return nil, err
	}
	resp := make([]byte, binary.BigEndian.Uint16(l[:]))
	if err := read(resp); err != nil {
		return nil, err
	}
	if !valid(resp) {
		return nil, errMsgSize
	}
	return resp, nil
}

// randomID returns a query ID.
func randomID() uint16 {
	var b [2]byte
	unix.Getrandom(b[:], 0)
	return binary.BigEndian.Uint16(b[:])
}

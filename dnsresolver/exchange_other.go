//go:build !linux

package dnsresolver

import (
	"errors"
	"net/netip"
	"time"
)

// The transport needs Linux (exchange_linux.go): elsewhere every query
// fails with an error wrapping errors.ErrUnsupported.

var (
	errRefused = errors.New("connection refused")
	errTimeout = errors.New("timed out")
)

func exchangeUDP(server netip.AddrPort, query []byte, deadline time.Time, valid func([]byte) bool) ([]byte, error) {
	return nil, errors.ErrUnsupported
}

func exchangeTCP(server netip.AddrPort, query []byte, deadline time.Time, valid func([]byte) bool) ([]byte, error) {
	return nil, errors.ErrUnsupported
}

func randomID() uint16 { return uint16(time.Now().UnixNano()) }

//go:build !linux

package dnsresolver

import "net/netip"

// sourceFor finds no source address on this system: every destination
// counts as unusable to the sorting rules (source_linux.go).
func sourceFor(dst netip.Addr) source { return source{} }

// interfaceExists finds no interface on this system.
func interfaceExists(name string) bool { return false }

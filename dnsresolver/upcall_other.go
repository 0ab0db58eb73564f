//go:build !linux

package dnsresolver

import (
	"errors"

	"github.com/keyutils-go/keyutils"
)

// Upcall is key.dns_resolver's upcall mode (upcall_linux.go). On this
// system it fails with an error wrapping errors.ErrUnsupported.
func (r *Resolver) Upcall(key keyutils.Serial) error {
	return &Error{Msg: "Error: key.dns_resolver needs Linux", Err: errors.ErrUnsupported}
}

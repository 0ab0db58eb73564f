//go:build !linux

package keyutils

import (
	"syscall"
	"time"
)

// Construct assumes the authority to construct key
// (KEYCTL_ASSUME_AUTHORITY). On this system it returns nil and an error
// wrapping ErrUnsupported.
func Construct(key Serial) (*Construction, error) {
	return nil, notLinux("assume_authority", key)
}

// ConstructLocked is Construct for a goroutine already locked to its OS
// thread. On this system it returns nil and an error wrapping
// ErrUnsupported.
func ConstructLocked(key Serial) (*Construction, error) {
	return nil, notLinux("assume_authority", key)
}

// Reject is Negate with the error requests for the key get
// (KEYCTL_REJECT); errno is a unix.Errno on Linux, where it is the same
// type as syscall.Errno. On this system it fails with ErrUnsupported.
func (c *Construction) Reject(timeout time.Duration, errno syscall.Errno, ring ID) error {
	return c.finish(func() error { return Reject(c.Key, timeout, errno, ring) })
}

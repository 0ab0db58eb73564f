//go:build !linux

package requestkey

import (
	"syscall"
	"time"
)

// Rejection is an error a Handler returns to refuse a key in a given way
// (see Serve, which on this system never calls a Handler): with Errno 0
// the key is negated, otherwise it is rejected with Errno, a unix.Errno on
// Linux, where it is the same type as syscall.Errno. The refusal lasts
// Timeout, or NegateTimeout if Timeout is 0.
type Rejection struct {
	Errno   syscall.Errno
	Timeout time.Duration
	Reason  string // for the error message; never sent to the kernel
}

package requestkey

import (
	"time"

	"golang.org/x/sys/unix"
)

// Rejection is an error a Handler returns to refuse a key in a given way.
// With Errno 0 the key is negated (requests get ENOKEY), otherwise it is
// rejected with Errno (e.g. unix.EKEYREJECTED). The refusal lasts Timeout,
// or NegateTimeout if Timeout is 0.
type Rejection struct {
	Errno   unix.Errno
	Timeout time.Duration
	Reason  string // for the error message; never sent to the kernel
}

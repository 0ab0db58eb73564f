//go:build !linux

package requestkey

// Serve on systems other than Linux: the same API as serve.go, with Serve
// failing. Request, Handler and Rejection.Error are copies of serve.go's,
// kept identical by internal/robust's TestStubsCopyLinuxCode.

import (
	"fmt"
	"syscall"
	"time"

	"github.com/keyutils-go/keyutils"
)

// Request is the key a Handler is asked to construct.
type Request struct {
	Key         keyutils.Serial // the key under construction
	Type        string          // its type, e.g. "user"
	Description string          // its description
	Callout     string          // the callout info, up to its first NUL
	Args        []string        // the program's arguments after the key ID
}

// A Handler constructs the key of a Request. A nil error instantiates the
// key with the returned payload. An error refuses the key: a *Rejection
// (anywhere in the chain, errors.As) says how; any other error negates the
// key for NegateTimeout.
type Handler func(*Request) ([]byte, error)

// Rejection is an error a Handler returns to refuse a key in a given way.
// With Errno 0 the key is negated (requests get ENOKEY), otherwise it is
// rejected with Errno (e.g. unix.EKEYREJECTED; unix.Errno is
// syscall.Errno). The refusal lasts Timeout, or NegateTimeout if Timeout
// is 0.
type Rejection struct {
	Errno   syscall.Errno
	Timeout time.Duration
	Reason  string // for the error message; never sent to the kernel
}

// Error says how the key was finished and why.
func (r *Rejection) Error() string {
	what := "negated"
	if r.Errno != 0 {
		what = "rejected (" + r.Errno.Error() + ")"
	}
	if r.Reason != "" {
		return "key " + what + ": " + r.Reason
	}
	return "key " + what
}

// Serve runs h for the key named by args[0], and is meant to be the whole
// main function of a Go program named in request-key.conf. On this system
// it does not call h and returns an error wrapping errors.ErrUnsupported.
func Serve(args []string, h Handler) error {
	return fmt.Errorf("requestkey: Serve: %w", errNotLinux)
}

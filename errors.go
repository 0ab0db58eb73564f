package keyutils

import (
	"errors"
	"io/fs"
	"strconv"
)

// Error records a failed key operation: which operation, on which key, and
// the kernel's errno. Use errors.Is with the sentinels below or with a
// unix.Errno (errors.Is(err, unix.ENOKEY)).
//
// An Error never contains a payload: key material stays out of messages and
// logs.
type Error struct {
	Op  string // the operation, e.g. "read", "add_key", "search"
	Key int32  // the key or keyring the operation was applied to; 0 if none
	Err error  // the cause, normally a unix.Errno
	// Detail explains the failure where the errno alone does not: for
	// EDQUOT the owner's quota usage from /proc/key-users, for EACCES the
	// key's permissions and which of them apply to the caller.
	Detail string
}

// Error returns "keyutils: <op> key <serial>: <errno text> (<detail>)".
func (e *Error) Error() string {
	s := "keyutils: " + e.Op
	if e.Key != 0 {
		s += " key " + strconv.FormatInt(int64(e.Key), 10)
		if sp := Special(e.Key); sp < 0 && sp >= ReqKeyAuthKey {
			s += " (" + sp.String() + ")"
		}
	}
	s += ": " + e.Err.Error()
	if e.Detail != "" {
		s += " (" + e.Detail + ")"
	}
	return s
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// ErrPermission is fs.ErrPermission: errors.Is(err, ErrPermission) reports
// EACCES (the key's permission mask denies the operation) and EPERM (the
// operation needs an authority or privilege the caller lacks).
var ErrPermission = fs.ErrPermission

// ErrUnsupported is errors.ErrUnsupported: errors.Is(err, ErrUnsupported)
// reports EOPNOTSUPP and ENOSYS, the kernel's answers for an operation it
// was built without (DH, notifications, ...) or a key type that lacks it.
var ErrUnsupported = errors.ErrUnsupported

// ErrShortBuffer reports that a buffer passed to an Into function is too
// small for the data; the function's int result is then the size needed.
var ErrShortBuffer = errors.New("buffer too small")

// errnoOf returns the errno of type E (unix.Errno, syscall.Errno) that err
// wraps, or 0: the body of Error.Errno, whose result type is spelled
// differently on Linux and elsewhere.
func errnoOf[E error](err error) E {
	var n E
	errors.As(err, &n)
	return n
}

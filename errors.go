package keyutils

import (
	"errors"
	"io/fs"
	"strconv"

	"golang.org/x/sys/unix"
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
}

func (e *Error) Error() string {
	s := "keyutils: " + e.Op
	if e.Key != 0 {
		s += " key " + strconv.FormatInt(int64(e.Key), 10)
		if sp := Special(e.Key); sp < 0 && sp >= ReqKeyAuthKey {
			s += " (" + sp.String() + ")"
		}
	}
	return s + ": " + e.Err.Error()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Errno returns the kernel's errno, or 0 if the cause is not an errno.
func (e *Error) Errno() unix.Errno {
	var n unix.Errno
	if errors.As(e.Err, &n) {
		return n
	}
	return 0
}

// The common failures. They are the kernel's errnos, so errors.Is(err,
// ErrNotFound) and errors.Is(err, unix.ENOKEY) are the same test.
var (
	// ErrNotFound: the key does not exist, was not found by a search, or
	// has been negated (ENOKEY).
	ErrNotFound error = unix.ENOKEY
	// ErrExpired: the key's timeout has passed (EKEYEXPIRED).
	ErrExpired error = unix.EKEYEXPIRED
	// ErrRevoked: the key has been revoked (EKEYREVOKED).
	ErrRevoked error = unix.EKEYREVOKED
	// ErrRejected: the key was rejected by its construction (EKEYREJECTED).
	ErrRejected error = unix.EKEYREJECTED
	// ErrQuotaExceeded: the owner's key quota, in keys or bytes, is
	// exhausted (EDQUOT). See ReadKeyUsers for the current usage.
	ErrQuotaExceeded error = unix.EDQUOT
	// ErrNotKeyring: the key given as a keyring is not one (ENOTDIR).
	ErrNotKeyring error = unix.ENOTDIR
)

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

func newError(op string, key int32, e error) error {
	return &Error{Op: op, Key: key, Err: e}
}

//go:build !linux

package keyutils

// This file and the other *_other.go files are the library on systems
// other than Linux, which have no kernel key retention service: the same
// API, so that cross-platform programs that use it only on Linux compile
// everywhere. Every operation that needs the kernel returns an *Error
// wrapping ErrUnsupported (errors.ErrUnsupported); what needs no kernel
// (parsing descriptions, /proc lines, notification records, permission
// masks, special IDs, Wipe) works as on Linux. Declarations that need no
// system call are copies of the Linux ones, kept identical by
// internal/robust's TestStubsCopyLinuxCode; its TestCrossAPI checks that
// the exported API is the same on every system, TestCrossBuild that the
// module builds and vets for other systems, and TestStubsFailUnsupported
// that the operations fail with ErrUnsupported there. When a Linux file
// gets a new exported declaration, give it a stub in the _other.go file
// of the same name.

import (
	"errors"
	"fmt"
	"io/fs"
	"runtime"
	"strconv"
	"syscall"
)

// errNotLinux is the cause of every failure on this system.
var errNotLinux = fmt.Errorf("the kernel key retention service is Linux-only, and this is %s: %w", runtime.GOOS, errors.ErrUnsupported)

// notLinux returns the Error operation op on key id fails with here.
func notLinux(op string, id ID) error { return newError(op, rawID(id), errNotLinux) }

func newError(op string, key int32, e error) error { return &Error{Op: op, Key: key, Err: e} }

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

// Errno returns the kernel's errno, or 0 if the cause is not an errno. On
// this system no operation fails with an errno.
func (e *Error) Errno() syscall.Errno {
	var n syscall.Errno
	if errors.As(e.Err, &n) {
		return n
	}
	return 0
}

// The common failures: the kernel's errnos on Linux, where errors.Is(err,
// ErrNotFound) and errors.Is(err, unix.ENOKEY) are the same test. On this
// system no operation returns them.
var (
	// ErrNotFound: the key does not exist, was not found by a search, or
	// has been negated (ENOKEY).
	ErrNotFound = errors.New("required key not available")
	// ErrExpired: the key's timeout has passed (EKEYEXPIRED).
	ErrExpired = errors.New("key has expired")
	// ErrRevoked: the key has been revoked (EKEYREVOKED).
	ErrRevoked = errors.New("key has been revoked")
	// ErrRejected: the key was rejected by its construction (EKEYREJECTED).
	ErrRejected = errors.New("key was rejected by service")
	// ErrQuotaExceeded: the owner's key quota, in keys or bytes, is
	// exhausted (EDQUOT). See ReadKeyUsers for the current usage.
	ErrQuotaExceeded = errors.New("disk quota exceeded")
	// ErrNotKeyring: the key given as a keyring is not one (ENOTDIR).
	ErrNotKeyring = errors.New("not a directory")
)

// ErrPermission is fs.ErrPermission: errors.Is(err, ErrPermission) reports
// EACCES (the key's permission mask denies the operation) and EPERM (the
// operation needs an authority or privilege the caller lacks).
var ErrPermission = fs.ErrPermission

// ErrUnsupported is errors.ErrUnsupported: errors.Is(err, ErrUnsupported)
// reports EOPNOTSUPP and ENOSYS, the kernel's answers for an operation it
// was built without (DH, notifications, ...) or a key type that lacks it.
// On this system every operation that needs the kernel fails with an
// *Error wrapping it.
var ErrUnsupported = errors.ErrUnsupported

// ErrShortBuffer reports that a buffer passed to an Into function is too
// small for the data; the function's int result is then the size needed.
var ErrShortBuffer = errors.New("buffer too small")

//go:build !linux

package keyutils

// The library is the same API on every system, so that cross-platform
// programs that use it only on Linux compile everywhere. Each concept is
// split in up to three files: X.go (no build constraint) declares what
// compiles on every system, once: types, constants, parsers, and the
// functions built on other functions of the package; X_linux.go what
// needs Linux (x/sys/unix, system calls, /proc); and X_other.go, like
// this file, the stubs of X_linux.go's functions for the systems that
// have no kernel key retention service. A stub returns an *Error wrapping
// ErrUnsupported (errors.ErrUnsupported); a function of X.go that reaches
// the kernel does so through a stub, and fails the same way; what needs
// no kernel (parsing descriptions, /proc lines, notification records,
// permission masks, special IDs, Wipe) works as on Linux. Stubs hold no
// logic of their own: the only other declarations here are those whose
// Linux version is spelled with x/sys/unix (the sentinel errors below,
// Error.Errno, Reject and Construction.Reject), with a standard-library
// spelling of the same types. When X_linux.go gets an exported function,
// or one that an X.go calls, give it a stub in X_other.go.
// internal/robust's TestCrossAPI checks that the exported API is the same
// on every system, TestCrossBuild that the module builds and vets for
// other systems, and TestStubsFailUnsupported that every operation fails
// with ErrUnsupported there.

import (
	"errors"
	"fmt"
	"runtime"
	"syscall"
)

// errNotLinux is the cause of every failure on this system.
var errNotLinux = fmt.Errorf("the kernel key retention service is Linux-only, and this is %s: %w", runtime.GOOS, errors.ErrUnsupported)

// notLinux returns the Error operation op on key id fails with here.
func notLinux(op string, id ID) error { return newError(op, rawID(id), errNotLinux) }

// newError returns the Error of operation op on key, caused by e (on
// Linux with details that need the kernel).
func newError(op string, key int32, e error) error { return &Error{Op: op, Key: key, Err: e} }

// Errno returns the kernel's errno, or 0 if the cause is not an errno. On
// this system no operation fails with an errno.
func (e *Error) Errno() syscall.Errno { return errnoOf[syscall.Errno](e.Err) }

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

package secret

import (
	"errors"
	"strconv"
	"strings"
)

// The kinds of failure, for errors.Is. An *Error carries one of them (or
// none) together with the library's error that caused it, which tells the
// errno and, for the quota, the usage.
var (
	// ErrNotFound: no entry of that name, or it has expired.
	ErrNotFound = errors.New("no such entry")
	// ErrInvalid: an invalid store or entry name, or time to live.
	ErrInvalid = errors.New("invalid argument")
	// ErrTooLarge: the value does not fit in a kernel "user" key
	// (MaxValueSize).
	ErrTooLarge = errors.New("value too large for a kernel key")
	// ErrQuotaExceeded: the owner's key quota (keys or bytes) is
	// exhausted. The error also matches keyutils.ErrQuotaExceeded, and its
	// message gives the usage from /proc/key-users.
	ErrQuotaExceeded = errors.New("key quota exceeded")
	// ErrBlocked: a seccomp filter refuses the key management system
	// calls (add_key, keyctl), as container runtimes' default profiles do.
	ErrBlocked = errors.New("key management system calls are blocked by a seccomp filter")
	// ErrNoKeyrings: the kernel has no key retention service (built
	// without CONFIG_KEYS).
	ErrNoKeyrings = errors.New("the kernel has no key retention service")
	// ErrNoSession: Options.RequireOwnSession is set and the process has
	// no session keyring of its own.
	ErrNoSession = errors.New("the process has no session keyring of its own")
	// ErrForeign: the anchor holds a keyring of the store's name that
	// belongs to another user or cannot be given the store's permissions,
	// or an entry holds a payload this package did not write.
	ErrForeign = errors.New("not created by this package")
)

// Error is a failed store operation. Payloads never appear in it.
type Error struct {
	Op    string // "open", "get", "info", "set", "update", "delete", "list" or "clear"
	Store string // the store's name
	Name  string // the entry's name; "" for operations on the whole store
	// Kind is one of the package's Err values, or nil when none applies
	// (then Err says what happened).
	Kind error
	// Err is the cause: normally the library's *keyutils.Error, which
	// names the system call, the errno and, for EDQUOT and EACCES,
	// the details; nil when Kind says it all.
	Err error
	// Hint says what to do about it, when there is something to say.
	Hint string
}

// Error returns "secret: <op> <store>[ entry <name>]: <kind>: <cause>
// (<hint>)", leaving out what is empty.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("secret: ")
	b.WriteString(e.Op)
	b.WriteString(" store ")
	b.WriteString(strconv.Quote(e.Store))
	if e.Name != "" {
		b.WriteString(" entry ")
		b.WriteString(strconv.Quote(e.Name))
	}
	if e.Kind != nil {
		b.WriteString(": ")
		b.WriteString(e.Kind.Error())
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	if e.Hint != "" {
		b.WriteString(" (")
		b.WriteString(e.Hint)
		b.WriteString(")")
	}
	return b.String()
}

// Unwrap returns Kind and Err, so that errors.Is matches both the
// package's kinds and the library's errors (keyutils.ErrQuotaExceeded,
// keyutils.ErrPermission, a unix.Errno, ...).
func (e *Error) Unwrap() []error {
	var errs []error
	if e.Kind != nil {
		errs = append(errs, e.Kind)
	}
	if e.Err != nil {
		errs = append(errs, e.Err)
	}
	return errs
}

// The hints.
const (
	hintQuota      = "each user may own /proc/sys/kernel/keys/maxkeys keys (200 by default) holding /proc/sys/kernel/keys/maxbytes bytes of descriptions and payloads (20000), root root_maxkeys and root_maxbytes: delete entries that are no longer needed, keep fewer or smaller values, or have the administrator raise the limits"
	hintTooLarge   = "a kernel \"user\" key holds at most 32767 bytes, of which this package keeps 20 for the entry's metadata; keep large data elsewhere, encrypted with a key kept here"
	hintBlocked    = "container runtimes (Docker, Podman, containerd) block add_key and keyctl in their default seccomp profiles; run the container with a profile that allows them, or keep the secret elsewhere"
	hintNoKeyrings = "the kernel was built without CONFIG_KEYS; no program on this machine can use kernel keyrings"
	hintNoSession  = "the process was started outside a login session's keyring (by a service manager, cron, or a login without pam_keyinit), and the session anchor would be the user-session keyring shared by all such processes of the user; start it in a session (keyctl session -, or a login through pam_keyinit) or choose the UserSession anchor"
	hintPersistent = "the kernel was built without CONFIG_PERSISTENT_KEYRINGS; use the User anchor instead"
)

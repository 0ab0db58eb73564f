package keyutils

import (
	"fmt"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Errno returns the kernel's errno, or 0 if the cause is not an errno.
func (e *Error) Errno() unix.Errno { return errnoOf[unix.Errno](e.Err) }

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

func newError(op string, key int32, e error) error {
	err := &Error{Op: op, Key: key, Err: e}
	switch e {
	case unix.EDQUOT:
		err.Detail = quotaDetail()
	case unix.EACCES:
		err.Detail = accessDetail(key)
	}
	return err
}

// quotaDetail describes the caller's key quota usage.
func quotaDetail() string {
	uid := unix.Geteuid()
	u, err := KeyUserOf(uid)
	if err != nil {
		return ""
	}
	return fmt.Sprintf("uid %d owns %d/%d keys and %d/%d bytes of payload; see /proc/key-users and /proc/sys/kernel/keys",
		uid, u.QuotaKeys, u.MaxKeys, u.QuotaBytes, u.MaxBytes)
}

// accessDetail explains which permissions of key id apply to the caller.
// The kernel grants a key's possessor rights on top of the user, group or
// other rights when the key is possessed: reachable, through keyrings the
// caller may search, from its thread, process or session keyring.
func accessDetail(id int32) string {
	if id == 0 {
		return ""
	}
	// The raw call: a failure here must not build another Error.
	var buf [512]byte
	n, e := keyctlPtr(unix.KEYCTL_DESCRIBE, id32(id), unsafe.Pointer(&buf[0]), uintptr(len(buf)), 0)
	switch {
	case e == unix.EACCES:
		return "the caller may not view the key: neither the possessor rights (if it possesses the key) nor its user, group or other rights include view"
	case e != 0:
		// The key died (invalidated, expired, revoked) after it was
		// found: no keyring search finds it now, so the caller lost
		// the possessor rights it may have had.
		return "the key is no longer valid (" + e.Error() + "), so the caller no longer possesses it through its keyrings"
	case n < 1 || n > len(buf):
		return ""
	}
	d, err := ParseDescription(string(buf[:n-1]))
	if err != nil {
		return ""
	}
	uid, gid := unix.Geteuid(), unix.Getegid()
	groups, _ := unix.Getgroups()
	class := applicableClass(d, uid, gid, groups)
	name := PermClassName(class)
	return fmt.Sprintf("key owned by %d:%d with permissions %s; caller uid %d gets the %s rights %s, plus the possessor rights %s only if it possesses the key (reaches it from its thread, process or session keyring)",
		d.UID, d.GID, d.Perm.Hex(), uid, name, d.Perm.Class(class), d.Perm.Class(Possessor))
}

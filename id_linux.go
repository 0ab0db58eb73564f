package keyutils

import (
	"golang.org/x/sys/unix"
)

// Resolve returns the serial of the keyring s names for the calling thread,
// without creating it (KEYCTL_GET_KEYRING_ID with create=0). For
// SessionKeyring in a thread without a session keyring it returns the
// user-session keyring. It fails with ErrNotFound when the keyring does not
// exist.
func (s Special) Resolve() (Serial, error) {
	if s >= 0 { // not a special ID: an ordinary key may be under construction
		return GetKeyringID(s, false)
	}
	// Special keyrings are instantiated when created: no waiting (see
	// keyctlNoWait).
	r, e := keyctlNoWait(unix.KEYCTL_GET_KEYRING_ID, id32(int32(s)), nil, 0, 0)
	if e != 0 {
		return 0, newError("get_keyring_id", int32(s), e)
	}
	return Serial(r), nil
}

// ringID returns the key_serial_t for a keyring argument of an operation
// that may create keyrings, applying the rule documented on Special:
// SessionKeyring and ProcessKeyring are resolved without creation.
func ringID(op string, id ID) (int32, error) {
	s, ok := id.(Special)
	if !ok || s != SessionKeyring && s != ProcessKeyring {
		return rawID(id), nil
	}
	r, e := keyctl(unix.KEYCTL_GET_KEYRING_ID, id32(int32(s)), 0, 0, 0)
	if e != 0 {
		err := &Error{Op: op, Key: int32(s), Err: e}
		if s == ProcessKeyring && e == unix.ENOKEY {
			err.Detail = "the calling thread has no process keyring, and the library does not create one implicitly: under Go it would belong to one OS thread; create it with GetKeyringID(ProcessKeyring, true) on a locked thread"
		}
		return 0, err
	}
	return int32(r), nil
}

// GetKeyringID returns the serial of id (KEYCTL_GET_KEYRING_ID). For a
// Special it resolves the caller's keyring; with create it asks the kernel
// to create a missing thread, process or session keyring for the calling
// thread. It can also check that a Serial exists.
func GetKeyringID(id ID, create bool) (Serial, error) {
	c := uintptr(0)
	if create {
		c = 1
	}
	r, e := keyctl(unix.KEYCTL_GET_KEYRING_ID, id32(rawID(id)), c, 0, 0)
	if e != 0 {
		return 0, newError("get_keyring_id", rawID(id), e)
	}
	return Serial(r), nil
}

package keyutils

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// Link links key id into keyring ring (KEYCTL_LINK). A key of the same type
// and description already in ring is displaced.
func Link(id, ring ID) error {
	k, err := ringID("link", id)
	if err != nil {
		return err
	}
	r, err := ringID("link", ring)
	if err != nil {
		return err
	}
	_, e := keyctl(unix.KEYCTL_LINK, id32(k), id32(r), 0, 0)
	return check("link", id, e)
}

// Unlink removes the link to key id from keyring ring (KEYCTL_UNLINK). A
// key that is not in ring gives fs.ErrNotExist (ENOENT).
//
// A key that no longer exists gives ErrNotFound (ENOKEY) instead, and
// keys die on their own: once a key's last link is gone, or the garbage
// collector has removed an invalidated, expired or revoked key from its
// keyrings, the kernel destroys it a moment later. So unlinking a key that
// something else may have unlinked, invalidated or let expire meanwhile
// can give either error (ErrNotFound also when ring itself is gone); a
// caller that only wants the link gone can treat both as success. A key
// that is revoked, expired or invalidated but still linked is unlinked
// normally: the key's state is not checked.
func Unlink(id, ring ID) error {
	_, e := keyctl(unix.KEYCTL_UNLINK, id32(rawID(id)), id32(rawID(ring)), 0, 0)
	return check("unlink", id, e)
}

// Move moves the link to key id from keyring from to keyring to
// (KEYCTL_MOVE) in one step.
func Move(id, from, to ID, flags MoveFlags) error {
	k, err := ringID("move", id)
	if err != nil {
		return err
	}
	t, err := ringID("move", to)
	if err != nil {
		return err
	}
	_, e := keyctl(unix.KEYCTL_MOVE, id32(k), id32(rawID(from)), id32(t), uintptr(flags))
	return check("move", id, e)
}

// Search searches keyring ring and, recursively, the keyrings it links
// (those the caller may search) for a key of the given type and
// description (KEYCTL_SEARCH). If dest is not nil the key found is linked
// into it.
func Search(ring ID, keyType, description string, dest ID) (Serial, error) {
	if err := nulArg("search", keyType, description); err != nil {
		return 0, err
	}
	d, err := ringID("search", dest)
	if err != nil {
		return 0, err
	}
	var tb [32]byte
	var db [256]byte
	r, e := keyctlPtr2(unix.KEYCTL_SEARCH, id32(rawID(ring)),
		unsafe.Pointer(cstr(tb[:], keyType)), unsafe.Pointer(cstr(db[:], description)), id32(d))
	if e != 0 {
		return 0, newError("search", rawID(ring), e)
	}
	return Serial(r), nil
}

// keyctlPtr2 is keyctl with pointers in arguments 3 and 4.
func keyctlPtr2(cmd int, a2 uintptr, p3, p4 unsafe.Pointer, a5 uintptr) (int, unix.Errno) {
	r, _, e := unix.Syscall6(unix.SYS_KEYCTL, uintptr(cmd), a2, uintptr(p3), uintptr(p4), a5, 0)
	if e != 0 {
		return -1, e
	}
	return int(r), 0
}

// RestrictKeyringArgs is RestrictKeyring with the kernel's own arguments:
// a nil keyType or restriction is NULL, and any string, even an empty one,
// is passed as it is. The kernel answers differently for a missing and an
// empty argument (a NULL type refuses all links; an empty one is an
// error), which a faithful keyctl restrict_keyring must reproduce.
func RestrictKeyringArgs(ring ID, keyType, restriction *string) error {
	var tp, rp unsafe.Pointer
	var tb [32]byte
	var rb [256]byte
	if keyType != nil {
		tp = unsafe.Pointer(cstr(tb[:], *keyType))
	}
	if restriction != nil {
		rp = unsafe.Pointer(cstr(rb[:], *restriction))
	}
	_, e := keyctlPtr2(unix.KEYCTL_RESTRICT_KEYRING, id32(rawID(ring)), tp, rp, 0)
	return check("restrict_keyring", ring, e)
}

// GetPersistent links the persistent keyring of user uid (-1: the caller)
// into keyring ring and returns its serial (KEYCTL_GET_PERSISTENT). See
// persistent-keyring(7).
func GetPersistent(uid int, ring ID) (Serial, error) {
	r, err := ringID("get_persistent", ring)
	if err != nil {
		return 0, err
	}
	id, e := keyctl(unix.KEYCTL_GET_PERSISTENT, uintptr(uint32(uid)), id32(r), 0, 0)
	if e != 0 {
		return 0, newError("get_persistent", r, e)
	}
	return Serial(id), nil
}

// JoinSessionKeyring makes the calling OS thread join the session keyring
// called name, creating it if no keyring of that name is found
// (KEYCTL_JOIN_SESSION_KEYRING), and returns its serial, or 0, as the
// kernel does, if the thread is in that keyring already (Session.Join
// returns the serial then too).
//
// This changes only the calling thread's credentials. From Go, call it only
// on a thread locked with runtime.LockOSThread that will not be unlocked
// (so the runtime discards it), or use the session API (Session), which does
// that for you.
func JoinSessionKeyring(name string) (Serial, error) {
	sessionMu.RLock()
	defer sessionMu.RUnlock()
	return joinSessionKeyring(name)
}

// joinSessionKeyring is JoinSessionKeyring for callers that hold sessionMu.
func joinSessionKeyring(name string) (Serial, error) {
	if err := nulArg("join_session_keyring", name); err != nil {
		return 0, err
	}
	var nb [256]byte
	r, _, e := unix.Syscall(unix.SYS_KEYCTL, unix.KEYCTL_JOIN_SESSION_KEYRING, uintptr(unsafe.Pointer(cstr(nb[:], name))), 0)
	if e != 0 {
		return 0, newError("join_session_keyring", 0, e)
	}
	return Serial(r), nil
}

// JoinAnonymousSessionKeyring makes the calling OS thread join a new
// anonymous session keyring, named "_ses" (KEYCTL_JOIN_SESSION_KEYRING with
// a NULL name), and returns its serial. The thread rules of
// JoinSessionKeyring apply.
func JoinAnonymousSessionKeyring() (Serial, error) {
	sessionMu.RLock()
	defer sessionMu.RUnlock()
	return joinAnonymousSessionKeyring()
}

// joinAnonymousSessionKeyring is JoinAnonymousSessionKeyring for callers
// that hold sessionMu.
func joinAnonymousSessionKeyring() (Serial, error) {
	r, e := keyctl(unix.KEYCTL_JOIN_SESSION_KEYRING, 0, 0, 0, 0)
	if e != 0 {
		return 0, newError("join_session_keyring", 0, e)
	}
	return Serial(r), nil
}

// SessionToParent replaces the session keyring of the calling process's
// parent with the calling thread's session keyring
// (KEYCTL_SESSION_TO_PARENT); the parent sees it when it next returns to
// user space. The kernel refuses (EPERM) when the parent is multithreaded
// (every Go program is), is init, has a different uid or gid, or runs
// set-user-ID.
func SessionToParent() error {
	sessionMu.RLock()
	defer sessionMu.RUnlock()
	return sessionToParent()
}

// sessionToParent is SessionToParent for callers that hold sessionMu.
func sessionToParent() error {
	_, e := keyctl(unix.KEYCTL_SESSION_TO_PARENT, 0, 0, 0, 0)
	return check("session_to_parent", nil, e)
}

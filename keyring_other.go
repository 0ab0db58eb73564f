//go:build !linux

package keyutils

// Link links key id into keyring ring (KEYCTL_LINK). On this system it
// fails with ErrUnsupported.
func Link(id, ring ID) error { return notLinux("link", id) }

// Unlink removes the link to key id from keyring ring (KEYCTL_UNLINK). On
// this system it fails with ErrUnsupported.
func Unlink(id, ring ID) error { return notLinux("unlink", id) }

// Move moves the link to key id from keyring from to keyring to
// (KEYCTL_MOVE). On this system it fails with ErrUnsupported.
func Move(id, from, to ID, flags MoveFlags) error { return notLinux("move", id) }

// Search searches keyring ring and the keyrings it links for a key
// (KEYCTL_SEARCH). On this system it fails with ErrUnsupported.
func Search(ring ID, keyType, description string, dest ID) (Serial, error) {
	return 0, notLinux("search", ring)
}

// RestrictKeyringArgs is RestrictKeyring with the kernel's own arguments.
// On this system it fails with ErrUnsupported.
func RestrictKeyringArgs(ring ID, keyType, restriction *string) error {
	return notLinux("restrict_keyring", ring)
}

// GetPersistent links the persistent keyring of user uid into keyring ring
// (KEYCTL_GET_PERSISTENT). On this system it fails with ErrUnsupported.
func GetPersistent(uid int, ring ID) (Serial, error) {
	return 0, notLinux("get_persistent", ring)
}

// JoinSessionKeyring makes the calling thread join the session keyring
// called name (KEYCTL_JOIN_SESSION_KEYRING). On this system it fails with
// ErrUnsupported.
func JoinSessionKeyring(name string) (Serial, error) {
	return 0, notLinux("join_session_keyring", nil)
}

// JoinAnonymousSessionKeyring makes the calling thread join a new
// anonymous session keyring. On this system it fails with ErrUnsupported.
func JoinAnonymousSessionKeyring() (Serial, error) {
	return 0, notLinux("join_session_keyring", nil)
}

// SessionToParent gives the calling thread's session keyring to the parent
// process (KEYCTL_SESSION_TO_PARENT). On this system it fails with
// ErrUnsupported.
func SessionToParent() error { return notLinux("session_to_parent", nil) }

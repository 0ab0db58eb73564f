//go:build !linux

package keyutils

// Resolve returns the serial of the keyring s names for the calling
// thread. On this system it fails with ErrUnsupported.
func (s Special) Resolve() (Serial, error) { return 0, notLinux("get_keyring_id", s) }

// GetKeyringID returns the serial of id (KEYCTL_GET_KEYRING_ID). On this
// system it fails with ErrUnsupported.
func GetKeyringID(id ID, create bool) (Serial, error) { return 0, notLinux("get_keyring_id", id) }

//go:build !linux

package keyutils

import "time"

// AddKey creates or updates a key and links it into ring (add_key(2)). On
// this system it fails with ErrUnsupported.
func AddKey(keyType, description string, payload []byte, ring ID) (Serial, error) {
	return 0, notLinux("add_key", ring)
}

// RequestKey looks for a key in the caller's keyrings (request_key(2)). On
// this system it fails with ErrUnsupported.
func RequestKey(keyType, description string, dest ID) (Serial, error) {
	return 0, notLinux("request_key", dest)
}

// RequestKeyWithCallout is RequestKey with construction by
// /sbin/request-key. On this system it fails with ErrUnsupported.
func RequestKeyWithCallout(keyType, description, callout string, dest ID) (Serial, error) {
	return 0, notLinux("request_key", dest)
}

// Update replaces the payload of key id (KEYCTL_UPDATE). On this system it
// fails with ErrUnsupported.
func Update(id ID, payload []byte) error { return notLinux("update", id) }

// Revoke revokes key id (KEYCTL_REVOKE). On this system it fails with
// ErrUnsupported.
func Revoke(id ID) error { return notLinux("revoke", id) }

// Invalidate marks key id invalid (KEYCTL_INVALIDATE). On this system it
// fails with ErrUnsupported.
func Invalidate(id ID) error { return notLinux("invalidate", id) }

// Clear unlinks every key from keyring ring (KEYCTL_CLEAR). On this system
// it fails with ErrUnsupported.
func Clear(ring ID) error { return notLinux("clear", ring) }

// Chown changes the owner and group of key id (KEYCTL_CHOWN). On this
// system it fails with ErrUnsupported.
func Chown(id ID, uid, gid int) error { return notLinux("chown", id) }

// SetPerm sets the permission mask of key id (KEYCTL_SETPERM). On this
// system it fails with ErrUnsupported.
func SetPerm(id ID, perm Perm) error { return notLinux("setperm", id) }

// SetTimeout sets key id to expire after d (KEYCTL_SET_TIMEOUT). On this
// system it fails with ErrUnsupported.
func SetTimeout(id ID, d time.Duration) error { return notLinux("set_timeout", id) }

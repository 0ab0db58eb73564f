//go:build linux

package keyutils

import "time"

// ReplaceByLink is Replace as it runs on kernels without KEYCTL_MOVE: link
// into the ring, then unlink from the scratch keyring.
func ReplaceByLink(keyType, description string, payload []byte, timeout time.Duration, ring ID) (Serial, error) {
	return replace(keyType, description, payload, timeout, ring, false)
}

// ReplaceWithByLink is ReplaceWith as it runs on kernels without
// KEYCTL_MOVE: link into the ring, then unlink from the scratch keyring.
func ReplaceWithByLink(keyType, description string, payload []byte, ring ID, opts ReplaceOptions) (Serial, error) {
	return replaceWith(keyType, description, payload, ring, opts, false)
}

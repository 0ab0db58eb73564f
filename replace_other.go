//go:build !linux

package keyutils

import "time"

// Replace puts a new key into keyring ring in one step, displacing the key
// of the same type and description. On this system it fails with
// ErrUnsupported.
func Replace(keyType, description string, payload []byte, timeout time.Duration, ring ID) (Serial, error) {
	return 0, notLinux("replace", ring)
}

// ReplaceWith is Replace with options. On this system it fails with
// ErrUnsupported.
func ReplaceWith(keyType, description string, payload []byte, ring ID, opts ReplaceOptions) (Serial, error) {
	return 0, notLinux("replace", ring)
}

//go:build !linux

package keyutils

// FindKeyByTypeAndDesc finds a key by type and description the way
// libkeyutils' find_key_by_type_and_desc does. On this system it fails
// with ErrUnsupported.
func FindKeyByTypeAndDesc(keyType, desc string, dest ID) (Serial, error) {
	return 0, notLinux("find_key", nil)
}

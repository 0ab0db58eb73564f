//go:build !linux

package keyutils

// Read returns the payload of key id (KEYCTL_READ). On this system it
// fails with ErrUnsupported.
func Read(id ID) ([]byte, error) { return nil, notLinux("read", id) }

// ReadInto reads the payload of key id into buf. On this system it fails
// with ErrUnsupported.
func ReadInto(id ID, buf []byte) (int, error) { return 0, notLinux("read", id) }

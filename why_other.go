//go:build !linux

package keyutils

// Why explains whether the caller may do need to key. On this system it
// fails with ErrUnsupported.
func Why(key ID, need PermBits) (*Access, error) { return nil, notLinux("why", key) }

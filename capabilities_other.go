//go:build !linux

package keyutils

// Capabilities asks the kernel which optional features of the key service
// it has (KEYCTL_CAPABILITIES). On this system it fails with
// ErrUnsupported.
func Capabilities() (Caps, error) { return nil, notLinux("capabilities", nil) }

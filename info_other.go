//go:build !linux

package keyutils

// Info returns what is known about key id. On this system it fails with
// ErrUnsupported.
func Info(id ID) (KeyInfo, error) { return KeyInfo{}, notLinux("info", id) }

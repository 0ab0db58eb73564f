//go:build !linux

package keyutils

// ReadProcKeys returns the keys listed in /proc/keys. On this system it
// fails with ErrUnsupported.
func ReadProcKeys() ([]ProcKey, error) { return nil, notLinux("read /proc/keys", nil) }

// ReadKeyUsers returns the lines of /proc/key-users. On this system it
// fails with ErrUnsupported.
func ReadKeyUsers() ([]KeyUser, error) { return nil, notLinux("read /proc/key-users", nil) }

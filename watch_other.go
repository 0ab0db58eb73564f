//go:build !linux

package keyutils

// WatchKey adds or removes a watch on key id (KEYCTL_WATCH_KEY). On this
// system it fails with ErrUnsupported.
func WatchKey(id ID, fd, watchID int) error { return notLinux("watch_key", id) }

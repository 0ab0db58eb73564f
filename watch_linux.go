package keyutils

import "golang.org/x/sys/unix"

// WatchKey adds (watchID 0..255) or removes (watchID -1) a watch on key id
// that posts notifications to the notification pipe fd (KEYCTL_WATCH_KEY).
// Kernels built without CONFIG_WATCH_QUEUE answer ErrUnsupported.
func WatchKey(id ID, fd, watchID int) error {
	_, e := keyctl(unix.KEYCTL_WATCH_KEY, id32(rawID(id)), uintptr(fd), uintptr(int64(watchID)), 0)
	return check("watch_key", id, e)
}

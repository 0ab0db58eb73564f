//go:build !linux

package keyutils

// NewWatchQueue creates a notification pipe (pipe2 with
// O_NOTIFICATION_PIPE). On this system it fails with ErrUnsupported.
func NewWatchQueue(slots int) (*WatchQueue, error) { return nil, notLinux("pipe2", nil) }

// SetKeyFilter restricts the queue to some key notifications. On this
// system it fails with ErrUnsupported.
func (q *WatchQueue) SetKeyFilter(subtypes uint32) error {
	return notLinux("watch_queue_set_filter", nil)
}

// Close closes both ends. On this system, where no WatchQueue can be
// created, it fails with ErrUnsupported.
func (q *WatchQueue) Close() error { return notLinux("close", nil) }

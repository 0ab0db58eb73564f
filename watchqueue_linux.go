package keyutils

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// This file is the notification pipe that key watches post to (the
// kernel's watch_queue, CONFIG_WATCH_QUEUE), as keyctl watch uses it.

// Kernel constants of <linux/watch_queue.h> that x/sys/unix lacks.
const (
	oNotificationPipe   = unix.O_EXCL // O_NOTIFICATION_PIPE
	iocWatchQueueSize   = 0x5760      // _IO('W', 0x60)
	iocWatchQueueFilter = 0x5761      // _IO('W', 0x61)
)

// NewWatchQueue creates a notification pipe (pipe2 with
// O_NOTIFICATION_PIPE) with room for slots records. Kernels without
// CONFIG_WATCH_QUEUE fail with ENOPKG. The Error's Op says which step
// failed: "pipe2" or "watch_queue_set_size".
func NewWatchQueue(slots int) (*WatchQueue, error) {
	var p [2]int
	if err := unix.Pipe2(p[:], oNotificationPipe|unix.O_CLOEXEC); err != nil {
		return nil, newError("pipe2", 0, err)
	}
	q := &WatchQueue{p[0], p[1]}
	if _, _, e := unix.Syscall(unix.SYS_IOCTL, uintptr(q.rfd), iocWatchQueueSize, uintptr(slots)); e != 0 {
		q.Close()
		return nil, newError("watch_queue_set_size", 0, e)
	}
	return q, nil
}

// watchFilter mirrors struct watch_notification_filter with one
// struct watch_notification_type_filter.
type watchFilter struct {
	nrFilters, reserved uint32
	typ, infoFilter     uint32
	infoMask            uint32
	subtypeFilter       [8]uint32
}

// SetKeyFilter restricts the queue to key notifications whose subtype
// (NotifyKey*) bit is set in subtypes (op "watch_queue_set_filter").
func (q *WatchQueue) SetKeyFilter(subtypes uint32) error {
	f := watchFilter{nrFilters: 1, typ: WatchTypeKeyNotify}
	f.subtypeFilter[0] = subtypes
	if _, _, e := unix.Syscall(unix.SYS_IOCTL, uintptr(q.rfd), iocWatchQueueFilter, uintptr(unsafe.Pointer(&f))); e != 0 {
		return newError("watch_queue_set_filter", 0, e)
	}
	return nil
}

// Close closes both ends.
func (q *WatchQueue) Close() error {
	unix.Close(q.wfd)
	return unix.Close(q.rfd)
}

//go:build linux

package keyutils

import (
	"encoding/binary"
	"errors"
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
	watchInfoLength     = 0x7f
	watchInfoIDShift    = 8
)

// Notification types and their subtypes.
const (
	WatchTypeMeta      = 0 // WATCH_TYPE_META
	WatchTypeKeyNotify = 1 // WATCH_TYPE_KEY_NOTIFY

	WatchMetaRemoval = 0 // the watched object went away, or the watch was removed
	WatchMetaLoss    = 1 // records were lost because the queue was full

	NotifyKeyInstantiated = 0
	NotifyKeyUpdated      = 1
	NotifyKeyLinked       = 2
	NotifyKeyUnlinked     = 3
	NotifyKeyCleared      = 4
	NotifyKeyRevoked      = 5
	NotifyKeyInvalidated  = 6
	NotifyKeySetattr      = 7
)

// WatchQueue is a notification pipe: the read end receives the records
// of the watches added with WatchKey(id, q.Fd(), watchID).
type WatchQueue struct {
	rfd, wfd int
}

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

// Fd returns the read end, which WatchKey takes.
func (q *WatchQueue) Fd() int { return q.rfd }

// Close closes both ends.
func (q *WatchQueue) Close() error {
	unix.Close(q.wfd)
	return unix.Close(q.rfd)
}

// Notification is one record read from a WatchQueue.
type Notification struct {
	Type    uint32 // WatchTypeMeta or WatchTypeKeyNotify
	Subtype uint8  // WatchMeta* or NotifyKey*
	WatchID uint8  // the watch ID given to WatchKey
	Key     Serial // the key (key notifications) or the removed object (removal)
	Aux     Serial // the linked or unlinked key, for NotifyKeyLinked/Unlinked
	Len     int    // the record's length
}

// ErrShortRecord reports a notification record shorter than its header.
var ErrShortRecord = errors.New("keyutils: short notification record")

// ParseNotification decodes the record at the start of b. It returns
// ErrShortRecord (with Len set) when the record's length is below the
// 8-byte header or runs past b.
func ParseNotification(b []byte) (Notification, error) {
	if len(b) < 8 {
		return Notification{Len: len(b)}, ErrShortRecord
	}
	w0 := binary.NativeEndian.Uint32(b)
	info := binary.NativeEndian.Uint32(b[4:])
	n := Notification{Type: w0 & 0xffffff, Subtype: uint8(w0 >> 24),
		WatchID: uint8(info >> watchInfoIDShift), Len: int(info & watchInfoLength)}
	if n.Len < 8 || n.Len > len(b) {
		return n, ErrShortRecord
	}
	if n.Len >= 12 {
		n.Key = Serial(binary.NativeEndian.Uint32(b[8:]))
	}
	if n.Len >= 16 {
		n.Aux = Serial(binary.NativeEndian.Uint32(b[12:]))
	}
	return n, nil
}

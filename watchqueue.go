package keyutils

import (
	"encoding/binary"
	"errors"
)

// Constants of <linux/watch_queue.h> that ParseNotification uses, and
// x/sys/unix lacks.
const (
	watchInfoLength  = 0x7f
	watchInfoIDShift = 8
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

// Fd returns the read end, which WatchKey takes.
func (q *WatchQueue) Fd() int { return q.rfd }

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

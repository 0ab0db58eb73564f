//go:build linux

package keyutils

import (
	"encoding/binary"
	"errors"
	"testing"

	"golang.org/x/sys/unix"
)

func TestParseNotification(t *testing.T) {
	rec := func(typ uint32, sub uint8, watchID uint8, words ...uint32) []byte {
		b := make([]byte, 8+4*len(words))
		binary.NativeEndian.PutUint32(b, typ|uint32(sub)<<24)
		binary.NativeEndian.PutUint32(b[4:], uint32(watchID)<<8|uint32(len(b)))
		for i, w := range words {
			binary.NativeEndian.PutUint32(b[8+4*i:], w)
		}
		return b
	}
	n, err := ParseNotification(rec(WatchTypeKeyNotify, NotifyKeyLinked, 1, 42, 43))
	if err != nil || n.Key != 42 || n.Aux != 43 || n.WatchID != 1 || n.Subtype != NotifyKeyLinked || n.Len != 16 {
		t.Errorf("linked: %+v, %v", n, err)
	}
	n, err = ParseNotification(rec(WatchTypeMeta, WatchMetaRemoval, 2, 7, 0))
	if err != nil || n.Type != WatchTypeMeta || n.Key != 7 || n.WatchID != 2 {
		t.Errorf("removal: %+v, %v", n, err)
	}
	if _, err := ParseNotification([]byte{1, 2, 3}); !errors.Is(err, ErrShortRecord) {
		t.Errorf("short buffer: %v", err)
	}
	bad := rec(WatchTypeKeyNotify, 0, 1, 1)
	bad[4] = 4 // length below the header
	if _, err := ParseNotification(bad); !errors.Is(err, ErrShortRecord) {
		t.Errorf("short record: %v", err)
	}
}

func TestNewWatchQueue(t *testing.T) {
	q, err := NewWatchQueue(256)
	if errors.Is(err, unix.ENOPKG) {
		var ke *Error
		if !errors.As(err, &ke) || ke.Op != "pipe2" {
			t.Errorf("error %v does not name pipe2", err)
		}
		t.Skip("kernel without CONFIG_WATCH_QUEUE")
	}
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	if err := q.SetKeyFilter(^uint32(0)); err != nil {
		t.Fatal(err)
	}
}

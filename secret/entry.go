package secret

import (
	"encoding/binary"
	"time"

	"github.com/keyutils-go/keyutils"
)

// An entry is a kernel "user" key whose payload is a header of headerSize
// bytes followed by the value:
//
//	0      0x00 'k' 's'  the package's mark (a NUL, so that no text value
//	                     starts with it)
//	3      0x01          the format's version
//	4..11  created       Unix time in nanoseconds, big-endian
//	12..19 expires       Unix time in seconds, big-endian; 0: no expiry
//
// The kernel keeps no creation time for user keys, and shows the expiry
// only rounded to a unit in /proc/keys; the header keeps both exactly.
const headerSize = 20

var headerMark = [4]byte{0, 'k', 's', 1}

// maxPayload is the largest payload of a "user" key (user_preparse).
const maxPayload = 32767

// MaxValueSize is the largest value an entry can hold: a "user" key's
// payload is at most 32,767 bytes, of which the entry's header takes 20.
// Non-root users may own at most 20,000 bytes of keys in all by default
// (see ErrQuotaExceeded), so for them a value of that size fails with
// ErrQuotaExceeded.
const MaxValueSize = 32747

// MaxValueSize is maxPayload - headerSize: a negative constant does not
// convert to uint, so either difference below fails to compile if not.
const _ = uint(MaxValueSize-(maxPayload-headerSize)) + uint(maxPayload-headerSize-MaxValueSize)

// Info describes an entry.
type Info struct {
	Name string
	// Size is the value's length in bytes.
	Size int
	// Created is when the value was stored (Set, SetTTL or Update),
	// by the clock of the process that stored it.
	Created time.Time
	// Expires is when the kernel removes the entry, to the second; zero
	// if it never expires (it then lives as long as the store's anchor).
	// Set and SetTTL make it Created, rounded down to the second, plus
	// the time to live; Update keeps it. The kernel sets the expiry a moment after Created, so in the rare
	// case that a second boundary passed in between, the entry lives one
	// second longer than Expires says; and the kernel treats a key as
	// expired once the current second reaches its expiry, so Get fails
	// from the start of that second on.
	Expires time.Time
	// Serial is the kernel key holding the value; every Set, SetTTL and
	// Update makes a new one.
	Serial keyutils.Serial
}

// encode returns the payload of an entry holding value.
func encode(value []byte, created time.Time, expires int64) []byte {
	p := make([]byte, headerSize+len(value))
	copy(p, headerMark[:])
	binary.BigEndian.PutUint64(p[4:], uint64(created.UnixNano()))
	binary.BigEndian.PutUint64(p[12:], uint64(expires))
	copy(p[headerSize:], value)
	return p
}

// decode splits an entry's payload into its header's fields and the
// value, which shares p's memory.
func decode(p []byte) (created time.Time, expires int64, value []byte, ok bool) {
	if len(p) < headerSize || [4]byte(p[:4]) != headerMark {
		return time.Time{}, 0, nil, false
	}
	created = time.Unix(0, int64(binary.BigEndian.Uint64(p[4:])))
	expires = int64(binary.BigEndian.Uint64(p[12:]))
	return created, expires, p[headerSize:], true
}

// expiryTime returns the time of an expiry in Unix seconds, zero for 0.
func expiryTime(expires int64) time.Time {
	if expires == 0 {
		return time.Time{}
	}
	return time.Unix(expires, 0)
}

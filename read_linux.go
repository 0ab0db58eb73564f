package keyutils

import (
	"errors"

	"golang.org/x/sys/unix"
)

// maxPayload bounds the size Read trusts the kernel to report; payloads
// of every in-tree key type are well below it (user keys: 32 KiB, big_key:
// 1 MiB).
const maxPayload = 1 << 20

// Read returns the payload of key id (KEYCTL_READ), sizing the buffer
// itself. It needs read permission, or search permission on a possessed
// key. For a keyring the payload is the list of its members' serials; see
// ReadKeyring. Key types that cannot be read (logon, asymmetric) fail with
// ErrUnsupported.
func Read(id ID) ([]byte, error) {
	// The temporary buffers are wiped before they are dropped: the first
	// holds the payload after a successful read, and kernels before 5.8
	// fill a buffer that is too small with the start of the payload.
	var small [512]byte
	n, err := ReadInto(id, small[:])
	if err == nil {
		p := append([]byte(nil), small[:n]...)
		Wipe(small[:n])
		return p, nil
	}
	Wipe(small[:])
	for errors.Is(err, ErrShortBuffer) {
		if n > 64*maxPayload {
			return nil, newError("read", rawID(id), unix.EFBIG)
		}
		b := make([]byte, n)
		var m int
		if m, err = ReadInto(id, b); err == nil {
			return b[:m], nil
		}
		Wipe(b)
		n = m
	}
	return nil, err
}

// ReadInto reads the payload of key id into buf and returns its length. It
// does not allocate. When the payload is longer than buf it returns the
// full length and an error wrapping ErrShortBuffer; buf's contents are then
// unspecified. Use Wipe to clear a buffer that held a secret.
//
// A keyring's payload is read in whole serials. The kernel refuses to read
// a keyring into a buffer whose length is not a multiple of 4 (EINVAL:
// since Linux 5.8 for such lengths up to the page size, on older kernels
// since 2017 for all of them); ReadInto then reads into the longest prefix
// of buf that is a multiple of 4. So any buf works for a keyring, the length
// returned for one, with or without ErrShortBuffer, is a multiple of 4, and
// a buffer of that length holds the payload.
func ReadInto(id ID, buf []byte) (int, error) {
	r, e := keyctlPtr(unix.KEYCTL_READ, id32(rawID(id)), bufPtr(buf), uintptr(len(buf)), 0)
	if e == unix.EINVAL && len(buf)%4 != 0 {
		// Perhaps a keyring. Whatever the key, the shorter buffer is
		// harmless: another EINVAL is reported as is, and a payload it
		// does not hold is reported as ErrShortBuffer.
		buf = buf[:len(buf)&^3]
		r, e = keyctlPtr(unix.KEYCTL_READ, id32(rawID(id)), bufPtr(buf), uintptr(len(buf)), 0)
	}
	if e != 0 {
		return 0, newError("read", rawID(id), e)
	}
	if r > len(buf) {
		return r, newError("read", rawID(id), ErrShortBuffer)
	}
	return r, nil
}

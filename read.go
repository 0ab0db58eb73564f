//go:build linux

package keyutils

import (
	"encoding/binary"
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

// ReadKeyring returns the serials of the keys linked into keyring ring, in
// the keyring's order.
func ReadKeyring(ring ID) ([]Serial, error) {
	b, err := Read(ring)
	if err != nil {
		return nil, err
	}
	return appendSerials(make([]Serial, 0, len(b)/4), b), nil
}

// appendSerials decodes a keyring payload, an array of native-endian
// int32s, onto ids; a trailing partial entry is ignored, as keyctl does.
func appendSerials(ids []Serial, b []byte) []Serial {
	for i := 0; i+4 <= len(b); i += 4 {
		ids = append(ids, Serial(int32(binary.NativeEndian.Uint32(b[i:]))))
	}
	return ids
}

// ReadKeyringInto is ReadKeyring into caller memory: it decodes into ids
// (reusing its capacity) with buf as scratch space for the payload, and
// allocates only when ids or buf are too small. Any buf works, nil
// included: of one whose length is not a multiple of 4 only the longest
// prefix that is one is used (see ReadInto). It returns the buffer it
// used, that prefix of buf or, if the payload did not fit, a new one with
// room for a quarter more links; its length is always a multiple of 4.
// Pass it to the next call to read without allocating.
func ReadKeyringInto(ring ID, ids []Serial, buf []byte) ([]Serial, []byte, error) {
	buf = buf[:len(buf)&^3]
	n, err := ReadInto(ring, buf)
	for errors.Is(err, ErrShortBuffer) {
		// Room for a quarter more links, in whole serials: the kernel
		// refuses other lengths for a keyring.
		buf = make([]byte, (n+n/4+3)&^3)
		n, err = ReadInto(ring, buf)
	}
	if err != nil {
		return ids[:0], buf, err
	}
	return appendSerials(ids[:0], buf[:n]), buf, nil
}

// Wipe overwrites b with zeros. Use it on buffers that held key payloads
// once they are no longer needed.
func Wipe(b []byte) { clear(b) }

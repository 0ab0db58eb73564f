package keyutils

import (
	"encoding/binary"
	"errors"
	"slices"
)

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
	n := len(b) / 4
	ids = slices.Grow(ids, n)
	out := ids[len(ids) : len(ids)+n]
	for i := range out {
		out[i] = Serial(int32(binary.NativeEndian.Uint32(b[4*i:])))
	}
	return ids[:len(ids)+n]
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

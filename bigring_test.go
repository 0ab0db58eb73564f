//go:build linux

package keyutils_test

import (
	"encoding/binary"
	"errors"
	"slices"
	"strconv"
	"testing"
	"unsafe"

	"github.com/keyutils-go/keyutils"
	"github.com/keyutils-go/keyutils/internal/testutil"
)

// bigRingSizes are the keyring sizes (in links) the big-keyring tests
// check: around 256 links, where a payload of 1024 bytes stops fitting the
// first buffers and growth by a quarter gave lengths that are not multiples
// of 4 (which the kernel refuses for keyrings, up to a page), and well past
// a page.
var bigRingSizes = []int{256, 257, 258, 259, 260, 1000, 10000}

// TestBigKeyring reads keyrings of bigRingSizes links through every
// library path that reads a keyring. One keyring is grown from size to
// size (the 10,000-link one is built once) and removed at the end.
func TestBigKeyring(t *testing.T) {
	ring := testutil.Keyring(t)
	var keys []keyutils.Serial
	for _, n := range bigRingSizes {
		for len(keys) < n {
			keys = append(keys, addUser(t, ring, "k"+strconv.Itoa(len(keys)+1), "v"))
		}
		if !t.Run(strconv.Itoa(n), func(t *testing.T) { checkBigRing(t, ring, keys) }) {
			break
		}
	}
}

// sameMembers reports whether got holds exactly the serials of sorted, in
// any order (a keyring's order is its index's, not insertion order).
func sameMembers(got, sorted []keyutils.Serial) bool {
	if len(got) != len(sorted) {
		return false
	}
	a := slices.Clone(got)
	slices.Sort(a)
	return slices.Equal(a, sorted)
}

// decodeSerials decodes a keyring payload.
func decodeSerials(b []byte) []keyutils.Serial {
	ids := make([]keyutils.Serial, 0, len(b)/4)
	for i := 0; i+4 <= len(b); i += 4 {
		ids = append(ids, keyutils.Serial(int32(binary.NativeEndian.Uint32(b[i:]))))
	}
	return ids
}

// oddLengths are caller buffer lengths for a payload of size bytes: around
// it, around a page (the kernel checks a keyring read's length up to a
// page), and a few fixed ones, most not multiples of 4.
func oddLengths(size int) []int {
	ls := []int{0, 1, 2, 3, 5, 6, 7, 511, 513, 1023, 1025, 1026, 1027, 1029, 1031, 4093, 4094, 4095, 4097, 4099, 2*size + 1}
	for d := -5; d <= 5; d++ {
		if size+d >= 0 {
			ls = append(ls, size+d)
		}
	}
	return ls
}

func checkBigRing(t *testing.T, ring keyutils.Serial, keys []keyutils.Serial) {
	n := len(keys)
	size := 4 * n
	members := slices.Sorted(slices.Values(keys))

	b, err := keyutils.Read(ring)
	if err != nil || len(b) != size || !sameMembers(decodeSerials(b), members) {
		t.Fatalf("Read: %d bytes, %v; want the %d members", len(b), err, n)
	}
	ids, err := keyutils.ReadKeyring(ring)
	if err != nil || !sameMembers(ids, members) {
		t.Fatalf("ReadKeyring: %d serials, %v; want the %d members", len(ids), err, n)
	}

	for _, l := range oddLengths(size) {
		buf := make([]byte, l)
		got, err := keyutils.ReadInto(ring, buf)
		fits := l&^3 >= size
		switch {
		case fits && (err != nil || got != size || !sameMembers(decodeSerials(buf[:got]), members)):
			t.Errorf("ReadInto(ring, [%d]byte) = %d, %v; want %d, nil and the members", l, got, err, size)
		case !fits && (!errors.Is(err, keyutils.ErrShortBuffer) || got != size):
			t.Errorf("ReadInto(ring, [%d]byte) = %d, %v; want %d, ErrShortBuffer", l, got, err, size)
		}

		// ReadKeyringInto with the same caller buffer and too small, nil
		// and large enough id slices.
		for _, idCap := range []int{0, n - 1, n} {
			in := make([]keyutils.Serial, 3, max(idCap, 3))
			out, outBuf, err := keyutils.ReadKeyringInto(ring, in, buf)
			if err != nil || !sameMembers(out, members) {
				t.Fatalf("ReadKeyringInto(ring, cap %d, [%d]byte): %d serials, %v; want the %d members", cap(in), l, len(out), err, n)
			}
			if len(outBuf)%4 != 0 || len(outBuf) < size {
				t.Errorf("ReadKeyringInto(ring, [%d]byte) returned a buffer of %d bytes; want a multiple of 4 of at least %d", l, len(outBuf), size)
			}
			if fits && unsafe.SliceData(outBuf) != unsafe.SliceData(buf) {
				t.Errorf("ReadKeyringInto(ring, [%d]byte) did not use the caller's buffer, large enough for %d bytes", l, size)
			}
			if cap(in) >= n && unsafe.SliceData(out) != unsafe.SliceData(in) {
				t.Errorf("ReadKeyringInto(ring, cap %d) did not reuse the caller's slice", cap(in))
			}
			// The grown buffer serves the next call as is.
			again, againBuf, err := keyutils.ReadKeyringInto(ring, out, outBuf)
			if err != nil || !sameMembers(again, members) || unsafe.SliceData(againBuf) != unsafe.SliceData(outBuf) {
				t.Errorf("ReadKeyringInto(ring, grown [%d]byte): %d serials, %v, new buffer %v", len(outBuf), len(again), err, unsafe.SliceData(againBuf) != unsafe.SliceData(outBuf))
			}
		}
	}
	out, outBuf, err := keyutils.ReadKeyringInto(ring, nil, nil)
	if err != nil || !sameMembers(out, members) || len(outBuf)%4 != 0 {
		t.Fatalf("ReadKeyringInto(ring, nil, nil): %d serials, %d-byte buffer, %v; want the %d members", len(out), len(outBuf), err, n)
	}

	// RecursiveKeyScan visits the ring (parent 0) and each member once.
	var seen []keyutils.Serial
	root := 0
	sum := keyutils.RecursiveKeyScan(ring, func(parent, key keyutils.Serial, desc string, err error) int {
		switch {
		case err != nil:
			t.Errorf("RecursiveKeyScan: key %d: %v", key, err)
		case parent == 0 && key == ring:
			root++
		case parent == ring && len(desc) > 5 && desc[:5] == "user;":
			seen = append(seen, key)
		default:
			t.Errorf("RecursiveKeyScan: unexpected call (%d, %d, %q)", parent, key, desc)
		}
		return 1
	})
	if root != 1 || !sameMembers(seen, members) || sum != n+1 {
		t.Errorf("RecursiveKeyScan visited the root %d times and %d members (sum %d); want 1 and %d", root, len(seen), sum, n)
	}

	// Search finds the first and the last key added.
	for _, i := range []int{1, n} {
		id, err := keyutils.Search(ring, "user", "k"+strconv.Itoa(i), nil)
		if err != nil || id != keys[i-1] {
			t.Errorf("Search(ring, user, k%d) = %d, %v; want %d", i, id, err, keys[i-1])
		}
	}
}

// TestReadIntoOddBuffers: buffers whose length is not a multiple of 4 read
// small keyrings, empty ones, and other keys' payloads exactly.
func TestReadIntoOddBuffers(t *testing.T) {
	ring := testutil.Keyring(t)
	empty := newRing(t, ring, "empty")
	one := newRing(t, ring, "one")
	member := addUser(t, one, "m", "v")
	odd := addUser(t, ring, "odd", "abcde")
	for _, l := range []int{1, 2, 3, 5, 6, 7, 4095} {
		buf := make([]byte, l)
		if got, err := keyutils.ReadInto(empty, buf); got != 0 || err != nil {
			t.Errorf("ReadInto(empty keyring, [%d]byte) = %d, %v; want 0, nil", l, got, err)
		}
		got, err := keyutils.ReadInto(one, buf)
		if l < 4 && (got != 4 || !errors.Is(err, keyutils.ErrShortBuffer)) {
			t.Errorf("ReadInto(keyring of 1, [%d]byte) = %d, %v; want 4, ErrShortBuffer", l, got, err)
		}
		if l >= 4 && (got != 4 || err != nil || decodeSerials(buf[:4])[0] != member) {
			t.Errorf("ReadInto(keyring of 1, [%d]byte) = %d, %v; want 4, nil", l, got, err)
		}
		got, err = keyutils.ReadInto(odd, buf)
		if l < 5 && (got != 5 || !errors.Is(err, keyutils.ErrShortBuffer)) {
			t.Errorf("ReadInto(5-byte key, [%d]byte) = %d, %v; want 5, ErrShortBuffer", l, got, err)
		}
		if l >= 5 && (got != 5 || err != nil || string(buf[:5]) != "abcde") {
			t.Errorf("ReadInto(5-byte key, [%d]byte) = %d, %q, %v; want abcde", l, got, buf[:min(got, l)], err)
		}
	}
}

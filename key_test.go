//go:build linux

package keyutils_test

import (
	"bytes"
	"errors"
	"io/fs"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/keyutils-go/keyutils"
	"github.com/keyutils-go/keyutils/internal/testutil"
)

func TestAddKeyAndUpdateInPlace(t *testing.T) {
	ring := testutil.Keyring(t)
	id := addUser(t, ring, "add:one", "first")
	if got, err := keyutils.Read(id); err != nil || string(got) != "first" {
		t.Fatalf("Read = %q, %v; want first", got, err)
	}
	// Same type and description in the same keyring: updated in place.
	id2 := addUser(t, ring, "add:one", "second")
	if id2 != id {
		t.Fatalf("re-adding returned serial %d, want the same %d", id2, id)
	}
	if got, _ := keyutils.Read(id); string(got) != "second" {
		t.Fatalf("after re-add Read = %q, want second", got)
	}
	if err := keyutils.Update(id, []byte("third")); err != nil {
		t.Fatalf("Update: %v", err)
	}
	if got, _ := keyutils.Read(id); string(got) != "third" {
		t.Fatalf("after Update Read = %q, want third", got)
	}
	if n := len(members(t, ring)); n != 1 {
		t.Fatalf("ring has %d members, want 1", n)
	}
	// A long description does not fit the stack buffer of AddKey.
	long := strings.Repeat("d", 1000)
	lid := addUser(t, ring, long, "x")
	if d, err := keyutils.Describe(lid); err != nil || d.Description != long {
		t.Fatalf("Describe(long) = %q, %v", d.Description, err)
	}
}

func TestAddKeyErrors(t *testing.T) {
	ring := testutil.Keyring(t)
	user := addUser(t, ring, "add:err", "x")
	tests := []struct {
		name    string
		typ     string
		desc    string
		payload []byte
		ring    keyutils.ID
		want    error
	}{
		{"empty type", "", "d", []byte("x"), ring, unix.EINVAL},
		{"unknown type", "no_such_type", "d", []byte("x"), ring, unix.ENODEV},
		{"dot type", ".user", "d", []byte("x"), ring, keyutils.ErrPermission},
		{"type too long", strings.Repeat("t", 32), "d", []byte("x"), ring, unix.EINVAL},
		{"keyring with payload", "keyring", "r", []byte("x"), ring, unix.EINVAL},
		{"user key, empty payload", "user", "d", nil, ring, unix.EINVAL},
		{"user key, payload too big", "user", "d", make([]byte, 32768), ring, unix.EINVAL},
		{"destination 0", "user", "d", []byte("x"), keyutils.Serial(0), unix.EINVAL},
		{"destination not a keyring", "user", "d", []byte("x"), user, keyutils.ErrNotKeyring},
		{"destination missing", "user", "d", []byte("x"), keyutils.Serial(1), keyutils.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := keyutils.AddKey(tt.typ, tt.desc, tt.payload, tt.ring)
			wantErr(t, err, tt.want, "add_key", tt.ring.Int32())
		})
	}
}

func TestNewKeyringReplaces(t *testing.T) {
	ring := testutil.Keyring(t)
	a := newRing(t, ring, "sub")
	b := newRing(t, ring, "sub")
	if a == b {
		t.Fatalf("NewKeyring twice returned the same serial %d", a)
	}
	ids := members(t, ring)
	if len(ids) != 1 || ids[0] != b {
		t.Fatalf("ring holds %v, want only [%d]", ids, b)
	}
	d, err := keyutils.Describe(b)
	if err != nil || d.Type != "keyring" || d.Description != "sub" {
		t.Fatalf("Describe = %+v, %v", d, err)
	}
}

func TestRequestKey(t *testing.T) {
	ring := testutil.Keyring(t)
	id := addUser(t, ring, "req:found", "x")
	got, err := keyutils.RequestKey("user", "req:found", nil)
	if err != nil || got != id {
		t.Fatalf("RequestKey = %d, %v; want %d", got, err, id)
	}
	dest := newRing(t, ring, "dest")
	if got, err = keyutils.RequestKey("user", "req:found", dest); err != nil || got != id {
		t.Fatalf("RequestKey(dest) = %d, %v; want %d", got, err, id)
	}
	if !contains(members(t, dest), id) {
		t.Fatalf("RequestKey did not link %d into dest", id)
	}
	_, err = keyutils.RequestKey("user", "req:missing", nil)
	wantErr(t, err, keyutils.ErrNotFound, "request_key", 0)
	_, err = keyutils.RequestKey("user", "req:missing", dest)
	wantErr(t, err, unix.ENOKEY, "request_key", int32(dest))
	// An unknown type gives ENOKEY here, not ENODEV.
	_, err = keyutils.RequestKey("no_such_type", "x", nil)
	wantErr(t, err, unix.ENOKEY, "request_key", 0)
	// A long callout does not fit the stack buffer; the key is found, so
	// no upcall happens.
	if got, err = keyutils.RequestKeyWithCallout("user", "req:found", strings.Repeat("c", 500), nil); err != nil || got != id {
		t.Fatalf("RequestKeyWithCallout(found) = %d, %v", got, err)
	}
}

func TestRead(t *testing.T) {
	ring := testutil.Keyring(t)
	for _, size := range []int{1, 511, 512, 513, 5000, 32767} {
		payload := bytes.Repeat([]byte{byte(size)}, size)
		id, err := keyutils.AddKey("user", "read", payload, ring)
		if err != nil {
			t.Fatal(err)
		}
		got, err := keyutils.Read(id)
		if err != nil || !bytes.Equal(got, payload) {
			t.Fatalf("Read(%d bytes) = %d bytes, %v", size, len(got), err)
		}
	}
}

func TestReadInto(t *testing.T) {
	ring := testutil.Keyring(t)
	id := addUser(t, ring, "readinto", "0123456789")
	buf := make([]byte, 10)
	n, err := keyutils.ReadInto(id, buf)
	if err != nil || n != 10 || string(buf) != "0123456789" {
		t.Fatalf("ReadInto(exact) = %d, %v, %q", n, err, buf)
	}
	n, err = keyutils.ReadInto(id, make([]byte, 64))
	if err != nil || n != 10 {
		t.Fatalf("ReadInto(large) = %d, %v", n, err)
	}
	n, err = keyutils.ReadInto(id, make([]byte, 4))
	wantErr(t, err, keyutils.ErrShortBuffer, "read", int32(id))
	if n != 10 {
		t.Fatalf("ReadInto(short) = %d, want the needed size 10", n)
	}
	n, err = keyutils.ReadInto(id, nil)
	if !errors.Is(err, keyutils.ErrShortBuffer) || n != 10 {
		t.Fatalf("ReadInto(nil) = %d, %v; want 10, ErrShortBuffer", n, err)
	}
	keyutils.Wipe(buf)
	if !bytes.Equal(buf, make([]byte, 10)) {
		t.Fatalf("Wipe left %q", buf)
	}
}

func TestReadKeyring(t *testing.T) {
	ring := testutil.Keyring(t)
	if ids := members(t, ring); len(ids) != 0 {
		t.Fatalf("new keyring holds %v", ids)
	}
	var want []keyutils.Serial
	for i := range 200 { // 800 bytes: more than Read's first buffer
		want = append(want, addUser(t, ring, "m"+string(rune('a'+i%26))+strings.Repeat("x", i/26), "x"))
	}
	got := members(t, ring)
	if len(got) != len(want) {
		t.Fatalf("ReadKeyring: %d members, want %d", len(got), len(want))
	}
	for _, id := range want {
		if !contains(got, id) {
			t.Fatalf("ReadKeyring lacks %d", id)
		}
	}
	// Into: small scratch buffer and ids grow; a large one is reused.
	ids, buf, err := keyutils.ReadKeyringInto(ring, nil, make([]byte, 8))
	if err != nil || len(ids) != len(want) || len(buf) < 4*len(want) {
		t.Fatalf("ReadKeyringInto(small) = %d ids, %d buf, %v", len(ids), len(buf), err)
	}
	big := make([]byte, 4096)
	ids2, buf2, err := keyutils.ReadKeyringInto(ring, ids, big)
	if err != nil || len(ids2) != len(want) || &buf2[0] != &big[0] || &ids2[0] != &ids[0] {
		t.Fatalf("ReadKeyringInto(large) did not reuse its buffers: %v", err)
	}
	// A user key's payload is taken as serials too, as keyctl list does.
	u := addUser(t, ring, "notring", "stuffXYZ1")
	if ids, err := keyutils.ReadKeyring(u); err != nil || len(ids) != 2 {
		t.Fatalf("ReadKeyring(user key) = %v, %v; want 2 entries", ids, err)
	}
	_, _, err = keyutils.ReadKeyringInto(keyutils.Serial(1), nil, nil)
	wantErr(t, err, keyutils.ErrNotFound, "read", 1)
}

func TestReadErrors(t *testing.T) {
	ring := testutil.Keyring(t)
	logon, err := keyutils.AddKey("logon", "svc:logon", []byte("secret"), ring)
	if err != nil {
		t.Fatal(err)
	}
	_, err = keyutils.Read(logon)
	wantErr(t, err, keyutils.ErrUnsupported, "read", int32(logon))
	wantErr(t, err, unix.EOPNOTSUPP, "read", int32(logon))
	_, err = keyutils.Read(keyutils.Serial(1))
	wantErr(t, err, keyutils.ErrNotFound, "read", 1)
	// read turns every lookup failure into ENOKEY, even for key 0.
	_, err = keyutils.Read(keyutils.Serial(0))
	wantErr(t, err, unix.ENOKEY, "read", 0)
}

func TestDescribe(t *testing.T) {
	ring := testutil.Keyring(t)
	tests := []string{"plain", "with;semicolon", ";lead;and;trail;", "with: colon", "sp ace"}
	for _, desc := range tests {
		id := addUser(t, ring, desc, "x")
		d, err := keyutils.Describe(id)
		if err != nil {
			t.Fatalf("Describe(%q): %v", desc, err)
		}
		want := keyutils.Description{Type: "user", UID: unix.Getuid(), GID: unix.Getgid(),
			Perm: 0x3f010000, Description: desc, Raw: "user;0;0;3f010000;" + desc}
		if d != want {
			t.Errorf("Describe(%q) = %+v, want %+v", desc, d, want)
		}
		raw, err := keyutils.DescribeRaw(id)
		if err != nil || raw != want.Raw {
			t.Errorf("DescribeRaw = %q, %v", raw, err)
		}
	}
	d, err := keyutils.Describe(ring)
	if err != nil || d.Type != "keyring" || d.Description != "test:"+t.Name() {
		t.Errorf("Describe(ring) = %+v, %v", d, err)
	}
	long := strings.Repeat("L", 4000) // longer than the first buffer
	lid := addUser(t, ring, long, "x")
	if d, err := keyutils.Describe(lid); err != nil || d.Description != long {
		t.Errorf("Describe(long) = %d bytes, %v", len(d.Description), err)
	}
	_, err = keyutils.Describe(keyutils.Serial(0))
	wantErr(t, err, unix.EINVAL, "describe", 0)
	_, err = keyutils.Describe(keyutils.Serial(1))
	wantErr(t, err, keyutils.ErrNotFound, "describe", 1)
}

func TestDescribeInto(t *testing.T) {
	ring := testutil.Keyring(t)
	id := addUser(t, ring, "into", "x")
	const raw = "user;0;0;3f010000;into"
	buf := make([]byte, 64)
	n, err := keyutils.DescribeInto(id, buf)
	if err != nil || string(buf[:n]) != raw {
		t.Fatalf("DescribeInto = %q, %v", buf[:n], err)
	}
	// Exactly the string plus the NUL fits.
	buf = make([]byte, len(raw)+1)
	if n, err = keyutils.DescribeInto(id, buf); err != nil || string(buf[:n]) != raw {
		t.Fatalf("DescribeInto(exact) = %q, %v", buf[:n], err)
	}
	// Without room for the NUL it is short.
	n, err = keyutils.DescribeInto(id, make([]byte, len(raw)))
	wantErr(t, err, keyutils.ErrShortBuffer, "describe", int32(id))
	if n != len(raw) {
		t.Fatalf("DescribeInto(short) = %d, want %d", n, len(raw))
	}
}

func TestPerm(t *testing.T) {
	ring := testutil.Keyring(t)
	id := addUser(t, ring, "perm", "secret")
	want := keyutils.PosAll | keyutils.UsrView | keyutils.UsrRead
	if err := keyutils.SetPerm(id, want); err != nil {
		t.Fatal(err)
	}
	if d, _ := keyutils.Describe(id); d.Perm != want {
		t.Fatalf("perm after SetPerm = %v, want %v", d.Perm, want)
	}
	// Search permission on a possessed key lets its possessor read it
	// without the read bits (keyrings(7))...
	if err := keyutils.SetPerm(id, keyutils.PosView|keyutils.PosSearch|keyutils.PosSetattr|keyutils.UsrView); err != nil {
		t.Fatal(err)
	}
	if got, err := keyutils.Read(id); err != nil || string(got) != "secret" {
		t.Fatalf("Read(possessed, searchable) = %q, %v", got, err)
	}
	// ... but root has no override for key permissions: without read and
	// search, for possessor and user, reading fails. Without search the key
	// is no longer found as possessed, so the user bits now apply.
	if err := keyutils.SetPerm(id, keyutils.PosView|keyutils.PosSetattr|keyutils.UsrView|keyutils.UsrSetattr); err != nil {
		t.Fatal(err)
	}
	_, err := keyutils.Read(id)
	wantErr(t, err, keyutils.ErrPermission, "read", int32(id))
	wantErr(t, err, unix.EACCES, "read", int32(id))
	if _, err := keyutils.Describe(id); err != nil {
		t.Fatalf("Describe with user view: %v", err)
	}
	// Without view, describe fails too.
	if err := keyutils.SetPerm(id, keyutils.UsrSetattr); err != nil {
		t.Fatal(err)
	}
	_, err = keyutils.Describe(id)
	wantErr(t, err, keyutils.ErrPermission, "describe", int32(id))
	// Without setattr, the mask can no longer be changed.
	if err := keyutils.SetPerm(id, 0); err != nil {
		t.Fatal(err)
	}
	err = keyutils.SetPerm(id, keyutils.PosAll)
	wantErr(t, err, unix.EACCES, "setperm", int32(id))
	// Undefined bits are refused.
	id2 := addUser(t, ring, "perm2", "x")
	for _, p := range []keyutils.Perm{0xffffffff, 0x7f7f7f7f} {
		if p.Valid() {
			t.Errorf("%#x.Valid() = true", uint32(p))
		}
		wantErr(t, keyutils.SetPerm(id2, p), unix.EINVAL, "setperm", int32(id2))
	}
}

func TestChown(t *testing.T) {
	ring := testutil.Keyring(t)
	id := addUser(t, ring, "chown", "x")
	before, _ := keyutils.Describe(id)
	if err := keyutils.Chown(id, -1, -1); err != nil {
		t.Fatalf("Chown(-1, -1): %v", err)
	}
	if after, _ := keyutils.Describe(id); after != before {
		t.Fatalf("Chown(-1, -1) changed %+v to %+v", before, after)
	}
	if err := keyutils.Chown(id, -1, 1); err != nil {
		t.Fatalf("Chown(-1, 1): %v", err)
	}
	if d, _ := keyutils.Describe(id); d.GID != 1 || d.UID != before.UID {
		t.Fatalf("after chgrp: %+v", d)
	}
	// With nothing to change the kernel does not even look the key up.
	if err := keyutils.Chown(keyutils.Serial(1), -1, -1); err != nil {
		t.Fatalf("Chown(1, -1, -1) = %v, want nil", err)
	}
	wantErr(t, keyutils.Chown(keyutils.Serial(0), -1, 0), unix.EINVAL, "chown", 0)
	wantErr(t, keyutils.Chown(keyutils.Serial(1), -1, 0), keyutils.ErrNotFound, "chown", 1)
}

// waitFor polls f until it returns true or a few seconds have passed.
func waitFor(t *testing.T, what string, f func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !f() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestSetTimeout(t *testing.T) {
	ring := testutil.Keyring(t)
	id := addUser(t, ring, "timeout", "x")
	keep := addUser(t, ring, "timeout:cleared", "x")
	if err := keyutils.SetTimeout(keep, time.Hour); err != nil {
		t.Fatal(err)
	}
	if err := keyutils.SetTimeout(keep, 0); err != nil {
		t.Fatal(err)
	}
	if err := keyutils.SetTimeout(id, time.Second); err != nil {
		t.Fatal(err)
	}
	var err error
	waitFor(t, "key expiry", func() bool {
		_, err = keyutils.Read(id)
		return err != nil
	})
	wantErr(t, err, keyutils.ErrExpired, "read", int32(id))
	_, err = keyutils.Describe(id)
	wantErr(t, err, unix.EKEYEXPIRED, "describe", int32(id))
	wantErr(t, keyutils.Revoke(id), keyutils.ErrExpired, "revoke", int32(id))
	wantErr(t, keyutils.SetTimeout(id, time.Hour), keyutils.ErrExpired, "set_timeout", int32(id))
	wantErr(t, keyutils.Invalidate(id), keyutils.ErrExpired, "invalidate", int32(id))
	if _, err := keyutils.Read(keep); err != nil {
		t.Fatalf("key with cleared timeout: %v", err)
	}
	// Durations the kernel cannot take are refused without a call.
	wantErr(t, keyutils.SetTimeout(keep, -time.Second), unix.EINVAL, "set_timeout", int32(keep))
	wantErr(t, keyutils.SetTimeout(keep, (1<<32)*time.Second), unix.EINVAL, "set_timeout", int32(keep))
}

func TestRevoke(t *testing.T) {
	ring := testutil.Keyring(t)
	id := addUser(t, ring, "revoke", "x")
	if err := keyutils.Revoke(id); err != nil {
		t.Fatal(err)
	}
	_, err := keyutils.Read(id)
	wantErr(t, err, keyutils.ErrRevoked, "read", int32(id))
	_, err = keyutils.Describe(id)
	wantErr(t, err, unix.EKEYREVOKED, "describe", int32(id))
	wantErr(t, keyutils.Update(id, []byte("y")), keyutils.ErrRevoked, "update", int32(id))
	wantErr(t, keyutils.Revoke(keyutils.Serial(1)), keyutils.ErrNotFound, "revoke", 1)
}

func TestInvalidate(t *testing.T) {
	ring := testutil.Keyring(t)
	id := addUser(t, ring, "invalidate", "x")
	if err := keyutils.Invalidate(id); err != nil {
		t.Fatal(err)
	}
	// An invalidated key is no longer possessed (searches skip it), so
	// reading it falls back to the user bits (no read here): EACCES; once
	// the garbage collector has run, which may be at once, it is gone.
	_, err := keyutils.Read(id)
	if !errors.Is(err, keyutils.ErrPermission) && !errors.Is(err, keyutils.ErrNotFound) {
		t.Fatalf("Read(invalidated) = %v", err)
	}
	// Searches report an invalidated key still linked as revoked.
	if _, err := keyutils.RequestKey("user", "invalidate", nil); !errors.Is(err, keyutils.ErrRevoked) && !errors.Is(err, keyutils.ErrNotFound) {
		t.Fatalf("RequestKey(invalidated) = %v", err)
	}
	// The garbage collector then removes the link.
	waitFor(t, "garbage collection", func() bool { return !contains(members(t, ring), id) })
	waitFor(t, "key destruction", func() bool {
		_, err = keyutils.Describe(id)
		return errors.Is(err, keyutils.ErrNotFound)
	})
	wantErr(t, err, keyutils.ErrNotFound, "describe", int32(id))
	wantErr(t, keyutils.Invalidate(keyutils.Serial(0)), unix.EINVAL, "invalidate", 0)
}

func TestClear(t *testing.T) {
	ring := testutil.Keyring(t)
	addUser(t, ring, "a", "x")
	addUser(t, ring, "b", "x")
	if err := keyutils.Clear(ring); err != nil {
		t.Fatal(err)
	}
	if ids := members(t, ring); len(ids) != 0 {
		t.Fatalf("after Clear: %v", ids)
	}
	u := addUser(t, ring, "c", "x")
	wantErr(t, keyutils.Clear(u), keyutils.ErrNotKeyring, "clear", int32(u))
}

func TestWrongType(t *testing.T) {
	ring := testutil.Keyring(t)
	u := addUser(t, ring, "wrongtype", "x")
	_, err := keyutils.AddKey("user", "x", []byte("x"), u)
	wantErr(t, err, keyutils.ErrNotKeyring, "add_key", int32(u))
	_, err = keyutils.Search(u, "user", "x", nil)
	wantErr(t, err, unix.ENOTDIR, "search", int32(u))
	wantErr(t, keyutils.Link(u, u), keyutils.ErrNotKeyring, "link", int32(u))
	err = keyutils.Update(ring, []byte("x"))
	wantErr(t, err, keyutils.ErrUnsupported, "update", int32(ring))
	wantErr(t, err, unix.EOPNOTSUPP, "update", int32(ring))
}

func TestBadSerial(t *testing.T) {
	// Serials 1 and 2 are never allocated; 0 is never valid.
	ops := []struct {
		op string
		f  func(id keyutils.ID) error
	}{
		{"update", func(id keyutils.ID) error { return keyutils.Update(id, []byte("x")) }},
		{"revoke", keyutils.Revoke},
		{"invalidate", keyutils.Invalidate},
		{"clear", keyutils.Clear},
		{"setperm", func(id keyutils.ID) error { return keyutils.SetPerm(id, keyutils.PosAll) }},
		{"set_timeout", func(id keyutils.ID) error { return keyutils.SetTimeout(id, time.Hour) }},
		{"read", func(id keyutils.ID) error { _, err := keyutils.Read(id); return err }},
		{"describe", func(id keyutils.ID) error { _, err := keyutils.Describe(id); return err }},
		{"get_security", func(id keyutils.ID) error { _, err := keyutils.GetSecurity(id); return err }},
		{"get_keyring_id", func(id keyutils.ID) error { _, err := keyutils.GetKeyringID(id, false); return err }},
	}
	for _, o := range ops {
		t.Run(o.op, func(t *testing.T) {
			wantErr(t, o.f(keyutils.Serial(1)), keyutils.ErrNotFound, o.op, 1)
			wantErr(t, o.f(keyutils.Serial(2)), unix.ENOKEY, o.op, 2)
			err := o.f(keyutils.Serial(0))
			if o.op == "update" {
				wantErr(t, err, unix.EINVAL, o.op, 0)
			} else if err == nil {
				t.Fatalf("%s(0) succeeded", o.op)
			}
		})
	}
}

func TestGetSecurity(t *testing.T) {
	ring := testutil.Keyring(t)
	id := addUser(t, ring, "security", "x")
	if _, err := keyutils.GetSecurity(id); err != nil {
		t.Fatalf("GetSecurity: %v", err)
	}
	_, err := keyutils.GetSecurity(keyutils.Serial(0))
	wantErr(t, err, unix.EINVAL, "get_security", 0)
}

func TestErrorType(t *testing.T) {
	_, err := keyutils.Read(keyutils.Serial(1))
	var ke *keyutils.Error
	if !errors.As(err, &ke) || ke.Op != "read" || ke.Key != 1 || ke.Errno() != unix.ENOKEY {
		t.Fatalf("error = %#v", err)
	}
	if errors.Is(err, fs.ErrPermission) || errors.Is(err, keyutils.ErrExpired) {
		t.Fatalf("%v matches unrelated sentinels", err)
	}
	e := &keyutils.Error{Op: "read", Key: int32(keyutils.SessionKeyring), Err: unix.EACCES}
	if got, want := e.Error(), "keyutils: read key -3 (@s): permission denied"; got != want {
		t.Fatalf("Error() = %q, want %q", got, want)
	}
	if (&keyutils.Error{Op: "x", Err: keyutils.ErrShortBuffer}).Errno() != 0 {
		t.Fatal("Errno of a non-errno cause is not 0")
	}
	if got := (&keyutils.Error{Op: "capabilities", Err: unix.ENOSYS}).Error(); got != "keyutils: capabilities: function not implemented" {
		t.Fatalf("Error() without key = %q", got)
	}
}

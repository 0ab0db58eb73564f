//go:build linux

package keyutils_test

import (
	"io/fs"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/keyutils-go/keyutils"
	"github.com/keyutils-go/keyutils/internal/testutil"
)

func TestLinkUnlink(t *testing.T) {
	ring := testutil.Keyring(t)
	a := newRing(t, ring, "a")
	b := newRing(t, ring, "b")
	k := addUser(t, a, "link", "x")
	if err := keyutils.Link(k, b); err != nil {
		t.Fatal(err)
	}
	if !contains(members(t, b), k) || !contains(members(t, a), k) {
		t.Fatal("Link did not add a second link")
	}
	// Linking a key of the same type and description displaces the old one.
	k2 := addUser(t, ring, "link", "y")
	if err := keyutils.Link(k2, b); err != nil {
		t.Fatal(err)
	}
	if ids := members(t, b); len(ids) != 1 || ids[0] != k2 {
		t.Fatalf("after displacing link b holds %v, want [%d]", ids, k2)
	}
	if err := keyutils.Unlink(k2, b); err != nil {
		t.Fatal(err)
	}
	if ids := members(t, b); len(ids) != 0 {
		t.Fatalf("after Unlink b holds %v", ids)
	}
	err := keyutils.Unlink(k2, b)
	wantErr(t, err, fs.ErrNotExist, "unlink", int32(k2))
	wantErr(t, err, unix.ENOENT, "unlink", int32(k2))
	wantErr(t, keyutils.Unlink(keyutils.Serial(1), b), keyutils.ErrNotFound, "unlink", 1)
	wantErr(t, keyutils.Link(keyutils.Serial(1), b), keyutils.ErrNotFound, "link", 1)
	// A keyring cannot be linked into itself or below itself.
	wantErr(t, keyutils.Link(ring, a), unix.EDEADLK, "link", int32(ring))
}

func TestMove(t *testing.T) {
	ring := testutil.Keyring(t)
	from := newRing(t, ring, "from")
	to := newRing(t, ring, "to")
	k := addUser(t, from, "move", "x")
	if err := keyutils.Move(k, from, to, 0); err != nil {
		t.Fatal(err)
	}
	if contains(members(t, from), k) || !contains(members(t, to), k) {
		t.Fatal("Move did not move the link")
	}
	wantErr(t, keyutils.Move(k, from, to, 0), fs.ErrNotExist, "move", int32(k))
	// An equivalent key in the destination: EEXIST with MoveExclusive,
	// displaced without.
	k2 := addUser(t, from, "move", "y")
	wantErr(t, keyutils.Move(k2, from, to, keyutils.MoveExclusive), fs.ErrExist, "move", int32(k2))
	wantErr(t, keyutils.Move(k2, from, to, keyutils.MoveExclusive), unix.EEXIST, "move", int32(k2))
	if err := keyutils.Move(k2, from, to, 0); err != nil {
		t.Fatal(err)
	}
	if ids := members(t, to); len(ids) != 1 || ids[0] != k2 {
		t.Fatalf("to holds %v, want [%d]", ids, k2)
	}
	// Moving within the same keyring succeeds.
	if err := keyutils.Move(k2, to, to, keyutils.MoveExclusive); err != nil {
		t.Fatalf("Move to the same keyring: %v", err)
	}
	wantErr(t, keyutils.Move(to, ring, to, 0), unix.EDEADLK, "move", int32(to))
	wantErr(t, keyutils.Move(k2, to, k2, 0), keyutils.ErrNotKeyring, "move", int32(k2))
}

func TestSearch(t *testing.T) {
	ring := testutil.Keyring(t)
	l1 := newRing(t, ring, "l1")
	l2 := newRing(t, l1, "l2")
	k := addUser(t, l2, "search:deep", "x")
	got, err := keyutils.Search(ring, "user", "search:deep", nil)
	if err != nil || got != k {
		t.Fatalf("Search = %d, %v; want %d (recursive)", got, err, k)
	}
	dest := newRing(t, ring, "dest")
	if got, err = keyutils.Search(ring, "user", "search:deep", dest); err != nil || got != k {
		t.Fatalf("Search(dest) = %d, %v", got, err)
	}
	if !contains(members(t, dest), k) {
		t.Fatal("Search did not link into dest")
	}
	// Searching only the branch without the key fails.
	_, err = keyutils.Search(dest, "user", "search:none", nil)
	wantErr(t, err, keyutils.ErrNotFound, "search", int32(dest))
	_, err = keyutils.Search(ring, "logon", "search:deep", nil)
	wantErr(t, err, keyutils.ErrNotFound, "search", int32(ring))
	_, err = keyutils.Search(ring, "user", "search:deep", keyutils.Serial(-2000))
	wantErr(t, err, unix.EINVAL, "search", int32(ring))
	// A revoked match is reported as such.
	r := addUser(t, l1, "search:revoked", "x")
	if err := keyutils.Revoke(r); err != nil {
		t.Fatal(err)
	}
	_, err = keyutils.Search(ring, "user", "search:revoked", nil)
	wantErr(t, err, keyutils.ErrRevoked, "search", int32(ring))
	// No search permission on the keyring.
	if err := keyutils.SetPerm(l1, keyutils.PosView|keyutils.PosSetattr|keyutils.UsrView|keyutils.UsrSetattr); err != nil {
		t.Fatal(err)
	}
	_, err = keyutils.Search(l1, "user", "search:deep", nil)
	wantErr(t, err, keyutils.ErrPermission, "search", int32(l1))
}

func TestRestrictKeyring(t *testing.T) {
	ring := testutil.Keyring(t)
	r := newRing(t, ring, "restricted")
	addUser(t, r, "before", "x")
	if err := keyutils.RestrictKeyring(r, "", ""); err != nil {
		t.Fatal(err)
	}
	_, err := keyutils.AddKey("user", "after", []byte("x"), r)
	wantErr(t, err, keyutils.ErrPermission, "add_key", int32(r))
	wantErr(t, err, unix.EPERM, "add_key", int32(r))
	k := addUser(t, ring, "outside", "x")
	wantErr(t, keyutils.Link(k, r), unix.EPERM, "link", int32(k))
	wantErr(t, keyutils.RestrictKeyring(r, "", ""), unix.EEXIST, "restrict_keyring", int32(r))

	r2 := newRing(t, ring, "r2")
	wantErr(t, keyutils.RestrictKeyring(r2, "no_such_type", "x"), keyutils.ErrNotFound, "restrict_keyring", int32(r2))
	wantErr(t, keyutils.RestrictKeyring(r2, "asymmetric", "no_such_method"), unix.EINVAL, "restrict_keyring", int32(r2))
	wantErr(t, keyutils.RestrictKeyring(k, "", ""), keyutils.ErrNotKeyring, "restrict_keyring", int32(k))
	// A restriction interpreted by a type.
	if err := keyutils.RestrictKeyring(r2, "asymmetric", "builtin_trusted"); err != nil {
		t.Fatalf("RestrictKeyring(asymmetric, builtin_trusted): %v", err)
	}
}

func TestGetPersistent(t *testing.T) {
	ring := testutil.Keyring(t)
	// The persistent keyring is per user and outlives the test: only its
	// link into the test keyring is removed.
	p, err := keyutils.GetPersistent(-1, ring)
	if err != nil {
		t.Skipf("kernel without persistent keyrings: %v", err)
	}
	if !contains(members(t, ring), p) {
		t.Fatal("persistent keyring not linked into ring")
	}
	d, err := keyutils.Describe(p)
	if err != nil || d.Type != "keyring" || d.Description != "_persistent."+keyutils.Serial(unix.Getuid()).String() {
		t.Fatalf("Describe(persistent) = %+v, %v", d, err)
	}
	p2, err := keyutils.GetPersistent(unix.Getuid(), ring)
	if err != nil || p2 != p {
		t.Fatalf("GetPersistent(uid) = %d, %v; want %d", p2, err, p)
	}
	if err := keyutils.Unlink(p, ring); err != nil {
		t.Fatal(err)
	}
	u := addUser(t, ring, "notring", "x")
	_, err = keyutils.GetPersistent(-1, u)
	wantErr(t, err, keyutils.ErrNotKeyring, "get_persistent", int32(u))
}

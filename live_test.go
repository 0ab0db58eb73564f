//go:build linux

package keyutils_test

import (
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/keyutils-go/keyutils"
	"github.com/keyutils-go/keyutils/internal/testutil"
)

// procKey returns id's line of /proc/keys.
func procKey(t *testing.T, id keyutils.Serial) (keyutils.ProcKey, bool) {
	t.Helper()
	keys, err := keyutils.ReadProcKeys()
	if err != nil {
		t.Fatalf("ReadProcKeys: %v", err)
	}
	for _, k := range keys {
		if k.Serial == id {
			return k, true
		}
	}
	return keyutils.ProcKey{}, false
}

func TestReadProcKeys(t *testing.T) {
	ring := testutil.Keyring(t)
	id := addUser(t, ring, "proc:key", "hello")
	if err := keyutils.SetPerm(id, 0x3f0b0001); err != nil {
		t.Fatal(err)
	}
	k, ok := procKey(t, id)
	if !ok {
		t.Fatalf("key %d not in /proc/keys", id)
	}
	if k.Type != "user" || k.Perm != 0x3f0b0001 || k.UID != unix.Getuid() || k.GID != unix.Getgid() ||
		!k.Permanent || k.Expired || k.Timeout != 0 || !k.Has('I') || k.Usage < 1 || k.Text != "proc:key: 5" {
		t.Fatalf("line %q parsed as %+v", k.Raw, k)
	}
	if !k.HasDescription("proc:key") {
		t.Fatalf("HasDescription(proc:key) false for %q", k.Text)
	}
	if err := keyutils.SetTimeout(id, 3*60*60*1e9); err != nil { // 3 h
		t.Fatal(err)
	}
	k, _ = procKey(t, id)
	if k.Permanent || k.Timeout < 2*60*60*1e9 || k.Timeout > 3*60*60*1e9 {
		t.Fatalf("timeout of %q parsed as %v", k.Raw, k.Timeout)
	}
	r, ok := procKey(t, ring)
	if !ok || r.Type != "keyring" || r.Text != "test:"+t.Name()+": 1" {
		t.Fatalf("ring line parsed as %+v", r)
	}
	if err := keyutils.Revoke(id); err != nil {
		t.Fatal(err)
	}
	if k, ok = procKey(t, id); ok && !k.Has('R') {
		t.Fatalf("revoked key's flags %q", k.Flags)
	}
}

func TestKeyUsers(t *testing.T) {
	users, err := keyutils.ReadKeyUsers()
	if err != nil || len(users) == 0 {
		t.Fatalf("ReadKeyUsers = %v, %v", users, err)
	}
	ring := testutil.Keyring(t)
	before, err := keyutils.KeyUserOf(unix.Getuid())
	if err != nil {
		t.Fatalf("KeyUserOf(%d): %v", unix.Getuid(), err)
	}
	addUser(t, ring, "quota", "x")
	after, _ := keyutils.KeyUserOf(unix.Getuid())
	if after.Keys != before.Keys+1 || after.MaxKeys == 0 || after.MaxBytes == 0 {
		t.Fatalf("key-users before %+v, after adding a key %+v", before, after)
	}
	if _, err := keyutils.KeyUserOf(-42); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("KeyUserOf(-42) = %v", err)
	}
}

func TestFindKeyByTypeAndDesc(t *testing.T) {
	ring := testutil.Keyring(t)
	id := addUser(t, ring, "find:me", "x")
	semi := addUser(t, ring, "find;semi;colon", "x")
	colon := addUser(t, ring, "find: colon", "x")
	for desc, want := range map[string]keyutils.Serial{"find:me": id, "find;semi;colon": semi, "find: colon": colon} {
		got, err := keyutils.FindKeyByTypeAndDesc("user", desc, nil)
		if err != nil || got != want {
			t.Errorf("FindKeyByTypeAndDesc(user, %q) = %d, %v; want %d", desc, got, err, want)
		}
	}
	dest := newRing(t, ring, "dest")
	if got, err := keyutils.FindKeyByTypeAndDesc("user", "find:me", dest); err != nil || got != id || !contains(members(t, dest), id) {
		t.Fatalf("FindKeyByTypeAndDesc(dest) = %d, %v", got, err)
	}
	_, err := keyutils.FindKeyByTypeAndDesc("user", "find:none", nil)
	if !errors.Is(err, keyutils.ErrNotFound) {
		t.Fatalf("not found: %v", err)
	}
	if !strings.Contains(err.Error(), "find_key") && !strings.Contains(err.Error(), "request_key") {
		t.Errorf("error %q names no operation", err)
	}
	_, err = keyutils.FindKeyByTypeAndDesc("user", "find", nil) // a prefix only
	if !errors.Is(err, keyutils.ErrNotFound) {
		t.Fatalf("prefix: %v", err)
	}
}

// TestFindByProcKeys finds keys through /proc/keys: keys that are viewable
// but not possessed, which request_key cannot find.
func TestFindByProcKeys(t *testing.T) {
	keys, err := keyutils.ReadProcKeys()
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(keys, func(k keyutils.ProcKey) bool {
		return k.Type == "keyring" && k.HasDescription(".builtin_trusted_keys")
	})
	if i < 0 {
		t.Skip(".builtin_trusted_keys is not viewable here")
	}
	got, err := keyutils.FindKeyByTypeAndDesc("keyring", ".builtin_trusted_keys", nil)
	if err != nil || got != keys[i].Serial {
		t.Fatalf("FindKeyByTypeAndDesc(keyring, .builtin_trusted_keys) = %d, %v; want %d", got, err, keys[i].Serial)
	}

	// A key made unpossessable by removing its possessor search bit, with
	// ';' in its description and a type longer than /proc/keys shows.
	ring := testutil.Keyring(t)
	for _, tc := range []struct{ typ, desc string }{{"user", "proc;find;semi"}, {"logon", "svc:proc find"}} {
		id, err := keyutils.AddKey(tc.typ, tc.desc, []byte("x"), ring)
		if err != nil {
			t.Fatal(err)
		}
		if err := keyutils.SetPerm(id, keyutils.PosView|keyutils.UsrView|keyutils.UsrSetattr); err != nil {
			t.Fatal(err)
		}
		if _, err := keyutils.RequestKey(tc.typ, tc.desc, nil); err == nil {
			t.Fatalf("%s %q still found by request_key", tc.typ, tc.desc)
		}
		got, err := keyutils.FindKeyByTypeAndDesc(tc.typ, tc.desc, nil)
		if err != nil || got != id {
			t.Errorf("FindKeyByTypeAndDesc(%s, %q) via /proc/keys = %d, %v; want %d", tc.typ, tc.desc, got, err, id)
		}
	}
}

func TestRecursiveKeyScan(t *testing.T) {
	ring := testutil.Keyring(t)
	// ring
	// ├── a (keyring)
	// │   ├── k1
	// │   └── b (keyring)
	// │       └── k2
	// ├── k1 (second link)
	// └── r (revoked)
	a := newRing(t, ring, "a")
	k1 := addUser(t, a, "k1", "x")
	b := newRing(t, a, "b")
	k2 := addUser(t, b, "k2", "x")
	if err := keyutils.Link(k1, ring); err != nil {
		t.Fatal(err)
	}
	r := addUser(t, ring, "r", "x")
	if err := keyutils.Revoke(r); err != nil {
		t.Fatal(err)
	}
	type visit struct {
		parent, key keyutils.Serial
		desc        string
		err         error
	}
	var got []visit
	sum := keyutils.RecursiveKeyScan(ring, func(parent, key keyutils.Serial, desc string, err error) int {
		got = append(got, visit{parent, key, desc, err})
		return 1
	})
	if sum != 7 || len(got) != 7 {
		t.Fatalf("scan made %d calls, returned %d; want 7: %+v", len(got), sum, got)
	}
	// The expected walk, from the keyrings' own member order.
	var want []visit
	var walk func(parent, key keyutils.Serial)
	walk = func(parent, key keyutils.Serial) {
		if key == ring || key == a || key == b {
			for _, m := range members(t, key) {
				walk(key, m)
			}
		}
		want = append(want, visit{parent: parent, key: key})
	}
	walk(0, ring)
	for i, v := range got {
		if v.key != want[i].key || v.parent != want[i].parent {
			t.Fatalf("visit %d: (parent %d, key %d), want (%d, %d)\ngot  %+v\nwant %+v", i, v.parent, v.key, want[i].parent, want[i].key, got, want)
		}
		if v.key == r {
			if v.desc != "" || !errors.Is(v.err, keyutils.ErrRevoked) {
				t.Errorf("revoked key: desc %q, err %v", v.desc, v.err)
			}
			continue
		}
		if v.err != nil {
			t.Errorf("key %d: %v", v.key, v.err)
		}
		if d, err := keyutils.ParseDescription(v.desc); err != nil || (v.key == b && d.Description != "b") {
			t.Errorf("key %d: desc %q", v.key, v.desc)
		}
	}
	if got[len(got)-1].key != ring || got[len(got)-1].parent != 0 {
		t.Fatalf("root not visited last with parent 0: %+v", got[len(got)-1])
	}
	// A non-keyring root is just visited.
	n := keyutils.RecursiveKeyScan(k2, func(parent, key keyutils.Serial, desc string, err error) int {
		if parent != 0 || key != k2 || err != nil {
			t.Errorf("scan of a user key: %d %d %q %v", parent, key, desc, err)
		}
		return 5
	})
	if n != 5 {
		t.Fatalf("scan of a user key returned %d", n)
	}
	// The session variant starts at the test's session keyring.
	ses, _ := keyutils.SessionKeyring.Resolve()
	var root keyutils.Serial = -1
	keyutils.RecursiveSessionKeyScan(func(parent, key keyutils.Serial, desc string, err error) int {
		if parent == 0 {
			root = key
		}
		return 0
	})
	if root != ses {
		t.Fatalf("session scan root %d, want %d", root, ses)
	}
}

//go:build linux

package keyutils_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/keyutils-go/keyutils"
	"github.com/keyutils-go/keyutils/internal/testutil"
)

// The kernel's user_update (the update of "user" and "logon" keys) sets
// the key's expiry from the new payload's preparse, which gives none: an
// Update, and an AddKey that finds the key and updates it, clear a
// timeout. This is what Replace exists for.
func TestUpdateClearsExpiry(t *testing.T) {
	ring := testutil.Keyring(t)
	for _, typ := range []string{"user", "logon"} {
		desc := typ + ":expiry"
		id, err := keyutils.AddKey(typ, desc, []byte("v1"), ring)
		if err != nil {
			t.Fatal(err)
		}
		hasTimeout := func(when string) {
			t.Helper()
			if k, ok := procKey(t, id); !ok || k.Permanent || k.Expired || k.Timeout <= 0 {
				t.Fatalf("%s key %s: /proc/keys line %q, want a timeout", typ, when, k.Raw)
			}
		}
		noTimeout := func(when string) {
			t.Helper()
			if k, ok := procKey(t, id); !ok || !k.Permanent {
				t.Fatalf("%s key %s: /proc/keys line %q, want perm", typ, when, k.Raw)
			}
		}
		if err := keyutils.SetTimeout(id, time.Hour); err != nil {
			t.Fatal(err)
		}
		hasTimeout("after SetTimeout")
		if err := keyutils.Update(id, []byte("v2")); err != nil {
			t.Fatal(err)
		}
		noTimeout("after Update")

		if err := keyutils.SetTimeout(id, time.Hour); err != nil {
			t.Fatal(err)
		}
		hasTimeout("after SetTimeout again")
		again, err := keyutils.AddKey(typ, desc, []byte("v3"), ring)
		if err != nil || again != id {
			t.Fatalf("AddKey onto the key = %d, %v; want the same key %d", again, err, id)
		}
		noTimeout("after AddKey onto it")
	}
}

// expiryOf returns the timeout column of key id's line in /proc/keys
// ("perm", "expd", "59m", ...), and false if the key is not listed (it has
// been destroyed). It reads the file directly: the readers below call it in
// a loop.
func expiryOf(id keyutils.Serial) (string, bool) {
	b, err := os.ReadFile("/proc/keys")
	if err != nil {
		return "", false
	}
	prefix := fmt.Sprintf("%08x ", uint32(id))
	for line := range strings.SplitSeq(string(b), "\n") {
		if strings.HasPrefix(line, prefix) {
			f := strings.Fields(line)
			if len(f) > 3 {
				return f[3], true
			}
		}
	}
	return "", false
}

func TestReplaceKeepsTimeout(t *testing.T) {
	for _, tc := range []struct {
		name    string
		replace func(string, string, []byte, time.Duration, keyutils.ID) (keyutils.Serial, error)
	}{{"move", keyutils.Replace}, {"link", keyutils.ReplaceByLink}} {
		t.Run(tc.name, func(t *testing.T) {
			ring := testutil.Keyring(t)
			other := newRing(t, ring, "other")
			old := addUser(t, ring, "db:password", "v1")
			if err := keyutils.SetTimeout(old, time.Hour); err != nil {
				t.Fatal(err)
			}
			if err := keyutils.Link(old, other); err != nil {
				t.Fatal(err)
			}
			id, err := tc.replace("user", "db:password", []byte("v2"), 2*time.Hour, ring)
			if err != nil {
				t.Fatal(err)
			}
			if id == old {
				t.Fatalf("Replace returned the old serial %d", id)
			}
			if got, err := keyutils.Search(ring, "user", "db:password", nil); err != nil || got != id {
				t.Fatalf("Search after Replace = %d, %v; want %d", got, err, id)
			}
			if p, err := keyutils.Read(id); err != nil || string(p) != "v2" {
				t.Fatalf("Read(new) = %q, %v", p, err)
			}
			k, ok := procKey(t, id)
			if !ok || k.Permanent || k.Timeout <= time.Hour || k.Timeout > 2*time.Hour {
				t.Fatalf("new key's /proc/keys line %q: want a timeout of about 2h", k.Raw)
			}
			// The new key has add_key's default permissions and the
			// process's owner.
			d, err := keyutils.Describe(id)
			if err != nil || d.Perm != 0x3f010000 || d.UID != os.Geteuid() || d.GID != os.Getegid() {
				t.Fatalf("Describe(new) = %+v, %v; want perm 3f010000, owner %d:%d", d, err, os.Geteuid(), os.Getegid())
			}
			// The ring holds only the new key and the other keyring; the
			// old key's other link is untouched.
			if m := members(t, ring); len(m) != 2 || !contains(m, id) || !contains(m, other) {
				t.Fatalf("ring holds %v; want %d and %d", m, id, other)
			}
			if m := members(t, other); len(m) != 1 || m[0] != old {
				t.Fatalf("other keyring holds %v; want the old key %d", m, old)
			}
			if p, err := keyutils.Read(old); err != nil || string(p) != "v1" {
				t.Fatalf("Read(old) = %q, %v; want v1", p, err)
			}
			// Without a key to displace, Replace adds one; timeout 0 is
			// no expiry.
			fresh, err := tc.replace("user", "fresh", []byte("x"), 0, ring)
			if err != nil {
				t.Fatal(err)
			}
			if k, ok := procKey(t, fresh); !ok || !k.Permanent {
				t.Fatalf("Replace with timeout 0: /proc/keys line %q, want perm", k.Raw)
			}
		})
	}
}

// Readers searching the ring while keys are replaced always find a key,
// and never one without its expiry.
func TestReplaceAtomic(t *testing.T) {
	for _, tc := range []struct {
		name    string
		replace func(string, string, []byte, time.Duration, keyutils.ID) (keyutils.Serial, error)
	}{{"move", keyutils.Replace}, {"link", keyutils.ReplaceByLink}} {
		t.Run(tc.name, func(t *testing.T) {
			ring := testutil.Keyring(t)
			const desc = "svc:token"
			first, err := tc.replace("user", desc, []byte("0"), time.Hour, ring)
			if err != nil {
				t.Fatal(err)
			}
			var stop atomic.Bool
			var wg sync.WaitGroup
			var searches, checked atomic.Int64
			var lastChecked atomic.Int32 // the last key a reader found listed with its expiry
			for range 2 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					seen := map[keyutils.Serial]bool{}
					for !stop.Load() {
						id, err := keyutils.Search(ring, "user", desc, nil)
						searches.Add(1)
						if err != nil {
							t.Errorf("Search during Replace: %v", err)
							return
						}
						if seen[id] {
							continue
						}
						seen[id] = true
						// The key may be displaced and destroyed by now;
						// if it is still listed it must have its expiry.
						if exp, ok := expiryOf(id); ok {
							checked.Add(1)
							if exp == "perm" {
								t.Errorf("key %d found in the ring without an expiry", id)
								return
							}
							lastChecked.Store(int32(id))
						}
					}
				}()
			}
			last := first
			for i := range 100 {
				id, err := tc.replace("user", desc, []byte(strconv.Itoa(i+1)), time.Hour, ring)
				if err != nil {
					t.Error(err)
					break
				}
				last = id
				// Let a reader find and check this key before the next
				// replacement, so that every key is checked.
				deadline := time.Now().Add(5 * time.Second)
				for lastChecked.Load() != int32(id) && !t.Failed() {
					if time.Now().After(deadline) {
						t.Errorf("no reader checked key %d within 5 s", id)
						break
					}
					time.Sleep(100 * time.Microsecond)
				}
			}
			stop.Store(true)
			wg.Wait()
			if got, err := keyutils.Search(ring, "user", desc, nil); err != nil || got != last {
				t.Fatalf("Search after the replacements = %d, %v; want %d", got, err, last)
			}
			if m := members(t, ring); len(m) != 1 {
				t.Fatalf("ring holds %v after the replacements; want one key", m)
			}
			t.Logf("%d searches, %d new keys checked in /proc/keys", searches.Load(), checked.Load())
		})
	}
}

// Replace writes to the ring from a new thread: a ring the process
// possesses through its session keyring works even though only possessors
// may write to it, a ring nobody possesses does not, nor one that only the
// calling thread possesses.
func TestReplacePossession(t *testing.T) {
	ring := testutil.Keyring(t)
	// Only the possessor may write; the user may only view.
	if err := keyutils.SetPerm(ring, keyutils.PosAll|keyutils.UsrView); err != nil {
		t.Fatal(err)
	}
	if _, err := keyutils.Replace("user", "k", []byte("v"), time.Minute, ring); err != nil {
		t.Fatalf("Replace into a possessed ring: %v", err)
	}

	// The session keyring itself, named by its special ID.
	id, err := keyutils.Replace("user", "replace:session", []byte("v"), time.Minute, keyutils.SessionKeyring)
	if err != nil {
		t.Fatalf("Replace into @s: %v", err)
	}
	keyutils.Unlink(id, keyutils.SessionKeyring)

	// A ring below a keyring that may not be searched is not possessed.
	hidden := newRing(t, ring, "hidden")
	inner := newRing(t, hidden, "inner")
	if err := keyutils.SetPerm(inner, keyutils.PosAll|keyutils.UsrView); err != nil {
		t.Fatal(err)
	}
	if err := keyutils.SetPerm(hidden, keyutils.PosAll&^keyutils.PosSearch|keyutils.UsrView|keyutils.UsrSetattr); err != nil {
		t.Fatal(err)
	}
	_, err = keyutils.Replace("user", "k", []byte("v"), time.Minute, inner)
	wantErr(t, err, keyutils.ErrPermission, "replace", int32(inner))
	if err := keyutils.SetPerm(hidden, keyutils.PosAll|keyutils.UsrView); err != nil {
		t.Fatal(err)
	}
	if m := members(t, inner); len(m) != 0 {
		t.Fatalf("the failed Replace left %v in the ring", m)
	}

	// A thread in a session keyring of its own: the new thread does not
	// possess what that keyring holds.
	onThread(func() {
		if _, err := (keyutils.Session{}).Join(); err != nil {
			t.Error(err)
			return
		}
		own, err := keyutils.NewKeyring("own", keyutils.SessionKeyring)
		if err != nil {
			t.Error(err)
			return
		}
		_, err = keyutils.Replace("user", "k", []byte("v"), time.Minute, own)
		if !errors.Is(err, keyutils.ErrPermission) || !strings.Contains(err.Error(), "new thread") {
			t.Errorf("Replace into a keyring only the calling thread possesses: %v; want ErrPermission explained", err)
		}
	})
}

func TestReplaceErrors(t *testing.T) {
	ring := testutil.Keyring(t)
	old := addUser(t, ring, "k", "v")
	for _, tc := range []struct {
		name    string
		typ     string
		desc    string
		payload string
		timeout time.Duration
		want    error
	}{
		{"negative timeout", "user", "k", "x", -time.Second, unix.EINVAL},
		{"sub-second timeout", "user", "k", "x", 500 * time.Millisecond, unix.EINVAL},
		{"huge timeout", "user", "k", "x", (1 << 32) * time.Second, unix.EINVAL},
		{"NUL", "user", "k\x00", "x", time.Second, unix.EINVAL},
		{"unknown type", "nosuchtype", "k", "x", time.Second, unix.ENODEV},
		{"empty payload", "user", "k", "", time.Second, unix.EINVAL},
	} {
		_, err := keyutils.Replace(tc.typ, tc.desc, []byte(tc.payload), tc.timeout, ring)
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: Replace = %v; want %v", tc.name, err, tc.want)
			continue
		}
		if tc.want != unix.EINVAL || tc.name == "empty payload" {
			wantErr(t, err, tc.want, "replace", int32(ring))
		}
	}
	_, err := keyutils.Replace("user", "k", []byte("x"), time.Second, keyutils.Serial(0))
	wantErr(t, err, unix.EINVAL, "replace", 0)
	_, err = keyutils.Replace("user", "k", []byte("x"), time.Second, old)
	wantErr(t, err, keyutils.ErrNotKeyring, "replace", int32(old))
	if m := members(t, ring); len(m) != 1 || m[0] != old {
		t.Fatalf("failed Replaces changed the ring: %v", m)
	}
	if p, err := keyutils.Read(old); err != nil || !bytes.Equal(p, []byte("v")) {
		t.Fatalf("Read(old) = %q, %v", p, err)
	}
}

// The scratch keyring and the thread keyring Replace builds in are
// destroyed once the thread has gone.
func TestReplaceLeavesNothing(t *testing.T) {
	ring := testutil.Keyring(t)
	if _, err := keyutils.Replace("user", "k", []byte("v"), time.Minute, ring); err != nil {
		t.Fatal(err)
	}
	if _, err := keyutils.Replace("nosuchtype", "k", []byte("v"), time.Minute, ring); err == nil {
		t.Fatal("Replace with an unknown type succeeded")
	}
	waitFor(t, "the scratch keyrings to go", func() bool {
		b, err := os.ReadFile("/proc/keys")
		return err == nil && !bytes.Contains(b, []byte(" keyutils:replace"))
	})
}

// Unlink reports ENOENT for a key that is not in the ring, and ENOKEY once
// the key has been destroyed (here after its last link went); a revoked,
// expired or invalidated key that is still linked is unlinked normally.
func TestUnlinkDestroyedKey(t *testing.T) {
	ring := testutil.Keyring(t)
	id := addUser(t, ring, "k", "v")
	if err := keyutils.Unlink(id, ring); err != nil {
		t.Fatal(err)
	}
	var err error
	waitFor(t, "the unlinked key to be destroyed", func() bool {
		err = keyutils.Unlink(id, ring)
		if !errors.Is(err, keyutils.ErrNotFound) && !errors.Is(err, unix.ENOENT) {
			t.Fatalf("Unlink of an unlinked key: %v; want ENOENT, then ENOKEY", err)
		}
		return errors.Is(err, keyutils.ErrNotFound)
	})
	wantErr(t, err, keyutils.ErrNotFound, "unlink", int32(id))

	// Unlinking from a keyring that is gone is ENOKEY too.
	gone := newRing(t, ring, "gone")
	k := addUser(t, gone, "k", "v")
	if err := keyutils.Link(k, ring); err != nil {
		t.Fatal(err)
	}
	if err := keyutils.Unlink(gone, ring); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the unlinked keyring to be destroyed", func() bool {
		return errors.Is(keyutils.Unlink(k, gone), keyutils.ErrNotFound)
	})
	if err := keyutils.Unlink(k, ring); err != nil {
		t.Fatal(err)
	}

	// Revoked and expired keys stay linked until the garbage collector's
	// delay (gc_delay, minutes) has passed: Unlink removes them.
	revoked := addUser(t, ring, "revoked", "v")
	if err := keyutils.Revoke(revoked); err != nil {
		t.Fatal(err)
	}
	if err := keyutils.Unlink(revoked, ring); err != nil {
		t.Fatalf("Unlink of a revoked key: %v", err)
	}
	expired := addUser(t, ring, "expired", "v")
	if err := keyutils.SetTimeout(expired, time.Second); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "key expiry", func() bool {
		_, err := keyutils.Read(expired)
		return errors.Is(err, keyutils.ErrExpired)
	})
	if err := keyutils.Unlink(expired, ring); err != nil {
		t.Fatalf("Unlink of an expired key: %v", err)
	}
	// An invalidated key is removed from its keyrings by the collector at
	// once; until then Unlink removes it.
	invalid := addUser(t, ring, "invalid", "v")
	if err := keyutils.Invalidate(invalid); err != nil {
		t.Fatal(err)
	}
	if err := keyutils.Unlink(invalid, ring); err != nil && !errors.Is(err, unix.ENOENT) && !errors.Is(err, keyutils.ErrNotFound) {
		t.Fatalf("Unlink of an invalidated key: %v", err)
	}
	if m := members(t, ring); len(m) != 0 {
		t.Fatalf("ring holds %v; want nothing", m)
	}
}

var replaceWithPaths = []struct {
	name    string
	replace func(string, string, []byte, keyutils.ID, keyutils.ReplaceOptions) (keyutils.Serial, error)
}{{"move", keyutils.ReplaceWith}, {"link", keyutils.ReplaceWithByLink}}

// ReplaceWith gives the new key its mask and its timeout before it reaches
// the ring: readers searching the ring while keys are replaced always find
// a key, and every key they find has the mask and an expiry.
func TestReplaceWithPermAtomic(t *testing.T) {
	// The owner may view, read, search and link; possessors get nothing
	// more (the mask package secret gives its entries).
	const perm = keyutils.UsrView | keyutils.UsrRead | keyutils.UsrSearch | keyutils.UsrLink
	opts := keyutils.ReplaceOptions{Timeout: time.Hour, Perm: perm}
	for _, tc := range replaceWithPaths {
		t.Run(tc.name, func(t *testing.T) {
			ring := testutil.Keyring(t)
			const desc = "svc:token"
			first, err := tc.replace("user", desc, []byte("0"), ring, opts)
			if err != nil {
				t.Fatal(err)
			}
			var stop atomic.Bool
			var wg sync.WaitGroup
			var lastChecked atomic.Int32
			for range 2 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					seen := map[keyutils.Serial]bool{}
					for !stop.Load() {
						id, err := keyutils.Search(ring, "user", desc, nil)
						if err != nil {
							t.Errorf("Search during ReplaceWith: %v", err)
							return
						}
						if seen[id] {
							continue
						}
						seen[id] = true
						// The key may have been displaced and destroyed
						// since; if it still exists it must have both.
						d, err := keyutils.Describe(id)
						if err != nil {
							continue
						}
						exp, ok := expiryOf(id)
						if !ok {
							continue
						}
						if d.Perm != perm || exp == "perm" {
							t.Errorf("key %d found in the ring with mask %s, expiry %q; want %s and a timeout", id, d.Perm.Hex(), exp, perm.Hex())
							return
						}
						lastChecked.Store(int32(id))
					}
				}()
			}
			last := first
			for i := range 50 {
				id, err := tc.replace("user", desc, []byte(strconv.Itoa(i+1)), ring, opts)
				if err != nil {
					t.Error(err)
					break
				}
				last = id
				deadline := time.Now().Add(5 * time.Second)
				for lastChecked.Load() != int32(id) && !t.Failed() {
					if time.Now().After(deadline) {
						t.Errorf("no reader checked key %d within 5 s", id)
						break
					}
					time.Sleep(100 * time.Microsecond)
				}
			}
			stop.Store(true)
			wg.Wait()
			if got, err := keyutils.Search(ring, "user", desc, nil); err != nil || got != last {
				t.Fatalf("Search after the replacements = %d, %v; want %d", got, err, last)
			}
			if p, err := keyutils.Read(last); err != nil || string(p) != "50" {
				t.Fatalf("Read(last) = %q, %v; want 50", p, err)
			}
			// Without Perm the key has the type's default mask, as with
			// Replace.
			id, err := tc.replace("user", "default", []byte("x"), ring, keyutils.ReplaceOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if d, err := keyutils.Describe(id); err != nil || d.Perm != 0x3f010000 {
				t.Fatalf("Describe = %+v, %v; want the default mask 3f010000", d, err)
			}
			if k, ok := procKey(t, id); !ok || !k.Permanent {
				t.Fatalf("ReplaceWith without Timeout: /proc/keys line %q, want perm", k.Raw)
			}
		})
	}
}

// A mask without link permission, or with undefined bits, is refused
// before anything is created; so are the timeouts Replace refuses.
func TestReplaceWithErrors(t *testing.T) {
	ring := testutil.Keyring(t)
	old := addUser(t, ring, "k", "v")
	for _, tc := range []struct {
		name string
		opts keyutils.ReplaceOptions
	}{
		{"no link", keyutils.ReplaceOptions{Perm: keyutils.PosAll &^ keyutils.PosLink}},
		{"undefined bits", keyutils.ReplaceOptions{Perm: keyutils.PosAll | 0x40000000}},
		{"sub-second timeout", keyutils.ReplaceOptions{Timeout: time.Second / 2}},
		{"negative timeout", keyutils.ReplaceOptions{Timeout: -time.Second}},
	} {
		for _, p := range replaceWithPaths {
			_, err := p.replace("user", "k", []byte("x"), ring, tc.opts)
			if !errors.Is(err, unix.EINVAL) {
				t.Errorf("%s (%s): ReplaceWith = %v; want EINVAL", tc.name, p.name, err)
			}
		}
	}
	// Owner link alone is enough for the move.
	const perm = keyutils.UsrView | keyutils.UsrRead | keyutils.UsrLink
	id, err := keyutils.ReplaceWith("user", "k", []byte("y"), ring, keyutils.ReplaceOptions{Perm: perm})
	if err != nil {
		t.Fatalf("ReplaceWith with owner link only: %v", err)
	}
	if m := members(t, ring); len(m) != 1 || m[0] != id || id == old {
		t.Fatalf("ring holds %v; want only the new key %d", m, id)
	}
}

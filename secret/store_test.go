//go:build linux

package secret_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/keyutils-go/keyutils"
	"github.com/keyutils-go/keyutils/secret"
)

// openStore opens a store of the test in the test process's session
// keyring and removes it when the test ends.
func openStore(t *testing.T, suffix string, opts secret.Options) *secret.Store {
	t.Helper()
	s, err := secret.Open(storeName(t, suffix), opts)
	if err != nil {
		t.Fatal(err)
	}
	if s.Anchor() != secret.Session {
		t.Fatalf("store in %v, want the test's session keyring", s.Anchor())
	}
	t.Cleanup(func() { removeStore(t, s) })
	return s
}

func removeStore(t *testing.T, s *secret.Store) {
	s.Clear()
	if err := keyutils.Unlink(s.Keyring(), keyutils.SessionKeyring); err != nil && !errors.Is(err, keyutils.ErrNotFound) && !errors.Is(err, unix.ENOENT) {
		t.Errorf("removing the store's keyring: %v", err)
	}
}

func wantKind(t *testing.T, what string, err, kind error) {
	t.Helper()
	var se *secret.Error
	if !errors.Is(err, kind) || !errors.As(err, &se) {
		t.Errorf("%s: %v; want a *secret.Error matching %v", what, err, kind)
	}
}

func TestStore(t *testing.T) {
	s := openStore(t, "basic", secret.Options{TTL: time.Hour})
	names := []string{"https://example.com:alice", "a b/c", "ünïcode ✓", "x"}
	values := [][]byte{[]byte("s3cret"), {0, 1, 2, 0xff}, {}, bytes.Repeat([]byte("v"), 1000)}
	for i, name := range names {
		before := time.Now()
		if err := s.Set(name, values[i]); err != nil {
			t.Fatalf("Set(%q): %v", name, err)
		}
		after := time.Now()
		v, err := s.Get(name)
		if err != nil || !bytes.Equal(v, values[i]) {
			t.Errorf("Get(%q) = %q, %v; want %q", name, v, err, values[i])
		}
		info, err := s.Info(name)
		if err != nil {
			t.Fatal(err)
		}
		if info.Name != name || info.Size != len(values[i]) || info.Created.Before(before) || info.Created.After(after) {
			t.Errorf("Info(%q) = %+v; want size %d, created between %v and %v", name, info, len(values[i]), before, after)
		}
		if want := time.Unix(info.Created.Unix()+3600, 0); !info.Expires.Equal(want) {
			t.Errorf("Info(%q).Expires = %v; want %v", name, info.Expires, want)
		}
		// The entry is a user key described after the store, with the
		// entry mask, owned by the caller, and with its timeout.
		d, err := keyutils.Describe(info.Serial)
		if err != nil {
			t.Fatal(err)
		}
		if d.Type != "user" || d.Description != "keyutils-go:"+s.Name()+":"+name || d.Perm != secret.EntryPerm || d.UID != os.Geteuid() {
			t.Errorf("entry %q is %+v; want user key %q, perm %s, owner %d", name, d, "keyutils-go:"+s.Name()+":"+name, secret.EntryPerm.Hex(), os.Geteuid())
		}
		if col, ok := expiryColumn(info.Serial); !ok || !strings.HasSuffix(col, "m") && !strings.HasSuffix(col, "h") {
			t.Errorf("entry %q: /proc/keys timeout %q, want about an hour", name, col)
		}
	}
	got, err := s.List()
	want := slices.Sorted(slices.Values(names))
	if err != nil || !slices.Equal(got, want) {
		t.Errorf("List = %q, %v; want %q", got, err, want)
	}

	// The store's keyring: in the session keyring, with its mask.
	d, err := keyutils.Describe(s.Keyring())
	if err != nil {
		t.Fatal(err)
	}
	if d.Type != "keyring" || d.Description != "keyutils-go:"+s.Name() || d.Perm != secret.KeyringPerm || d.UID != os.Geteuid() {
		t.Errorf("store keyring is %+v; want keyring %q, perm %s", d, "keyutils-go:"+s.Name(), secret.KeyringPerm.Hex())
	}
	if secret.KeyringPerm != 0x001f0000 || secret.EntryPerm != 0x001b0000 {
		t.Errorf("masks %s and %s; the documentation says 001f0000 and 001b0000", secret.KeyringPerm.Hex(), secret.EntryPerm.Hex())
	}
	if ids, err := keyutils.ReadKeyring(keyutils.SessionKeyring); err != nil || !slices.Contains(ids, s.Keyring()) {
		t.Errorf("session keyring holds %v, %v; want the store's keyring %d", ids, err, s.Keyring())
	}

	// Opening again finds the same keyring.
	again, err := secret.Open(s.Name(), secret.Options{})
	if err != nil || again.Keyring() != s.Keyring() {
		t.Fatalf("second Open: %v, keyring %v; want %d", err, again, s.Keyring())
	}
	if v, err := again.Get(names[0]); err != nil || string(v) != "s3cret" {
		t.Errorf("Get through the second Store = %q, %v", v, err)
	}

	// Delete, then not found.
	if err := s.Delete(names[0]); err != nil {
		t.Fatal(err)
	}
	_, err = s.Get(names[0])
	wantKind(t, "Get after Delete", err, secret.ErrNotFound)
	wantKind(t, "Delete after Delete", s.Delete(names[0]), secret.ErrNotFound)
	_, err = s.Info(names[0])
	wantKind(t, "Info after Delete", err, secret.ErrNotFound)
	wantKind(t, "Update after Delete", s.Update(names[0], []byte("x")), secret.ErrNotFound)

	// Clear.
	if err := s.Clear(); err != nil {
		t.Fatal(err)
	}
	if got, err := s.List(); err != nil || len(got) != 0 {
		t.Errorf("List after Clear = %q, %v", got, err)
	}
}

// Stores of different names never share entries, even with names that
// look like a store prefix.
func TestStoresDoNotCollide(t *testing.T) {
	a := openStore(t, "a", secret.Options{})
	b := openStore(t, "a.b", secret.Options{})
	if err := a.Set("b:x", []byte("in a")); err != nil {
		t.Fatal(err)
	}
	if err := b.Set("x", []byte("in a.b")); err != nil {
		t.Fatal(err)
	}
	if v, err := a.Get("b:x"); err != nil || string(v) != "in a" {
		t.Errorf("a: %q, %v", v, err)
	}
	if v, err := b.Get("x"); err != nil || string(v) != "in a.b" {
		t.Errorf("a.b: %q, %v", v, err)
	}
	_, err := b.Get("b:x")
	wantKind(t, "the other store's entry", err, secret.ErrNotFound)
	if la, _ := a.List(); !slices.Equal(la, []string{"b:x"}) {
		t.Errorf("a lists %q", la)
	}
}

func TestInvalidArguments(t *testing.T) {
	for _, name := range []string{"", "a:b", "a/b", "a b", "ü", strings.Repeat("x", 256)} {
		_, err := secret.Open(name, secret.Options{})
		wantKind(t, fmt.Sprintf("Open(%q)", name), err, secret.ErrInvalid)
	}
	for _, ttl := range []time.Duration{-time.Second, time.Second / 2, 1 << 62} {
		_, err := secret.Open("x", secret.Options{TTL: ttl})
		wantKind(t, fmt.Sprintf("Open with TTL %v", ttl), err, secret.ErrInvalid)
	}
	_, err := secret.Open("x", secret.Options{Anchor: 42})
	wantKind(t, "Open with anchor 42", err, secret.ErrInvalid)

	s := openStore(t, "invalid", secret.Options{})
	long := strings.Repeat("n", 4096)
	for _, name := range []string{"", "a\x00b", long} {
		wantKind(t, fmt.Sprintf("Set(%.10q)", name), s.Set(name, []byte("v")), secret.ErrInvalid)
		_, err := s.Get(name)
		wantKind(t, fmt.Sprintf("Get(%.10q)", name), err, secret.ErrInvalid)
		wantKind(t, fmt.Sprintf("Delete(%.10q)", name), s.Delete(name), secret.ErrInvalid)
	}
	// The longest name that fits.
	longest := long[:4095-len("keyutils-go:"+s.Name()+":")]
	if err := s.Set(longest, []byte("v")); err != nil {
		t.Errorf("Set with a name of %d bytes: %v", len(longest), err)
	}
	wantKind(t, "SetTTL half a second", s.SetTTL("x", []byte("v"), time.Second/2), secret.ErrInvalid)
	wantKind(t, "SetTTL negative", s.SetTTL("x", []byte("v"), -time.Hour), secret.ErrInvalid)
	if got, _ := s.List(); len(got) != 1 {
		t.Errorf("failed calls left %d entries", len(got)-1)
	}
}

func TestTooLarge(t *testing.T) {
	s := openStore(t, "large", secret.Options{})
	big := bytes.Repeat([]byte{'x'}, secret.MaxValueSize)
	if os.Geteuid() != 0 {
		// Beyond the default quota of other users; TestQuota checks
		// what they get.
		big = big[:10000]
	}
	if err := s.Set("max", big); err != nil {
		t.Fatalf("Set of MaxValueSize bytes (as root, whose quota allows it): %v", err)
	}
	if v, err := s.Get("max"); err != nil || !bytes.Equal(v, big) {
		t.Errorf("Get(max): %d bytes, %v", len(v), err)
	}
	err := s.Set("over", make([]byte, secret.MaxValueSize+1))
	wantKind(t, "Set of MaxValueSize+1 bytes", err, secret.ErrTooLarge)
	if !strings.Contains(err.Error(), "32767") {
		t.Errorf("error %q does not give the limit", err)
	}
}

// An entry with a TTL disappears by itself; Delete of an expired entry
// removes it from the keyring at once.
func TestExpiry(t *testing.T) {
	s := openStore(t, "expiry", secret.Options{TTL: time.Hour})
	if err := s.SetTTL("short", []byte("v"), time.Second); err != nil {
		t.Fatal(err)
	}
	if err := s.SetTTL("forever", []byte("v"), 0); err != nil {
		t.Fatal(err)
	}
	if info, err := s.Info("forever"); err != nil || !info.Expires.IsZero() {
		t.Errorf("Info(forever) = %+v, %v; want no expiry", info, err)
	} else if col, _ := expiryColumn(info.Serial); col != "perm" {
		t.Errorf("forever: /proc/keys timeout %q, want perm", col)
	}
	var err error
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, err = s.Get("short"); err != nil || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	wantKind(t, "Get of an expired entry", err, secret.ErrNotFound)
	if !errors.Is(err, keyutils.ErrExpired) {
		t.Errorf("Get of an expired entry: %v; want the cause keyutils.ErrExpired", err)
	}
	if got, err := s.List(); err != nil || !slices.Equal(got, []string{"forever"}) {
		t.Errorf("List = %q, %v; want only forever", got, err)
	}
	ids, _ := keyutils.ReadKeyring(s.Keyring())
	if len(ids) != 2 {
		t.Fatalf("store keyring holds %v; want the expired entry still linked, and forever", ids)
	}
	wantKind(t, "Delete of an expired entry", s.Delete("short"), secret.ErrNotFound)
	if ids, _ := keyutils.ReadKeyring(s.Keyring()); len(ids) != 1 {
		t.Errorf("store keyring holds %v after Delete of the expired entry; want only forever", ids)
	}
	// Update of an entry without expiry keeps none.
	if err := s.Update("forever", []byte("w")); err != nil {
		t.Fatal(err)
	}
	if info, err := s.Info("forever"); err != nil || !info.Expires.IsZero() {
		t.Errorf("Info(forever) after Update = %+v, %v; want no expiry", info, err)
	}
}

// Readers never miss the entry while it is replaced, and never find a key
// of the entry without its mask or its expiry.
func TestSetAtomic(t *testing.T) {
	s := openStore(t, "atomic", secret.Options{TTL: time.Hour})
	if err := s.Set("token", []byte("0")); err != nil {
		t.Fatal(err)
	}
	desc := "keyutils-go:" + s.Name() + ":token"
	var stop atomic.Bool
	var wg sync.WaitGroup
	var gets, keys atomic.Int64
	var lastChecked atomic.Int32 // the last key the checker found with its mask and expiry
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				v, err := s.Get("token")
				if err != nil {
					t.Errorf("Get during Set: %v", err)
					return
				}
				if _, err := strconv.Atoi(string(v)); err != nil {
					t.Errorf("Get during Set = %q", v)
					return
				}
				gets.Add(1)
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		seen := map[keyutils.Serial]bool{}
		for !stop.Load() {
			id, err := keyutils.Search(s.Keyring(), "user", desc, nil)
			if err != nil {
				t.Errorf("Search during Set: %v", err)
				return
			}
			if seen[id] {
				continue
			}
			seen[id] = true
			d, err := keyutils.Describe(id)
			col, ok := expiryColumn(id)
			if err != nil || !ok {
				continue // replaced and destroyed since
			}
			if d.Perm != secret.EntryPerm || col == "perm" {
				t.Errorf("key %d in the store with mask %s, timeout %q", id, d.Perm.Hex(), col)
				return
			}
			keys.Add(1)
			lastChecked.Store(int32(id))
		}
	}()
	for i := 1; i <= 100 && !t.Failed(); i++ {
		if err := s.Set("token", []byte(strconv.Itoa(i))); err != nil {
			t.Error(err)
		}
		// Let the checker see every new key before the next Set.
		info, err := s.Info("token")
		if err != nil {
			t.Fatal(err)
		}
		for deadline := time.Now().Add(5 * time.Second); lastChecked.Load() != int32(info.Serial) && !t.Failed(); {
			if time.Now().After(deadline) {
				t.Fatalf("the checker did not check key %d within 5 s", info.Serial)
			}
			time.Sleep(100 * time.Microsecond)
		}
	}
	stop.Store(true)
	wg.Wait()
	if v, err := s.Get("token"); err != nil || string(v) != "100" {
		t.Errorf("after the sets: %q, %v", v, err)
	}
	t.Logf("%d gets, %d keys checked", gets.Load(), keys.Load())
}

// Many goroutines using one Store and several Stores of the same name.
func TestConcurrentGoroutines(t *testing.T) {
	s := openStore(t, "goroutines", secret.Options{TTL: time.Hour})
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st := s
			if g%2 == 1 {
				var err error
				if st, err = secret.Open(s.Name(), secret.Options{TTL: time.Hour}); err != nil {
					t.Error(err)
					return
				}
			}
			own := "own-" + strconv.Itoa(g)
			for i := range 50 {
				v := []byte(strconv.Itoa(g) + "-" + strconv.Itoa(i))
				if err := st.Set("shared", v); err != nil {
					t.Error(err)
					return
				}
				if err := st.Set(own, v); err != nil {
					t.Error(err)
					return
				}
				if got, err := st.Get(own); err != nil || !bytes.Equal(got, v) {
					t.Errorf("Get(%s) = %q, %v; want %q", own, got, err, v)
					return
				}
				if _, err := st.List(); err != nil {
					t.Error(err)
					return
				}
				if i%10 == 9 {
					if err := st.Delete(own); err != nil {
						t.Error(err)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	if got, err := s.List(); err != nil || !slices.Equal(got, []string{"shared"}) {
		t.Errorf("List = %q, %v; want only shared", got, err)
	}
	if v, err := s.Get("shared"); err != nil || !strings.HasSuffix(string(v), "-49") {
		t.Errorf("shared = %q, %v; want some goroutine's last value", v, err)
	}
}

// The store's keyring is created once, whoever races to create it, also
// the way kernels without KEYCTL_MOVE do it.
func TestOpenRace(t *testing.T) {
	for _, tc := range []struct {
		name string
		open func(string, secret.Options) (*secret.Store, error)
	}{{"move", secret.Open}, {"link", secret.OpenLinkOnly}} {
		t.Run(tc.name, func(t *testing.T) {
			name := storeName(t, "race")
			var wg sync.WaitGroup
			rings := make([]keyutils.Serial, 8)
			for i := range rings {
				wg.Add(1)
				go func() {
					defer wg.Done()
					s, err := tc.open(name, secret.Options{})
					if err != nil {
						t.Error(err)
						return
					}
					rings[i] = s.Keyring()
				}()
			}
			wg.Wait()
			var found []keyutils.Serial
			ids, _ := keyutils.ReadKeyring(keyutils.SessionKeyring)
			for _, id := range ids {
				if d, err := keyutils.Describe(id); err == nil && d.Description == "keyutils-go:"+name {
					found = append(found, id)
				}
			}
			if len(found) != 1 {
				t.Fatalf("session keyring holds store keyrings %v", found)
			}
			t.Cleanup(func() { keyutils.Unlink(found[0], keyutils.SessionKeyring) })
			if tc.name == "link" {
				// Without KEYCTL_MOVE the race is not closed: the
				// openers may have used a keyring that was then
				// displaced. Only the result is checked.
				return
			}
			for i, r := range rings {
				if r != found[0] {
					t.Errorf("opener %d uses keyring %d; the anchor holds %d", i, r, found[0])
				}
			}
		})
	}
}

// A keyring of the store's name made by hand is adopted (its mask
// corrected); one of another user is refused; an entry written by
// something else is reported, and can be deleted.
func TestForeign(t *testing.T) {
	name := storeName(t, "foreign")
	ring, err := keyutils.NewKeyring("keyutils-go:"+name, keyutils.SessionKeyring)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { keyutils.Unlink(ring, keyutils.SessionKeyring) })
	s, err := secret.Open(name, secret.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if s.Keyring() != ring {
		t.Fatalf("Open made keyring %d; want the existing %d", s.Keyring(), ring)
	}
	if d, err := keyutils.Describe(ring); err != nil || d.Perm != secret.KeyringPerm {
		t.Errorf("adopted keyring: %+v, %v; want perm %s", d, err, secret.KeyringPerm.Hex())
	}
	if _, err := keyutils.AddKey("user", "keyutils-go:"+name+":raw", []byte("no header"), ring); err != nil {
		t.Fatal(err)
	}
	_, err = s.Get("raw")
	wantKind(t, "Get of a foreign entry", err, secret.ErrForeign)
	if err := s.Delete("raw"); err != nil {
		t.Errorf("Delete of a foreign entry: %v", err)
	}

	// Another user's keyring of that name.
	if os.Geteuid() != 0 {
		t.Skip("not root: cannot give a keyring to another user")
	}
	other, err := keyutils.NewKeyring("keyutils-go:"+name+"-other", keyutils.SessionKeyring)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { keyutils.Unlink(other, keyutils.SessionKeyring) })
	if err := keyutils.SetPerm(other, keyutils.PosAll|keyutils.UsrAll|keyutils.OthAll); err != nil {
		t.Fatal(err)
	}
	if err := keyutils.Chown(other, 0x7fff0000, -1); err != nil {
		t.Fatal(err)
	}
	_, err = secret.Open(name+"-other", secret.Options{})
	wantKind(t, "Open with another user's keyring in the anchor", err, secret.ErrForeign)
	if err != nil && !strings.Contains(err.Error(), "uid 2147418112") {
		t.Errorf("error %q does not name the owner", err)
	}
}

// When the store's keyring is removed behind its back, the Store creates
// a new one.
func TestKeyringRemoved(t *testing.T) {
	s := openStore(t, "removed", secret.Options{})
	old := s.Keyring()
	if err := s.Set("a", []byte("1")); err != nil {
		t.Fatal(err)
	}
	if err := keyutils.Unlink(old, keyutils.SessionKeyring); err != nil {
		t.Fatal(err)
	}
	// The unlinked keyring is destroyed a moment later; until then the
	// Store may still use it.
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := keyutils.GetKeyringID(old, false); errors.Is(err, keyutils.ErrNotFound) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the unlinked keyring was not destroyed within 10 s")
		}
		time.Sleep(10 * time.Millisecond)
	}
	_, err := s.Get("a")
	wantKind(t, "Get after the keyring was removed", err, secret.ErrNotFound)
	if err := s.Set("b", []byte("2")); err != nil {
		t.Fatal(err)
	}
	if s.Keyring() == old {
		t.Fatal("the Store still uses the removed keyring")
	}
	if v, err := s.Get("b"); err != nil || string(v) != "2" {
		t.Errorf("Get(b) = %q, %v", v, err)
	}
}

func TestAnchor(t *testing.T) {
	for _, a := range []secret.Anchor{secret.Session, secret.User, secret.UserSession, secret.Persistent} {
		got, err := secret.ParseAnchor(a.String())
		if err != nil || got != a {
			t.Errorf("ParseAnchor(%q) = %v, %v", a.String(), got, err)
		}
	}
	if _, err := secret.ParseAnchor("@s"); !errors.Is(err, secret.ErrInvalid) {
		t.Errorf("ParseAnchor(@s): %v", err)
	}
	if s := secret.Anchor(9).String(); s != "Anchor(9)" {
		t.Errorf("Anchor(9).String() = %q", s)
	}
}

func TestVerdict(t *testing.T) {
	for _, tc := range []struct {
		errno                unix.Errno
		filtered, proc, keys bool
		want                 error
	}{
		{unix.ENOSYS, false, true, false, secret.ErrNoKeyrings},
		{unix.ENOSYS, true, true, false, secret.ErrNoKeyrings},
		{unix.ENOSYS, true, true, true, secret.ErrBlocked},
		{unix.ENOSYS, false, true, true, secret.ErrBlocked},
		{unix.ENOSYS, false, false, false, secret.ErrBlocked},
		{unix.EPERM, true, true, true, secret.ErrBlocked},
		{unix.EPERM, false, true, true, nil},
		{unix.EACCES, true, true, true, nil},
	} {
		got, hint := secret.Verdict(tc.errno, tc.filtered, tc.proc, tc.keys)
		if got != tc.want || (got != nil) != (hint != "") {
			t.Errorf("verdict(%v, filtered %v, /proc %v, keys %v) = %v, %q; want %v", tc.errno, tc.filtered, tc.proc, tc.keys, got, hint, tc.want)
		}
	}
}

func TestErrorMessage(t *testing.T) {
	cause := &keyutils.Error{Op: "search", Key: 42, Err: unix.ENOKEY}
	e := &secret.Error{Op: "get", Store: "git", Name: "x", Kind: secret.ErrNotFound, Err: cause, Hint: "h"}
	if got, want := e.Error(), `secret: get store "git" entry "x": no such entry: keyutils: search key 42: required key not available (h)`; got != want {
		t.Errorf("Error() = %q\nwant %q", got, want)
	}
	if !errors.Is(e, secret.ErrNotFound) || !errors.Is(e, keyutils.ErrNotFound) || errors.Is(e, secret.ErrForeign) {
		t.Error("errors.Is does not see through Kind and Err")
	}
	e = &secret.Error{Op: "clear", Store: "git"}
	if got := e.Error(); got != `secret: clear store "git"` {
		t.Errorf("Error() = %q", got)
	}
}

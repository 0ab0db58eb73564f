package secret

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/keyutils-go/keyutils"
)

// Options configure a Store. The zero value is a store in the session
// keyring whose entries never expire (they live as long as the session).
type Options struct {
	// Anchor is the keyring the store's keyring is linked into; the zero
	// value is Session.
	Anchor Anchor
	// TTL is the time to live Set gives entries, counted from the Set and
	// rounded down to whole seconds; 0 means that they do not expire.
	// It must be 0 or at least a second.
	TTL time.Duration
	// RequireOwnSession makes Open fail with ErrNoSession, for the Session
	// anchor, when the process has no session keyring of its own, instead
	// of using the user-session keyring (see Session).
	RequireOwnSession bool
}

// A Store is a named set of secrets kept by the kernel in a keyring of the
// store's own (see the package documentation). Its methods may be called
// from any goroutine, concurrently, and other processes of the same user
// may use the same store at the same time.
type Store struct {
	name        string
	opts        Options
	anchor      Anchor          // the anchor in effect
	anchorRing  keyutils.Serial // its serial; 0 for Persistent, found anew each time
	ringDesc    string          // "keyutils-go:<name>"
	entryPrefix string          // "keyutils-go:<name>:"

	ring      atomic.Int32 // the store's keyring
	mu        sync.Mutex   // serialises reopen
	refreshed atomic.Int64 // Persistent: when GetPersistent last succeeded, Unix seconds

	linkOnly bool // tests: create the store's keyring as kernels without KEYCTL_MOVE do
}

// maxTTL is the longest timeout the kernel takes (an unsigned 32-bit
// number of seconds).
const maxTTL = (1<<32 - 1) * time.Second

// checkTTL accepts 0 and whole-second durations up to maxTTL from a
// second on.
func checkTTL(ttl time.Duration) error {
	if ttl != 0 && (ttl < time.Second || ttl > maxTTL) {
		return fmt.Errorf("a time to live is 0 (no expiry) or between a second and %v, not %v", maxTTL, ttl)
	}
	return nil
}

// Open opens the store called name in the anchor opts.Anchor, creating
// its keyring there if it does not exist yet, and returns it. Store names
// are 1 to 255 ASCII letters, digits, '.', '_' and '-'; every program
// that opens the same name in the same anchor, as the same user, shares
// the store.
//
// For the Session anchor the session keyring is the calling thread's
// (the process's, unless the caller joined a thread to another one); a
// process without one uses the user-session keyring or, with
// opts.RequireOwnSession, fails with ErrNoSession. For the Persistent
// anchor Open asks the kernel for the persistent keyring, which pushes its
// expiry back. Where the system calls are blocked or the kernel has no
// keyrings, Open fails with ErrBlocked or ErrNoKeyrings.
func Open(name string, opts Options) (*Store, error) {
	return open(name, opts, false)
}

// open is Open; with linkOnly the store's keyring is created as on kernels
// without KEYCTL_MOVE.
func open(name string, opts Options, linkOnly bool) (*Store, error) {
	s := &Store{name: name, opts: opts, anchor: opts.Anchor, ringDesc: prefix + name, entryPrefix: prefix + name + ":", linkOnly: linkOnly}
	if err := checkStoreName(name); err != nil {
		return nil, &Error{Op: "open", Store: name, Kind: ErrInvalid, Hint: err.Error()}
	}
	if err := checkTTL(opts.TTL); err != nil {
		return nil, &Error{Op: "open", Store: name, Kind: ErrInvalid, Hint: err.Error()}
	}
	var err error
	switch opts.Anchor {
	case Session:
		var info keyutils.SessionInfo
		info, err = keyutils.CurrentSession()
		if err == nil {
			s.anchorRing = info.Serial
			if !info.Own {
				if opts.RequireOwnSession {
					return nil, &Error{Op: "open", Store: name, Kind: ErrNoSession, Hint: hintNoSession}
				}
				s.anchor = UserSession
			}
		}
	case User:
		// With create: the user's keyrings may not exist yet.
		s.anchorRing, err = keyutils.GetKeyringID(keyutils.UserKeyring, true)
	case UserSession:
		s.anchorRing, err = keyutils.GetKeyringID(keyutils.UserSessionKeyring, true)
	case Persistent:
	default:
		return nil, &Error{Op: "open", Store: name, Kind: ErrInvalid, Hint: fmt.Sprintf("unknown anchor %v", opts.Anchor)}
	}
	if err != nil {
		return nil, s.fail("open", "", err)
	}
	ring, err := s.openRing()
	if err != nil {
		e := s.fail("open", "", err).(*Error)
		if e.Kind == nil && s.anchor == Persistent && errors.Is(err, errors.ErrUnsupported) {
			e.Hint = hintPersistent
		}
		return nil, e
	}
	s.ring.Store(int32(ring))
	return s, nil
}

// Name returns the store's name.
func (s *Store) Name() string { return s.name }

// Anchor returns the anchor the store's keyring is linked into: the one
// Open was given, except UserSession for a Session store opened by a
// process without a session keyring of its own.
func (s *Store) Anchor() Anchor { return s.anchor }

// TTL returns the time to live Set gives entries (Options.TTL).
func (s *Store) TTL() time.Duration { return s.opts.TTL }

// Keyring returns the serial of the store's keyring, for inspection
// (keyctl show). It changes if the keyring is removed and the store
// creates it again.
func (s *Store) Keyring() keyutils.Serial { return keyutils.Serial(s.ring.Load()) }

// Get returns the value of entry name, or an error matching ErrNotFound if
// there is none or it has expired. Wipe the value (keyutils.Wipe) when done
// with it.
func (s *Store) Get(name string) ([]byte, error) {
	_, v, err := s.lookup("get", name)
	return v, err
}

// Info returns the metadata of entry name, or an error matching
// ErrNotFound if there is none or it has expired.
func (s *Store) Info(name string) (Info, error) {
	info, v, err := s.lookup("info", name)
	keyutils.Wipe(v)
	return info, err
}

// Set stores value under name, replacing the entry's value if it exists,
// with the store's time to live (Options.TTL) counted from now. See
// SetTTL.
func (s *Store) Set(name string, value []byte) error {
	return s.set("set", name, value, s.opts.TTL, 0)
}

// SetTTL stores value under name with time to live ttl, counted from now
// and rounded down to whole seconds; 0 means that the entry does not
// expire. It replaces the entry's value if it exists, atomically: every
// reader, in this process or another, gets the old value until the instant
// it gets the new one, never neither, and the new value is never readable
// without its expiry or with other permissions (the package documentation
// says how). When two processes set the same name at the same time, the
// store ends with one entry holding one of the two values.
//
// A value longer than MaxValueSize fails with ErrTooLarge; when the
// owner's key quota is exhausted SetTTL first removes the store's expired
// entries (which the kernel would otherwise count for a few more minutes)
// and waits briefly for keys being destroyed, then fails with
// ErrQuotaExceeded.
func (s *Store) SetTTL(name string, value []byte, ttl time.Duration) error {
	return s.set("set", name, value, ttl, 0)
}

// Update replaces the value of entry name, keeping the entry's expiry: the
// new value expires when the old one would have, however often it is
// updated. It fails with ErrNotFound if there is no such entry, or it has
// expired. Like SetTTL, the replacement is atomic for readers; but a Set of
// the same name between Update's read of the expiry and its replacement
// is overwritten, with the expiry Update read.
func (s *Store) Update(name string, value []byte) error {
	info, v, err := s.lookup("update", name)
	keyutils.Wipe(v)
	if err != nil {
		return err
	}
	if info.Expires.IsZero() {
		return s.set("update", name, value, 0, 0)
	}
	return s.set("update", name, value, 0, info.Expires.Unix())
}

// set stores an entry. With expires not 0 the entry expires then (Unix
// seconds), and ttl is ignored.
func (s *Store) set(op, name string, value []byte, ttl time.Duration, expires int64) error {
	if err := checkName(s.entryPrefix, name); err != nil {
		return &Error{Op: op, Store: s.name, Name: name, Kind: ErrInvalid, Hint: err.Error()}
	}
	if err := checkTTL(ttl); err != nil {
		return &Error{Op: op, Store: s.name, Name: name, Kind: ErrInvalid, Hint: err.Error()}
	}
	if len(value) > MaxValueSize {
		return &Error{Op: op, Store: s.name, Name: name, Kind: ErrTooLarge,
			Hint: fmt.Sprintf("the value has %d bytes, an entry holds at most %d: %s", len(value), MaxValueSize, hintTooLarge)}
	}
	now := time.Now()
	var timeout time.Duration
	switch {
	case expires != 0:
		secs := expires - now.Unix()
		if secs <= 0 {
			return &Error{Op: op, Store: s.name, Name: name, Kind: ErrNotFound, Hint: "the entry expired"}
		}
		timeout = time.Duration(secs) * time.Second
	case ttl != 0:
		secs := int64(ttl / time.Second)
		expires = now.Unix() + secs
		timeout = time.Duration(secs) * time.Second
	}
	payload := encode(value, now, expires)
	defer keyutils.Wipe(payload)
	s.refreshPersistent()
	desc := s.entryPrefix + name
	err := s.withRing(func(ring keyutils.Serial) error {
		return s.replace(ring, desc, payload, timeout)
	})
	if e, ok := s.fail(op, name, err).(*Error); ok {
		if e.Kind == ErrQuotaExceeded {
			// Say so when the entry alone is beyond the byte quota:
			// deleting entries will not help.
			if u, err := keyutils.KeyUserOf(os.Geteuid()); err == nil && len(desc)+len(payload) > u.MaxBytes {
				e.Hint = fmt.Sprintf("the entry needs %d bytes (description and payload), more than the user's whole quota of %d bytes; ", len(desc)+len(payload), u.MaxBytes) + e.Hint
			}
		}
		return e
	}
	return nil
}

// quotaWait bounds how long an operation that creates keys waits for the
// kernel to destroy keys when the quota is exhausted.
const quotaWait = 500 * time.Millisecond

// replace moves a new entry into ring (keyutils.ReplaceWith), waiting for
// room in the quota (whileQuota) after unlinking the store's dead
// entries.
func (s *Store) replace(ring keyutils.Serial, desc string, payload []byte, timeout time.Duration) error {
	opts := keyutils.ReplaceOptions{Timeout: timeout, Perm: EntryPerm}
	return whileQuota(func() error {
		_, err := keyutils.ReplaceWith("user", desc, payload, ring, opts)
		return err
	}, func() int { return purgeDead(ring) })
}

// whileQuota runs f, and runs it again while it fails because the owner's
// key quota is exhausted, first after purge (if not nil) has removed
// something, then after growing pauses, up to quotaWait in all. Keys that
// were unlinked a moment ago (replaced entries, the keyrings
// ReplaceWith and Open build in, the keys of processes that just exited)
// count against the quota until the kernel's garbage collector has
// destroyed them, which under load takes a while.
func whileQuota(f func() error, purge func() int) error {
	pause, waited := time.Millisecond, time.Duration(0)
	for {
		err := f()
		if err == nil || !errors.Is(err, keyutils.ErrQuotaExceeded) || waited >= quotaWait {
			return err
		}
		if purge != nil {
			n := purge()
			purge = nil
			if n > 0 {
				continue
			}
		}
		time.Sleep(pause)
		waited += pause
		pause *= 2
	}
}

// purgeDead unlinks from ring the keys that are expired, revoked or
// invalidated, which the kernel's garbage collector removes only
// /proc/sys/kernel/keys/gc_delay seconds (5 minutes) after they died and
// which count against their owner's quota until then. It returns how many
// it unlinked.
func purgeDead(ring keyutils.Serial) int {
	ids, err := keyutils.ReadKeyring(ring)
	if err != nil {
		return 0
	}
	n := 0
	var d keyutils.Describer
	for _, id := range ids {
		_, err := d.Raw(id)
		if errors.Is(err, keyutils.ErrExpired) || errors.Is(err, keyutils.ErrRevoked) || errors.Is(err, keyutils.ErrNotFound) {
			if keyutils.Unlink(id, ring) == nil {
				n++
			}
		}
	}
	return n
}

// lookup reads entry name: its metadata and its value, which shares the
// memory of the whole payload (wipe it with keyutils.Wipe, which clears
// the value; the header before it holds no secret).
func (s *Store) lookup(op, name string) (Info, []byte, error) {
	if err := checkName(s.entryPrefix, name); err != nil {
		return Info{}, nil, &Error{Op: op, Store: s.name, Name: name, Kind: ErrInvalid, Hint: err.Error()}
	}
	desc := s.entryPrefix + name
	var info Info
	var value []byte
	err := s.withRing(func(ring keyutils.Serial) error {
		// A key found may be replaced and destroyed before it is read:
		// search again, a bounded number of times.
		for range 5 {
			id, err := keyutils.Search(ring, "user", desc, nil)
			if err != nil {
				return err
			}
			p, err := keyutils.Read(id)
			if errors.Is(err, keyutils.ErrNotFound) || errors.Is(err, keyutils.ErrRevoked) || errors.Is(err, keyutils.ErrExpired) {
				continue
			}
			if err != nil {
				return err
			}
			created, expires, v, ok := decode(p)
			if !ok {
				keyutils.Wipe(p)
				return &Error{Op: op, Store: s.name, Name: name, Kind: ErrForeign,
					Hint: fmt.Sprintf("key %d has the entry's description but a payload this package did not write; delete it", id)}
			}
			info = Info{Name: name, Size: len(v), Created: created, Expires: expiryTime(expires), Serial: id}
			value = v
			return nil
		}
		return &Error{Op: op, Store: s.name, Name: name, Kind: ErrNotFound, Hint: "replaced or removed at every attempt to read it"}
	})
	return info, value, s.fail(op, name, err)
}

// Delete removes entry name. It fails with ErrNotFound if there is none or
// it has expired (an expired entry is removed all the same, which gives
// its place in the quota back at once).
func (s *Store) Delete(name string) error {
	if err := checkName(s.entryPrefix, name); err != nil {
		return &Error{Op: "delete", Store: s.name, Name: name, Kind: ErrInvalid, Hint: err.Error()}
	}
	desc := s.entryPrefix + name
	err := s.withRing(func(ring keyutils.Serial) error {
		id, err := keyutils.Search(ring, "user", desc, nil)
		if err != nil {
			if errors.Is(err, keyutils.ErrExpired) {
				purgeDead(ring)
			}
			return err
		}
		err = keyutils.Unlink(id, ring)
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, keyutils.ErrNotFound) {
			// Replaced or removed since the search: the value this
			// Delete found is gone, and whatever replaced it came
			// after.
			return nil
		}
		return err
	})
	return s.fail("delete", name, err)
}

// List returns the names of the store's entries, sorted. Expired entries
// are left out.
func (s *Store) List() ([]string, error) {
	var names []string
	err := s.withRing(func(ring keyutils.Serial) error {
		names = names[:0]
		ids, err := keyutils.ReadKeyring(ring)
		if err != nil {
			return err
		}
		var d keyutils.Describer
		for _, id := range ids {
			kd, err := d.Describe(id)
			if err != nil {
				continue // expired, or gone since the keyring was read
			}
			if n, ok := strings.CutPrefix(kd.Description, s.entryPrefix); ok && kd.Type == "user" {
				names = append(names, n)
			}
		}
		return nil
	})
	if err != nil {
		return nil, s.fail("list", "", err)
	}
	slices.Sort(names)
	return names, nil
}

// Clear removes every entry of the store.
func (s *Store) Clear() error {
	err := s.withRing(func(ring keyutils.Serial) error { return keyutils.Clear(ring) })
	return s.fail("clear", "", err)
}

// fail returns err as an *Error of operation op on entry name ("" for the
// store), with the kind and hint that apply; nil for nil.
func (s *Store) fail(op, name string, err error) error {
	if err == nil {
		return nil
	}
	if se, ok := err.(*Error); ok {
		return se
	}
	e := &Error{Op: op, Store: s.name, Name: name, Err: err}
	switch {
	case errors.Is(err, keyutils.ErrQuotaExceeded):
		e.Kind, e.Hint = ErrQuotaExceeded, hintQuota
	case name != "" && (errors.Is(err, keyutils.ErrNotFound) || errors.Is(err, keyutils.ErrExpired) || errors.Is(err, keyutils.ErrRevoked)):
		e.Kind = ErrNotFound
	default:
		e.Kind, e.Hint = kernelKind(err)
	}
	return e
}

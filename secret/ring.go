package secret

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/keyutils-go/keyutils"
)

// The permission masks of a store's keyring and of its entries. They grant
// rights to the owner (the user who created them) and to nobody else, not
// even to processes that possess the keys: see the package documentation.
const (
	// KeyringPerm is the mask of a store's keyring, 0x001f0000
	// ("-------lswrv------------"): the owner may view it, read its list
	// of entries (List), write to it (Set, Delete, Clear), search it
	// (Get) and link it (the move into the anchor that creates it).
	KeyringPerm = keyutils.UsrView | keyutils.UsrRead | keyutils.UsrWrite | keyutils.UsrSearch | keyutils.UsrLink
	// EntryPerm is the mask of an entry, 0x001b0000
	// ("-------ls-rv------------"): the owner may view it (List), read it
	// (Get), find it by search (Get) and link it (the move into the
	// store's keyring that stores it). Nobody may write it: an update in
	// place would clear its expiry, so values are only ever replaced.
	EntryPerm = keyutils.UsrView | keyutils.UsrRead | keyutils.UsrSearch | keyutils.UsrLink
)

// refreshEvery is how often Set asks for the persistent keyring, which
// pushes its expiry back.
const refreshEvery = time.Hour

// openRing finds the store's keyring in its anchor or creates it there,
// and returns its serial.
func (s *Store) openRing() (keyutils.Serial, error) {
	if s.anchor != Persistent {
		return s.findOrCreate(s.anchorRing, false)
	}
	// The persistent keyring grants its owner only view and read unless
	// possessed: link it into the thread keyring of a thread of our own,
	// which then possesses it, and create the store's keyring there.
	return onNewThread(func() (keyutils.Serial, error) {
		p, err := keyutils.GetPersistent(-1, keyutils.ThreadKeyring)
		if err != nil {
			return 0, err
		}
		s.refreshed.Store(time.Now().Unix())
		return s.findOrCreate(p, true)
	})
}

// refreshPersistent asks for the persistent keyring if that has not been
// done for refreshEvery, which pushes its expiry back.
func (s *Store) refreshPersistent() {
	if s.anchor != Persistent || time.Since(time.Unix(s.refreshed.Load(), 0)) < refreshEvery {
		return
	}
	onNewThread(func() (keyutils.Serial, error) {
		p, err := keyutils.GetPersistent(-1, keyutils.ThreadKeyring)
		if err == nil {
			s.refreshed.Store(time.Now().Unix())
		}
		return p, err
	})
}

// findOrCreate returns the store's keyring in anchor, creating it if
// anchor has none. onThread says that the caller runs on a thread of its
// own (onNewThread) whose thread keyring it may use.
func (s *Store) findOrCreate(anchor keyutils.Serial, onThread bool) (keyutils.Serial, error) {
	for range 3 {
		ring, err := s.findRing(anchor)
		if err != nil || ring != 0 {
			return ring, err
		}
		create := func() (keyutils.Serial, error) { return s.createRing(anchor) }
		err = whileQuota(func() error {
			if onThread {
				ring, err = create()
			} else {
				ring, err = onNewThread(create)
			}
			return err
		}, nil)
		if !errors.Is(err, fs.ErrExist) {
			return ring, err
		}
		// Another process linked its keyring first: use that one.
	}
	return 0, &Error{Op: "open", Store: s.name, Kind: ErrForeign,
		Hint: fmt.Sprintf("the anchor holds a keyring named %q that this process may not view: another user's, or one that was revoked or has expired, which the kernel unlinks within /proc/sys/kernel/keys/gc_delay seconds; unlink it", s.ringDesc)}
}

// findRing returns the store's keyring among the keys linked directly
// into anchor, or 0 if there is none. A keyring of that name that belongs
// to another user is refused; one of ours with other permissions (made by
// hand, say) is given KeyringPerm if we may change it, refused otherwise.
func (s *Store) findRing(anchor keyutils.Serial) (keyutils.Serial, error) {
	ids, err := keyutils.ReadKeyring(anchor)
	if err != nil {
		return 0, err
	}
	var d keyutils.Describer
	for _, id := range ids {
		kd, err := d.Describe(id)
		if err != nil || kd.Type != "keyring" || kd.Description != s.ringDesc {
			// Keys we may not view, and keys that died since the
			// keyring was read, are not ours.
			continue
		}
		if kd.UID != os.Geteuid() {
			return 0, &Error{Op: "open", Store: s.name, Kind: ErrForeign,
				Hint: fmt.Sprintf("the anchor holds a keyring named %q that belongs to uid %d; unlink it", s.ringDesc, kd.UID)}
		}
		if kd.Perm != KeyringPerm {
			if err := keyutils.SetPerm(id, KeyringPerm); err != nil {
				return 0, &Error{Op: "open", Store: s.name, Kind: ErrForeign, Err: err,
					Hint: fmt.Sprintf("the anchor holds a keyring named %q with permissions %s that cannot be changed to %s; unlink it", s.ringDesc, kd.Perm.Hex(), KeyringPerm.Hex())}
			}
		}
		return id, nil
	}
	return 0, nil
}

// createRing creates the store's keyring in the calling thread's thread
// keyring, gives it KeyringPerm, and moves it into anchor unless anchor
// already holds a keyring of that name (then it fails with fs.ErrExist).
// It runs on a thread of its own: the new keyring is reachable from
// nowhere else until the move, so nobody ever finds it with other
// permissions, and if anything fails it dies with the thread.
//
// Kernels before 5.1 lack KEYCTL_MOVE. There it looks for a keyring of
// the store's name, links the new one if there is none, and returns
// whatever keyring anchor holds then: see the package documentation for
// the race this leaves.
func (s *Store) createRing(anchor keyutils.Serial) (keyutils.Serial, error) {
	ring, err := keyutils.NewKeyring(s.ringDesc, keyutils.ThreadKeyring)
	if err != nil {
		return 0, err
	}
	if err := keyutils.SetPerm(ring, KeyringPerm); err != nil {
		return 0, err
	}
	if !s.linkOnly {
		err := keyutils.Move(ring, keyutils.ThreadKeyring, anchor, keyutils.MoveExclusive)
		if !errors.Is(err, errors.ErrUnsupported) {
			return ring, err
		}
	}
	if existing, err := s.findRing(anchor); err != nil || existing != 0 {
		return existing, err
	}
	if err := keyutils.Link(ring, anchor); err != nil {
		return 0, err
	}
	existing, err := s.findRing(anchor)
	if err == nil && existing == 0 {
		// Unlinked again at once by someone else: keep ours.
		existing = ring
	}
	return existing, err
}

// ringGone reports whether the store's keyring no longer exists (it was
// unlinked from its anchor and destroyed, its anchor went away, or it was
// revoked or invalidated).
func ringGone(ring keyutils.Serial) bool {
	_, err := keyutils.GetKeyringID(ring, false)
	return errors.Is(err, keyutils.ErrNotFound) || errors.Is(err, keyutils.ErrRevoked) || errors.Is(err, keyutils.ErrExpired)
}

// reopen replaces the store's keyring dead, which no longer exists, by
// the one its anchor holds now, creating it if needed, and returns it.
func (s *Store) reopen(dead keyutils.Serial) (keyutils.Serial, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if cur := keyutils.Serial(s.ring.Load()); cur != dead {
		return cur, nil // another goroutine did it
	}
	ring, err := s.openRing()
	if err != nil {
		e := s.fail("open", "", err).(*Error)
		if e.Kind == nil && errors.Is(err, keyutils.ErrNotFound) {
			e.Hint = fmt.Sprintf("the store's keyring was removed, and the %v keyring it was linked into no longer exists (the session ended?); open the store again", s.anchor)
		}
		return 0, e
	}
	s.ring.Store(int32(ring))
	return ring, nil
}

// withRing runs f on the store's keyring; if f fails because that keyring
// no longer exists, it runs f once more on the keyring reopen finds or
// creates.
func (s *Store) withRing(f func(ring keyutils.Serial) error) error {
	ring := keyutils.Serial(s.ring.Load())
	err := f(ring)
	if err == nil || !(errors.Is(err, keyutils.ErrNotFound) || errors.Is(err, keyutils.ErrRevoked) || errors.Is(err, keyutils.ErrExpired)) || !ringGone(ring) {
		return err
	}
	ring, err = s.reopen(ring)
	if err != nil {
		return err
	}
	return f(ring)
}

package secret

import (
	"errors"
	"slices"

	"github.com/keyutils-go/keyutils"
)

// Lookup returns the value of entry name together with its metadata, both
// read from the same kernel key (Get and Info, called one after the other,
// may see two values if the entry is replaced in between). Info.Serial
// identifies the value read, for DeleteUnchanged. It fails as Get does.
// Wipe the value (keyutils.Wipe) when done with it.
func (s *Store) Lookup(name string) (Info, []byte, error) {
	return s.lookup("get", name)
}

// DeleteUnchanged removes the entry that info describes (info.Name) if it
// still holds the value info was read with (the kernel key info.Serial,
// from Lookup or Info): a compare-and-delete, for a program that checks a
// value before removing it and must not remove a newer value that another
// process stored meanwhile. It fails with ErrNotFound if the entry is gone,
// has expired, or has been replaced since; the newer value then stays.
//
// The key is invalidated (KEYCTL_INVALIDATE), which acts on that key alone:
// unlinking it would not do, since the kernel unlinks by type and
// description, and so would remove a value that replaced it. An invalidated
// key disappears at once for every lookup, and the kernel's garbage
// collector unlinks and destroys it a moment later. Should another process
// replace the value between DeleteUnchanged's check that the key is the
// entry's and the invalidation, the newer value stays, and DeleteUnchanged
// reports success.
func (s *Store) DeleteUnchanged(info Info) error {
	name := info.Name
	if err := checkName(s.entryPrefix, name); err != nil {
		return &Error{Op: "delete", Store: s.name, Name: name, Kind: ErrInvalid, Hint: err.Error()}
	}
	desc := s.entryPrefix + name
	replaced := &Error{Op: "delete", Store: s.name, Name: name, Kind: ErrNotFound, Hint: "the entry no longer holds that value"}
	err := s.withRing(func(ring keyutils.Serial) error {
		d, err := keyutils.Describe(info.Serial)
		if err != nil {
			if errors.Is(err, keyutils.ErrExpired) {
				purgeDead(ring)
			}
			return err
		}
		if d.Type != "user" || d.Description != desc {
			// The serial names another key (info is of another
			// store, or of another entry).
			return replaced
		}
		ids, err := keyutils.ReadKeyring(ring)
		if err != nil {
			return err
		}
		if !slices.Contains(ids, info.Serial) {
			return replaced // displaced by a newer value
		}
		return keyutils.Invalidate(info.Serial)
	})
	return s.fail("delete", name, err)
}

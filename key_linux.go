package keyutils

import (
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// AddKey creates a key of the given type and description with payload and
// links it into keyring ring (add_key(2)), returning its serial. If ring
// already holds a key of the same type and description, that key is
// updated instead and its serial returned. keyType may be any type the
// kernel knows ("user", "logon", "keyring", "asymmetric", "encrypted",
// "big_key", ...).
//
// Updating an existing "user" or "logon" key this way clears its expiry,
// as Update does: the key no longer expires. Use Replace to change the
// payload of a key with a timeout.
//
// See Special for how SessionKeyring is treated as ring.
func AddKey(keyType, description string, payload []byte, ring ID) (Serial, error) {
	if err := nulArg("add_key", keyType, description); err != nil {
		return 0, err
	}
	r, err := ringID("add_key", ring)
	if err != nil {
		return 0, err
	}
	var tb [32]byte
	var db [256]byte
	id, e := addKey(cstr(tb[:], keyType), cstr(db[:], description), payload, r)
	if e != 0 {
		err := newError("add_key", r, e)
		if ke, ok := err.(*Error); ok && ke.Detail == "" {
			ke.Detail = addKeyDetail(e, keyType, description, payload)
		}
		return 0, err
	}
	return Serial(id), nil
}

// addKeyDetail explains the add_key(2) failures whose errno alone says
// little, from the arguments.
func addKeyDetail(e unix.Errno, keyType, description string, payload []byte) string {
	switch e {
	case unix.ENODEV:
		return "the kernel knows no key type " + strconv.Quote(keyType)
	case unix.EINVAL:
		switch {
		case description == "" && (keyType == "user" || keyType == "logon" || keyType == "keyring"):
			return "the description is empty"
		case len(description) > 4095:
			return "the description is longer than 4095 bytes"
		case keyType == "logon" && strings.IndexByte(description, ':') < 1:
			return `a logon key's description must start with "<service>:"`
		case (keyType == "user" || keyType == "logon") && (len(payload) == 0 || len(payload) > 32767):
			return "a " + keyType + " key's payload must be 1 to 32767 bytes"
		case keyType == "keyring" && len(payload) > 0:
			return "a keyring takes no payload"
		}
	}
	return ""
}

// RequestKey looks for a key of the given type and description in the
// caller's keyrings (thread, process, session) without ever calling out to
// /sbin/request-key (request_key(2) with NULL callout info). If dest is not
// nil the key found is linked into it. The kernel skips expired keys in
// this search, so an expired key gives ErrNotFound here, where Search and
// Read report ErrExpired; a revoked one gives ErrRevoked.
func RequestKey(keyType, description string, dest ID) (Serial, error) {
	return requestKeyCallout(keyType, description, nil, dest)
}

// RequestKeyWithCallout is RequestKey that, when no key is found, has the
// kernel construct one by running /sbin/request-key with callout info
// (which may be empty, but is passed). It returns when the key has been
// instantiated, negated (ErrNotFound) or rejected.
func RequestKeyWithCallout(keyType, description, callout string, dest ID) (Serial, error) {
	if err := nulArg("request_key", callout); err != nil {
		return 0, err
	}
	var cb [256]byte
	return requestKeyCallout(keyType, description, cstr(cb[:], callout), dest)
}

func requestKeyCallout(keyType, description string, callout *byte, dest ID) (Serial, error) {
	if err := nulArg("request_key", keyType, description); err != nil {
		return 0, err
	}
	d, err := ringID("request_key", dest)
	if err != nil {
		return 0, err
	}
	var tb [32]byte
	var db [256]byte
	id, e := requestKey(cstr(tb[:], keyType), cstr(db[:], description), callout, d)
	if e != 0 {
		return 0, newError("request_key", d, e)
	}
	return Serial(id), nil
}

// Update replaces the payload of key id (KEYCTL_UPDATE). Keyrings cannot be
// updated (ErrUnsupported).
//
// For "user" and "logon" keys the kernel takes the key's expiry from the
// new payload, which has none (user_update): an Update clears a timeout
// set with SetTimeout, and the key no longer expires. Setting the timeout
// again afterwards leaves a moment in which the new payload is readable
// without it; Replace swaps in a new key that has its timeout from the
// start (with a new serial).
func Update(id ID, payload []byte) error {
	_, e := keyctlPtr(unix.KEYCTL_UPDATE, id32(rawID(id)), bufPtr(payload), uintptr(len(payload)), 0)
	return check("update", id, e)
}

// Revoke revokes key id (KEYCTL_REVOKE): later access fails with
// ErrRevoked and the key is garbage-collected soon after.
func Revoke(id ID) error { return simple(unix.KEYCTL_REVOKE, "revoke", id) }

// Invalidate marks key id invalid (KEYCTL_INVALIDATE): it disappears at
// once for lookups and is removed from all keyrings by the garbage
// collector.
func Invalidate(id ID) error { return simple(unix.KEYCTL_INVALIDATE, "invalidate", id) }

// Clear unlinks every key from keyring ring (KEYCTL_CLEAR). See Special
// for how SessionKeyring and ProcessKeyring are resolved.
func Clear(ring ID) error {
	r, err := ringID("clear", ring)
	if err != nil {
		return err
	}
	_, e := keyctl(unix.KEYCTL_CLEAR, id32(r), 0, 0, 0)
	return check("clear", ring, e)
}

// Chown changes the owner and group of key id (KEYCTL_CHOWN); -1 leaves a
// field unchanged. Changing the owner needs CAP_SYS_ADMIN; a group must be
// one of the caller's. See Special for how SessionKeyring and
// ProcessKeyring are resolved.
func Chown(id ID, uid, gid int) error {
	k, err := ringID("chown", id)
	if err != nil {
		return err
	}
	_, e := keyctl(unix.KEYCTL_CHOWN, id32(k), uintptr(uint32(uid)), uintptr(uint32(gid)), 0)
	return check("chown", id, e)
}

// SetPerm sets the permission mask of key id (KEYCTL_SETPERM). See
// Special for how SessionKeyring and ProcessKeyring are resolved.
func SetPerm(id ID, perm Perm) error {
	k, err := ringID("setperm", id)
	if err != nil {
		return err
	}
	_, e := keyctl(unix.KEYCTL_SETPERM, id32(k), uintptr(perm), 0, 0)
	return check("setperm", id, e)
}

// SetTimeout sets key id to expire after d, counted from now and rounded
// down to whole seconds (KEYCTL_SET_TIMEOUT); 0 removes the expiry, and so
// does any d under a second. See Special for how SessionKeyring and
// ProcessKeyring are resolved.
//
// The kernel keeps the expiry in whole seconds and treats a key as
// expired once the current second reaches it, so a key may expire up to a
// second before d has passed (a one-second timeout set late in a second
// expires almost at once). The timeout does not survive an update: Update,
// and AddKey onto the key, clear it for "user" and "logon" keys; Replace
// changes a payload and keeps a timeout.
func SetTimeout(id ID, d time.Duration) error {
	s, err := seconds("set_timeout", id, d)
	if err != nil {
		return err
	}
	k, err := ringID("set_timeout", id)
	if err != nil {
		return err
	}
	_, e := keyctl(unix.KEYCTL_SET_TIMEOUT, id32(k), s, 0, 0)
	return check("set_timeout", id, e)
}

// seconds converts d to the kernel's unsigned seconds, refusing what does
// not fit.
func seconds(op string, id ID, d time.Duration) (uintptr, error) {
	s := d / time.Second
	if s < 0 || s > 1<<32-1 {
		return 0, newError(op, rawID(id), unix.EINVAL)
	}
	return uintptr(s), nil
}

// simple runs a keyctl operation whose only argument is a key.
func simple(cmd int, op string, id ID) error {
	_, e := keyctl(cmd, id32(rawID(id)), 0, 0, 0)
	return check(op, id, e)
}

func check(op string, id ID, e unix.Errno) error {
	if e != 0 {
		return newError(op, rawID(id), e)
	}
	return nil
}

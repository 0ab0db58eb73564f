package keyutils

import (
	"errors"
	"time"

	"golang.org/x/sys/unix"
)

// replaceScratch is the description of the keyring in which Replace builds
// the new key; it appears in /proc/keys for the moment it exists.
const replaceScratch = "keyutils:replace"

// Replace puts a new key of the given type and description, holding
// payload and expiring after timeout, into keyring ring in one step,
// displacing the key of the same type and description that ring holds (if
// any), and returns the new key's serial. It is the way to change a
// payload and keep an expiry: AddKey onto an existing key and Update give
// a "user" or "logon" key no expiry at all (see Update).
//
// The replacement is atomic for everyone who looks in ring: a search or a
// read of ring finds the old key until the instant it finds the new one,
// never neither, and the new key is never found there without its
// timeout. This is how: on a new OS thread that the runtime discards
// afterwards, Replace creates a scratch keyring in that thread's thread
// keyring, which nothing else can reach, adds the key to it, sets the
// timeout, and then moves the key into ring (KEYCTL_MOVE; on kernels before
// 5.1, which lack it, KEYCTL_LINK and then KEYCTL_UNLINK from the scratch
// keyring). Both link the key in place of the one of the same type and
// description, in one step.
//
// timeout is counted from the moment the timeout is set and rounded down
// to whole seconds, as with SetTimeout (the kernel compares whole seconds,
// so a key may expire up to a second early); 0 means no expiry. A negative
// timeout, one beyond 2^32-1 seconds, or one between 0 and a second (which
// SetTimeout would round to "no expiry") is refused with EINVAL.
//
// Unlike Update, Replace creates a new key: the serial changes, and
// whoever kept the old serial keeps the old key. The old key loses only
// its link from ring; the other keyrings that link it still hold it, with
// the old payload and its own expiry, and it lives until nothing links it
// (then the kernel destroys it). Through the old serial it stays usable by
// those who still possess it through such another link, or whose user,
// group or other rights allow it, and only while it exists.
//
// The new key belongs to the process's user and group and has the
// permissions add_key(2) gives a new key of its type, not those of the key
// it displaces: its possessor gets every right the type supports, its
// owner only view (for "user" keys 0x3f010000, for "logon" keys
// 0x3d010000). ReplaceWith sets another mask before the key reaches ring;
// set afterwards (SetPerm on the result), it leaves the key granting
// nothing beyond view, for a moment, to anyone who does not possess it. As
// always, AddKey onto the new key, or Update of it, clears its expiry.
//
// ring must be writable from any thread of the process: possessed through
// the keyrings all threads share (the session keyring the process runs in,
// its process keyring), or writable through its user, group or other
// rights. A keyring that only the calling OS thread possesses, through its
// thread keyring or a session keyring it alone has joined (Session.Join on
// a locked thread), gives ErrPermission. Special IDs are resolved on the
// calling thread, without creating keyrings (see Special); ThreadKeyring
// names the calling thread's keyring, which the new thread does not
// possess.
//
// Replace needs room in the owner's key quota for the new key and, until
// the kernel's garbage collector has destroyed them a moment later, two
// keyrings (the thread keyring and the scratch keyring). Nothing is left
// behind when it fails: the key never reaches ring and is destroyed with
// the thread's keyrings.
func Replace(keyType, description string, payload []byte, timeout time.Duration, ring ID) (Serial, error) {
	return replace(keyType, description, payload, timeout, ring, true)
}

// replace is Replace; with move false it links and unlinks instead of
// moving, as it does on kernels without KEYCTL_MOVE.
func replace(keyType, description string, payload []byte, timeout time.Duration, ring ID, move bool) (Serial, error) {
	return replaceWith(keyType, description, payload, ring, ReplaceOptions{Timeout: timeout}, move)
}

// ReplaceWith is Replace with options: it puts a new key of the given
// type and description, holding payload, into keyring ring in one step,
// displacing the key of the same type and description that ring holds
// (if any), and returns the new key's serial. Before the key is moved into
// ring it gets its timeout (opts.Timeout) and then, if opts.Perm is not
// zero, its permission mask (KEYCTL_SETPERM), so that nobody ever finds it
// in ring without its expiry or with a mask other than opts.Perm: the
// mask is set while the key is still in the scratch keyring that only
// the discarded thread can reach. Everything Replace documents applies
// (atomicity, the move and its fallback on kernels before 5.1, the new
// serial, what ring must allow, the quota, nothing left behind on
// failure), except that with opts.Perm set the new key has that mask
// instead of its type's default.
//
// Replace(keyType, description, payload, timeout, ring) is
// ReplaceWith(keyType, description, payload, ring,
// ReplaceOptions{Timeout: timeout}).
func ReplaceWith(keyType, description string, payload []byte, ring ID, opts ReplaceOptions) (Serial, error) {
	return replaceWith(keyType, description, payload, ring, opts, true)
}

// replaceWith is ReplaceWith; with move false it links and unlinks instead
// of moving, as it does on kernels without KEYCTL_MOVE.
func replaceWith(keyType, description string, payload []byte, ring ID, opts ReplaceOptions, move bool) (Serial, error) {
	if err := nulArg("replace", keyType, description); err != nil {
		return 0, err
	}
	secs, err := seconds("replace", ring, opts.Timeout)
	if err != nil {
		return 0, err
	}
	if secs == 0 && opts.Timeout > 0 {
		return 0, &Error{Op: "replace", Key: rawID(ring), Err: unix.EINVAL,
			Detail: "a timeout of less than a second cannot be set: the kernel counts whole seconds, and 0 means no expiry"}
	}
	if opts.Perm != 0 {
		if !opts.Perm.Valid() {
			return 0, &Error{Op: "replace", Key: rawID(ring), Err: unix.EINVAL,
				Detail: "permission mask " + opts.Perm.Hex() + " has bits outside the 24 defined ones"}
		}
		if opts.Perm&(PosLink|UsrLink) == 0 {
			return 0, &Error{Op: "replace", Key: rawID(ring), Err: unix.EINVAL,
				Detail: "permission mask " + opts.Perm.Hex() + " grants neither the possessor nor the owner link permission, which moving the new key into the keyring needs"}
		}
	}
	r, err := resolveOnCaller("replace", ring)
	if err != nil {
		return 0, err
	}
	return onDiscardedThread(func() (Serial, error) {
		// As in replace: a fresh scratch keyring, so that the key below
		// is always a new key.
		scratch, err := NewKeyring(replaceScratch, ThreadKeyring)
		if err != nil {
			return 0, replaceError(r, err)
		}
		defer Unlink(scratch, ThreadKeyring)
		id, err := AddKey(keyType, description, payload, scratch)
		if err != nil {
			return 0, replaceError(r, err)
		}
		// The timeout first: opts.Perm may withhold setattr.
		if secs != 0 {
			if _, e := keyctl(unix.KEYCTL_SET_TIMEOUT, id32(int32(id)), secs, 0, 0); e != 0 {
				return 0, replaceError(r, newError("set_timeout", int32(id), e))
			}
		}
		if opts.Perm != 0 {
			if _, e := keyctl(unix.KEYCTL_SETPERM, id32(int32(id)), uintptr(opts.Perm), 0, 0); e != 0 {
				return 0, replaceError(r, newError("setperm", int32(id), e))
			}
		}
		if move {
			_, e := keyctl(unix.KEYCTL_MOVE, id32(int32(id)), id32(int32(scratch)), id32(r), 0)
			if e == 0 {
				return id, nil
			}
			if e != unix.EOPNOTSUPP && e != unix.ENOSYS {
				return 0, linkError(r, e)
			}
		}
		if _, e := keyctl(unix.KEYCTL_LINK, id32(int32(id)), id32(r), 0, 0); e != 0 {
			return 0, linkError(r, e)
		}
		Unlink(id, scratch)
		return id, nil
	})
}

// resolveOnCaller returns the serial for id, resolving a special ID (or a
// negative Serial, the kernel's form of one) on the calling thread without
// creating a keyring, for use on another thread.
func resolveOnCaller(op string, id ID) (int32, error) {
	raw := rawID(id)
	if raw >= 0 {
		return raw, nil
	}
	r, e := keyctl(unix.KEYCTL_GET_KEYRING_ID, id32(raw), 0, 0, 0)
	if e != 0 {
		return 0, newError(op, raw, e)
	}
	return int32(r), nil
}

// linkError is the error of linking the new key into ring r from the
// discarded thread; EACCES is explained from that thread's point of view.
func linkError(r int32, e unix.Errno) error {
	err := newError("replace", r, e)
	if ke, ok := err.(*Error); ok && e == unix.EACCES {
		d := "ring is not writable from a new thread of the process, which possesses only what every thread shares (not the calling thread's own thread keyring or a session keyring only it joined)"
		if ke.Detail != "" {
			d += "; " + ke.Detail
		}
		ke.Detail = d
	}
	return err
}

// replaceError reports the failure of a step of Replace as a failure of
// Replace on ring r, keeping the cause and its detail: the serials of the
// scratch keyring and the new key mean nothing to the caller.
func replaceError(r int32, err error) error {
	var ke *Error
	if !errors.As(err, &ke) {
		return &Error{Op: "replace", Key: r, Err: err}
	}
	return &Error{Op: "replace", Key: r, Err: ke.Err, Detail: ke.Detail}
}

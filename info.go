package keyutils

import (
	"strings"
	"time"
)

// KeyInfo is what Info tells about a key: its description, and what only
// /proc/keys tells (state flags, expiry, reference count).
type KeyInfo struct {
	Serial Serial
	// Description is the key's parsed KEYCTL_DESCRIBE string when
	// Described. When describe fails because of the key's state (revoked,
	// expired) it holds what /proc/keys gives: Type (truncated by the
	// kernel to 9 characters there), UID, GID and Perm; Description and
	// Raw are then empty.
	Description Description
	Described   bool

	// Listed says whether /proc/keys lists the key (it lists the keys the
	// caller may view); the fields below are zero when it does not.
	Listed bool
	// Flags are /proc/keys' state flags (see ProcKey.Flags).
	Flags string
	// Usage is the key's reference count.
	Usage int
	// Permanent: the key has no expiry. Expired: its expiry has passed.
	Permanent, Expired bool
	// Timeout is the time left before the key expires, as /proc/keys
	// gives it: rounded down to whole seconds under a minute, to minutes
	// under an hour, hours under a day, days under a week, then weeks.
	// So the real time left is between Timeout and Timeout plus one unit.
	Timeout time.Duration
	// Expires is the time of the reading plus Timeout: at or before the
	// real expiry, by less than Timeout's unit. Zero when Permanent or
	// Expired.
	Expires time.Time
	// Summary is the type's text after the description in /proc/keys,
	// e.g. "5" (a user key's payload length) or "empty" (a keyring's), or
	// "" when the key has none or is not Described (then the description
	// cannot be told from the summary).
	Summary string
}

// Revoked reports the R flag: the key has been revoked.
func (k KeyInfo) Revoked() bool { return strings.IndexByte(k.Flags, 'R') >= 0 }

// Negative reports the N flag: the key was negatively instantiated.
func (k KeyInfo) Negative() bool { return strings.IndexByte(k.Flags, 'N') >= 0 }

// Invalidated reports the i flag: the key has been invalidated.
func (k KeyInfo) Invalidated() bool { return strings.IndexByte(k.Flags, 'i') >= 0 }

// Instantiated reports the I flag: the key has a payload.
func (k KeyInfo) Instantiated() bool { return strings.IndexByte(k.Flags, 'I') >= 0 }

// UnderConstruction reports the U flag: request-key is still building it.
func (k KeyInfo) UnderConstruction() bool { return strings.IndexByte(k.Flags, 'U') >= 0 }

// fill sets k's /proc/keys fields from p, read at now.
func (k *KeyInfo) fill(p ProcKey, now time.Time) {
	k.Listed, k.Flags, k.Usage = true, p.Flags, p.Usage
	k.Permanent, k.Expired, k.Timeout = p.Permanent, p.Expired, p.Timeout
	if !p.Permanent && !p.Expired {
		k.Expires = now.Add(p.Timeout)
	}
	if !k.Described {
		k.Description = Description{Type: p.Type, UID: p.UID, GID: p.GID, Perm: p.Perm}
		return
	}
	if rest, ok := strings.CutPrefix(p.Text, k.Description.Description); ok {
		k.Summary = strings.TrimPrefix(rest, ": ")
	}
}

package keyutils

// Access is the answer of Why: whether the caller may do one thing to a
// key, and the facts that decide it, as the kernel's permission check
// (key_task_permission) and its possession rule see them.
//
// The kernel grants a key's possessor rights when the caller possesses the
// key, OR'd with exactly one of the user rights (the key's owner is the
// caller's fsuid), the group rights (the key has a group, its group mask is
// not empty, and the group is the caller's fsgid or one of its
// supplementary groups) or the other rights. Root has no exemption: it is
// checked like any other caller.
type Access struct {
	Key  Serial   // the key asked about
	Need PermBits // the one permission asked about (PermView ... PermSetattr)

	// Desc is the key's type, owner, group, mask and description, from
	// KEYCTL_DESCRIBE, or from /proc/keys when the key's state makes
	// describe fail (revoked, expired); then Desc.Raw is empty.
	Desc Description
	// Flags are the key's state flags from /proc/keys (see ProcKey.Flags),
	// or "" when /proc/keys does not list the key for the caller.
	Flags string
	// StateErr is non-nil when the key's state alone makes operations on
	// it fail whatever the permissions: ErrRevoked, ErrExpired, or
	// ErrNotFound for a negative or invalidated key (for read, a negative
	// key gives the error it was negated with).
	StateErr error

	// UID and GID are the caller's filesystem uid and gid, Groups its
	// supplementary groups: the ids the kernel checks.
	UID, GID int
	Groups   []int

	// Possessed says whether the caller possesses the key: it is, or is
	// reachable through keyrings the caller may search from, its thread,
	// process or session keyring (at most 6 keyrings deep below the top
	// one, like the kernel's search), and the key grants the caller search.
	Possessed bool
	// Chain is the shortest path that gives possession: the top keyring
	// (Chain[0], one of the thread, process and session keyrings, named by
	// Top) through the keyrings in between to the key itself. It is nil
	// when the key is not possessed.
	Chain []Serial
	Top   Special
	// Reachable says that the key was reached through keyrings the caller
	// may search but does not grant the caller search itself, so it is
	// not possessed; Chain is then the path to it.
	Reachable bool
	// Unchecked lists keyrings met on the way that could not be described
	// or read, so possession through them could not be decided (the kernel
	// may know a path that Why does not).
	Unchecked []Serial

	// Class is the class of rights that applies besides the possessor
	// rights: User, Group or Other.
	Class PermClass
	// Granted are the rights the caller has: Desc.Perm's Class bits, OR'd
	// with the possessor bits when Possessed.
	Granted PermBits
	// Allowed says whether the permission check passes: Need is in
	// Granted. For PermRead possession suffices too: the kernel lets a
	// possessor read a key that grants it no read right.
	Allowed bool
	// ByPossession says that the possessor rights or possession itself
	// were needed for Allowed (the class rights alone would not do).
	ByPossession bool
	// Owner says whether the caller owns the key: setperm needs it (or
	// CAP_SYS_ADMIN) besides the setattr right.
	Owner bool

	// Remedies are changes that would allow the operation, when it is not
	// allowed.
	Remedies []Remedy
}

// OK reports whether the operation would succeed as far as permissions and
// the key's state go.
func (a *Access) OK() bool { return a.Allowed && a.StateErr == nil }

// RemedyKind is a kind of change that would allow an operation.
type RemedyKind int

const (
	// RemedyLink: link the key (or a keyring above it) into Keyring, the
	// caller's session keyring, so that the caller possesses it and the
	// possessor rights apply. Feasible says whether the caller has the link
	// right on the key (it also needs write on the keyring).
	RemedyLink RemedyKind = iota + 1
	// RemedySetPerm: set the key's mask to Perm (keyctl setperm), which
	// grants Need to the class that applies. Feasible says whether the
	// caller could do it itself (it owns the key and has setattr).
	RemedySetPerm
	// RemedySession: run in a session whose keyrings reach the key (a
	// session keyring that has it linked, e.g. by joining a named session
	// keyring that holds it) so that the possessor rights apply.
	RemedySession
)

// Remedy is one change that would allow the operation Why was asked about.
type Remedy struct {
	Kind     RemedyKind
	Key      Serial  // the key to link or setperm
	Keyring  Special // RemedyLink: the keyring to link into
	Perm     Perm    // RemedySetPerm: the new mask
	Feasible bool    // the caller could make the change itself
}

// String returns the name keyctl why uses for the kind: "link",
// "setperm", "session".
func (k RemedyKind) String() string {
	switch k {
	case RemedyLink:
		return "link"
	case RemedySetPerm:
		return "setperm"
	case RemedySession:
		return "session"
	}
	return "unknown"
}

// PermClassName returns "possessor", "user", "group" or "other".
func PermClassName(c PermClass) string {
	switch c {
	case Possessor:
		return "possessor"
	case User:
		return "user"
	case Group:
		return "group"
	}
	return "other"
}

// ParsePermBit parses the name of one permission: "view", "read",
// "write", "search", "link" or "setattr".
func ParsePermBit(s string) (PermBits, bool) {
	for i, n := range permNames {
		if s == n {
			return PermBits(1) << i, true
		}
	}
	return 0, false
}

var permNames = [...]string{"view", "read", "write", "search", "link", "setattr"}

// PermBitName returns the name of the single permission b ("view" ...
// "setattr"), or b.String() when b is not exactly one bit.
func PermBitName(b PermBits) string {
	for i, n := range permNames {
		if b == PermBits(1)<<i {
			return n
		}
	}
	return b.String()
}

// applicableClass returns the class of d's rights that the kernel applies,
// besides the possessor rights, to a caller with fsuid uid, fsgid gid and
// supplementary groups: key_task_permission's rule.
func applicableClass(d Description, uid, gid int, groups []int) PermClass {
	if d.UID == uid {
		return User
	}
	if d.GID != -1 && d.Perm&GrpAll != 0 {
		if d.GID == gid {
			return Group
		}
		for _, g := range groups {
			if g == d.GID {
				return Group
			}
		}
	}
	return Other
}

// grant computes the permission fields of a from a.Desc, a.Possessed and
// the caller's ids, and the remedies.
func (a *Access) grant() {
	p := a.Desc.Perm
	a.Class = applicableClass(a.Desc, a.UID, a.GID, a.Groups)
	a.Owner = a.Desc.UID == a.UID
	class := p.Class(a.Class)
	a.Granted = class
	if a.Possessed {
		a.Granted |= p.Class(Possessor)
	}
	a.Allowed = a.Granted&a.Need == a.Need
	if a.Need == PermRead && a.Possessed {
		a.Allowed = true
	}
	a.ByPossession = a.Allowed && class&a.Need != a.Need
	if a.Allowed {
		return
	}
	canSetPerm := a.Owner && a.Granted&PermSetattr != 0
	if !a.Possessed && !a.Reachable && (p.Class(Possessor)&a.Need != 0 || a.Need == PermRead) &&
		(p.Class(Possessor)|class)&PermSearch != 0 {
		a.Remedies = append(a.Remedies,
			Remedy{Kind: RemedyLink, Key: a.Key, Keyring: SessionKeyring, Feasible: a.Granted&PermLink != 0},
			Remedy{Kind: RemedySession, Key: a.Key})
	}
	a.Remedies = append(a.Remedies, Remedy{Kind: RemedySetPerm, Key: a.Key, Perm: p.With(a.Class, a.Need), Feasible: canSetPerm})
	if a.Reachable {
		a.Remedies = append(a.Remedies, Remedy{Kind: RemedySetPerm, Key: a.Key, Perm: p.With(Possessor, a.Need|PermSearch), Feasible: canSetPerm})
	}
}

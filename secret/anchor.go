package secret

import "fmt"

// Anchor is the keyring a store's keyring is linked into. It decides which
// processes find the store (all processes of the user that reach the same
// anchor) and how long the store lives (as long as the anchor links it).
type Anchor int

const (
	// Session is the session keyring (@s, session-keyring(7)): the store
	// is shared by the processes of one login session and goes away with
	// the session's last process, like git's credential-cache. A process
	// without a session keyring of its own (started by a service manager,
	// cron, or a login without pam_keyinit) falls back to the
	// user-session keyring; Store.Anchor then reports UserSession, and
	// Options.RequireOwnSession refuses instead.
	Session Anchor = iota
	// User is the user keyring (@u, user-keyring(7)), shared by every
	// process of the user. Since Linux 5.3 the kernel keeps it until
	// reboot (for a user namespace other than the initial one, until the
	// namespace goes away); user-keyring(7) describes older kernels,
	// which destroy it when the user's last process exits.
	User
	// UserSession is the user-session keyring (@us,
	// user-session-keyring(7)): shared by every process of the user, with
	// the user keyring's lifetime. Processes without a session keyring of
	// their own use it as their session keyring.
	UserSession
	// Persistent is the user's persistent keyring (persistent-keyring(7),
	// KEYCTL_GET_PERSISTENT): shared by every process of the user, it
	// survives logout and the user's last process, and expires when
	// nobody has asked for it for /proc/sys/kernel/keys/persistent_keyring_expiry
	// seconds (3 days by default). Open, and Set at most once an hour,
	// ask for it and so push that expiry back. Kernels built without
	// CONFIG_PERSISTENT_KEYRINGS do not have it.
	Persistent
)

var anchorNames = [...]string{Session: "session", User: "user", UserSession: "user-session", Persistent: "persistent"}

// String returns the anchor's name: "session", "user", "user-session" or
// "persistent".
func (a Anchor) String() string {
	if a >= 0 && int(a) < len(anchorNames) {
		return anchorNames[a]
	}
	return fmt.Sprintf("Anchor(%d)", int(a))
}

// ParseAnchor returns the Anchor that String names, for configuration
// files and environment variables.
func ParseAnchor(s string) (Anchor, error) {
	for a, name := range anchorNames {
		if s == name {
			return Anchor(a), nil
		}
	}
	return 0, fmt.Errorf("secret: unknown anchor %q (want session, user, user-session or persistent): %w", s, ErrInvalid)
}

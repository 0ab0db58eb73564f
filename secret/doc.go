// Package secret keeps application secrets (tokens, passwords) in the
// kernel's key retention service: "keep this token for my login session,
// for 10 minutes, and give it back to me, and to my next process, and to
// nobody else".
//
//	s, err := secret.Open("myapp", secret.Options{TTL: 10 * time.Minute})
//	err = s.Set("api-token", token)  // expires in 10 minutes
//	token, err := s.Get("api-token") // in this process or a later one
//
// Secrets live in kernel memory, never on disk, and never survive a
// reboot. Package secret/keyring offers the same store behind
// github.com/zalando/go-keyring's functions.
//
// # Stores and anchors
//
// A store is a keyring of its own, described "keyutils-go:<store>", linked
// into an anchor: the session keyring (Session, the default: the store
// goes away with the login session), the user keyring (User), the
// user-session keyring (UserSession) or the user's persistent keyring
// (Persistent: survives logout, expires after days of disuse). Every
// process of the same user that opens the same store name in the same
// anchor shares the store, from any goroutine; stores of different names
// never share entries. An entry is a kernel "user" key in the store's
// keyring, described "keyutils-go:<store>:<name>"; its payload is a 20-byte
// header (creation time, expiry) followed by the value.
//
// # Who can read the secrets
//
// The kernel grants rights on a key by a 32-bit mask (keyrings(7)): rights
// for its possessor (a process that reaches the key from its thread,
// process or session keyring, through keyrings it may search), for its
// owner's uid, for its group and for everyone else. Possessor rights are
// added to the others when the key is possessed. The masks here grant
// rights to the owner only:
//
//	the store's keyring  KeyringPerm 0x001f0000  -------lswrv------------
//	each entry           EntryPerm   0x001b0000  -------ls-rv------------
//
// Possessor rights are none, on purpose. Possession does not follow the
// uid: a process of another user that shares the session keyring (sudo -u
// or su without a new session, a set-user-ID program, a container started
// from the session) possesses everything the session keyring links, and
// would read the entries if possessors could. Conversely a process of the
// same user often does not possess the store: the user keyring is
// possessed only by processes whose session keyring links it, the
// persistent keyring only where it has been linked, and "keys in @u exist
// but reading them fails with EACCES" is the classic consequence. So the
// owner rights carry everything, and the kernel checks them against the
// process's uid (fsuid), whichever keyrings it possesses and whichever
// thread asks: the owner's later processes read what an earlier one
// stored, wherever they run, and a process of any other uid, root
// included, gets EACCES on both the keyring and the entries, and cannot
// even see their descriptions in /proc/keys. Group and other get nothing.
//
// The owner rights are the least that the operations need: on the
// keyring, view and read to list the entries, search to find one, write
// to add, replace and remove entries, and link for the move into the
// anchor that creates it; on an entry, view, read, search, and link for
// the move into the store's keyring. No entry grants write: updating a
// user key in place clears its expiry (KEYCTL_UPDATE and add_key(2) onto
// an existing key do), so values are only ever replaced. Neither grants
// setattr, so that the masks cannot be changed afterwards, by mistake,
// through them. Root is not protected against: it can take the user's
// uid, and read process memory.
//
// # Atomic replacement, and expiry that survives it
//
// Replacing a value never updates a key in place. Set builds a new key
// where only the setting process can reach it (a scratch keyring in the
// thread keyring of an OS thread that the Go runtime then discards), sets
// its timeout, then its permission mask, and moves it into the store's
// keyring with KEYCTL_MOVE, which displaces the key of the same type and
// description in the same step (keyutils.ReplaceWith). So at every instant
// a reader finds either the old value or the new one, never neither, and
// never the new one without its expiry or with another mask. Two processes
// that set the same name at the same time leave one entry holding one of
// the two values. Set gives the new value the store's TTL counted from
// now; SetTTL a TTL of its own; Update keeps the entry's expiry instant.
//
// The store's keyring is created the same way: built in the thread
// keyring of a discarded thread, given KeyringPerm, then moved into the
// anchor with KEYCTL_MOVE_EXCL, which fails if the anchor already links a
// keyring of that name; Open then uses that one. (add_key(2) of a keyring
// whose name the anchor already links would replace the link, throwing
// away the store another process is using.) A keyring of the store's name
// that belongs to another user is refused (ErrForeign).
//
// Kernels before 5.1 lack KEYCTL_MOVE. There entries are linked into the
// store's keyring with KEYCTL_LINK, which displaces the old key in one
// step too, so replacement stays atomic; but creating the store's keyring
// becomes "look, then link": two processes that open a store that does not
// exist yet at the same instant may both link a keyring, the second
// displacing the first, and what the first stores before its next Open is
// lost.
//
// # The session anchor without a session
//
// A process that no login or keyctl session put in a session keyring
// (started by systemd, cron, or an ssh login without pam_keyinit) has
// none: for it the kernel's @s is the user-session keyring, shared by all
// such processes of the user and living as long as the user keyring. Open
// detects it (keyutils.CurrentSession) and then uses the user-session
// keyring deliberately: Store.Anchor reports UserSession. Set
// Options.RequireOwnSession to fail with ErrNoSession instead. (Adding keys
// to @s from such a process with raw system calls makes the kernel create
// a session keyring for the calling thread alone, where the keys vanish
// with the thread; the library never does that.)
//
// # Metadata
//
// The kernel records no creation time for a key, and /proc/keys shows the
// time left to a key's expiry only in its largest unit (minutes, hours,
// days). Each entry's header records both: Info gives the creation time to
// the nanosecond, by the writer's clock, and the expiry to the second (see
// Info.Expires).
//
// # Limits and failures
//
// Failures are *Error values naming the operation, the store and the
// entry, with a kind for errors.Is (ErrNotFound, ErrTooLarge,
// ErrQuotaExceeded, ErrBlocked, ...), the library's error as the cause and
// a hint saying what to do. Values hold at most MaxValueSize bytes (a user
// key's payload is at most 32,767 bytes). Every user's keys count against
// a quota: 200 keys and 20,000 bytes of descriptions and payloads by
// default (/proc/sys/kernel/keys/maxkeys and maxbytes; root has
// root_maxkeys and root_maxbytes), shared by every program of the user;
// the error reports the usage. Expired entries keep counting until the
// kernel's garbage collector removes them, minutes later
// (/proc/sys/kernel/keys/gc_delay), so a Set that finds the quota
// exhausted first removes the store's expired entries and waits a moment
// for replaced keys to be destroyed. Container runtimes block add_key and
// keyctl with seccomp by default (ErrBlocked), and kernels built without
// CONFIG_KEYS have no keyrings at all (ErrNoKeyrings).
//
// Expiry times are whole seconds: a TTL is rounded down to seconds, and
// the kernel treats a key as expired from the start of its expiry second.
//
// On systems other than Linux every operation fails with an error
// wrapping errors.ErrUnsupported.
package secret

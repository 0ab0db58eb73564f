package keyutils

import (
	"strconv"
)

// ID names a key for an operation: either a resolved Serial, which means the
// same key on every thread, or a Special keyring ID such as SessionKeyring,
// which the kernel interprets relative to the credentials of the calling OS
// thread. A nil ID stands for 0, "no keyring", where an operation allows it
// (the destination of RequestKey or Search, for example).
//
// Serial and Special are the only implementations (the interface is
// sealed), which lets the library read an ID without making it escape: a
// call such as ReadInto(serial, buf) does not allocate.
type ID interface {
	// Int32 returns the key_serial_t passed to the kernel.
	Int32() int32
	String() string
	isID()
}

func (Serial) isID()  {}
func (Special) isID() {}

// Serial is a resolved key serial number as the kernel assigns it. A Serial
// names the same key from every thread and every process, so operations on
// a Serial are safe from any goroutine.
//
// A Serial is passed to the kernel unchanged. Negative values are therefore
// the kernel's own special IDs, with the kernel's semantics (including
// creating the thread, process or session keyring on demand): that is what a
// faithful keyctl(1) needs for numeric arguments such as -3. Programs should
// use Special for special IDs.
type Serial int32

// Int32 returns s as the kernel's key_serial_t.
func (s Serial) Int32() int32 { return int32(s) }

// String returns s in decimal, as keyctl prints it.
func (s Serial) String() string { return strconv.FormatInt(int64(s), 10) }

// Special is one of the kernel's special key IDs. They are relative to the
// caller: the kernel resolves them with the credentials of the OS thread
// that makes the system call. Go runs goroutines on many threads, so
// ThreadKeyring, ProcessKeyring and SessionKeyring mean "this thread's"
// keyring: use them from a goroutine locked with runtime.LockOSThread, or
// resolve them once (Resolve) and use the Serial.
//
// The library never makes the kernel create a session or process keyring
// behind the caller's back. Passed to an operation for which the kernel
// would create a missing one (the keyring of AddKey, NewKeyring, Link,
// Move, GetPersistent, the destination of Search and RequestKey, the key of
// Link, Move, SetPerm, SetTimeout and Chown, the keyring of Clear),
// SessionKeyring and ProcessKeyring are first resolved without creation.
// A thread without a session keyring of its own then uses the user-session
// keyring, exactly as reads through @s do; a thread without a process
// keyring gets ErrNotFound. (The raw kernel would instead create an
// anonymous session or process keyring private to the calling OS thread,
// and the key would be lost when that thread exits.)
// Create a process keyring explicitly, with GetKeyringID(ProcessKeyring,
// true), on a thread you have locked. ThreadKeyring keeps the kernel's
// create-on-demand semantics: it is per thread by definition.
type Special int32

// The special key IDs of keyrings(7), with keyctl(1)'s names.
const (
	ThreadKeyring      Special = -1 // @t
	ProcessKeyring     Special = -2 // @p
	SessionKeyring     Special = -3 // @s
	UserKeyring        Special = -4 // @u
	UserSessionKeyring Special = -5 // @us
	GroupKeyring       Special = -6 // @g
	ReqKeyAuthKey      Special = -7 // @a
	RequestorKeyring   Special = -8 // the requester's keyring, in an upcall
)

// Int32 returns s as the kernel's key_serial_t.
func (s Special) Int32() int32 { return int32(s) }

// String returns keyctl's name for s ("@s", "@us", ...), or the number for
// values without a name.
func (s Special) String() string {
	switch s {
	case ThreadKeyring:
		return "@t"
	case ProcessKeyring:
		return "@p"
	case SessionKeyring:
		return "@s"
	case UserKeyring:
		return "@u"
	case UserSessionKeyring:
		return "@us"
	case GroupKeyring:
		return "@g"
	case ReqKeyAuthKey:
		return "@a"
	}
	return strconv.FormatInt(int64(s), 10)
}

// ParseSpecial returns the Special that keyctl(1) names name ("@t", "@p",
// "@s", "@u", "@us", "@g" or "@a"), and false for anything else.
func ParseSpecial(name string) (Special, bool) {
	switch name {
	case "@t":
		return ThreadKeyring, true
	case "@p":
		return ProcessKeyring, true
	case "@s":
		return SessionKeyring, true
	case "@u":
		return UserKeyring, true
	case "@us":
		return UserSessionKeyring, true
	case "@g":
		return GroupKeyring, true
	case "@a":
		return ReqKeyAuthKey, true
	}
	return 0, false
}

// rawID returns the key_serial_t for id, 0 for nil. It switches on the
// type instead of calling Int32, so that id does not escape.
func rawID(id ID) int32 {
	switch v := id.(type) {
	case Serial:
		return int32(v)
	case Special:
		return int32(v)
	}
	return 0
}

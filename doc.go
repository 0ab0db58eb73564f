// Package keyutils is the Linux kernel key retention service for Go: keys
// and keyrings (keyrings(7)), every operation of add_key(2), request_key(2)
// and keyctl(2) with a typed API, and session keyrings that stay correct
// under Go's threading model. It is pure Go, built on golang.org/x/sys/unix.
//
// # Keys and IDs
//
// A key has a serial number, a type ("user", "logon", "keyring",
// "asymmetric", ...), a description, a payload, an owner, a Perm mask and
// an optional expiry. Functions take an ID, which is either a Serial,
// a key's resolved serial number that means the same key everywhere, or a
// Special such as SessionKeyring (@s) or UserKeyring (@u), which the kernel
// resolves for the calling thread. Results are Serials.
//
//	ring, err := keyutils.NewKeyring("myapp", keyutils.SessionKeyring)
//	id, err := keyutils.AddKey("user", "db:password", secret, ring)
//	payload, err := keyutils.Read(id)
//
// Failures are *Error values that name the operation and the key and wrap
// the kernel's errno: errors.Is(err, keyutils.ErrNotFound) and
// errors.Is(err, unix.ENOKEY) both work. Payloads never appear in errors.
//
// # Threads and session keyrings
//
// The kernel keeps a process's keyring credentials (the thread, process and
// session keyrings, and the request-key authority) per OS thread, not per
// process. A Go program runs its goroutines on many threads and moves them
// between threads at will. Three consequences:
//
//   - Operations on a Serial are safe from any goroutine: a serial names one
//     key whatever thread asks.
//   - A Special names "this thread's" keyring. UserKeyring and
//     UserSessionKeyring are the same on every thread of a process; so are
//     SessionKeyring and ProcessKeyring as long as nothing has changed one
//     thread, which the library never does behind your back. ThreadKeyring
//     differs on every thread: use it only from a goroutine locked with
//     runtime.LockOSThread. The library resolves SessionKeyring and
//     ProcessKeyring without creating a keyring (see Special).
//   - Joining a session keyring (KEYCTL_JOIN_SESSION_KEYRING), assuming a
//     request-key authority, or setting the default request-key keyring
//     changes the calling thread only. Done on an ordinary goroutine, the
//     change lands on a random thread and is seen by whatever goroutine the
//     runtime schedules there later; children started from other threads
//     do not inherit it.
//
// Session packages the safe ways to change session keyrings. Start and Run
// launch a program (an exec.Cmd) in a new or named session keyring: the
// child is forked from a thread that joined the keyring and that the
// runtime then discards, so no thread of the caller changes. Exec replaces
// the process image, joining and calling execve on the same thread.
// JoinProcess moves every thread of the process, and so the threads the
// runtime creates later, into one keyring (ExecSelf is the alternative for
// programs that link cgo). ToParent gives a new keyring to the parent
// process, as keyctl new_session does; the kernel only allows it for a
// single-threaded parent such as a shell. CurrentSession tells whether the
// calling thread has a session keyring of its own or falls back to the
// user-session keyring.
//
// What the library guarantees: no function leaves a thread that the runtime
// may reuse with changed keyring credentials; every thread change happens
// on a goroutine that locks its thread and either exits without unlocking
// it, so that the runtime terminates the thread, or undoes the change
// before unlocking (a Construction gives its authority up when finished).
// What you must not do: call JoinSessionKeyring,
// JoinAnonymousSessionKeyring, AssumeAuthority or SetReqKeyKeyring from a
// goroutine that is not locked to its thread, or unlock a thread after
// calling them on it (use Session, or lock the thread for good, as keyctl
// does for its whole run).
//
// The session operations may run concurrently with each other and with
// JoinProcess: JoinProcess waits until no other operation of the package
// is joining a keyring, starting a program from a joined thread or
// reporting the session keyring, and they wait while it runs. A thread
// that you locked and joined to a keyring of its own is moved by a later
// JoinProcess like every other thread; see Session.
//
// # Construction
//
// When request_key(2) finds no key and callout information is given, the
// kernel runs /sbin/request-key to construct one; Instantiate, Negate and
// Reject are that side of the protocol (see cmd/request-key and package
// requestkey).
//
// # Explaining and walking
//
// The kernel answers EACCES, ENOKEY and EDQUOT without saying why. Why
// tells whether the caller may do one thing to a key and why (owner,
// group, mask, state, possession and the chain of keyrings that gives it,
// the class of rights applied, remedies); Info adds what only /proc/keys
// tells (state flags, expiry, usage) to a key's description; WalkKeys
// walks a tree of keys in the manner of io/fs.WalkDir, reporting keys that
// cannot be described instead of failing. Package diagnose examines the
// whole key environment (keyctl doctor).
package keyutils

//go:build !linux

package keyutils

import (
	"fmt"
	"os/exec"
)

// Session names a session keyring to join: a new anonymous keyring (the
// zero value; the kernel calls it "_ses") or, when Name is set, the
// keyring called Name, which is created if no keyring of that name that
// the caller may search exists. See session-keyring(7).
//
// The methods differ in whose session keyring changes:
//
//   - Start, StartWithKeys, Run and Exec give a new program the keyring
//     and leave every thread of the calling process as it was: the work
//     happens on a locked OS thread that the runtime discards afterwards.
//   - JoinProcess moves every thread of the calling process into the
//     keyring, threads created later included; ExecSelf restarts the
//     program in it, the alternative when cgo is linked.
//   - ToParent gives the keyring to the parent process (keyctl
//     new_session).
//   - Join changes only the calling OS thread: the building block, for
//     programs that lock a thread for keyring work themselves.
//
// All of them may be called from any goroutine, concurrently with each
// other and with the other functions of the package: the methods that
// work on a discarded thread, Join, CurrentSession and the raw join
// functions wait while a JoinProcess is moving the threads, and
// JoinProcess waits until they are done, so no program is started, no
// keyring handed to the parent and no thread joined in a keyring that
// JoinProcess is replacing. What JoinProcess cannot order is a thread that
// stays in a keyring of its own after Join returns (a thread the caller
// locked, as keyctl does): JoinProcess moves it too, like every other
// thread. A program that keeps such threads must not call JoinProcess,
// and no program may change a thread's session keyring behind the
// package's back (a raw keyctl system call, C code) while a JoinProcess
// may run: the runtime aborts the program when the threads' results
// differ (see JoinProcess).
type Session struct {
	// Name is the name of the session keyring to join or create; empty
	// means a new anonymous session keyring.
	Name string
}

// Join makes the calling OS thread join s (KEYCTL_JOIN_SESSION_KEYRING).
// On this system it fails with ErrUnsupported.
func (s Session) Join() (Serial, error) { return 0, notLinux("join_session_keyring", nil) }

// Start starts cmd in s. On this system it fails with ErrUnsupported and
// does not start cmd.
func (s Session) Start(cmd *exec.Cmd) (Serial, error) {
	return 0, notLinux("join_session_keyring", nil)
}

// Run is Start followed by cmd.Wait. On this system it fails with
// ErrUnsupported and does not start cmd.
func (s Session) Run(cmd *exec.Cmd) (Serial, error) {
	return 0, notLinux("join_session_keyring", nil)
}

// Exec replaces the calling process with the program at path in s. On
// this system it fails with ErrUnsupported and does not exec.
func (s Session) Exec(path string, argv, envv []string) error {
	return notLinux("join_session_keyring", nil)
}

// ExecSelf re-executes the running program in s. On this system it fails
// with ErrUnsupported and does not exec.
func (s Session) ExecSelf(env ...string) error {
	return notLinux("join_session_keyring", nil)
}

// ErrCgo is returned (wrapped) by JoinProcess in programs that link cgo,
// where the runtime cannot change the credentials of every thread.
var ErrCgo = fmt.Errorf("cannot change the session keyring of every thread of a program that links cgo (use Session.ExecSelf instead): %w", ErrUnsupported)

// JoinProcess moves every OS thread of the calling process into s. On this
// system it fails with ErrUnsupported.
func (s Session) JoinProcess() (Serial, error) {
	return 0, notLinux("join_session_keyring", nil)
}

// ToParent gives s to the parent of the calling process. On this system
// it fails with ErrUnsupported.
func (s Session) ToParent() (Serial, error) {
	return 0, notLinux("join_session_keyring", nil)
}

// SessionInfo describes the session keyring of the calling thread.
type SessionInfo struct {
	// Serial is the keyring @s means for the calling thread.
	Serial Serial
	// Own is false when the thread has no session keyring of its own and
	// @s falls back to the user-session keyring (@us), as in processes
	// that no login or keyctl session set up. A process that explicitly
	// joined the user-session keyring by name looks the same.
	Own bool
	// Description is the keyring's description ("_ses" for an anonymous
	// session keyring, "_uid_ses.<uid>" for the user-session keyring).
	Description Description
	// Members are the serials of the keys linked into the keyring.
	Members []Serial
}

// CurrentSession reports on the calling thread's session keyring. On this
// system it fails with ErrUnsupported.
func CurrentSession() (SessionInfo, error) {
	return SessionInfo{}, notLinux("get_keyring_id", SessionKeyring)
}

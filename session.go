package keyutils

import (
	"os"
	"os/exec"
	"strings"
	"sync"
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

// sessionMu orders the operations on session keyrings against
// JoinProcess, which changes the session keyring of every thread of the
// process, with syscall.AllThreadsSyscall, and so also reaches the locked
// threads on which the other operations have joined a keyring of their
// own: JoinProcess holds it for writing, the operations that join (or
// report) a thread's session keyring hold it for reading while they do.
// It guards kernel state that is per process: the keyrings of the
// process's threads.
var sessionMu sync.RWMutex

// Run is Start followed by cmd.Wait.
func (s Session) Run(cmd *exec.Cmd) (Serial, error) {
	id, err := s.Start(cmd)
	if err != nil {
		return id, err
	}
	return id, cmd.Wait()
}

// ExecSelf re-executes the running program (/proc/self/exe, with os.Args
// and os.Environ plus env, entries "KEY=value") in s; every thread of the
// new image inherits the keyring. A program that must run wholly in a
// session keyring calls it early, marking the restart in env so that it
// does not loop:
//
//	if os.Getenv("MYPROG_IN_SESSION") == "" {
//		err := keyutils.Session{}.ExecSelf("MYPROG_IN_SESSION=1")
//		log.Fatal(err) // only reached if the exec failed
//	}
//
// It is the alternative to JoinProcess in programs that link cgo.
func (s Session) ExecSelf(env ...string) error {
	return s.Exec("/proc/self/exe", os.Args, append(os.Environ(), env...))
}

// ErrCgo is returned (wrapped) by JoinProcess in programs that link cgo,
// where the runtime cannot change the credentials of every thread.
// It wraps ErrUnsupported.
var ErrCgo error = cgoError{}

// cgoError is ErrCgo's type: a value made without fmt, whose first use at
// package initialisation would cost every program's start-up.
type cgoError struct{}

func (cgoError) Error() string {
	return "cannot change the session keyring of every thread of a program that links cgo (use Session.ExecSelf instead): " + ErrUnsupported.Error()
}

func (cgoError) Unwrap() error { return ErrUnsupported }

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

// CurrentSession reports on the calling thread's session keyring: which
// keyring it is, whether it is the thread's own or the user-session
// fallback, and what it contains. It creates no keyring of its own: only
// @s is resolved (without creation), and @us only when @s may be it, in
// which case it exists already. (In a thread without a session keyring,
// resolving @s makes the kernel create the user's keyrings if they do not
// exist yet and record the user-session keyring as the thread's session
// keyring, which changes nothing that @s means.)
func CurrentSession() (SessionInfo, error) {
	// A JoinProcess would change the keyring between the calls below.
	sessionMu.RLock()
	defer sessionMu.RUnlock()
	var info SessionInfo
	s, err := SessionKeyring.Resolve()
	if err != nil {
		return info, err
	}
	info.Serial, info.Own = s, true
	if info.Description, err = Describe(s); err != nil {
		return info, err
	}
	if strings.HasPrefix(info.Description.Description, "_uid_ses.") {
		us, err := UserSessionKeyring.Resolve()
		if err != nil {
			return info, err
		}
		info.Own = s != us
	}
	info.Members, err = ReadKeyring(s)
	return info, err
}

package keyutils

import (
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Join makes the calling OS thread join s and returns the keyring's
// serial (KEYCTL_JOIN_SESSION_KEYRING). Only the calling thread changes.
// Call it from a goroutine that has called runtime.LockOSThread and will
// exit without unlocking (the runtime then discards the thread), or from a
// program that does all its keyring work on one locked thread, as keyctl
// does; otherwise the runtime reuses the changed thread for other
// goroutines at random.
//
// The kernel finds a named keyring only if the caller may search it
// without possessing it (UsrSearch, or OthSearch or GrpSearch as they
// apply). The keyrings it creates for a join lack that permission, so
// joining the same Name twice gives two keyrings of that name unless the
// first has been given UsrSearch (SetPerm), as JoinProcess does for the
// moment it needs it.
func (s Session) Join() (Serial, error) {
	sessionMu.RLock()
	defer sessionMu.RUnlock()
	return s.join()
}

// join is Join for callers that hold sessionMu.
func (s Session) join() (Serial, error) {
	if s.Name == "" {
		return joinAnonymousSessionKeyring()
	}
	id, err := joinSessionKeyring(s.Name)
	if err == nil && id == 0 {
		// The kernel answers 0 when the thread is in that keyring
		// already; it is still the keyring joined.
		return SessionKeyring.Resolve()
	}
	return id, err
}

// onDiscardedThread runs f on a new goroutine locked to its OS thread and
// returns f's results. The goroutine exits without unlocking, so the
// runtime terminates the thread, with whatever credentials f gave it,
// instead of reusing it.
func onDiscardedThread[T any](f func() (T, error)) (T, error) {
	type result struct {
		v   T
		err error
	}
	ch := make(chan result, 1)
	go func() {
		runtime.LockOSThread()
		v, err := f()
		ch <- result{v, err}
	}()
	r := <-ch
	return r.v, r.err
}

// onSessionThread is onDiscardedThread for an operation that joins a
// session keyring on the discarded thread: JoinProcess waits until it is
// done (see sessionMu).
func onSessionThread[T any](f func() (T, error)) (T, error) {
	sessionMu.RLock()
	defer sessionMu.RUnlock()
	return onDiscardedThread(f)
}

// Start starts cmd (see exec.Cmd.Start) in s and returns the session
// keyring's serial. The process is forked from a thread that has joined s
// and is then discarded, so the child and everything it starts inherit the
// keyring while no thread of the caller changes. For an anonymous session
// the child holds the only reference: the kernel destroys the keyring
// when the last process in it exits. Start may be called from any
// goroutine, concurrently.
func (s Session) Start(cmd *exec.Cmd) (Serial, error) {
	return onSessionThread(func() (Serial, error) {
		id, err := s.join()
		if err != nil {
			return 0, err
		}
		return id, cmd.Start()
	})
}

// Exec replaces the calling process with the program at path, run with
// argv and envv (see syscall.Exec), in s. The join and the execve happen
// on the same locked thread, the only way the new image can inherit the
// keyring. On success Exec does not return. If the execve fails, the
// thread that joined is discarded and the calling process is unchanged.
// path is not searched for in PATH: use exec.LookPath first.
func (s Session) Exec(path string, argv, envv []string) error {
	_, err := onSessionThread(func() (struct{}, error) {
		if _, err := s.join(); err != nil {
			return struct{}{}, err
		}
		return struct{}{}, &os.PathError{Op: "exec", Path: path, Err: syscall.Exec(path, argv, envv)}
	})
	return err
}

// JoinProcess moves every OS thread of the calling process into s, so
// that SessionKeyring means the same keyring on every goroutine; threads
// the runtime creates later are cloned from these and inherit it. It
// returns the keyring's serial.
//
// How: syscall.AllThreadsSyscall can only have every thread join a keyring
// by name, and it terminates the program if the threads' results differ.
// A thread's result differs when it is already in the keyring (the kernel
// then answers 0) or when it cannot find the keyring by name and creates
// another. So JoinProcess first checks that every thread has the same
// credentials (which decide what a name finds); then, on a discarded
// thread, it creates a new keyring under an unguessable name with owner
// search permission, which joining by name requires, and has every thread
// join it: no thread can be in it yet, so all results agree. For an
// anonymous Session that keyring is the result, and its search permission
// is withdrawn at once, so that nobody else can join it by name (its
// description is "_ses.<random>", not "_ses"). For a named Session every
// thread, now in the same state, goes on to join s.Name, which the
// discarded thread has created or found and made searchable for the
// moment.
//
// JoinProcess waits until no other operation of the package is joining a
// keyring or starting a program from a joined thread, and they wait for
// it; threads the caller locked and left in keyrings of their own (Join)
// are moved like the others (see Session).
//
// In programs that link cgo it returns an error wrapping ErrCgo; use
// ExecSelf. (The race detector links cgo.)
func (s Session) JoinProcess() (Serial, error) {
	if err := sameCredsOnAllThreads(); err != nil {
		return 0, err
	}
	// No other operation may join a keyring meanwhile (see sessionMu): a
	// thread that joined the temporary or the named keyring by itself
	// would answer differently, and a program started from a thread that
	// is moved in the middle would not get the keyring it was given.
	sessionMu.Lock()
	defer sessionMu.Unlock()
	return onDiscardedThread(func() (Serial, error) {
		var named Serial
		if s.Name != "" {
			// Create or find the named keyring first, searchable for the
			// moment; this thread is in it, so it must leave it (for the
			// temporary keyring) before the threads join it together.
			id, err := s.join()
			if err != nil {
				return 0, err
			}
			// Nothing else may hold the keyring: keep it alive in this
			// thread's thread keyring (which dies with the thread) while
			// the threads pass through the temporary keyring.
			if err := Link(id, ThreadKeyring); err != nil {
				return 0, err
			}
			restore, err := grantSearch(id)
			if err != nil {
				return 0, err
			}
			defer restore()
			named = id
		}
		var b [16]byte
		if err := getRandom(b[:]); err != nil {
			return 0, err
		}
		tmp := "_ses." + hex.EncodeToString(b[:])
		// The new keyring lives in this thread's thread keyring until the
		// threads hold it; that keyring dies with this discarded thread.
		id, err := AddKey("keyring", tmp, nil, ThreadKeyring)
		if err != nil {
			return 0, err
		}
		const anonPerm = PosAll | UsrView | UsrRead // what the kernel gives "_ses"
		if err := SetPerm(id, anonPerm|UsrSearch); err != nil {
			return 0, err
		}
		err = joinAllThreads(tmp, id)
		SetPerm(id, anonPerm)
		if err != nil || named == 0 {
			return id, err
		}
		return named, joinAllThreads(s.Name, named)
	})
}

// getRandom fills b from the kernel's random number generator with
// getrandom(2), as crypto/rand.Read does on Linux, without importing
// crypto/rand: that package pulls crypto packages whose initialisation
// every program linking this one would pay at start-up (keyctl among
// them, which never needs a random name).
func getRandom(b []byte) error {
	for len(b) > 0 {
		n, err := unix.Getrandom(b, 0)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return newError("getrandom", 0, err)
		}
		b = b[n:]
	}
	return nil
}

// grantSearch gives the owner of keyring id search permission, if it
// lacks it, and returns the function that restores the mask.
func grantSearch(id Serial) (func(), error) {
	d, err := Describe(id)
	if err != nil {
		return nil, err
	}
	if d.Perm&UsrSearch != 0 {
		return func() {}, nil
	}
	if err := SetPerm(id, d.Perm|UsrSearch); err != nil {
		return nil, err
	}
	return func() { SetPerm(id, d.Perm) }, nil
}

// joinAllThreads has every thread join the keyring called name, which
// must be id, with syscall.AllThreadsSyscall.
func joinAllThreads(name string, id Serial) error {
	nb := append([]byte(name), 0)
	r, _, e := syscall.AllThreadsSyscall(unix.SYS_KEYCTL, unix.KEYCTL_JOIN_SESSION_KEYRING, uintptr(unsafe.Pointer(&nb[0])), 0)
	runtime.KeepAlive(nb)
	switch {
	case e == syscall.ENOTSUP:
		return newError("join_session_keyring", int32(id), ErrCgo)
	case e != 0:
		return newError("join_session_keyring", int32(id), e)
	case Serial(r) != id:
		return newError("join_session_keyring", int32(id), fmt.Errorf("threads joined keyring %d, not %d", int32(r), id))
	}
	return nil
}

// sameCredsOnAllThreads checks that every thread of the process has the
// same uid, gid and groups, as /proc/self/task/*/status reports them.
func sameCredsOnAllThreads() error {
	tasks, err := os.ReadDir("/proc/self/task")
	if err != nil {
		return err
	}
	var first string
	for _, t := range tasks {
		b, err := os.ReadFile("/proc/self/task/" + t.Name() + "/status")
		if err != nil {
			continue // the thread has exited
		}
		var creds []string
		for _, line := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(line, "Uid:") || strings.HasPrefix(line, "Gid:") || strings.HasPrefix(line, "Groups:") {
				creds = append(creds, line)
			}
		}
		c := strings.Join(creds, "\n")
		if first == "" {
			first = c
		} else if c != first {
			return newError("join_session_keyring", 0, fmt.Errorf("threads of this process have different credentials (thread %s); refusing to join on all threads: %w", t.Name(), ErrPermission))
		}
	}
	return nil
}

// ToParent gives s to the parent of the calling process, as keyctl
// new_session does: on a discarded thread it joins s, then replaces the
// parent's session keyring with it (KEYCTL_SESSION_TO_PARENT). The parent
// sees the keyring when it next returns to user space. It returns the
// keyring's serial.
//
// The kernel refuses (ErrPermission, EPERM) when the parent is
// multithreaded (every Go program is), is init, runs as another user or
// group, or is set-user-ID; the error then says which of these applies.
func (s Session) ToParent() (Serial, error) {
	return onSessionThread(func() (Serial, error) {
		id, err := s.join()
		if err != nil {
			return 0, err
		}
		if err := sessionToParent(); err != nil {
			if errors.Is(err, unix.EPERM) {
				return 0, newError("session_to_parent", int32(id), &parentError{unix.EPERM, parentRefusal(os.Getppid())})
			}
			return 0, err
		}
		return GetKeyringID(SessionKeyring, false)
	})
}

// parentError is EPERM from KEYCTL_SESSION_TO_PARENT with the reason.
type parentError struct {
	errno  unix.Errno
	reason string
}

func (e *parentError) Error() string { return e.errno.Error() + ": " + e.reason }
func (e *parentError) Unwrap() error { return e.errno }

// parentRefusal explains why the kernel refuses to change the session
// keyring of process ppid, from what /proc says of it.
func parentRefusal(ppid int) string {
	if ppid == 1 {
		return "the parent is init"
	}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(ppid) + "/status")
	if err != nil {
		return "the parent must be single-threaded, not init, with the same uid and gid, and not set-user-ID"
	}
	status := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok {
			status[k] = strings.Join(strings.Fields(v), " ")
		}
	}
	if n, _ := strconv.Atoi(status["Threads"]); n > 1 {
		return fmt.Sprintf("the parent (pid %d, %s) has %d threads and the kernel only changes single-threaded parents; Go programs are always multithreaded", ppid, status["Name"], n)
	}
	uids, gids := strings.Fields(status["Uid"]), strings.Fields(status["Gid"])
	if len(uids) == 4 && len(gids) == 4 {
		if uids[0] != uids[1] || gids[0] != gids[1] {
			return fmt.Sprintf("the parent (pid %d, %s) runs set-user-ID or set-group-ID", ppid, status["Name"])
		}
		if uids[1] != strconv.Itoa(os.Geteuid()) || gids[1] != strconv.Itoa(os.Getegid()) {
			return fmt.Sprintf("the parent (pid %d, %s) runs as another user or group", ppid, status["Name"])
		}
	}
	return "the parent must be single-threaded, not init, with the same uid and gid, and not set-user-ID"
}

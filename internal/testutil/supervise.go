//go:build linux

package testutil

// Changes to the machine that are undone even when the test process is
// killed.
//
// A test that must change the machine itself (replace /sbin/request-key,
// add a file to /etc/request-key.d) does it through Supervise (and a test
// that runs a program which changes it, such as an installer, guards the
// paths that program may change: see guard.go). Supervise
// starts a supervisor process, the test binary re-executed, before anything
// is changed; the supervisor makes the changes for the test and undoes them
// when asked to (Supervisor.Restore, also at cleanup) or when its standard
// input, a pipe whose only writer is the test process, reaches end of file:
// after the test process has exited, however it exited (SIGKILL, the panic
// of -test.timeout, a crash). The supervisor has a session and process
// group of its own and ignores SIGINT, SIGTERM, SIGHUP, SIGQUIT and
// SIGPIPE, so neither a terminal's ^C nor a signal sent to the test's
// process group takes it down before it has restored.
//
// Runs are serialised, on the machine, by flock(2) on an existing directory
// (LockDir), never by a lock file: the lock is held by the test process and
// by its supervisor (which inherits the descriptor), so it is released when
// the last of them has exited, that is when the machine is restored, and a
// lock is never held by a dead process. A second run waits for it, for a
// bounded time.
//
// When even the supervisor was killed, what is left on disk describes
// itself: a replaced file's original is kept as a hard link named
// ".NAME.keyutils-go-test-backup-HASH" next to it (HASH: the start of the
// SHA-256 of the content installed in its place), a file being written is
// ".NAME.keyutils-go-test-tmp", and created files match the globs the test
// declares (Config.Leftovers). Supervise, holding the lock, first undoes
// what such a killed run left (nobody holds the lock, so nobody uses it)
// and logs it; it refuses nothing. It never restores over a state it did
// not create: a file that someone else replaced after us is left as it is.

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// envSupervisor makes the test binary run as a supervisor (see init).
const envSupervisor = "KEYUTILS_TEST_SUPERVISOR"

// EnvLockFD hands a test process a lock that its parent holds: set it to
// the number of an inherited descriptor of the locked directory (for
// example 3, the first of exec.Cmd.ExtraFiles) and LockDir uses that lock
// instead of waiting for it. Tests that start a test process which must
// change the machine while they check the machine use it.
const EnvLockFD = "KEYUTILS_TEST_LOCK_FD"

// Names of the files a supervisor leaves while it works.
const (
	tmpSuffix   = ".keyutils-go-test-tmp"
	backupInfix = ".keyutils-go-test-backup-"
)

// DefaultLockWait is how long LockDir waits for another run by default.
const DefaultLockWait = 3 * time.Minute

func init() {
	if os.Getenv(envSupervisor) == "1" {
		os.Exit(supervisorMain())
	}
}

// Config says what a supervisor may change and which lock serialises it.
type Config struct {
	// LockDir is the existing directory LockDir locks. It is not used if
	// Lock is set.
	LockDir string
	// Lock, if set, is a lock from LockDir the caller holds; Supervise
	// does not close it.
	Lock *os.File
	// Wait bounds the wait for LockDir (DefaultLockWait if zero).
	Wait time.Duration
	// Files lists the files Replace may replace: real paths, whose last
	// element is not a symbolic link. The same lock must always be used
	// for them.
	Files []string
	// Leftovers lists glob patterns that match the files Create may
	// create and nothing else: whatever matches them when Supervise
	// starts was left by a killed run and is removed.
	Leftovers []string
	// Journal is the file (an absolute path) where Guard records the
	// state of the paths it guards; a journal left by a killed run is
	// restored from when Supervise starts. The same lock must always be
	// used for it. Needed only by Guard (see guard.go).
	Journal string
}

// A Supervisor makes changes to the machine for a test and undoes them
// (see the comment at the top of supervise.go).
type Supervisor struct {
	t    testing.TB
	cfg  Config
	cmd  *exec.Cmd
	req  *os.File // the write end of the supervisor's standard input
	rep  *os.File // the read end of its replies
	dec  *json.Decoder
	enc  *json.Encoder
	done chan struct{} // closed when the supervisor has exited

	mu   sync.Mutex
	dead error // why the supervisor cannot be used any more

	// Recovered lists what the supervisor undid when it started, left by
	// earlier runs that were killed.
	Recovered []string
}

// request is a message to the supervisor, one JSON value each.
type request struct {
	Op        string // "recover", "replace", "create", "guard" or "restore"
	Path      string
	From      string      // replace: the file to install at Path
	Data      []byte      // create: the content
	Perm      fs.FileMode // create: the permissions
	Files     []string    // recover
	Leftovers []string    // recover
	Paths     []string    // guard
	Journal   string      // recover, guard
}

// reply is the supervisor's answer to a request.
type reply struct {
	Log []string // what it did
	Err string
}

// Supervise locks (unless cfg.Lock is set) and starts a supervisor, which
// first undoes what killed runs left in cfg.Files and cfg.Leftovers (see
// Recovered). The changes are undone at the test's cleanup at the latest;
// the lock is released after that.
func Supervise(t testing.TB, cfg Config) *Supervisor {
	t.Helper()
	lock := cfg.Lock
	if lock == nil {
		lock = LockDir(t, cfg.LockDir, cfg.Wait)
	}
	for _, f := range cfg.Files {
		if !filepath.IsAbs(f) {
			t.Fatalf("Supervise: %s is not an absolute path", f)
		}
	}
	inR, inW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	repR, repW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	// -test.run=^$: should the variable get lost, the binary runs no test.
	cmd := exec.Command("/proc/self/exe", "-test.run=^$")
	cmd.Args[0] = os.Args[0]
	// Under the race detector a process sleeps a second before it exits,
	// holding the lock: not the supervisor.
	cmd.Env = append(os.Environ(), envSupervisor+"=1", "GORACE="+strings.TrimSpace(os.Getenv("GORACE")+" atexit_sleep_ms=0"))
	cmd.Stdin = inR
	cmd.Stderr = os.Stderr
	cmd.ExtraFiles = []*os.File{lock, repW} // 3 and 4
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	err = cmd.Start()
	inR.Close()
	repW.Close()
	if err != nil {
		inW.Close()
		repR.Close()
		t.Fatalf("starting the supervisor: %v", err)
	}
	s := &Supervisor{t: t, cfg: cfg, cmd: cmd, req: inW, rep: repR, done: make(chan struct{}),
		dec: json.NewDecoder(repR), enc: json.NewEncoder(inW)}
	go func() { cmd.Wait(); close(s.done) }()
	t.Cleanup(s.stop)

	rep, err := s.call(request{Op: "recover", Files: cfg.Files, Leftovers: cfg.Leftovers, Journal: cfg.Journal})
	if err != nil {
		t.Fatalf("supervisor: %v", err)
	}
	for _, l := range rep.Log {
		t.Logf("undone, left by an earlier run that was killed: %s", l)
	}
	s.Recovered = rep.Log
	if rep.Err != "" {
		t.Fatalf("undoing what an earlier run left: %s", rep.Err)
	}
	return s
}

// Pid returns the supervisor's process ID.
func (s *Supervisor) Pid() int { return s.cmd.Process.Pid }

// Replace installs the content of the file from at path, which must be one
// of Config.Files, atomically and with the metadata (mode, owner) of the
// file it replaces; the original is kept as a hard link and put back by
// Restore.
func (s *Supervisor) Replace(path, from string) {
	s.t.Helper()
	if !contains(s.cfg.Files, path) {
		s.t.Fatalf("Replace: %s is not in Config.Files", path)
	}
	s.do(request{Op: "replace", Path: path, From: from})
}

// Create creates the file path, which must match one of Config.Leftovers
// and must not exist, atomically, with content data and permissions perm;
// Restore removes it.
func (s *Supervisor) Create(path string, data []byte, perm fs.FileMode) {
	s.t.Helper()
	if !matchesAny(s.cfg.Leftovers, path) {
		s.t.Fatalf("Create: %s matches no pattern of Config.Leftovers", path)
	}
	s.do(request{Op: "create", Path: path, Data: data, Perm: perm})
}

func (s *Supervisor) do(req request) {
	s.t.Helper()
	rep, err := s.call(req)
	if err == nil && rep.Err != "" {
		err = errors.New(rep.Err)
	}
	if err != nil {
		s.t.Fatalf("supervisor: %s %s: %v", req.Op, req.Path, err)
	}
}

// Restore undoes the changes made so far, and returns when they are
// undone. It can be called more than once. Should the supervisor have
// died, it undoes them itself from what is on disk, and reports it.
func (s *Supervisor) Restore() error {
	s.t.Helper()
	rep, err := s.call(request{Op: "restore"})
	if err != nil {
		logs, rerr := recoverState(s.cfg.Files, s.cfg.Leftovers)
		jlogs, jerr := recoverJournal(s.cfg.Journal)
		logs, rerr = append(logs, jlogs...), errors.Join(rerr, jerr)
		for _, l := range logs {
			s.t.Logf("undone by the test process: %s", l)
		}
		return errors.Join(fmt.Errorf("supervisor: %w", err), rerr)
	}
	for _, l := range rep.Log {
		s.t.Logf("supervisor: %s", l)
	}
	if rep.Err != "" {
		return errors.New(rep.Err)
	}
	return nil
}

// stop restores, then has the supervisor exit and waits for it.
func (s *Supervisor) stop() {
	if err := s.Restore(); err != nil {
		s.t.Error(err)
	}
	s.req.Close() // end of file: the supervisor exits
	select {
	case <-s.done:
	case <-time.After(time.Minute):
		s.t.Errorf("supervisor %d still running a minute after its test ended; killing it", s.Pid())
		s.cmd.Process.Kill()
		<-s.done
	}
	s.rep.Close()
}

// call sends req and reads the reply, within a bounded time.
func (s *Supervisor) call(req request) (reply, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var rep reply
	if s.dead != nil {
		return rep, s.dead
	}
	deadline := time.Now().Add(2 * time.Minute)
	s.req.SetWriteDeadline(deadline)
	s.rep.SetReadDeadline(deadline)
	err := s.enc.Encode(req)
	if err == nil {
		err = s.dec.Decode(&rep)
	}
	if err != nil {
		s.dead = fmt.Errorf("supervisor %d gone (%s: %v)", s.Pid(), req.Op, err)
		return rep, s.dead
	}
	return rep, nil
}

// LockDir takes an exclusive flock(2) lock on the existing directory dir,
// which serialises the runs (test processes, on the whole machine) that
// change what the lock protects. It waits at most wait (DefaultLockWait
// if zero), and never past the test's deadline, then fails the test
// naming the holder. The lock is released at the test's cleanup, and by
// the kernel if the process dies; Supervise hands it to the supervisor.
//
// In a test process started with EnvLockFD, LockDir returns (a duplicate
// of) the inherited lock, at once.
func LockDir(t testing.TB, dir string, wait time.Duration) *os.File {
	t.Helper()
	return lockDir(t, dir, wait, unix.LOCK_EX)
}

// LockDirShared is LockDir with a shared lock, for tests that depend on
// what the holders of the exclusive lock change (that /sbin/request-key
// is the original, say) without changing it.
func LockDirShared(t testing.TB, dir string, wait time.Duration) *os.File {
	t.Helper()
	return lockDir(t, dir, wait, unix.LOCK_SH)
}

func lockDir(t testing.TB, dir string, wait time.Duration, how int) *os.File {
	t.Helper()
	if f := inheritedLock(t, dir); f != nil {
		t.Cleanup(func() { f.Close() })
		return f
	}
	f, err := os.Open(dir)
	if err != nil {
		t.Fatalf("lock: %v", err)
	}
	if fi, err := f.Stat(); err != nil || !fi.IsDir() {
		f.Close()
		t.Fatalf("lock: %s is not a directory", dir)
	}
	t.Cleanup(func() { f.Close() })
	if wait <= 0 {
		wait = DefaultLockWait
	}
	start := time.Now()
	deadline := start.Add(wait)
	if td, ok := t.(interface{ Deadline() (time.Time, bool) }); ok {
		if d, ok := td.Deadline(); ok && d.Add(-30*time.Second).Before(deadline) {
			deadline = d.Add(-30 * time.Second)
		}
	}
	for logged := false; ; {
		err := unix.Flock(int(f.Fd()), how|unix.LOCK_NB)
		if err == nil {
			if logged {
				t.Logf("got the lock on %s after %v", dir, time.Since(start).Round(time.Millisecond))
			}
			return f
		}
		if !errors.Is(err, unix.EWOULDBLOCK) {
			t.Fatalf("flock %s: %v", dir, err)
		}
		if !logged {
			t.Logf("waiting for the lock on %s, held by %s", dir, lockHolders(f))
			logged = true
		}
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for the lock on %s, still held by %s: another test run is changing what it protects and has not finished", time.Since(start).Round(time.Second), dir, lockHolders(f))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

var inherited struct {
	sync.Mutex
	f *os.File
}

// inheritedLock returns a duplicate of the lock on dir named by EnvLockFD,
// or nil. The inherited descriptor is kept open (close-on-exec) for the
// life of the process, so the duplicates can be closed freely.
func inheritedLock(t testing.TB, dir string) *os.File {
	inherited.Lock()
	defer inherited.Unlock()
	if inherited.f == nil {
		v := os.Getenv(EnvLockFD)
		if v == "" {
			return nil
		}
		fd, err := strconv.Atoi(v)
		if err != nil || fd < 3 {
			t.Fatalf("%s=%q: not a descriptor", EnvLockFD, v)
		}
		unix.CloseOnExec(fd)
		inherited.f = os.NewFile(uintptr(fd), "inherited lock")
		os.Unsetenv(EnvLockFD)
	}
	var got, want unix.Stat_t
	if err := unix.Fstat(int(inherited.f.Fd()), &got); err != nil {
		t.Fatalf("%s: %v", EnvLockFD, err)
	}
	if err := unix.Stat(dir, &want); err != nil {
		t.Fatalf("lock: %v", err)
	}
	if got.Dev != want.Dev || got.Ino != want.Ino {
		return nil // a lock on another directory
	}
	fd, err := unix.FcntlInt(inherited.f.Fd(), unix.F_DUPFD_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	f := os.NewFile(uintptr(fd), dir)
	// Same open file description: succeeds at once if the parent holds
	// the lock, as it must.
	if err := unix.Flock(fd, unix.LOCK_EX|unix.LOCK_NB); err != nil {
		f.Close()
		t.Fatalf("%s: the inherited descriptor of %s is not locked by the parent: %v", EnvLockFD, dir, err)
	}
	return f
}

// lockHolders describes, from /proc/locks, the processes holding flock
// locks on f's file.
func lockHolders(f *os.File) string {
	var st unix.Stat_t
	if err := unix.Fstat(int(f.Fd()), &st); err != nil {
		return "?"
	}
	id := fmt.Sprintf("%02x:%02x:%d", unix.Major(uint64(st.Dev)), unix.Minor(uint64(st.Dev)), st.Ino)
	b, err := os.ReadFile("/proc/locks")
	if err != nil {
		return "?"
	}
	var who []string
	for _, l := range strings.Split(string(b), "\n") {
		f := strings.Fields(l)
		if len(f) < 6 || f[1] != "FLOCK" || f[5] != id {
			continue
		}
		c, _ := os.ReadFile("/proc/" + f[4] + "/cmdline")
		name, _, _ := strings.Cut(string(c), "\x00") // argv[0]: comm is "exe" after a re-exec
		if name == "" {
			name = "exited; its supervisor holds the lock until it has restored"
		}
		who = append(who, fmt.Sprintf("pid %s (%s, %s)", f[4], name, f[3]))
	}
	if len(who) == 0 {
		return "another process"
	}
	return strings.Join(who, ", ")
}

// The supervisor process.

// change is one change a supervisor made: a file replaced (backup set) or
// created.
type change struct {
	path, tmp, backup string
	orig              os.FileInfo // the original, kept as backup
	inst              os.FileInfo // the file installed at path
}

// supervisorMain is the supervisor: descriptor 0 carries requests, 3 is
// the lock (held until it exits), 4 carries replies.
func supervisorMain() int {
	signal.Ignore(syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT, syscall.SIGPIPE)
	lock := os.NewFile(3, "lock")
	replies := os.NewFile(4, "replies")
	dec := json.NewDecoder(bufio.NewReader(os.Stdin))
	enc := json.NewEncoder(replies)
	var changes []*change
	var guarded guards
	restoreAll := func() ([]string, error) {
		logs, err := restore(&changes)
		glogs, gerr := guarded.restore()
		return append(logs, glogs...), errors.Join(err, gerr)
	}
	for {
		var req request
		if err := dec.Decode(&req); err != nil {
			// The test process has exited (or is broken): restore.
			logs, err := restoreAll()
			for _, l := range logs {
				fmt.Fprintf(os.Stderr, "testutil supervisor %d: test process gone: %s\n", os.Getpid(), l)
			}
			if err != nil {
				fmt.Fprintf(os.Stderr, "testutil supervisor %d: RESTORE FAILED: %v\n", os.Getpid(), err)
			}
			break
		}
		var rep reply
		var err error
		switch req.Op {
		case "recover":
			rep.Log, err = recoverState(req.Files, req.Leftovers)
			jlogs, jerr := recoverJournal(req.Journal)
			rep.Log, err = append(rep.Log, jlogs...), errors.Join(err, jerr)
		case "replace":
			err = replace(&changes, req.Path, req.From)
		case "create":
			err = create(&changes, req.Path, req.Data, req.Perm)
		case "guard":
			err = guarded.add(req.Journal, req.Paths)
		case "restore":
			rep.Log, err = restoreAll()
		default:
			err = fmt.Errorf("unknown request %q", req.Op)
		}
		if err != nil {
			rep.Err = err.Error()
		}
		enc.Encode(rep) // if the test is gone, the next Decode says so
	}
	runtime.KeepAlive(lock)
	return 0
}

func tmpPath(path string) string {
	return filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+tmpSuffix)
}

func backupPrefix(path string) string {
	return filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+backupInfix)
}

// replace installs the content of from at path (see Supervisor.Replace).
// The change is recorded before path is touched, so that restore undoes
// whatever part of it was done.
func replace(changes *[]*change, path, from string) error {
	data, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	orig, err := os.Lstat(path)
	if err != nil {
		return err
	}
	if !orig.Mode().IsRegular() {
		return fmt.Errorf("%s is not a regular file", path)
	}
	tmp := tmpPath(path)
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	st := orig.Sys().(*syscall.Stat_t)
	_, err = f.Write(data)
	if err == nil {
		err = f.Chown(int(st.Uid), int(st.Gid))
	}
	if err == nil { // after Chown, which clears set-ID bits
		err = f.Chmod(orig.Mode() & (fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky))
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	var inst os.FileInfo
	if err == nil {
		inst, err = os.Lstat(tmp)
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	sum := sha256.Sum256(data)
	c := &change{path: path, tmp: tmp, backup: backupPrefix(path) + hex.EncodeToString(sum[:8]), orig: orig, inst: inst}
	if err := os.Link(path, c.backup); err != nil {
		os.Remove(tmp)
		return err
	}
	// From here on restore undoes it: if path was replaced by someone
	// else since the Lstat above, the backup is not orig and restore
	// leaves both alone and says so.
	*changes = append(*changes, c)
	return os.Rename(tmp, path)
}

// create creates path (see Supervisor.Create).
func create(changes *[]*change, path string, data []byte, perm fs.FileMode) error {
	tmp := tmpPath(path)
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Chmod(perm)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	var inst os.FileInfo
	if err == nil {
		inst, err = os.Lstat(tmp)
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	err = os.Link(tmp, path) // never overwrites
	os.Remove(tmp)
	if err != nil {
		return err
	}
	*changes = append(*changes, &change{path: path, tmp: tmp, inst: inst})
	return nil
}

// restore undoes changes, last first, idempotently, and forgets them.
func restore(changes *[]*change) (logs []string, err error) {
	var errs []error
	for i := len(*changes) - 1; i >= 0; i-- {
		c := (*changes)[i]
		if fi, err := os.Lstat(c.tmp); err == nil && os.SameFile(fi, c.inst) {
			os.Remove(c.tmp)
		}
		var l string
		var err error
		if c.backup == "" {
			l, err = removeCreated(c)
		} else {
			l, err = putBack(c.path, c.backup,
				func(bk os.FileInfo) bool { return os.SameFile(bk, c.orig) },
				func(cur os.FileInfo) bool { return os.SameFile(cur, c.inst) })
		}
		if l != "" {
			logs = append(logs, l)
		}
		errs = append(errs, err)
	}
	*changes = nil
	return logs, errors.Join(errs...)
}

func removeCreated(c *change) (string, error) {
	fi, err := os.Lstat(c.path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "", nil
	case err != nil:
		return "", err
	case !os.SameFile(fi, c.inst):
		return "", fmt.Errorf("%s is not the file we created (replaced since); left alone", c.path)
	}
	if err := os.Remove(c.path); err != nil {
		return "", err
	}
	return "removed " + c.path, nil
}

// putBack renames the backup bk over path, if bk is the original
// (isOrig) and path holds what we installed (isOurs) or nothing. If path
// still is the original, bk is only removed; if someone else replaced path
// since, bk is stale and removed, path is left alone, and the error says so.
func putBack(path, bk string, isOrig, isOurs func(os.FileInfo) bool) (string, error) {
	bi, err := os.Lstat(bk)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil // already restored
	}
	if err != nil {
		return "", err
	}
	if !isOrig(bi) {
		return "", fmt.Errorf("%s is not the backup we made; left alone", bk)
	}
	cur, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return "", err
	case os.SameFile(cur, bi):
		if err := os.Remove(bk); err != nil {
			return "", err
		}
		return "removed " + bk + " (" + path + " had not been replaced)", nil
	case !isOurs(cur):
		if err := os.Remove(bk); err != nil {
			return "", err
		}
		return "", fmt.Errorf("%s was replaced by someone else since we installed ours; left it alone and removed the stale backup %s", path, bk)
	}
	if err := os.Rename(bk, path); err != nil {
		return "", err
	}
	return "restored " + path + " from " + bk, nil
}

// recoverState undoes, from what is on disk, what a killed run left:
// backups of files are put back (if the file still holds what that run
// installed), temporary files and files matching leftovers removed. The
// caller holds the lock.
func recoverState(files, leftovers []string) (logs []string, err error) {
	var errs []error
	note := func(l string, err error) {
		if l != "" {
			logs = append(logs, l)
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	for _, path := range files {
		note(removeMatches(globQuote(tmpPath(path))))
		prefix := backupPrefix(path)
		bks, _ := filepath.Glob(globQuote(prefix) + "*")
		for _, bk := range bks {
			hash := strings.TrimPrefix(bk, prefix)
			l, err := putBack(path, bk,
				func(os.FileInfo) bool { return true },
				func(os.FileInfo) bool { return contentHash(path) == hash })
			if err != nil { // someone else replaced path: not ours to fix
				l, err = err.Error(), nil
			}
			note(l, err)
		}
	}
	for _, g := range leftovers {
		note(removeMatches(tmpPath(g)))
		note(removeMatches(g))
	}
	return logs, errors.Join(errs...)
}

// removeMatches removes the files matching the glob pattern.
func removeMatches(pattern string) (string, error) {
	ms, err := filepath.Glob(pattern)
	if err != nil {
		return "", err
	}
	var errs []error
	for _, m := range ms {
		if err := os.Remove(m); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	if len(ms) == 0 {
		return "", errors.Join(errs...)
	}
	return "removed " + strings.Join(ms, " "), errors.Join(errs...)
}

// contentHash is the hash in the names of backups of the file that path
// holds now.
func contentHash(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}

// globQuote quotes the metacharacters of filepath.Match in s.
func globQuote(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func matchesAny(patterns []string, path string) bool {
	for _, p := range patterns {
		if ok, _ := filepath.Match(p, path); ok {
			return true
		}
	}
	return false
}

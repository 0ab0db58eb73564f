//go:build linux

package main

import (
	"bufio"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/keyutils-go/keyutils"
	"github.com/keyutils-go/keyutils/internal/testutil"
	"golang.org/x/sys/unix"
)

// Set before main.go's init runs (variables are initialised before init
// functions): the test binary runs the tests, not request-key.
var _ = func() bool { testBinary = true; return true }()

func TestMain(m *testing.M) { testutil.Main(m) }

// EnvUpcall opts in to TestUpcall, which replaces the machine's
// /sbin/request-key for its duration.
const EnvUpcall = "KEYUTILS_TEST_UPCALL"

// TestUpcall runs request_key(2) through the real kernel upcall with our
// request-key installed as /sbin/request-key and a test configuration in
// /etc/request-key.d. Both are restored when the test ends, also when the
// test process is killed (see install).
func TestUpcall(t *testing.T) {
	needUpcall(t)
	dir := t.TempDir()
	bin := build(t, dir, ".", "request-key")
	gohandler := build(t, dir, "./testdata/gohandler", "gohandler")

	script := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
			t.Fatal(err)
		}
		return p
	}
	crash := script("crash.sh", "kill -SEGV $$")
	exit1 := script("exit1.sh", "exit 1")
	hang := script("hang.sh", "sleep 100")
	pipe := script("pipe.sh", `read x; printf 'piped:%s' "$x"; echo "diagnostic" >&2`)
	pipeFail := script("pipefail.sh", "echo oops >&2; exit 3")

	p := fmt.Sprintf("kgotest:%d:", os.Getpid())
	conf := strings.Join([]string{
		"#@timeout 2",
		"create user " + p + "inst:* * /bin/keyctl instantiate %k %c %S",
		"create user " + p + "neg:* * /bin/keyctl negate %k 30 %S",
		"create user " + p + "rej:* * /bin/keyctl reject %k 30 %c %S",
		"create user " + p + "keysub:* * /bin/keyctl instantiate %k %{user:" + p + "secret} %S",
		"create user " + p + "crash:* * " + crash,
		"create user " + p + "exit1:* * " + exit1,
		"create user " + p + "hang:* * " + hang + " %k",
		"create user " + p + "pipe:* * |" + pipe,
		"create user " + p + "pipefail:* * |" + pipeFail,
		"negate user " + p + "pipefail:* * /bin/keyctl reject %k 30 expired %S",
		// A pipe-form program that cannot be executed fails like one
		// that exits 1: the negate line runs.
		"create user " + p + "pipenox:* * |" + filepath.Join(dir, "missing"),
		"negate user " + p + "pipenox:* * /bin/keyctl reject %k 30 expired %S",
		"create user " + p + "go:* * " + gohandler + " %k",
		"create user " + p + "badmacro:* * /bin/keyctl instantiate %k %z %S",
		"create user " + p + "nopath:* * keyctl instantiate %k x %S",
		// keyctl lines run in process: a failing one still gets the key
		// negated.
		"create user " + p + "badid:* * /bin/keyctl instantiate 0 %c %S",
		"create user " + p + "badargs:* * /bin/keyctl negate %k %S",
		"create user " + p + "baderr:* * /bin/keyctl reject %k 30 nosuch %S",
	}, "\n") // no final newline: nothing may be chopped
	install(t, bin, conf)

	ring := testutil.Keyring(t)
	if _, err := keyutils.AddKey("user", p+"secret", []byte("s3cret"), ring); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		desc, callout string
		payload       string // expected payload, if the key is instantiated
		err           error  // expected error otherwise
		max           time.Duration
	}{
		{desc: "inst:1", callout: "hello", payload: "hello"},
		{desc: "neg:1", callout: "x", err: unix.ENOKEY},
		{desc: "rej:1", callout: "rejected", err: unix.EKEYREJECTED},
		{desc: "keysub:1", callout: "x", payload: "s3cret"},
		{desc: "crash:1", callout: "x", err: unix.ENOKEY},
		{desc: "exit1:1", callout: "x", err: unix.ENOKEY},
		{desc: "hang:1", callout: "x", err: unix.ENOKEY, max: 10 * time.Second},
		{desc: "pipe:1", callout: "abc", payload: "piped:abc"},
		{desc: "pipefail:1", callout: "x", err: unix.EKEYEXPIRED},
		{desc: "pipenox:1", callout: "x", err: unix.EKEYEXPIRED},
		{desc: "go:1", callout: "ok", payload: "go:" + p + "go:1:ok"},
		{desc: "go:2", callout: "reject", err: unix.EKEYREJECTED},
		{desc: "go:3", callout: "fail", err: unix.ENOKEY},
		{desc: "go:4", callout: "panic", err: unix.ENOKEY},
		{desc: "badmacro:1", callout: "x", err: unix.ENOKEY},
		{desc: "nopath:1", callout: "x", err: unix.ENOKEY},
		{desc: "badid:1", callout: "x", err: unix.ENOKEY},
		{desc: "badargs:1", callout: "x", err: unix.ENOKEY},
		{desc: "baderr:1", callout: "x", err: unix.ENOKEY},
		{desc: "nomatch:1", callout: "x", err: unix.ENOKEY},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			start := time.Now()
			id, err := keyutils.RequestKeyWithCallout("user", p+tc.desc, tc.callout, ring)
			if tc.max > 0 && time.Since(start) > tc.max {
				t.Errorf("request took %v, want at most %v", time.Since(start), tc.max)
			}
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("request: err = %v, want %v", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("request: %v", err)
			}
			got, err := keyutils.Read(id)
			if err != nil {
				t.Fatalf("read: %v", err)
			}
			if string(got) != tc.payload {
				t.Errorf("payload = %q, want %q", got, tc.payload)
			}
		})
	}
	// Keys we negate for failures expire after NegateTimeout, not the
	// kernel's 60 s.
	for _, d := range []string{"crash:1", "exit1:1", "hang:1", "go:3", "badmacro:1", "nomatch:1", "badid:1", "badargs:1", "baderr:1"} {
		if exp := expiry(t, p+d); !strings.HasSuffix(exp, "s") {
			t.Errorf("key %s: expiry %q, want seconds", d, exp)
		}
	}
}

// expiry returns the expiry column of /proc/keys for the user key desc.
func expiry(t *testing.T, desc string) string {
	b, err := os.ReadFile("/proc/keys")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		f := strings.Fields(l)
		if len(f) >= 9 && f[7] == "user" && strings.TrimSuffix(f[8], ":") == desc {
			return f[3]
		}
	}
	return ""
}

func build(t *testing.T, dir, pkg, name string) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool in PATH to build the helpers:", err)
	}
	out := filepath.Join(dir, name)
	cmd := exec.Command(goBin, "build", "-o", out, pkg)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, b)
	}
	return out
}

// confDir holds the configuration install adds; its lock serialises the
// runs that install (testutil.LockDir): a second run waits.
const confDir = "/etc/request-key.d"

// confGlob matches, in confDir, the configuration files of ours; the
// installing process's pid fills the *.
const confGlob = "00-keyutils-go-test-*.conf"

// envHelper, set to the path of a request-key build, makes
// TestUpcallHelperProcess install it and wait to be killed.
const envHelper = "KEYUTILS_TEST_UPCALL_HELPER"

// needUpcall skips the test unless the machine may be changed.
func needUpcall(t *testing.T) {
	t.Helper()
	if os.Getenv(EnvUpcall) != "1" {
		t.Skip("set " + EnvUpcall + "=1 (as root) to install our request-key as /sbin/request-key for this test")
	}
	if os.Geteuid() != 0 {
		t.Skip("needs root: installs /sbin/request-key")
	}
}

// requestKeyPath returns the real path of /sbin/request-key (/sbin may be
// a symlink), the file install replaces.
func requestKeyPath(t *testing.T) string {
	t.Helper()
	target, err := filepath.EvalSymlinks("/sbin/request-key")
	if err != nil {
		t.Fatalf("no /sbin/request-key to replace: %v", err)
	}
	return target
}

// supervisorConfig is what install may change, for testutil.Supervise.
func supervisorConfig(target string, lock *os.File) testutil.Config {
	return testutil.Config{
		LockDir:   confDir,
		Lock:      lock,
		Files:     []string{target},
		Leftovers: []string{filepath.Join(confDir, confGlob)},
	}
}

// install puts bin at /sbin/request-key (its real path) and conf into
// /etc/request-key.d/00-keyutils-go-test-PID.conf through a supervisor
// process (testutil.Supervise), after waiting for any other run that has
// them installed and undoing what a killed run left. Both are undone at
// cleanup, which checks that /sbin/request-key is as before and the
// configuration gone, or by the supervisor as soon as the test process
// exits, however it exits (SIGKILL, -test.timeout). It returns the
// supervisor.
func install(t *testing.T, bin, conf string) *testutil.Supervisor {
	t.Helper()
	target := requestKeyPath(t)
	s := testutil.Supervise(t, supervisorConfig(target, nil))
	undoLegacy(t, target)
	before := fingerprint(t, target)
	confPath := filepath.Join(confDir, strings.Replace(confGlob, "*", strconv.Itoa(os.Getpid()), 1))
	t.Cleanup(func() { // before the supervisor's cleanup, which releases the lock
		if err := s.Restore(); err != nil {
			t.Error(err)
		}
		if after := fingerprint(t, target); after != before {
			t.Errorf("%s not restored: %s, was %s", target, after, before)
		}
		if _, err := os.Lstat(confPath); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s not removed", confPath)
		}
	})
	s.Replace(target, bin)
	s.Create(confPath, []byte(conf), 0o644)
	return s
}

// undoLegacy undoes, under the lock, what a killed run of the versions of
// this test before the supervisor left (they refused to run while it was
// there): a backup without a hash in its name, a temporary file, an
// unnumbered configuration and a lock file in /run/lock.
func undoLegacy(t *testing.T, target string) {
	t.Helper()
	bk := filepath.Join(filepath.Dir(target), ".request-key.keyutils-go-test-backup")
	if bi, err := os.Lstat(bk); err == nil {
		ti, err := os.Lstat(target)
		if err == nil && os.SameFile(ti, bi) { // killed before it installed
			err = os.Remove(bk)
		} else {
			if err = os.Rename(bk, target); err == nil {
				t.Logf("restored %s from %s, left by an earlier version of this test", target, bk)
			}
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []string{target + ".keyutils-go-test-new", filepath.Join(confDir, "00-keyutils-go-test.conf"), "/run/lock/keyutils-go-upcall-test"} {
		if err := os.Remove(p); err == nil {
			t.Logf("removed %s, left by an earlier version of this test", p)
		}
	}
}

// TestUpcallHelperProcess is the child test process of the crash tests:
// it installs the request-key named by envHelper, under the lock its
// parent holds (testutil.EnvLockFD), says so on standard output and
// waits, reading standard input, to be killed.
func TestUpcallHelperProcess(t *testing.T) {
	bin := os.Getenv(envHelper)
	if bin == "" {
		t.Skip("the child process of TestUpcallRestoredAfterCrash and TestUpcallRecoversKilledRun")
	}
	s := install(t, bin, "# keyutils-go crash test\n")
	fmt.Printf("INSTALLED supervisor=%d\n", s.Pid())
	io.Copy(io.Discard, os.Stdin)
}

// TestUpcallRestoredAfterCrash: a test process that installed our
// request-key and is then SIGKILLed (with its whole process group), or
// panics on -test.timeout, runs no cleanup; its supervisor restores
// /sbin/request-key (the same file: content, mode, owner, inode) and
// removes the configuration, and exits.
func TestUpcallRestoredAfterCrash(t *testing.T) {
	needUpcall(t)
	bin := build(t, t.TempDir(), ".", "request-key")
	target := requestKeyPath(t)
	t.Run("SIGKILL", func(t *testing.T) {
		lock := testutil.LockDir(t, confDir, 0)
		before := machine(t, target)
		c := startChild(t, lock, bin, 0)
		if _, ok := c.waitInstalled(t); !ok {
			t.Fatalf("the child exited before installing:\n%s", c.output())
		}
		if now := machine(t, target); now == before {
			t.Fatalf("the child said it installed, but the machine is unchanged: %s", now)
		}
		// The child's process group, as a terminal or a test runner
		// kills it: the supervisor has one of its own.
		if err := syscall.Kill(-c.cmd.Process.Pid, syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		c.waitGone(t)
		if err := c.waitErr; err == nil || !strings.Contains(err.Error(), "killed") {
			t.Errorf("child: %v, want killed", err)
		}
		checkRestoredBySupervisor(t, c, target, before)
	})
	t.Run("timeout", func(t *testing.T) {
		lock := testutil.LockDir(t, confDir, 0)
		before := machine(t, target)
		// The child must install before its -test.timeout; should it
		// not, on a slow machine, it is tried again with a longer one
		// (the machine must be restored either way).
		for timeout := 4 * time.Second; ; timeout *= 2 {
			c := startChild(t, lock, bin, timeout)
			_, installed := c.waitInstalled(t)
			c.waitGone(t)
			out := c.output()
			if !strings.Contains(out, "panic: test timed out after") {
				t.Fatalf("child: %v, want the -test.timeout panic:\n%s", c.waitErr, out)
			}
			if installed {
				checkRestoredBySupervisor(t, c, target, before)
				return
			}
			waitMachine(t, target, before)
			if timeout >= time.Minute {
				t.Fatalf("the child never installed within its -test.timeout:\n%s", out)
			}
			t.Logf("the child timed out after %v before installing; again with a longer timeout", timeout)
		}
	})
}

// TestUpcallRecoversKilledRun: when a run was killed together with its
// supervisor, the next run undoes what it left (our request-key, its
// backup, the configuration) and logs it; it refuses nothing.
func TestUpcallRecoversKilledRun(t *testing.T) {
	needUpcall(t)
	bin := build(t, t.TempDir(), ".", "request-key")
	target := requestKeyPath(t)
	lock := testutil.LockDir(t, confDir, 0)
	before := machine(t, target)

	// The killed run: supervisor first (checked dead), then the test.
	c := startChild(t, lock, bin, 0)
	sup, ok := c.waitInstalled(t)
	if !ok {
		t.Fatalf("the child exited before installing:\n%s", c.output())
	}
	pidfd, err := unix.PidfdOpen(sup, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(pidfd)
	if err := unix.PidfdSendSignal(pidfd, unix.SIGKILL, nil, 0); err != nil {
		t.Fatal(err)
	}
	if n, err := unix.Poll([]unix.PollFd{{Fd: int32(pidfd), Events: unix.POLLIN}}, 60_000); n != 1 {
		t.Fatalf("supervisor %d not dead a minute after SIGKILL: %v", sup, err)
	}
	if err := syscall.Kill(-c.cmd.Process.Pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	c.waitGone(t)
	left := machine(t, target)
	if left == before {
		t.Fatalf("the killed run left nothing: %s", left)
	}
	if !strings.Contains(left, ".request-key.keyutils-go-test-backup-") || !strings.Contains(left, confDir+"/00-keyutils-go-test-") {
		t.Fatalf("the killed run left no backup or no configuration: %s", left)
	}
	t.Logf("left by the killed run: %s", left)

	// The next run.
	s := testutil.Supervise(t, supervisorConfig(target, lock))
	if now := machine(t, target); now != before {
		t.Errorf("after recovery: %s\nwant %s", now, before)
	}
	rec := strings.Join(s.Recovered, "\n")
	for _, want := range []string{"restored " + target + " from ", "removed " + confDir + "/00-keyutils-go-test-"} {
		if !strings.Contains(rec, want) {
			t.Errorf("recovery log %q lacks %q", rec, want)
		}
	}
}

// child is a TestUpcallHelperProcess process.
type child struct {
	cmd       *exec.Cmd
	stdin     *os.File      // its standard input: closing it ends it
	installed chan int      // the supervisor's pid, when it has installed
	eof       chan struct{} // closed when its output, shared with its supervisor, is closed
	exited    chan struct{} // closed when it has exited; waitErr is Wait's error
	waitErr   error

	mu  sync.Mutex
	out strings.Builder
}

// startChild starts TestUpcallHelperProcess in a process group of its
// own, with lock (testutil.EnvLockFD), installing bin, with -test.timeout
// timeout.
func startChild(t *testing.T, lock *os.File, bin string, timeout time.Duration) *child {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	inR, inW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("/proc/self/exe", "-test.run=^TestUpcallHelperProcess$", "-test.v", "-test.timeout="+timeout.String())
	cmd.Env = append(os.Environ(), envHelper+"="+bin, testutil.EnvLockFD+"=3")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = inR, w, w
	cmd.ExtraFiles = []*os.File{lock}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	err = cmd.Start()
	w.Close()
	inR.Close()
	if err != nil {
		r.Close()
		inW.Close()
		t.Fatal(err)
	}
	c := &child{cmd: cmd, stdin: inW, installed: make(chan int, 1), eof: make(chan struct{}), exited: make(chan struct{})}
	go func() {
		defer close(c.eof)
		defer r.Close()
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			c.mu.Lock()
			c.out.WriteString(sc.Text() + "\n")
			c.mu.Unlock()
			if pid, ok := strings.CutPrefix(sc.Text(), "INSTALLED supervisor="); ok {
				n, _ := strconv.Atoi(pid)
				c.installed <- n
			}
		}
	}()
	go func() { c.waitErr = cmd.Wait(); close(c.exited) }()
	t.Cleanup(func() {
		select {
		case <-c.exited:
		default:
			cmd.Process.Kill()
			<-c.exited
		}
		inW.Close()
	})
	return c
}

func (c *child) output() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.out.String()
}

// waitInstalled waits for the child to say it has installed, and returns
// its supervisor's pid; ok is false if it exited first.
func (c *child) waitInstalled(t *testing.T) (sup int, ok bool) {
	t.Helper()
	select {
	case sup = <-c.installed:
		return sup, true
	case <-c.eof:
	case <-time.After(5 * time.Minute):
		t.Fatalf("the child has not installed after 5 minutes:\n%s", c.output())
	}
	select { // the line may have come just before the end
	case sup = <-c.installed:
		return sup, true
	default:
		return 0, false
	}
}

// waitGone waits, for a bounded time, for the child to exit and for the
// end of its output, that is for its supervisor to exit too.
func (c *child) waitGone(t *testing.T) {
	t.Helper()
	limit := time.After(5 * time.Minute)
	for _, ch := range []chan struct{}{c.exited, c.eof} {
		select {
		case <-ch:
		case <-limit:
			t.Fatalf("child or supervisor still running after 5 minutes:\n%s", c.output())
		}
	}
}

// checkRestoredBySupervisor checks, once the child and its supervisor are
// gone, that the supervisor restored the machine after the child died.
func checkRestoredBySupervisor(t *testing.T, c *child, target, before string) {
	t.Helper()
	waitMachine(t, target, before)
	out := c.output()
	if !strings.Contains(out, "test process gone: restored "+target+" from ") ||
		!strings.Contains(out, "test process gone: removed "+confDir+"/00-keyutils-go-test-") {
		t.Errorf("the supervisor did not say it restored after the child died:\n%s", out)
	}
}

// waitMachine waits, for a bounded time, for the machine to be as before.
func waitMachine(t *testing.T, target, before string) {
	t.Helper()
	var now string
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if now = machine(t, target); now == before {
			return
		}
	}
	t.Fatalf("machine not restored:\n%s\nwant\n%s", now, before)
}

// machine describes what install changes: the file target (content, mode,
// owner, inode) and the files of ours next to it and in confDir.
func machine(t *testing.T, target string) string {
	t.Helper()
	var st unix.Stat_t
	if err := unix.Lstat(target, &st); err != nil {
		t.Fatal(err)
	}
	ours, _ := filepath.Glob(filepath.Join(filepath.Dir(target), "*keyutils-go-test*"))
	confs, _ := filepath.Glob(filepath.Join(confDir, "*keyutils-go-test*"))
	return fmt.Sprintf("%s ino=%d uid=%d gid=%d ours=%q", fingerprint(t, target), st.Ino, st.Uid, st.Gid, append(ours, confs...))
}

func fingerprint(t *testing.T, path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%x %v", sha256.Sum256(b), fi.Mode())
}

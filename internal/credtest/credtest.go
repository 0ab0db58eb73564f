//go:build linux

// Package credtest holds what the tests of the credential helpers
// (cmd/git-credential-keyctl, cmd/docker-credential-keyctl) share: building
// the command, running programs as the test's user or as an unused uid
// with a home of its own, and leaving the keyrings as they were found.
package credtest

import (
	"bytes"
	"context"
	"debug/elf"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/keyutils-go/keyutils"
	"github.com/keyutils-go/keyutils/internal/testutil"
)

// Main is for TestMain: it runs the tests in a throwaway session keyring
// (as testutil.Main does), after building the module's commands pkgs
// ("cmd/git-credential-keyctl") for them (see Program), and serves the
// cleanup mode of the test binary (see Unused).
func Main(m *testing.M, pkgs ...string) {
	if os.Getenv(envCleanup) != "" {
		os.Exit(cleanupUser())
	}
	if os.Getenv(testutil.EnvSession) == "" {
		testutil.Main(m) // re-executes the test binary in a new session keyring
	}
	dir, err := os.MkdirTemp("", "keyutils-cred-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	// The programs are run by other users too.
	os.Chmod(dir, 0o755)
	for _, pkg := range pkgs {
		name := filepath.Base(pkg)
		if err := build(pkg, filepath.Join(dir, name)); err != nil {
			buildErr[name] = err
		} else {
			built[name] = filepath.Join(dir, name)
		}
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

var (
	built    = map[string]string{}
	buildErr = map[string]error{}
)

// Program returns the path of the command name that Main built, or fails
// the test (skips it when there is no go command to build with).
func Program(t *testing.T, name string) string {
	t.Helper()
	if err, ok := buildErr[name]; ok {
		if errors.Is(err, exec.ErrNotFound) {
			t.Skipf("building %s: %v", name, err)
		}
		t.Fatalf("building %s: %v", name, err)
	}
	p, ok := built[name]
	if !ok {
		t.Fatalf("%s was not built: name it in credtest.Main", name)
	}
	return p
}

// build builds the module's command pkg with the default settings into
// bin and checks that the program is statically linked: the commands are
// installed where no libc may be found, as keyctl and request-key are.
func build(pkg, bin string) error {
	goCmd, err := exec.LookPath("go")
	if err != nil {
		return err
	}
	cmd := exec.Command(goCmd, "build", "-o", bin, "github.com/keyutils-go/keyutils/"+pkg)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build: %v\n%s", err, out)
	}
	f, err := elf.Open(bin)
	if err != nil {
		return err
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			return fmt.Errorf("%s is dynamically linked (it has an ELF interpreter): something imports a package that links cgo", pkg)
		}
	}
	return os.Chmod(bin, 0o755)
}

// SharedDir returns a new directory that every user may enter and read,
// removed when the test ends.
func SharedDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "keyutils-cred-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// A User runs programs as one uid: the test process's (root, Cred nil) or
// an unused one. Its Home is a new directory of its own.
type User struct {
	Name string              // "root" or "uid <n>"
	UID  uint32              // the uid
	Cred *syscall.Credential // nil: the test process's
	Home string              // a directory the user owns, removed at the end
}

// Root returns the test process's user.
func Root(t *testing.T) *User {
	t.Helper()
	u := &User{Name: "root", UID: uint32(os.Geteuid())}
	u.Home = SharedDir(t)
	return u
}

// Unused returns an unused uid of slot (testutil.UnusedID; the test is
// skipped when not root), with the kernel's default key quota for users
// other than root (200 keys, 20,000 bytes). When the test ends the keys
// it linked into the test's session keyring are unlinked, its own user,
// user-session and persistent keyrings are removed (see cleanupUser), and
// the test fails if it still owns keys a moment later.
func Unused(t *testing.T, slot int) *User {
	t.Helper()
	uid := testutil.UnusedID(t, slot)
	u := &User{Name: "uid " + strconv.FormatUint(uint64(uid), 10), UID: uid, Cred: testutil.Credential(uid)}
	u.Home = SharedDir(t)
	if err := os.Chown(u.Home, int(uid), int(uid)); err != nil {
		t.Fatal(err)
	}
	bin := testutil.ExecutableForAll(t)
	before := sessionLinks(t)
	t.Cleanup(func() {
		unlinkNew(t, before)
		cmd := exec.Command(bin)
		cmd.Env = append(os.Environ(), envCleanup+"=1")
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: u.Cred}
		cmd.Dir = "/"
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("removing the keyrings of %s: %v\n%s", u.Name, err, out)
		}
		testutil.WaitNoKeys(t, uid)
	})
	return u
}

// Chown gives path to the user (nothing for root).
func (u *User) Chown(t *testing.T, path string) {
	t.Helper()
	if u.Cred == nil {
		return
	}
	if err := os.Chown(path, int(u.UID), int(u.UID)); err != nil {
		t.Fatal(err)
	}
}

// Command returns the command that runs name with args as the user, in
// its home, in the test's session keyring, with env added to the
// environment. What the environment says to git (GIT_*, XDG_CONFIG_HOME),
// to the helpers (DOCKER_CREDENTIAL_KEYCTL_*) and to HTTP clients (proxies)
// is left out, so that the machine's settings and the shell the tests run
// from do not interfere.
func (u *User) Command(ctx context.Context, env []string, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = slices.DeleteFunc(os.Environ(), func(v string) bool {
		k, _, _ := strings.Cut(v, "=")
		k = strings.ToUpper(k)
		return strings.HasPrefix(k, "GIT_") || strings.HasPrefix(k, "DOCKER_CREDENTIAL_KEYCTL_") ||
			strings.HasSuffix(k, "_PROXY") || k == "XDG_CONFIG_HOME" || k == "HOME" || k == "GORACE"
	})
	cmd.Env = append(cmd.Env, "HOME="+u.Home, "GORACE=atexit_sleep_ms=0", "no_proxy=*")
	cmd.Env = append(cmd.Env, env...)
	cmd.Dir = u.Home
	if u.Cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: u.Cred}
	}
	return cmd
}

// Result is what a program run by Run did.
type Result struct {
	Stdout, Stderr string
	Err            error // from Wait: nil for status 0
}

// Run runs the command to its end (two minutes at most) with stdin as its
// standard input.
func (u *User) Run(t *testing.T, env []string, stdin string, name string, args ...string) Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := u.Command(ctx, env, name, args...)
	cmd.Stdin = bytes.NewReader([]byte(stdin))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	return Result{stdout.String(), stderr.String(), err}
}

// sessionLinks returns what the test's session keyring links.
func sessionLinks(t *testing.T) []keyutils.Serial {
	t.Helper()
	ids, err := keyutils.ReadKeyring(keyutils.SessionKeyring)
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

// unlinkNew unlinks from the test's session keyring what it links now and
// did not link before (the stores that programs of other users created
// there, which the test process may neither describe nor clear).
func unlinkNew(t *testing.T, before []keyutils.Serial) {
	t.Helper()
	for _, id := range sessionLinks(t) {
		if slices.Contains(before, id) {
			continue
		}
		if err := keyutils.Unlink(id, keyutils.SessionKeyring); err != nil && !errors.Is(err, keyutils.ErrNotFound) && !errors.Is(err, os.ErrNotExist) {
			t.Errorf("unlinking key %d from the session keyring: %v", id, err)
		}
	}
}

// RemoveStore removes the secret store called name from the test's
// session keyring, if it is there and the test process's: what the
// programs the test ran as root left.
func RemoveStore(t *testing.T, name string) {
	t.Helper()
	for _, id := range sessionLinks(t) {
		d, err := keyutils.Describe(id)
		if err != nil || d.Type != "keyring" || d.Description != "keyutils-go:"+name {
			continue
		}
		if err := keyutils.Clear(id); err != nil {
			t.Errorf("clearing the store %s: %v", name, err)
		}
		if err := keyutils.Unlink(id, keyutils.SessionKeyring); err != nil {
			t.Errorf("unlinking the store %s: %v", name, err)
		}
	}
}

// envCleanup marks the test binary run as an unused uid to remove that
// uid's keyrings.
const envCleanup = "KEYUTILS_CREDTEST_CLEANUP"

// cleanupUser removes the calling uid's persistent, user and user-session
// keyrings with everything in them (the stores of the anchors other than
// the session), and returns the exit status. Only for unused uids.
func cleanupUser() int {
	if os.Geteuid() < 0x70000000 {
		fmt.Fprintf(os.Stderr, "cleanup as uid %d, not a test uid\n", os.Geteuid())
		return 1
	}
	status := 0
	fail := func(format string, a ...any) {
		fmt.Fprintf(os.Stderr, format+"\n", a...)
		status = 1
	}
	// GetPersistent links the keyring into the given one: the thread
	// keyring of a thread that is then discarded.
	done := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		p, err := keyutils.GetPersistent(-1, keyutils.ThreadKeyring)
		if errors.Is(err, keyutils.ErrUnsupported) {
			done <- nil
			return
		}
		if err == nil {
			err = keyutils.Invalidate(p)
		}
		done <- err
	}()
	if err := <-done; err != nil {
		fail("persistent keyring: %v", err)
	}
	// Resolve both before invalidating either: resolving one creates the
	// other if it is missing.
	u, err1 := keyutils.GetKeyringID(keyutils.UserKeyring, true)
	us, err2 := keyutils.GetKeyringID(keyutils.UserSessionKeyring, true)
	if err := errors.Join(err1, err2); err != nil {
		fail("user keyrings: %v", err)
		return status
	}
	for _, id := range []keyutils.Serial{u, us} {
		if err := keyutils.Invalidate(id); err != nil {
			fail("invalidate %d: %v", id, err)
		}
	}
	return status
}

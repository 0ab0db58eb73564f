//go:build linux

package testutil

import (
	"errors"
	"io"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/keyutils-go/keyutils"
)

// idBase is where UnusedID's ids start: far above the ranges distributions
// give users, and above the block internal/robust uses (0x60000000 on).
const idBase = 0x70000000

// UnusedID returns a uid, usable as a gid too, that no user or group of
// the system has, or skips the test when not root (only root can run
// programs as another user). It is an id, not a user: nothing is created
// on the machine, and nothing is left behind if the test is killed. The id
// is idBase + slot<<22 + the test process's pid (pid_max is at most 2^22),
// so the slots (0 to 7) of one test run differ, and two runs at the same
// time never share one; the next block of 8 slots is tried when the
// system knows the id (a directory service may number users up there).
func UnusedID(t testing.TB, slot int) uint32 {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("not root: cannot run programs as another user")
	}
	if slot < 0 || slot > 7 {
		t.Fatalf("UnusedID: slot %d, want 0 to 7", slot)
	}
	for k := 0; k < 4; k++ {
		id := uint32(idBase + (k*8+slot)<<22 + os.Getpid())
		s := strconv.FormatUint(uint64(id), 10)
		if _, err := user.LookupId(s); err == nil {
			continue
		}
		if _, err := user.LookupGroupId(s); err == nil {
			continue
		}
		return id
	}
	t.Skipf("no unused uid and gid found above %#x", idBase)
	return 0
}

// Credential returns the credential that runs a program as uid id, with
// group id and no supplementary groups (set it in
// exec.Cmd.SysProcAttr.Credential).
func Credential(id uint32) *syscall.Credential {
	return &syscall.Credential{Uid: id, Gid: id, Groups: []uint32{}}
}

// ExecutableForAll copies the running program (the test binary) into a
// new directory that every user may enter and returns the copy's path, so
// that tests can run it as another user (Go leaves test binaries in a
// directory only their builder may enter). The copy is removed when the
// test ends.
func ExecutableForAll(t testing.TB) string {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "keyutils-test-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	in, err := os.Open(self)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	path := filepath.Join(dir, filepath.Base(self))
	out, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// WaitNoKeys waits, up to 10 seconds, until uid owns no keys at all (it
// has no line in /proc/key-users), and fails the test if it still does.
// Tests that run programs as an UnusedID call it once those have cleaned
// up, to show that they left nothing behind. The kernel destroys keys
// asynchronously, a moment after their last link went.
func WaitNoKeys(t testing.TB, uid uint32) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		u, err := keyutils.KeyUserOf(int(uid))
		if errors.Is(err, os.ErrNotExist) {
			return // no line: nothing left
		}
		if err != nil {
			t.Fatal(err)
		}
		if time.Now().After(deadline) {
			t.Errorf("uid %d still owns keys 10 s after its programs cleaned up: %+v", uid, u)
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}

//go:build linux

package robust

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"os/user"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/keyutils-go/keyutils"
	"github.com/keyutils-go/keyutils/internal/testutil"
)

// idBase is where the uids and gids of the non-root tests start: far above
// the ranges that distributions give users (see unprivileged).
const idBase = 0x60000000

// unprivileged returns the uid and gid the non-root tests run as, or skips
// the test when not root. They are unused ids, not users: no passwd or
// group entry names them, so nothing is created on the machine or left
// behind if the test is killed. They are idBase plus the test process's
// pid (pid_max is at most 2^22), so two test runs at the same time never
// share one; the next block of 2^22 is tried when the system knows the id
// (a directory service may number users up there).
func unprivileged(t *testing.T) (uid, gid uint32) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("not root: cannot run programs as another user")
	}
	for k := uint32(0); k < 16; k++ {
		id := idBase + k<<22 + uint32(os.Getpid())
		s := strconv.FormatUint(uint64(id), 10)
		if _, err := user.LookupId(s); err == nil {
			continue
		}
		if _, err := user.LookupGroupId(s); err == nil {
			continue
		}
		return id, id
	}
	t.Skipf("no unused uid and gid found above %d", idBase)
	return 0, 0
}

// keyUsage is uid's line of /proc/key-users; ok is false when there is
// none (the user owns no keys).
func keyUsage(t *testing.T, uid int) (u keyutils.KeyUser, ok bool) {
	u, err := keyutils.KeyUserOf(uid)
	if errors.Is(err, os.ErrNotExist) {
		return keyutils.KeyUser{}, false
	}
	if err != nil {
		t.Fatal(err)
	}
	return u, true
}

func sameUsage(a keyutils.KeyUser, aok bool, b keyutils.KeyUser, bok bool) bool {
	if aok != bok {
		return false
	}
	return a.Keys == b.Keys && a.QuotaKeys == b.QuotaKeys && a.QuotaBytes == b.QuotaBytes
}

// TestNonRoot runs the probe program (internal/robust/probe) as the test
// user in a fresh session keyring: permission denied where the kernel
// denies, with errors that say which rights applied; chown and setperm
// refused; the key and byte quotas reached, reported by the library with
// the usage from /proc/key-users and by keyctl (ours and the system's) as
// "add_key: Disk quota exceeded"; and, after it exits, the user's usage in
// /proc/key-users back where it was.
func TestNonRoot(t *testing.T) {
	uid, gid := unprivileged(t)
	probe := build(t, "./internal/robust/probe")
	keyctl := build(t, "./cmd/keyctl")
	sysKeyctl, _ := exec.LookPath("/usr/bin/keyctl")
	if sysKeyctl == "" {
		t.Log("no /usr/bin/keyctl: comparing with our keyctl only")
	}

	base, baseOK := keyUsage(t, int(uid))
	t.Logf("uid %d before: %+v (present %v)", uid, base, baseOK)

	// Root's keys for the permission checks (see the probe's doc).
	ring := testutil.Keyring(t)
	mk := func(desc, payload string, perm keyutils.Perm, in keyutils.ID) keyutils.Serial {
		id, err := keyutils.AddKey("user", desc, []byte(payload), in)
		if err == nil {
			err = keyutils.SetPerm(id, perm)
		}
		if err != nil {
			t.Fatalf("root key %s: %v", desc, err)
		}
		return id
	}
	r, err := keyutils.NewKeyring("robust-R", ring)
	if err == nil {
		err = keyutils.SetPerm(r, keyutils.PosAll|keyutils.UsrAll|keyutils.OthView|keyutils.OthSearch|keyutils.OthLink)
	}
	if err != nil {
		t.Fatal(err)
	}
	k1 := mk("robust-K1", "root secret 1", keyutils.PosAll|keyutils.UsrAll|keyutils.OthView, ring)
	k2 := mk("robust-K2", "possessed", keyutils.PosView|keyutils.PosRead|keyutils.PosSearch|keyutils.UsrAll|keyutils.OthView, r)
	k4 := mk("robust-K4", "root secret 4", keyutils.PosAll|keyutils.UsrAll, ring)

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, probe, keyctl, sysKeyctl, r.String(), k1.String(), k2.String(), k4.String())
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uid, Gid: gid, Groups: []uint32{}}}
	cmd.Dir = "/"
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	_, err = keyutils.Session{}.Run(cmd)
	t.Logf("probe output:\n%s", stdout.String())
	if stderr.Len() > 0 {
		t.Logf("probe stderr:\n%s", stderr.String())
	}
	checks := 0
	sc := bufio.NewScanner(&stdout)
	for sc.Scan() {
		switch line := sc.Text(); {
		case strings.HasPrefix(line, "FAIL "):
			t.Error(line)
		case strings.HasPrefix(line, "ok "):
			checks++
		}
	}
	if err != nil {
		t.Errorf("probe: %v", err)
	}
	if checks < 15 {
		t.Errorf("only %d checks passed", checks)
	}

	// Nothing left behind: the kernel's garbage collector is
	// asynchronous, so poll.
	deadline := time.Now().Add(10 * time.Second)
	for {
		u, ok := keyUsage(t, int(uid))
		if sameUsage(u, ok, base, baseOK) {
			t.Logf("uid %d after: %+v (present %v)", uid, u, ok)
			break
		}
		if time.Now().After(deadline) {
			t.Errorf("uid %d still uses %+v (present %v), was %+v (present %v)", uid, u, ok, base, baseOK)
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
}

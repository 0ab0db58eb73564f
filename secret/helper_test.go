//go:build linux

package secret_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/keyutils-go/keyutils"
	"github.com/keyutils-go/keyutils/internal/testutil"
	"github.com/keyutils-go/keyutils/secret"
	"github.com/keyutils-go/keyutils/secret/keyring"
)

// The tests that need several processes, or another user, run the test
// binary itself as helper processes: "<binary> -test.run=^TestHelperProcess$
// -- <mode> <args>" with envHelper set. A helper prints "ok <what>" for each
// check that passed, "FAIL <what>" for each that failed and "<key> <value>"
// lines for the test to read, and exits with status 1 if a check failed.

const envHelper = "KEYUTILS_SECRET_TEST_HELPER"

// envNoSession marks the helper that re-executed itself in the user-session
// keyring.
const envNoSession = "KEYUTILS_SECRET_TEST_NOSESSION"

// TestHelperProcess is not a test: it is the body of the helper processes.
func TestHelperProcess(t *testing.T) {
	if os.Getenv(envHelper) == "" {
		t.Skip("the body of the helper processes the other tests start")
	}
	h := &helper{}
	args := flag.Args()
	if len(args) == 0 {
		h.fail("no mode")
	} else if f, ok := helperModes[args[0]]; !ok {
		h.fail("unknown mode %q", args[0])
	} else {
		f(h, args[1:])
	}
	if h.failed {
		os.Exit(1)
	}
	os.Exit(0)
}

type helper struct{ failed bool }

func (h *helper) ok(format string, a ...any) { fmt.Printf("ok "+format+"\n", a...) }

func (h *helper) fail(format string, a ...any) {
	h.failed = true
	fmt.Printf("FAIL "+format+"\n", a...)
}

func (h *helper) out(key string, a ...any) {
	fmt.Println(append([]any{key}, a...)...)
}

// open opens a store or fails the helper.
func (h *helper) open(name, anchor string, ttl time.Duration) *secret.Store {
	a, err := secret.ParseAnchor(anchor)
	if err != nil {
		h.fail("%v", err)
		return nil
	}
	s, err := secret.Open(name, secret.Options{Anchor: a, TTL: ttl})
	if err != nil {
		h.fail("open %s in %s: %v", name, anchor, err)
		return nil
	}
	return s
}

// expiryColumn returns key id's timeout column in /proc/keys ("perm",
// "59m", ...), and false if the caller cannot see it there.
func expiryColumn(id keyutils.Serial) (string, bool) {
	keys, err := keyutils.ReadProcKeys()
	if err != nil {
		return "", false
	}
	for _, k := range keys {
		if k.Serial == id {
			f := strings.Fields(k.Raw)
			return f[3], true
		}
	}
	return "", false
}

var helperModes = map[string]func(h *helper, args []string){
	// set <store> <anchor> <name> <value> <ttl seconds>
	"set": func(h *helper, a []string) {
		ttl, _ := strconv.Atoi(a[4])
		s := h.open(a[0], a[1], 0)
		if s == nil {
			return
		}
		if err := s.SetTTL(a[2], []byte(a[3]), time.Duration(ttl)*time.Second); err != nil {
			h.fail("set: %v", err)
			return
		}
		info, err := s.Info(a[2])
		if err != nil {
			h.fail("info: %v", err)
			return
		}
		h.out("anchor", s.Anchor())
		h.out("ring", s.Keyring())
		h.out("key", info.Serial)
		h.out("expires", info.Expires.Unix())
	},
	// get <store> <anchor> <name>
	"get": func(h *helper, a []string) {
		s := h.open(a[0], a[1], 0)
		if s == nil {
			return
		}
		v, err := s.Get(a[2])
		if err != nil {
			h.out("error", err)
			return
		}
		info, err := s.Info(a[2])
		if err != nil {
			h.fail("info: %v", err)
			return
		}
		h.out("value", string(v))
		h.out("expires", info.Expires.Unix())
		h.out("ring", s.Keyring())
	},
	// remove <store> <anchor>: clear the store and unlink its keyring
	// from the anchor (not for Persistent: see cleanup-user).
	"remove": func(h *helper, a []string) {
		s := h.open(a[0], a[1], 0)
		if s == nil {
			return
		}
		if err := s.Clear(); err != nil {
			h.fail("clear: %v", err)
		}
		anchor := map[string]keyutils.Special{"session": keyutils.SessionKeyring, "user": keyutils.UserKeyring, "user-session": keyutils.UserSessionKeyring}[a[1]]
		if err := keyutils.Unlink(s.Keyring(), anchor); err != nil {
			h.fail("unlink the store's keyring: %v", err)
		}
	},
	// cleanup-user: remove the calling user's persistent, user and
	// user-session keyrings, with everything in them. Only for the unused
	// uids of the tests.
	"cleanup-user": func(h *helper, a []string) {
		if os.Geteuid() < 0x70000000 {
			h.fail("cleanup-user as uid %d, not a test uid", os.Geteuid())
			return
		}
		_, err := onThread(func() (keyutils.Serial, error) {
			p, err := keyutils.GetPersistent(-1, keyutils.ThreadKeyring)
			if errors.Is(err, keyutils.ErrUnsupported) {
				return 0, nil
			}
			if err == nil {
				err = keyutils.Invalidate(p)
			}
			return p, err
		})
		if err != nil {
			h.fail("persistent keyring: %v", err)
		}
		// Resolve both before invalidating either: resolving one
		// creates the other if it is missing.
		u, err1 := keyutils.GetKeyringID(keyutils.UserKeyring, true)
		us, err2 := keyutils.GetKeyringID(keyutils.UserSessionKeyring, true)
		if err := errors.Join(err1, err2); err != nil {
			h.fail("user keyrings: %v", err)
			return
		}
		for _, id := range []keyutils.Serial{u, us} {
			if err := keyutils.Invalidate(id); err != nil {
				h.fail("invalidate %d: %v", id, err)
			}
		}
	},
	// update100 <store> <anchor>: an entry updated 100 times keeps its
	// expiry (Update), and one set 100 times always has one (Set).
	"update100": func(h *helper, a []string) {
		s := h.open(a[0], a[1], time.Hour)
		if s == nil {
			return
		}
		if err := s.SetTTL("token", []byte("v0"), 2*time.Hour); err != nil {
			h.fail("set: %v", err)
			return
		}
		first, err := s.Info("token")
		if err != nil {
			h.fail("info: %v", err)
			return
		}
		for i := 1; i <= 100; i++ {
			if err := s.Update("token", []byte("v"+strconv.Itoa(i))); err != nil {
				h.fail("update %d: %v", i, err)
				return
			}
			info, err := s.Info("token")
			if err != nil || !info.Expires.Equal(first.Expires) {
				h.fail("after update %d: %+v, %v; want expiry %v", i, info, err, first.Expires)
				return
			}
			if col, ok := expiryColumn(info.Serial); !ok || col == "perm" || col == "expd" || !strings.HasSuffix(col, "h") {
				h.fail("after update %d: /proc/keys timeout %q, want about 2h", i, col)
				return
			}
		}
		if v, err := s.Get("token"); err != nil || string(v) != "v100" {
			h.fail("get after the updates: %q, %v", v, err)
		}
		h.ok("100 updates kept expiry %v", first.Expires)
		for i := 1; i <= 100; i++ {
			if err := s.Set("token", []byte("w"+strconv.Itoa(i))); err != nil {
				h.fail("set %d: %v", i, err)
				return
			}
			info, err := s.Info("token")
			if err != nil || info.Expires.IsZero() || info.Expires.Before(first.Expires.Add(-2*time.Hour)) || info.Expires.After(time.Now().Add(time.Hour)) {
				h.fail("after set %d: %+v, %v; want an expiry an hour away", i, info, err)
				return
			}
			if col, ok := expiryColumn(info.Serial); !ok || col == "perm" || col == "expd" {
				h.fail("after set %d: /proc/keys timeout %q, want one", i, col)
				return
			}
		}
		h.ok("100 sets kept an expiry")
		if err := s.Clear(); err != nil {
			h.fail("clear: %v", err)
		}
	},
	// writer <store> <anchor> <id> <n>: wait for standard input to close,
	// then set "shared" and "own-<id>" n times each, reading back.
	"writer": func(h *helper, a []string) {
		io.Copy(io.Discard, os.Stdin)
		id, n := a[2], atoi(a[3])
		s := h.open(a[0], a[1], time.Hour)
		if s == nil {
			return
		}
		own := "own-" + id
		for i := 0; i < n; i++ {
			v := "p" + id + "-" + strconv.Itoa(i)
			if err := s.Set("shared", []byte(v)); err != nil {
				h.fail("set shared: %v", err)
				return
			}
			if err := s.Set(own, []byte(v)); err != nil {
				h.fail("set %s: %v", own, err)
				return
			}
			if got, err := s.Get(own); err != nil || string(got) != v {
				h.fail("get %s = %q, %v; want %q", own, got, err, v)
				return
			}
			if got, err := s.Get("shared"); err != nil || !strings.HasPrefix(string(got), "p") {
				h.fail("get shared = %q, %v; want a value", got, err)
				return
			}
		}
		h.ok("writer %s", id)
	},
	// verify-writers <store> <anchor> <processes> <n>: what the writers
	// left.
	"verify-writers": func(h *helper, a []string) {
		procs, n := atoi(a[2]), atoi(a[3])
		s := h.open(a[0], a[1], 0)
		if s == nil {
			return
		}
		want := []string{"shared"}
		var finals []string
		for j := 0; j < procs; j++ {
			want = append(want, "own-"+strconv.Itoa(j))
			finals = append(finals, "p"+strconv.Itoa(j)+"-"+strconv.Itoa(n-1))
		}
		slices.Sort(want)
		names, err := s.List()
		if err != nil || !slices.Equal(names, want) {
			h.fail("list = %q, %v; want %q", names, err, want)
		}
		for j := 0; j < procs; j++ {
			if v, err := s.Get("own-" + strconv.Itoa(j)); err != nil || string(v) != finals[j] {
				h.fail("own-%d = %q, %v; want %q", j, v, err, finals[j])
			}
		}
		if v, err := s.Get("shared"); err != nil || !slices.Contains(finals, string(v)) {
			h.fail("shared = %q, %v; want one of %q", v, err, finals)
		}
		if ids, err := keyutils.ReadKeyring(s.Keyring()); err != nil || len(ids) != procs+1 {
			h.fail("the store's keyring holds %v, %v; want %d keys", ids, err, procs+1)
		}
		// One keyring of the store's name in the anchor, the one used.
		if a[1] != "persistent" {
			anchor := map[string]keyutils.Special{"session": keyutils.SessionKeyring, "user": keyutils.UserKeyring, "user-session": keyutils.UserSessionKeyring}[a[1]]
			ids, err := keyutils.ReadKeyring(anchor)
			if err != nil {
				h.fail("read anchor: %v", err)
			}
			var rings []keyutils.Serial
			for _, id := range ids {
				if d, err := keyutils.Describe(id); err == nil && d.Description == "keyutils-go:"+a[0] {
					rings = append(rings, id)
				}
			}
			if len(rings) != 1 || rings[0] != s.Keyring() {
				h.fail("anchor holds store keyrings %v; want only %d", rings, s.Keyring())
			}
		}
		h.ok("writers lost nothing")
	},
	// intruder <store> <anchor> <ring> <key> <entry>: another user must
	// not read, see or use the store.
	"intruder": func(h *helper, a []string) {
		store, anchor, ring, key, entry := a[0], a[1], keyutils.Serial(atoi(a[2])), keyutils.Serial(atoi(a[3])), a[4]
		denied := func(what string, err error) {
			if errors.Is(err, keyutils.ErrPermission) {
				h.ok("%s denied", what)
			} else {
				h.fail("%s: %v; want ErrPermission", what, err)
			}
		}
		_, err := keyutils.Read(key)
		denied("read entry", err)
		_, err = keyutils.Describe(key)
		denied("describe entry", err)
		_, err = keyutils.Describe(ring)
		denied("describe store keyring", err)
		_, err = keyutils.ReadKeyring(ring)
		denied("list store keyring", err)
		_, err = keyutils.Search(ring, "user", "keyutils-go:"+store+":"+entry, nil)
		denied("search store keyring", err)
		_, err = keyutils.RequestKey("user", "keyutils-go:"+store+":"+entry, nil)
		if err == nil {
			h.fail("request_key found the entry")
		} else {
			h.ok("request_key: %v", err)
		}
		if keys, err := keyutils.ReadProcKeys(); err != nil {
			h.fail("/proc/keys: %v", err)
		} else {
			for _, k := range keys {
				if k.Serial == ring || k.Serial == key || strings.Contains(k.Text, "keyutils-go:"+store) {
					h.fail("/proc/keys shows %q", k.Raw)
				}
			}
			h.ok("not in /proc/keys")
		}
		a2, _ := secret.ParseAnchor(anchor)
		s, err := secret.Open(store, secret.Options{Anchor: a2})
		switch {
		case anchor == "session" && errors.Is(err, secret.ErrForeign):
			h.ok("open in the shared session: %v", err)
		case anchor != "session" && err == nil:
			// Its own anchor: its own, empty store.
			if _, err := s.Get(entry); !errors.Is(err, secret.ErrNotFound) {
				h.fail("get from its own store: %v; want ErrNotFound", err)
			} else {
				h.ok("its own %s store is empty", anchor)
			}
			if s.Keyring() == ring {
				h.fail("opened the other user's keyring")
			}
		default:
			h.fail("open %s in %s: %v", store, anchor, err)
		}
	},
	// quota <store>: the store reports the quota, and recovers when
	// entries are removed.
	"quota": func(h *helper, a []string) {
		s := h.open(a[0], "session", 0)
		if s == nil {
			return
		}
		value := bytes.Repeat([]byte("x"), 50)
		var err error
		n := 0
		for ; n < 1000; n++ {
			if err = s.Set("k"+strconv.Itoa(n), value); err != nil {
				break
			}
		}
		if !errors.Is(err, secret.ErrQuotaExceeded) || !errors.Is(err, keyutils.ErrQuotaExceeded) || !errors.Is(err, unix.EDQUOT) {
			h.fail("after %d entries: %v; want ErrQuotaExceeded", n, err)
			return
		}
		msg := err.Error()
		if !strings.Contains(msg, "/200 keys") || !strings.Contains(msg, "maxkeys") {
			h.fail("quota error %q: want the usage and the limits", msg)
		}
		h.ok("key quota after %d entries: %v", n, err)
		if n < 150 {
			h.fail("only %d entries before the quota: want most of 200", n)
		}
		if err := s.Clear(); err != nil {
			h.fail("clear: %v", err)
		}
		// The cleared keys are destroyed a moment later: Set waits
		// for them, but not forever.
		var setErr error
		for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); {
			if setErr = s.Set("after", value); setErr == nil {
				break
			}
		}
		if setErr != nil {
			h.fail("set after clear: %v", setErr)
		} else {
			h.ok("set after clear")
		}
		// A value larger than the whole byte quota.
		err = s.Set("big", make([]byte, secret.MaxValueSize))
		if !errors.Is(err, secret.ErrQuotaExceeded) || !strings.Contains(err.Error(), "more than the user's whole quota of 20000 bytes") {
			h.fail("value of %d bytes: %v; want ErrQuotaExceeded with the byte usage", secret.MaxValueSize, err)
		} else {
			h.ok("value of %d bytes: %v", secret.MaxValueSize, err)
		}
		if err := s.Clear(); err != nil {
			h.fail("clear: %v", err)
		}
	},
	// nosession <store>: in a process without a session keyring of its
	// own (it joins the user-session keyring and re-executes itself).
	"nosession": func(h *helper, a []string) {
		if os.Getenv(envNoSession) == "" {
			if _, err := keyutils.GetKeyringID(keyutils.UserSessionKeyring, true); err != nil {
				h.fail("create @us: %v", err)
				return
			}
			name := "_uid_ses." + strconv.Itoa(os.Geteuid())
			err := keyutils.Session{Name: name}.ExecSelf(envNoSession + "=1")
			h.fail("re-exec in %s: %v", name, err)
			return
		}
		info, err := keyutils.CurrentSession()
		if err != nil {
			h.fail("current session: %v", err)
			return
		}
		if info.Own {
			h.out("skip", "joining the user-session keyring by name gave a session keyring of its own:", info.Description.Description)
			return
		}
		_, err = secret.Open(a[0], secret.Options{RequireOwnSession: true})
		if !errors.Is(err, secret.ErrNoSession) {
			h.fail("open with RequireOwnSession: %v; want ErrNoSession", err)
		} else {
			h.ok("%v", err)
		}
		s, err := secret.Open(a[0], secret.Options{})
		if err != nil {
			h.fail("open: %v", err)
			return
		}
		if s.Anchor() != secret.UserSession {
			h.fail("anchor %v, want user-session", s.Anchor())
		}
		if err := s.Set("k", []byte("v")); err != nil {
			h.fail("set: %v", err)
		}
		us, _ := keyutils.UserSessionKeyring.Resolve()
		if ids, err := keyutils.ReadKeyring(us); err != nil || !slices.Contains(ids, s.Keyring()) {
			h.fail("@us holds %v, %v; want the store's keyring %d", ids, err, s.Keyring())
		} else {
			h.ok("the store is in the user-session keyring")
		}
	},
	// flat-set <service> <user> <password>: package keyring's Set, in its
	// default anchor; says which anchor holds the store.
	"flat-set": func(h *helper, a []string) {
		if err := keyring.Set(a[0], a[1], a[2]); err != nil {
			h.fail("keyring.Set: %v", err)
			return
		}
		in, err := onThread(func() (string, error) {
			p, err := keyutils.GetPersistent(-1, keyutils.ThreadKeyring)
			if err != nil {
				return "", err
			}
			ids, err := keyutils.ReadKeyring(p)
			for _, id := range ids {
				if d, err := keyutils.Describe(id); err == nil && d.Description == "keyutils-go:"+keyring.StoreName {
					return "persistent", nil
				}
			}
			return "elsewhere", err
		})
		if err != nil {
			h.fail("persistent keyring: %v", err)
		}
		h.out("in", in)
	},
	// flat-get <service> <user>: package keyring's Get.
	"flat-get": func(h *helper, a []string) {
		pw, err := keyring.Get(a[0], a[1])
		switch {
		case err == keyring.ErrNotFound:
			h.out("error", "ErrNotFound")
		case err != nil:
			h.fail("keyring.Get: %v", err)
		default:
			h.out("value", pw)
		}
	},
	// seccomp <errno>: with add_key, keyctl and request_key refused with
	// errno by a seccomp filter, Open says so.
	"seccomp": func(h *helper, a []string) {
		errno := unix.ENOSYS
		if a[0] == "EPERM" {
			errno = unix.EPERM
		}
		if err := denyKeySyscalls(errno); err != nil {
			h.fail("install the seccomp filter: %v", err)
			return
		}
		_, err := secret.Open("blocked", secret.Options{})
		if !errors.Is(err, secret.ErrBlocked) || !strings.Contains(err.Error(), "seccomp") {
			h.fail("open under a seccomp filter answering %v: %v; want ErrBlocked", errno, err)
		} else {
			h.ok("%v", err)
		}
	},
}

func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		panic(err)
	}
	return n
}

// onThread runs f on a locked thread that is then discarded.
func onThread[T any](f func() (T, error)) (T, error) {
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

// denyKeySyscalls installs, on every thread of the process, a seccomp
// filter that fails add_key, keyctl and request_key with errno, as
// container runtimes do.
func denyKeySyscalls(errno unix.Errno) error {
	ret := unix.SECCOMP_RET_ERRNO | uint32(errno)
	prog := []unix.SockFilter{
		{Code: unix.BPF_LD | unix.BPF_W | unix.BPF_ABS, K: 0}, // seccomp_data.nr
		{Code: unix.BPF_JMP | unix.BPF_JEQ | unix.BPF_K, Jt: 3, K: unix.SYS_ADD_KEY},
		{Code: unix.BPF_JMP | unix.BPF_JEQ | unix.BPF_K, Jt: 2, K: unix.SYS_KEYCTL},
		{Code: unix.BPF_JMP | unix.BPF_JEQ | unix.BPF_K, Jt: 1, K: unix.SYS_REQUEST_KEY},
		{Code: unix.BPF_RET | unix.BPF_K, K: unix.SECCOMP_RET_ALLOW},
		{Code: unix.BPF_RET | unix.BPF_K, K: ret},
	}
	fprog := unix.SockFprog{Len: uint16(len(prog)), Filter: &prog[0]}
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		return err
	}
	_, _, e := unix.Syscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER, unix.SECCOMP_FILTER_FLAG_TSYNC, uintptr(unsafe.Pointer(&fprog)))
	runtime.KeepAlive(prog)
	if e != 0 {
		return e
	}
	return nil
}

// A runner runs helper processes as one user.
type runner struct {
	bin  string              // the test binary, runnable by that user
	cred *syscall.Credential // nil: as the test process's user (root)
	name string              // "root" or "uid <n>"
	uid  uint32
}

// asRoot returns a runner of helpers as the test process's user.
func asRoot(t *testing.T) runner {
	bin, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return runner{bin: bin, name: "uid " + strconv.Itoa(os.Geteuid()), uid: uint32(os.Geteuid())}
}

// asUser returns a runner of helpers as the unused uid of slot, which it
// cleans up after the test: its persistent, user and user-session keyrings
// are removed, and it must own no keys afterwards. Stores that helpers
// left in the session keyring must be removed by the test (mode remove).
func asUser(t *testing.T, bin string, slot int) runner {
	uid := testutil.UnusedID(t, slot)
	r := runner{bin: bin, cred: testutil.Credential(uid), name: "uid " + strconv.FormatUint(uint64(uid), 10), uid: uid}
	t.Cleanup(func() {
		r.run(t, "cleanup-user")
		testutil.WaitNoKeys(t, uid)
	})
	return r
}

// command returns the helper process of mode with args, in the test's
// session keyring.
func (r runner) command(ctx context.Context, mode string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, r.bin, append([]string{"-test.run=^TestHelperProcess$", "--", mode}, args...)...)
	// Package keyring's functions use their default anchor.
	cmd.Env = append(slices.DeleteFunc(os.Environ(), func(v string) bool { return strings.HasPrefix(v, keyring.EnvAnchor+"=") }), envHelper+"=1")
	// Under -race, helpers would sleep a second at exit (the race
	// detector's default atexit_sleep_ms).
	cmd.Env = append(cmd.Env, "GORACE="+strings.TrimSpace(os.Getenv("GORACE")+" atexit_sleep_ms=0"))
	cmd.Dir = "/"
	if r.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: r.cred}
	}
	return cmd
}

// run runs a helper to its end, fails the test for each FAIL line and a
// failed exit, and returns its "<key> <value>" lines as a map.
func (r runner) run(t *testing.T, mode string, args ...string) map[string]string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	return r.check(t, r.command(ctx, mode, args...), func(cmd *exec.Cmd) error { return cmd.Run() })
}

// runInNewSession is run in a new session keyring of its own.
func (r runner) runInNewSession(t *testing.T, mode string, args ...string) map[string]string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	return r.check(t, r.command(ctx, mode, args...), func(cmd *exec.Cmd) error {
		_, err := keyutils.Session{}.Run(cmd)
		return err
	})
}

func (r runner) check(t *testing.T, cmd *exec.Cmd, run func(*exec.Cmd) error) map[string]string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := run(cmd)
	return parseHelper(t, r.name+" "+strings.Join(cmd.Args[3:], " "), stdout.Bytes(), stderr.Bytes(), err)
}

// parseHelper reports a helper's output.
func parseHelper(t *testing.T, what string, stdout, stderr []byte, err error) map[string]string {
	t.Helper()
	vals := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(stdout))
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "FAIL "):
			t.Errorf("%s: %s", what, line)
		case strings.HasPrefix(line, "ok "):
			t.Logf("%s: %s", what, line)
		case line == "PASS" || line == "":
		default:
			k, v, _ := strings.Cut(line, " ")
			vals[k] = v
		}
	}
	if err != nil {
		t.Errorf("%s: %v\nstdout:\n%s\nstderr:\n%s", what, err, stdout, stderr)
	}
	return vals
}

package main

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/keyutils-go/keyutils"
	"github.com/keyutils-go/keyutils/internal/testutil"
	"golang.org/x/sys/unix"
)

func TestMain(m *testing.M) { testutil.Main(m) }

// EnvUpcall opts in to TestUpcall, which replaces the machine's
// /sbin/request-key for its duration.
const EnvUpcall = "KEYUTILS_TEST_UPCALL"

// TestUpcall runs request_key(2) through the real kernel upcall with our
// request-key installed as /sbin/request-key and a test configuration in
// /etc/request-key.d. Both are restored when the test ends, also on
// failure and on SIGINT/SIGTERM.
func TestUpcall(t *testing.T) {
	if os.Getenv(EnvUpcall) != "1" {
		t.Skip("set " + EnvUpcall + "=1 (as root) to install our request-key as /sbin/request-key for this test")
	}
	if os.Geteuid() != 0 {
		t.Skip("needs root: installs /sbin/request-key")
	}
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
	}, "\n") // no final newline: nothing may be chopped
	install(t, bin, "00-keyutils-go-test.conf", conf)

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
	for _, d := range []string{"crash:1", "exit1:1", "hang:1", "go:3", "badmacro:1", "nomatch:1"} {
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

// install puts bin at /sbin/request-key (its real path: /sbin may be a
// symlink) and conf into /etc/request-key.d/name, and arranges for both to
// be undone exactly once: at cleanup, or on SIGINT/SIGTERM.
func install(t *testing.T, bin, name, conf string) {
	t.Helper()
	lock, err := os.OpenFile("/run/lock/keyutils-go-upcall-test", os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if err := unix.Flock(int(lock.Fd()), unix.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	target, err := filepath.EvalSymlinks("/sbin/request-key")
	if err != nil {
		t.Fatalf("no /sbin/request-key to replace: %v", err)
	}
	backup := filepath.Join(filepath.Dir(target), ".request-key.keyutils-go-test-backup")
	if _, err := os.Stat(backup); err == nil {
		t.Fatalf("%s exists: a previous test run did not restore /sbin/request-key; restore it by hand", backup)
	}
	confPath := filepath.Join("/etc/request-key.d", name)
	before := fingerprint(t, target)

	var once sync.Once
	restore := func() {
		once.Do(func() {
			os.Remove(confPath)
			if err := os.Rename(backup, target); err != nil {
				fmt.Fprintf(os.Stderr, "RESTORE FAILED: mv %s %s: %v\n", backup, target, err)
			}
			lock.Close()
		})
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case s := <-sig:
			restore()
			fmt.Fprintf(os.Stderr, "%v: restored /sbin/request-key and /etc/request-key.d\n", s)
			os.Exit(1)
		case <-done:
		}
	}()
	t.Cleanup(func() {
		restore()
		signal.Stop(sig)
		close(done)
		if after := fingerprint(t, target); after != before {
			t.Errorf("%s not restored: %s, was %s", target, after, before)
		}
		if _, err := os.Lstat(confPath); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s not removed", confPath)
		}
	})

	if err := os.Link(target, backup); err != nil {
		t.Fatal(err)
	}
	tmp := target + ".keyutils-go-test-new"
	if err := copyFile(bin, tmp); err != nil {
		os.Remove(backup)
		t.Fatal(err)
	}
	if err := os.Rename(tmp, target); err != nil {
		os.Remove(tmp)
		os.Remove(backup)
		t.Fatal(err)
	}
	if err := os.WriteFile(confPath, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o755)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
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

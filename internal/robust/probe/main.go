// Command probe exercises the library as an unprivileged user, for the
// tests of package robust: they run it under a test user's credentials in
// a fresh session keyring. It prints one line per check, "ok <name>" or
// "FAIL <name>: <why>", and "info ..." lines, and cleans up every key it
// created before it exits. It never touches the user's @u or @us.
//
// Usage: probe <keyctl> <system-keyctl or ""> <R> <K1> <K2> <K4>
//
// R is a root-owned keyring the probe may view, search and link; K1 a
// root-owned key in no keyring the probe can reach, whose "other" rights
// are view only; K2 a root-owned key in R readable only by its possessor;
// K4 a root-owned key the probe may not even view.
package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/keyutils-go/keyutils"
)

var failed bool

func ok(name string) { fmt.Println("ok", name) }

func fail(name, format string, a ...any) {
	failed = true
	fmt.Printf("FAIL %s: %s\n", name, fmt.Sprintf(format, a...))
}

func check(name string, good bool, format string, a ...any) {
	if good {
		ok(name)
	} else {
		fail(name, format, a...)
	}
}

func serial(s string) keyutils.Serial {
	n, err := strconv.ParseInt(s, 10, 32)
	if err != nil {
		fmt.Println("FAIL args:", err)
		os.Exit(2)
	}
	return keyutils.Serial(n)
}

func detail(err error) string {
	var ke *keyutils.Error
	if errors.As(err, &ke) {
		return ke.Detail
	}
	return ""
}

func main() {
	// Keep every keyring call on one thread: @s is per-thread state, and
	// all threads share this process's session keyring anyway.
	runtime.LockOSThread()
	if len(os.Args) != 7 {
		fmt.Println("FAIL args: usage: probe keyctl syskeyctl R K1 K2 K4")
		os.Exit(2)
	}
	keyctl, sysKeyctl := os.Args[1], os.Args[2]
	r, k1, k2, k4 := serial(os.Args[3]), serial(os.Args[4]), serial(os.Args[5]), serial(os.Args[6])
	uid := os.Getuid()
	fmt.Printf("info uid %d euid %d gid %d\n", uid, os.Geteuid(), os.Getgid())

	// Not keyutils.CurrentSession: it resolves @us, which makes the kernel
	// create the user's @u and @us, and those stay until reboot.
	ses, err := keyutils.SessionKeyring.Resolve()
	var d keyutils.Description
	if err == nil {
		d, err = keyutils.Describe(ses)
	}
	check("own-session", err == nil && d.Description == "_ses", "@s = %v %+v, %v", ses, d, err)

	// What the uid owns before the probe makes anything: nothing, for the
	// fresh uid the tests use, but the quota checks count from here.
	base, err := keyutils.KeyUserOf(uid)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		fail("usage-before", "%v", err)
	}
	fmt.Printf("info usage before: %+v\n", base)

	permissions(r, k1, k2, k4)
	quota(keyctl, sysKeyctl, uid, base)

	if failed {
		os.Exit(1)
	}
}

// permissions: the kernel denies, the errors say why.
func permissions(r, k1, k2, k4 keyutils.Serial) {
	_, err := keyutils.Read(k1)
	d := detail(err)
	check("read-denied", errors.Is(err, keyutils.ErrPermission), "Read(K1) = %v", err)
	check("read-denied-detail", strings.Contains(d, "other rights -----v") &&
		strings.Contains(d, "possessor rights") && strings.Contains(d, "owned by 0:0"),
		"detail %q", d)
	fmt.Println("info", err)

	_, err = keyutils.Read(k4)
	check("read-no-view", errors.Is(err, keyutils.ErrPermission) && strings.Contains(detail(err), "may not view"),
		"Read(K4) = %v", err)

	// K2 is readable by its possessor only: denied until R, which holds
	// it and which we may search, is linked into our session keyring.
	_, err = keyutils.Read(k2)
	check("read-unpossessed", errors.Is(err, keyutils.ErrPermission) && strings.Contains(detail(err), "only if it possesses"),
		"Read(K2) unpossessed = %v", err)
	if err := keyutils.Link(r, keyutils.SessionKeyring); err != nil {
		fail("link-R", "%v", err)
	} else {
		p, err := keyutils.Read(k2)
		check("read-possessed", err == nil && string(p) == "possessed", "Read(K2) possessed = %q, %v", p, err)
		keyutils.Wipe(p)
		check("unlink-R", keyutils.Unlink(r, keyutils.SessionKeyring) == nil, "unlink R")
	}

	// chown is for root: refused for our own key and for root's.
	ring, err := keyutils.NewKeyring("probe-perm", keyutils.SessionKeyring)
	if err != nil {
		fail("perm-ring", "%v", err)
		return
	}
	defer cleanupRing(ring)
	id, err := keyutils.AddKey("user", "mine", []byte("x"), ring)
	if err != nil {
		fail("perm-add", "%v", err)
		return
	}
	err = keyutils.Chown(id, 0, -1)
	check("chown-own-refused", errors.Is(err, keyutils.ErrPermission), "Chown(own key, 0) = %v", err)
	err = keyutils.Chown(k1, os.Getuid(), -1)
	check("chown-root-key-refused", errors.Is(err, keyutils.ErrPermission), "Chown(K1, me) = %v", err)
	err = keyutils.SetPerm(k1, 0x3f3f3f3f)
	check("setperm-root-key-refused", errors.Is(err, keyutils.ErrPermission), "SetPerm(K1) = %v", err)
}

// quota fills the user's key quota, first in keys, then in bytes, and
// checks the errors of the library and of the keyctl commands. base is
// the uid's usage before the probe created anything.
//
// Keys that were unlinked (by the permission checks, by the Clear between
// the two fills) stop counting against the quota only when the kernel
// drops their last reference, asynchronously. So before each fill the
// probe waits until the usage is exactly base plus the one key it holds
// (its keyring): no key is then waiting to be freed, nothing can free a
// slot behind its back, and the quota stays full until the keyctl calls.
// Before each keyctl call it checks that the quota is still full, and
// fills it again if it is not.
func quota(keyctl, sysKeyctl string, uid int, base keyutils.KeyUser) {
	ring, err := keyutils.NewKeyring("probe-quota", keyutils.SessionKeyring)
	if err != nil {
		fail("quota-ring", "%v", err)
		return
	}
	defer cleanupRing(ring)

	// settle waits until the uid's usage is base plus the keyring: every
	// key dropped before has been freed.
	settle := func(name string) bool {
		want := base.QuotaKeys + 1
		deadline := time.Now().Add(30 * time.Second)
		for {
			u, err := keyutils.KeyUserOf(uid)
			if err == nil && u.QuotaKeys == want {
				return true
			}
			if time.Now().After(deadline) {
				fail("quota-settle-"+name, "usage %+v (%v), want %d keys: the dropped keys were not freed in 30 s", u, err, want)
				return false
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	// fill adds keys with size-byte payloads until the kernel refuses
	// one; it returns how many it added and the refusal.
	next := 0
	fill := func(name string, size int) (int, error) {
		payload := bytes.Repeat([]byte("q"), size)
		for i := 0; i < 100000; i++ {
			next++
			_, err := keyutils.AddKey("user", name+strconv.Itoa(next), payload, ring)
			if err != nil {
				return i, err
			}
		}
		return 100000, errors.New("no quota reached")
	}
	for _, c := range []struct {
		name string
		size int
		full func(keyutils.KeyUser) bool
	}{
		{"keys", 10, func(u keyutils.KeyUser) bool { return u.QuotaKeys == u.MaxKeys }},
		{"bytes", 4000, func(u keyutils.KeyUser) bool { return u.QuotaBytes+4000 > u.MaxBytes }},
	} {
		if !settle(c.name) {
			return
		}
		n, err := fill(c.name, c.size)
		fmt.Printf("info %s: %d keys added before %v\n", c.name, n, err)
		u, uerr := keyutils.KeyUserOf(uid)
		check("quota-"+c.name, errors.Is(err, keyutils.ErrQuotaExceeded), "fill with %d-byte keys: %v", c.size, err)
		check("quota-"+c.name+"-full", uerr == nil && c.full(u), "/proc/key-users: %+v, %v", u, uerr)
		want := fmt.Sprintf("uid %d owns %d/%d keys and %d/%d bytes", uid, u.QuotaKeys, u.MaxKeys, u.QuotaBytes, u.MaxBytes)
		check("quota-"+c.name+"-detail", err != nil && strings.Contains(err.Error(), want),
			"error %v does not say %q", err, want)
		fmt.Println("info", err)

		// keyctl, ours and the system's, on the full quota.
		payload := strings.Repeat("q", c.size)
		for _, k := range []string{keyctl, sysKeyctl} {
			if k == "" {
				continue
			}
			// Still full? (Nothing should have been freed: the usage
			// had settled. If something was, fill the gap again.)
			if u, err := keyutils.KeyUserOf(uid); err != nil || !c.full(u) {
				n, ferr := fill(c.name, c.size)
				fmt.Printf("info %s: quota no longer full (%+v, %v) before %s; %d more keys added before %v\n", c.name, u, err, k, n, ferr)
			}
			cmd := exec.Command(k, "add", "user", "cli-"+c.name, payload, strconv.Itoa(int(ring)))
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			code := -1
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				code = ee.ExitCode()
			}
			check("quota-"+c.name+"-cli "+k, code == 1 && stderr.String() == "add_key: Disk quota exceeded\n" && stdout.Len() == 0,
				"exit %d (%v), stdout %q, stderr %q", code, err, stdout.String(), stderr.String())
		}
		if err := keyutils.Clear(ring); err != nil {
			fail("quota-clear", "%v", err)
		}
	}
}

// cleanupRing removes everything the probe put in ring and ring itself
// from the session keyring.
func cleanupRing(ring keyutils.Serial) {
	if err := keyutils.Clear(ring); err != nil {
		fail("cleanup-clear", "%v", err)
	}
	if err := keyutils.Unlink(ring, keyutils.SessionKeyring); err != nil {
		fail("cleanup-unlink", "%v", err)
	}
}

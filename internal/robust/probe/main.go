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

	permissions(r, k1, k2, k4)
	quota(keyctl, sysKeyctl, uid)

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
// checks the errors of the library and of the keyctl commands.
func quota(keyctl, sysKeyctl string, uid int) {
	ring, err := keyutils.NewKeyring("probe-quota", keyutils.SessionKeyring)
	if err != nil {
		fail("quota-ring", "%v", err)
		return
	}
	defer cleanupRing(ring)

	start, err := keyutils.KeyUserOf(uid)
	if err != nil {
		fail("quota-start", "%v", err)
		return
	}
	// settle waits for the garbage collector to free the keys a Clear
	// dropped: until then they still count against the quota.
	settle := func() {
		deadline := time.Now().Add(5 * time.Second)
		for time.Now().Before(deadline) {
			if u, err := keyutils.KeyUserOf(uid); err == nil && u.QuotaKeys <= start.QuotaKeys && u.QuotaBytes <= start.QuotaBytes {
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
		u, err := keyutils.KeyUserOf(uid)
		fail("quota-settle", "usage %+v, %v; was %+v", u, err, start)
	}
	fill := func(name string, size int) error {
		payload := bytes.Repeat([]byte("q"), size)
		for i := 0; i < 100000; i++ {
			_, err := keyutils.AddKey("user", name+strconv.Itoa(i), payload, ring)
			if err != nil {
				fmt.Printf("info %s: %d keys added before %v\n", name, i, err)
				return err
			}
		}
		return errors.New("no quota reached")
	}
	for _, c := range []struct {
		name string
		size int
		full func(keyutils.KeyUser) bool
	}{
		{"keys", 10, func(u keyutils.KeyUser) bool { return u.QuotaKeys == u.MaxKeys }},
		{"bytes", 4000, func(u keyutils.KeyUser) bool { return u.QuotaBytes+4000 > u.MaxBytes }},
	} {
		err := fill(c.name, c.size)
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
		settle()
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

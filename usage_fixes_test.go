//go:build linux

package keyutils_test

import (
	"errors"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/keyutils-go/keyutils"
	"golang.org/x/sys/unix"
)

// Joining a named session keyring the thread is in already returns its
// serial, not the kernel's 0.
func TestSessionJoinSameNamedKeyring(t *testing.T) {
	testSession(t)
	name := "keyutils-go-test-rejoin:" + strconv.Itoa(os.Getpid())
	onThread(func() {
		s := keyutils.Session{Name: name}
		first, err := s.Join()
		if err != nil || first == 0 {
			t.Errorf("Join(%q) = %d, %v", name, first, err)
			return
		}
		// Searchable by its owner, so that a join by name finds it.
		if err := keyutils.SetPerm(first, keyutils.PosAll|keyutils.UsrView|keyutils.UsrSearch); err != nil {
			t.Error(err)
			return
		}
		again, err := s.Join()
		if err != nil || again != first {
			t.Errorf("Join(%q) again = %d, %v; want %d", name, again, err, first)
		}
		if raw, err := keyutils.JoinSessionKeyring(name); err != nil || raw != 0 {
			t.Errorf("JoinSessionKeyring(%q) again = %d, %v; want the kernel's 0", name, raw, err)
		}
	})
}

// A NUL byte in a type, description or name is refused instead of the
// kernel acting on the shorter C string.
func TestNULInStrings(t *testing.T) {
	ring := newRing(t, keyutils.SessionKeyring, "nul")
	defer keyutils.Unlink(ring, keyutils.SessionKeyring)
	defer keyutils.Clear(ring)
	_, err := keyutils.AddKey("user", "a\x00b", []byte("v"), ring)
	wantErr(t, err, unix.EINVAL, "add_key", 0)
	if ids := members(t, ring); len(ids) != 0 {
		t.Errorf("AddKey with a NUL in the description added %v", ids)
	}
	addUser(t, ring, "a", "v")
	_, err = keyutils.Search(ring, "user", "a\x00b", nil)
	wantErr(t, err, unix.EINVAL, "search", 0)
	_, err = keyutils.RequestKey("user\x00", "a", nil)
	wantErr(t, err, unix.EINVAL, "request_key", 0)
	_, err = keyutils.RequestKeyWithCallout("user", "a", "x\x00y", nil)
	wantErr(t, err, unix.EINVAL, "request_key", 0)
	onThread(func() {
		_, err := keyutils.JoinSessionKeyring("n\x00")
		wantErr(t, err, unix.EINVAL, "join_session_keyring", 0)
	})
}

// SetPerm, SetTimeout, Chown, Clear and the key of Link and Move do not
// make the kernel create a process keyring for the calling thread either.
func TestProcessKeyringNotCreatedByAttributeOps(t *testing.T) {
	ring := newRing(t, keyutils.SessionKeyring, "noproc")
	defer keyutils.Unlink(ring, keyutils.SessionKeyring)
	ops := map[string]func() error{
		"setperm":     func() error { return keyutils.SetPerm(keyutils.ProcessKeyring, 0x3f010000) },
		"set_timeout": func() error { return keyutils.SetTimeout(keyutils.ProcessKeyring, time.Hour) },
		"chown":       func() error { return keyutils.Chown(keyutils.ProcessKeyring, -1, 0) },
		"clear":       func() error { return keyutils.Clear(keyutils.ProcessKeyring) },
		"link":        func() error { return keyutils.Link(keyutils.ProcessKeyring, ring) },
		"move":        func() error { return keyutils.Move(keyutils.ProcessKeyring, ring, ring, 0) },
	}
	for op, f := range ops {
		onThread(func() {
			if _, err := keyutils.ProcessKeyring.Resolve(); !errors.Is(err, keyutils.ErrNotFound) {
				t.Errorf("the test process has a process keyring already (%v)", err)
				return
			}
			wantErr(t, f(), keyutils.ErrNotFound, op, 0)
			if p, err := keyutils.ProcessKeyring.Resolve(); !errors.Is(err, keyutils.ErrNotFound) {
				t.Errorf("%s created process keyring %d (%v)", op, p, err)
			}
		})
	}
}

// add_key failures that the errno alone does not explain get a Detail.
func TestAddKeyDetail(t *testing.T) {
	ring := newRing(t, keyutils.SessionKeyring, "detail")
	defer keyutils.Unlink(ring, keyutils.SessionKeyring)
	for _, c := range []struct {
		typ, desc string
		payload   []byte
		errno     unix.Errno
		detail    string
	}{
		{"no-such-type", "d", []byte("v"), unix.ENODEV, `no key type "no-such-type"`},
		{"logon", "noprefix", []byte("v"), unix.EINVAL, `"<service>:"`},
		{"logon", ":noservice", []byte("v"), unix.EINVAL, `"<service>:"`},
		{"user", "d", nil, unix.EINVAL, "1 to 32767 bytes"},
		{"user", "", []byte("v"), unix.EINVAL, "empty"},
		{"user", strings.Repeat("d", 4096), []byte("v"), unix.EINVAL, "longer than 4095"},
	} {
		_, err := keyutils.AddKey(c.typ, c.desc, c.payload, ring)
		wantErr(t, err, c.errno, "add_key", 0)
		var ke *keyutils.Error
		if errors.As(err, &ke) && !strings.Contains(ke.Detail, c.detail) {
			t.Errorf("AddKey(%q, %.20q, %d bytes): detail %q, want it to say %q", c.typ, c.desc, len(c.payload), ke.Detail, c.detail)
		}
	}
}

// Construct outside an upcall says why authority cannot be assumed.
func TestConstructWithoutAuthorityDetail(t *testing.T) {
	ring := newRing(t, keyutils.SessionKeyring, "noauth")
	defer keyutils.Unlink(ring, keyutils.SessionKeyring)
	id := addUser(t, ring, "k", "v")
	c, err := keyutils.Construct(id)
	var ke *keyutils.Error
	if c != nil || !errors.Is(err, keyutils.ErrNotFound) || !errors.As(err, &ke) || !strings.Contains(ke.Detail, "request-key(8)") {
		t.Errorf("Construct(%d) outside an upcall = %v, %v; want ErrNotFound with an explanation", id, c, err)
	}
}

// StartWithKeys links the keys into the new session keyring before the
// program starts, from many goroutines at once, and leaves the caller's
// session keyring as it was.
func TestStartWithKeys(t *testing.T) {
	ses := testSession(t)
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh")
	}
	ring := newRing(t, keyutils.SessionKeyring, "startwithkeys")
	defer keyutils.Unlink(ring, keyutils.SessionKeyring)
	defer keyutils.Clear(ring)
	const n = 8
	errs := make(chan error, n)
	for i := range n {
		go func() {
			key, err := keyutils.AddKey("user", "secret"+strconv.Itoa(i), []byte("v"), ring)
			if err != nil {
				errs <- err
				return
			}
			// The child waits for its standard input to close, holding
			// its session keyring until then.
			cmd := exec.Command("sh", "-c", "cat >/dev/null")
			stdin, err := cmd.StdinPipe()
			if err != nil {
				errs <- err
				return
			}
			id, err := keyutils.Session{}.StartWithKeys(cmd, key)
			if err != nil {
				errs <- err
				return
			}
			m, merr := keyutils.ReadKeyring(id)
			stdin.Close()
			werr := cmd.Wait()
			switch {
			case merr != nil:
				errs <- merr
			case werr != nil:
				errs <- werr
			case len(m) != 1 || m[0] != key:
				errs <- errors.New("session keyring of child " + strconv.Itoa(i) + " does not hold exactly its key")
			default:
				errs <- nil
			}
		}()
	}
	for range n {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	if got, _ := keyutils.SessionKeyring.Resolve(); got != ses {
		t.Fatalf("@s of the test changed to %d", got)
	}
	// A key that cannot be linked: the program is not started.
	cmd := exec.Command("sh", "-c", "exit 0")
	if _, err := (keyutils.Session{}).StartWithKeys(cmd, keyutils.Serial(0x7ffffff0)); err == nil || cmd.Process != nil {
		t.Errorf("StartWithKeys with a missing key: %v, process %v", err, cmd.Process)
		cmd.Wait()
	}
}

//go:build linux

package keyutils_test

import (
	"errors"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/keyutils-go/keyutils"
	"github.com/keyutils-go/keyutils/internal/testutil"
)

// onThread runs f on a goroutine locked to a fresh OS thread that is never
// unlocked, so the runtime discards the thread, and whatever f did to its
// credentials, when f returns.
func onThread(f func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		runtime.LockOSThread()
		f()
	}()
	<-done
}

// testSession returns the test process's session keyring, checking that
// the tests run in a session keyring of their own (testutil.Main).
func testSession(t *testing.T) keyutils.Serial {
	t.Helper()
	if os.Getenv(testutil.EnvSession) == "" {
		t.Fatalf("%s not set: run the tests through testutil.Main", testutil.EnvSession)
	}
	ses, err := keyutils.SessionKeyring.Resolve()
	if err != nil {
		t.Fatalf("resolving @s: %v", err)
	}
	us, err := keyutils.UserSessionKeyring.Resolve()
	if err != nil {
		t.Fatalf("resolving @us: %v", err)
	}
	if ses == us {
		t.Fatal("the tests run in the user-session keyring")
	}
	return ses
}

func TestGetKeyringID(t *testing.T) {
	ses := testSession(t)
	got, err := keyutils.GetKeyringID(keyutils.SessionKeyring, false)
	if err != nil || got != ses {
		t.Fatalf("GetKeyringID(@s) = %d, %v; want %d", got, err, ses)
	}
	if d, err := keyutils.Describe(got); err != nil || d.Type != "keyring" || d.Description != "_ses" {
		t.Fatalf("Describe(@s) = %+v, %v; want the anonymous _ses keyring", d, err)
	}
	if got, err = keyutils.GetKeyringID(keyutils.SessionKeyring, true); err != nil || got != ses {
		t.Fatalf("GetKeyringID(@s) = %d, %v; want %d", got, err, ses)
	}
	if got, err = keyutils.SessionKeyring.Resolve(); err != nil || got != ses {
		t.Fatalf("SessionKeyring.Resolve() = %d, %v; want %d", got, err, ses)
	}
	// Every goroutine's thread shares the test's session keyring.
	onThread(func() {
		if got, err := keyutils.SessionKeyring.Resolve(); err != nil || got != ses {
			t.Errorf("Resolve(@s) on another thread = %d, %v; want %d", got, err, ses)
		}
	})
	// A Serial checks existence.
	ring := testutil.Keyring(t)
	if got, err = keyutils.GetKeyringID(ring, false); err != nil || got != ring {
		t.Fatalf("GetKeyringID(ring) = %d, %v", got, err)
	}
	_, err = keyutils.GetKeyringID(keyutils.Serial(1), false)
	wantErr(t, err, keyutils.ErrNotFound, "get_keyring_id", 1)
	_, err = keyutils.GetKeyringID(keyutils.GroupKeyring, false)
	wantErr(t, err, unix.EINVAL, "get_keyring_id", int32(keyutils.GroupKeyring))
	// @a without authority.
	_, err = keyutils.ReqKeyAuthKey.Resolve()
	if err == nil {
		t.Fatal("Resolve(@a) without authority succeeded")
	}
}

func TestThreadKeyring(t *testing.T) {
	onThread(func() {
		_, err := keyutils.ThreadKeyring.Resolve()
		wantErr(t, err, keyutils.ErrNotFound, "get_keyring_id", int32(keyutils.ThreadKeyring))
		if msg := err.Error(); msg != "keyutils: get_keyring_id key -1 (@t): required key not available" {
			t.Errorf("error message %q", msg)
		}
		id, err := keyutils.GetKeyringID(keyutils.ThreadKeyring, true)
		if err != nil || id <= 0 {
			t.Errorf("GetKeyringID(@t, create) = %d, %v", id, err)
			return
		}
		if again, err := keyutils.ThreadKeyring.Resolve(); err != nil || again != id {
			t.Errorf("Resolve(@t) after create = %d, %v; want %d", again, err, id)
		}
	})
	// The thread keyring belonged to the discarded thread only.
	onThread(func() {
		if _, err := keyutils.ThreadKeyring.Resolve(); err == nil {
			t.Error("fresh thread has a thread keyring")
		}
	})
}

func TestSessionKeyringRule(t *testing.T) {
	ses := testSession(t)
	// A key added to SessionKeyring lands in the resolved session keyring,
	// whatever thread runs the call.
	id, err := keyutils.AddKey("user", "session:rule", []byte("x"), keyutils.SessionKeyring)
	if err != nil {
		t.Fatal(err)
	}
	defer keyutils.Unlink(id, ses)
	if !contains(members(t, ses), id) {
		t.Fatalf("key %d not in session keyring %d", id, ses)
	}
	if err := keyutils.Unlink(id, keyutils.SessionKeyring); err != nil {
		t.Fatal(err)
	}
	if contains(members(t, ses), id) {
		t.Fatal("Unlink(@s) left the key")
	}
}

func TestSpecialNames(t *testing.T) {
	for _, s := range []keyutils.Special{keyutils.ThreadKeyring, keyutils.ProcessKeyring,
		keyutils.SessionKeyring, keyutils.UserKeyring, keyutils.UserSessionKeyring,
		keyutils.GroupKeyring, keyutils.ReqKeyAuthKey} {
		got, ok := keyutils.ParseSpecial(s.String())
		if !ok || got != s {
			t.Errorf("ParseSpecial(%q) = %d, %v; want %d", s.String(), got, ok, s)
		}
		if s.Int32() >= 0 {
			t.Errorf("%v.Int32() = %d", s, s.Int32())
		}
	}
	if s := keyutils.RequestorKeyring.String(); s != "-8" {
		t.Errorf("RequestorKeyring.String() = %q", s)
	}
	for _, bad := range []string{"", "@", "@x", "@S", "s", "-3", "@ss"} {
		if _, ok := keyutils.ParseSpecial(bad); ok {
			t.Errorf("ParseSpecial(%q) succeeded", bad)
		}
	}
	if s := keyutils.Serial(-3).String(); s != "-3" {
		t.Errorf("Serial(-3).String() = %q", s)
	}
	if keyutils.Serial(42).Int32() != 42 {
		t.Error("Serial.Int32")
	}
}

func TestSetReqKeyKeyring(t *testing.T) {
	cur, err := keyutils.SetReqKeyKeyring(keyutils.ReqKeyNoChange)
	if err != nil {
		t.Fatal(err)
	}
	if cur < keyutils.ReqKeyDefaultRing || cur > keyutils.ReqKeyRequestor {
		t.Fatalf("current default %d out of range", cur)
	}
	onThread(func() {
		old, err := keyutils.SetReqKeyKeyring(keyutils.ReqKeyUser)
		if err != nil || old != cur {
			t.Errorf("SetReqKeyKeyring(user) = %d, %v; want old %d", old, err, cur)
		}
		if now, err := keyutils.SetReqKeyKeyring(keyutils.ReqKeyNoChange); err != nil || now != keyutils.ReqKeyUser {
			t.Errorf("after set: %d, %v", now, err)
		}
		if _, err := keyutils.SetReqKeyKeyring(old); err != nil {
			t.Errorf("restore: %v", err)
		}
		_, err = keyutils.SetReqKeyKeyring(42)
		wantErr(t, err, unix.EINVAL, "set_reqkey_keyring", 0)
	})
}

func TestConstructionWithoutAuthority(t *testing.T) {
	ring := testutil.Keyring(t)
	k := addUser(t, ring, "construct", "x")
	tests := []struct {
		op string
		f  func(id keyutils.ID) error
	}{
		{"instantiate", func(id keyutils.ID) error { return keyutils.Instantiate(id, []byte("x"), ring) }},
		{"instantiate_iov", func(id keyutils.ID) error {
			return keyutils.InstantiateIov(id, [][]byte{[]byte("a"), nil, []byte("b")}, nil)
		}},
		{"negate", func(id keyutils.ID) error { return keyutils.Negate(id, time.Second, ring) }},
		{"reject", func(id keyutils.ID) error { return keyutils.Reject(id, time.Second, unix.EKEYREJECTED, nil) }},
	}
	for _, tt := range tests {
		for _, id := range []keyutils.Serial{k, 0, 1} {
			wantErr(t, tt.f(id), keyutils.ErrPermission, tt.op, int32(id))
			wantErr(t, tt.f(id), unix.EPERM, tt.op, int32(id))
		}
	}
	wantErr(t, keyutils.Negate(k, -time.Second, nil), unix.EINVAL, "negate", int32(k))
	wantErr(t, keyutils.Reject(k, -time.Second, unix.EKEYREJECTED, nil), unix.EINVAL, "reject", int32(k))
	// k is not an authorisation key.
	err := keyutils.AssumeAuthority(k)
	if err == nil {
		t.Fatal("AssumeAuthority(user key) succeeded")
	}
	t.Logf("AssumeAuthority(user key): %v", err)
	onThread(func() {
		// Giving up an authority one does not have is allowed.
		if err := keyutils.AssumeAuthority(keyutils.Serial(0)); err != nil {
			t.Errorf("AssumeAuthority(0): %v", err)
		}
	})
}

func TestSessionToParent(t *testing.T) {
	// The parent of the test binary is the go tool or a shell; the kernel
	// refuses multithreaded parents, so only check the call is made and
	// fails cleanly, or succeeds without changing our own session.
	ses := testSession(t)
	err := keyutils.SessionToParent()
	t.Logf("SessionToParent: %v", err)
	if got, _ := keyutils.SessionKeyring.Resolve(); got != ses {
		t.Fatalf("our session keyring changed to %d", got)
	}
}

func TestJoinSessionKeyring(t *testing.T) {
	ses := testSession(t)
	onThread(func() {
		id, err := keyutils.JoinAnonymousSessionKeyring()
		if err != nil || id == ses {
			t.Errorf("JoinAnonymousSessionKeyring = %d, %v", id, err)
			return
		}
		if got, _ := keyutils.SessionKeyring.Resolve(); got != id {
			t.Errorf("@s after join = %d, want %d", got, id)
		}
		if d, _ := keyutils.Describe(id); d.Description != "_ses" {
			t.Errorf("anonymous session keyring described as %+v", d)
		}
	})
	name := "keyutils-go-test:" + strconv.Itoa(os.Getpid())
	var first keyutils.Serial
	onThread(func() {
		id, err := keyutils.JoinSessionKeyring(name)
		if err != nil {
			t.Errorf("JoinSessionKeyring(%q): %v", name, err)
			return
		}
		first = id
		if d, _ := keyutils.Describe(id); d.Description != name {
			t.Errorf("named session keyring described as %+v", d)
		}
	})
	if first == ses {
		t.Error("the join changed the test's own thread")
	}
	// Other threads are unaffected.
	if got, _ := keyutils.SessionKeyring.Resolve(); got != ses {
		t.Fatalf("@s of the test changed to %d", got)
	}
	onThread(func() {
		_, err := keyutils.JoinSessionKeyring("")
		wantErr(t, err, unix.EINVAL, "join_session_keyring", 0)
	})
}

// ProcessKeyring as a destination is never created implicitly: under Go
// it would belong to one OS thread.
func TestProcessKeyringNotCreatedImplicitly(t *testing.T) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		runtime.LockOSThread() // never unlocked: the thread is discarded
		if _, err := keyutils.ProcessKeyring.Resolve(); !errors.Is(err, keyutils.ErrNotFound) {
			t.Errorf("the test process has a process keyring already (%v)", err)
			return
		}
		_, err := keyutils.AddKey("user", "p", []byte("v"), keyutils.ProcessKeyring)
		var ke *keyutils.Error
		if !errors.Is(err, keyutils.ErrNotFound) || !errors.As(err, &ke) || !strings.Contains(ke.Detail, "GetKeyringID(ProcessKeyring, true)") {
			t.Errorf("AddKey to ProcessKeyring without one: %v, want ErrNotFound with advice", err)
		}
		if _, err := keyutils.ProcessKeyring.Resolve(); !errors.Is(err, keyutils.ErrNotFound) {
			t.Errorf("AddKey created a process keyring (%v)", err)
		}
		// Created explicitly, it is used.
		p, err := keyutils.GetKeyringID(keyutils.ProcessKeyring, true)
		if err != nil {
			t.Error(err)
			return
		}
		id, err := keyutils.AddKey("user", "p", []byte("v"), keyutils.ProcessKeyring)
		if err != nil || !contains(members(t, p), id) {
			t.Errorf("AddKey to an existing process keyring: %v", err)
		}
	}()
	<-done
}

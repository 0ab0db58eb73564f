//go:build linux

// Package testutil runs a package's tests inside a throwaway session
// keyring of their own, so that tests never touch the machine's user or
// user-session keyrings, and gives each test a keyring that is removed when
// it ends.
package testutil

import (
	"fmt"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/keyutils-go/keyutils"
)

// EnvSession is set in a test process that Main has moved into a new
// session keyring.
const EnvSession = "KEYUTILS_TEST_SESSION"

// EnvStartedWithout is set by Main, to the serial of the user-session
// keyring @s fell back to, when the test binary was started without a
// session keyring of its own.
const EnvStartedWithout = "KEYUTILS_TEST_STARTED_WITHOUT_SESSION"

// Main is for TestMain: it re-executes the test binary in a new anonymous
// session keyring (keyutils.Session.ExecSelf: the keyring survives execve
// and every thread of the new image inherits it), then runs the tests. The keyring is destroyed by the kernel when the test process
// and its children have exited.
func Main(m *testing.M) {
	if os.Getenv(EnvSession) == "" {
		env := []string{EnvSession + "=1"}
		// Record what the process was started with, for tests of the
		// user-session fallback.
		if info, err := keyutils.CurrentSession(); err == nil && !info.Own {
			env = append(env, EnvStartedWithout+"="+info.Serial.String())
		}
		err := keyutils.Session{}.ExecSelf(env...)
		fmt.Fprintln(os.Stderr, "testutil: re-exec in a session keyring:", err)
		os.Exit(2)
	}
	os.Exit(m.Run())
}

// Keyring creates a new keyring, named after the test, in the test
// process's session keyring and clears and unlinks it when the test ends.
func Keyring(t testing.TB) keyutils.Serial {
	t.Helper()
	ring, err := keyutils.NewKeyring("test:"+t.Name(), keyutils.SessionKeyring)
	if err != nil {
		t.Fatalf("creating test keyring: %v", err)
	}
	t.Cleanup(func() {
		keyutils.Clear(ring)
		keyutils.Unlink(ring, keyutils.SessionKeyring)
	})
	return ring
}

// ChurnTree keeps changing the tree below root from another goroutine
// until the returned stop function is called (stop waits for it): it
// builds keyrings with a few "user" keys named prefix+N, links a leaf
// keyring twice (a DAG, as in real trees), and clears, unlinks, revokes or
// invalidates parts of it in turn. Tests of walks over a changing tree use
// it; errors of the mutations are expected and ignored.
func ChurnTree(t testing.TB, root keyutils.Serial, prefix string) (stop func()) {
	t.Helper()
	var stopped atomic.Bool
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; !stopped.Load(); i++ {
			sub, err := keyutils.NewKeyring("churn-sub"+strconv.Itoa(i%4), root)
			if err != nil {
				t.Errorf("churn: %v", err)
				return
			}
			leaf, err := keyutils.NewKeyring("churn-leaf", sub)
			if err != nil {
				t.Errorf("churn: %v", err)
				return
			}
			for j := range 5 {
				keyutils.AddKey("user", prefix+strconv.Itoa(j), []byte("v"), leaf)
			}
			keyutils.Link(leaf, root)
			switch i % 4 {
			case 0:
				keyutils.Clear(sub)
			case 1:
				keyutils.Unlink(sub, root)
			case 2:
				keyutils.Revoke(leaf)
			case 3:
				keyutils.Invalidate(sub)
			}
			time.Sleep(200 * time.Microsecond)
		}
	}()
	return func() { stopped.Store(true); wg.Wait() }
}

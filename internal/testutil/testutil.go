// Package testutil runs a package's tests inside a throwaway session
// keyring of their own, so that tests never touch the machine's user or
// user-session keyrings, and gives each test a keyring that is removed when
// it ends.
package testutil

import (
	"fmt"
	"os"
	"runtime"
	"syscall"
	"testing"

	"github.com/keyutils-go/keyutils"
)

// EnvSession is set, to the serial of the session keyring, in a test
// process that Main has moved into a new session keyring.
const EnvSession = "KEYUTILS_TEST_SESSION"

// Main is for TestMain: it re-executes the test binary in a new anonymous
// session keyring (lock a thread, join, execve /proc/self/exe: the keyring
// survives execve and every thread of the new image inherits it), then runs
// the tests. The keyring is destroyed by the kernel when the test process
// and its children have exited.
func Main(m *testing.M) {
	if os.Getenv(EnvSession) == "" {
		runtime.LockOSThread()
		id, err := keyutils.JoinAnonymousSessionKeyring()
		if err != nil {
			fmt.Fprintln(os.Stderr, "testutil: cannot join a session keyring:", err)
			os.Exit(2)
		}
		os.Setenv(EnvSession, id.String())
		err = syscall.Exec("/proc/self/exe", os.Args, os.Environ())
		fmt.Fprintln(os.Stderr, "testutil: re-exec in session keyring:", err)
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

// Package testutil runs a package's tests inside a throwaway session
// keyring of their own, so that tests never touch the machine's user or
// user-session keyrings, and gives each test a keyring that is removed when
// it ends.
package testutil

import (
	"fmt"
	"os"
	"testing"

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

//go:build linux

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/keyutils-go/keyutils"
	"github.com/keyutils-go/keyutils/internal/cli"
	"github.com/keyutils-go/keyutils/internal/testutil"
)

// How the tests isolate keys
//
// The test binary runs in a throwaway anonymous session keyring of its own
// (as internal/testutil.Main does): TestMain joins one and re-executes
// itself, so nothing the tests do reaches the machine's user keyrings.
//
// testscript installs a copy of the test binary as "keyctl" in $PATH; run
// under that name it is our keyctl (commands map). Each script gets a
// session keyring of its own: Setup creates a keyring named after the
// script, linked into the test binary's session keyring (which keeps it
// alive between commands), and puts its name in $KEYCTL_TEST_SESSION.
// keyctl invoked with that variable set first joins that keyring as its
// session keyring, on its locked main thread, then runs the command: so
// within one script @s is the script's keyring, in every keyctl run. The
// keyring is cleared and unlinked when the script ends.
//
// The differential test (diff_test.go) uses the same "keyctl" binary
// without that variable: there each sequence runs under "keyctl session -".

// Set before main.go's init runs (variables are initialised before init
// functions): the test binary runs the tests, not keyctl.
var _ = func() bool { testBinary = true; return true }()

// envScriptSession names the keyring a script's keyctl runs join.
const envScriptSession = "KEYCTL_TEST_SESSION"

func keyctlMain() {
	// keyctl proper runs in init, on the locked main thread; here, after
	// init, the thread must be locked by hand.
	runtime.LockOSThread()
	if name := os.Getenv(envScriptSession); name != "" {
		if _, err := keyutils.JoinSessionKeyring(name); err != nil {
			fmt.Fprintln(os.Stderr, "test: joining the script's session keyring:", err)
			os.Exit(99)
		}
		// Programs that "keyctl session" runs get their own keyring.
		os.Unsetenv(envScriptSession)
	}
	os.Exit(cli.Main(os.Args, cli.IO{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr}))
}

var scriptCommands = map[string]func(){"keyctl": keyctlMain}

func TestMain(m *testing.M) {
	if _, isCommand := scriptCommands[filepath.Base(os.Args[0])]; !isCommand && os.Getenv(testutil.EnvSession) == "" {
		// The session keyring joined here must be the thread's that execs.
		runtime.LockOSThread()
		id, err := keyutils.JoinAnonymousSessionKeyring()
		if err != nil {
			fmt.Fprintln(os.Stderr, "cannot join a session keyring:", err)
			os.Exit(2)
		}
		os.Setenv(testutil.EnvSession, id.String())
		err = syscall.Exec("/proc/self/exe", os.Args, os.Environ())
		fmt.Fprintln(os.Stderr, "re-exec in session keyring:", err)
		os.Exit(2)
	}
	testscript.Main(m, scriptCommands)
}

func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		Setup:               setupScript,
		Condition:           condition,
	})
}

// condition answers the scripts' own conditions: [requestkey] holds when
// /sbin/request-key is installed with the stock request-key.conf, whose
// debug: lines upcall.txtar uses.
func condition(cond string) (bool, error) {
	switch cond {
	case "requestkey":
		if fi, err := os.Stat("/sbin/request-key"); err != nil || fi.Mode()&0o111 == 0 {
			return false, nil
		}
		if _, err := os.Stat("/usr/share/keyutils/request-key-debug.sh"); err != nil {
			return false, nil
		}
		conf, err := os.ReadFile("/etc/request-key.conf")
		return err == nil && strings.Contains(string(conf), "debug:loop:"), nil
	}
	return false, fmt.Errorf("unknown condition %q", cond)
}

// setupScript gives the script its own session keyring (see above).
func setupScript(env *testscript.Env) error {
	name := fmt.Sprintf("keyctl-test:%d:%s", os.Getpid(), strings.ReplaceAll(filepath.Base(env.WorkDir), " ", "_"))
	ring, err := keyutils.NewKeyring(name, keyutils.SessionKeyring)
	if err != nil {
		return err
	}
	// Joining by name needs search permission for the owner.
	if err := keyutils.SetPerm(ring, keyutils.PosAll|keyutils.UsrAll); err != nil {
		return err
	}
	env.Setenv(envScriptSession, name)
	env.Setenv("SHELL", "/bin/sh")
	// Under -race, programs sleep 1 s at exit by default.
	env.Setenv("GORACE", "atexit_sleep_ms=0")
	env.Defer(func() {
		keyutils.Clear(ring)
		keyutils.Unlink(ring, keyutils.SessionKeyring)
	})
	return nil
}

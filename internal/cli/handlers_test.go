//go:build linux

package cli

import (
	"bytes"
	"runtime"
	"testing"

	"github.com/keyutils-go/keyutils"
	"github.com/keyutils-go/keyutils/internal/testutil"
)

// TestHandlers: every command of the table has a handler, and
// MainConstruct's are Main's.
func TestHandlers(t *testing.T) {
	in := map[string]bool{}
	for _, cmd := range commands() {
		in[cmd.name] = true
		if handler(cmd.name) == nil {
			t.Errorf("command %q has no handler", cmd.name)
		}
	}
	for _, name := range []string{"instantiate", "negate", "reject"} {
		if !in[name] || constructHandler(name) == nil {
			t.Errorf("MainConstruct does not run %q", name)
		}
	}
	if handler("nonesuch") != nil || constructHandler("show") != nil {
		t.Error("a handler for a command not in the table")
	}
}

// TestMainConstruct: MainConstruct runs instantiate, negate and reject as
// Main does (same output, diagnostics and exit status), and refuses the
// other commands as Main refuses an unknown one.
func TestMainConstruct(t *testing.T) {
	ring := testutil.Keyring(t)
	runBoth := func(args ...string) {
		t.Helper()
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		var o1, e1, o2, e2 bytes.Buffer
		argv := append([]string{"keyctl"}, args...)
		r1 := Main(argv, IO{Stdout: &o1, Stderr: &e1})
		r2 := MainConstruct(argv, IO{Stdout: &o2, Stderr: &e2})
		if r1 != r2 || o1.String() != o2.String() || e1.String() != e2.String() {
			t.Errorf("%q: Main %d %q %q, MainConstruct %d %q %q", args, r1, o1.String(), e1.String(), r2, o2.String(), e2.String())
		}
	}
	key, err := keyutils.AddKey("user", "construct", []byte("x"), ring)
	if err != nil {
		t.Fatal(err)
	}
	k := key.String()
	for _, args := range [][]string{
		{}, {"instantiate"}, {"negate", k}, {"reject", k, "1", "2"}, {"instantiate", "-x", k, "zz", "@s"},
		{"negate", "@bad", "1", "@s"}, {"negate", k, "x", "@s"},
		{"instantiate", k, "data", ring.String()}, // not under construction: EPERM
		{"negate", k, "10", ring.String()}, {"reject", k, "10", "rejected", ring.String()},
	} {
		runBoth(args...)
	}
	var out, errb bytes.Buffer
	if rc := MainConstruct([]string{"keyctl", "show"}, IO{Stdout: &out, Stderr: &errb}); rc != 2 || out.Len() != 0 || errb.String() != "Unknown command\n" {
		t.Errorf("MainConstruct show: %d %q %q, want 2 \"\" \"Unknown command\\n\"", rc, out.String(), errb.String())
	}
}

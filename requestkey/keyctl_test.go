//go:build linux

package requestkey

import (
	"bytes"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// systemKeyctl returns the first of keyctlPaths that is an executable ELF
// file, or skips the test.
func systemKeyctl(t *testing.T) string {
	t.Helper()
	r := &runner{o: &Options{Keyctl: func([]string) int { return 0 }}}
	for _, p := range keyctlPaths {
		if r.inProcess(&Command{Path: p, Args: []string{"keyctl", "negate"}}) {
			return p
		}
	}
	t.Skip("no keyctl binary at " + strings.Join(keyctlPaths, ", "))
	return ""
}

// TestKeyctlInProcess: a normal-form line running the system's keyctl
// instantiate, negate or reject goes through Options.Keyctl, with the
// expanded argv, and no child is started; its status is a child's.
func TestKeyctlInProcess(t *testing.T) {
	kc := systemKeyctl(t)
	var calls [][]string
	code := 0
	o := &Options{Keyctl: func(args []string) int {
		calls = append(calls, slices.Clone(args))
		return code
	}}
	var buf bytes.Buffer
	log := &Logger{Verbose: 1, Stderr: &buf}
	conf := "create user i:* * " + kc + " instantiate %k %c %S\n" +
		"create user n:* * " + kc + " negate %k 30 %S\n" +
		"create user r:* * " + kc + " reject %k 30 %c %S\n"
	r := &runner{o: o, log: log, cfg: parse(t, "f", conf), timeout: time.Second}
	for desc, want := range map[string][]string{
		"i:1": {"keyctl", "instantiate", "123", "cb", "5"},
		"n:1": {"keyctl", "negate", "123", "30", "5"},
		"r:1": {"keyctl", "reject", "123", "30", "cb", "5"},
	} {
		calls = nil
		if err := r.handle(upcall("user", desc, "cb"), true); err != nil {
			t.Fatalf("%s: %v", desc, err)
		}
		if len(calls) != 1 || !slices.Equal(calls[0], want) {
			t.Errorf("%s: Keyctl calls %q, want %q", desc, calls, want)
		}
	}
	if !strings.Contains(buf.String(), "keyctl instantiate in process\n") {
		t.Errorf("log lacks the in-process line:\n%s", buf.String())
	}
	// A failure is a child's: without a key to finish (no authority
	// here), request-key exits with its status.
	code = 2
	err := r.handle(upcall("user", "i:2", "cb"), true)
	var st *ExitStatus
	if !errors.As(err, &st) || st.Code != 2 {
		t.Errorf("failing keyctl: err = %v, want exit status 2", err)
	}

	// "#@exec keyctl" runs it as a child: Keyctl is not called (keyctl
	// itself fails on key 123, which does not exist).
	calls = nil
	r.cfg = parse(t, "f", "#@exec keyctl\n"+conf)
	r.handle(upcall("user", "n:2", "cb"), true)
	if len(calls) != 0 {
		t.Errorf("#@exec keyctl: Keyctl called: %q", calls)
	}
}

// TestKeyctlRecognised: only the system's keyctl binary, with the commands
// instantiate, negate and reject, runs in process.
func TestKeyctlRecognised(t *testing.T) {
	kc := systemKeyctl(t)
	dir := t.TempDir()
	wrapper := script(t, dir, "keyctl", `exec `+kc+` "$@"`)
	r := &runner{o: &Options{Keyctl: func([]string) int { return 0 }}}
	for _, tc := range []struct {
		path string
		args []string
		want bool
	}{
		{kc, []string{"keyctl", "instantiate", "1", "x", "2"}, true},
		{kc, []string{"keyctl", "negate", "1", "30", "2"}, true},
		{kc, []string{"keyctl", "reject", "1", "30", "rejected", "2"}, true},
		{kc, []string{"keyctl", "pinstantiate", "1", "2"}, false},
		{kc, []string{"keyctl", "add", "user", "a", "b", "@s"}, false},
		{kc, []string{"keyctl"}, false},
		{filepath.Dir(kc) + "//keyctl", []string{"keyctl", "negate", "1", "30", "2"}, false},
		{wrapper, []string{"keyctl", "negate", "1", "30", "2"}, false},
	} {
		if got := r.inProcess(&Command{Path: tc.path, Args: tc.args}); got != tc.want {
			t.Errorf("%s %q: in process %v, want %v", tc.path, tc.args, got, tc.want)
		}
	}
	if (&runner{o: &Options{}}).inProcess(&Command{Path: kc, Args: []string{"keyctl", "negate"}}) {
		t.Error("in process without Options.Keyctl")
	}
	c := &Config{}
	for _, bad := range []string{"#@exec\n", "#@exec keyctl x\n", "#@exec foo\n"} {
		if err := c.Parse("f", []byte(bad)); !errors.Is(err, ErrSyntax) {
			t.Errorf("%q: err = %v, want a syntax error", bad, err)
		}
	}
	if c := parse(t, "f", "#@execute\n#@exec   keyctl\n"); !c.ExecKeyctl {
		t.Error("#@exec keyctl not read")
	}
}

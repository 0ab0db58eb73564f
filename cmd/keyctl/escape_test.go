//go:build linux

package main

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/keyutils-go/keyutils/internal/testutil"
)

// escapeScript makes a key whose description holds terminal controls (an
// OSC title change ending in BEL, a clear-screen CSI, a C1 CSI, a
// right-to-left override, a byte that is not UTF-8, a tab) and prints it
// every way keyctl prints descriptions; the last command echoes such a
// description in a diagnostic.
const escapeScript = `d=$(printf 'evil\033]0;pwned\007\033[2J\302\233\342\200\256\377\tend'); k=$($K add user "$d" v @s); $K describe $k; $K rdescribe $k; $K list @s; $K show; $K id "%user:no$d"`

// escaped is that description as keyctl shows it on a terminal.
const escaped = `evil\x1b]0;pwned\x07\x1b[2J\u009b\u202e\xff	end`

// On a terminal, keyctl escapes descriptions (describe, rdescribe, list,
// show) and the arguments diagnostics echo; through pipes its output is
// byte for byte the C tool's.
func TestTerminalEscapes(t *testing.T) {
	ours := buildKeyctl(t)
	master, slave, err := testutil.OpenPty(false)
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	defer master.Close()
	cmd := exec.Command(ours, "session", "-", "/bin/sh", "-c", escapeScript)
	cmd.Env = []string{"K=" + ours, "PATH=/usr/sbin:/usr/bin:/sbin:/bin"}
	cmd.Dir = t.TempDir()
	cmd.Stdout, cmd.Stderr = slave, slave
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	slave.Close()
	out, _ := io.ReadAll(master) // EIO once the last writer has gone
	cmd.Wait()
	tty := strings.ReplaceAll(string(out), "\r\n", "\n")
	if i := strings.IndexFunc(tty, func(r rune) bool { return r < 0x20 && r != '\n' && r != '\t' || r >= 0x7f }); i >= 0 {
		t.Errorf("terminal output holds %q at %d:\n%s", tty[i], i, tty)
	}
	for _, want := range []string{
		"user: " + escaped + "\n",       // describe, list, show
		"user;0;0;3f010000;" + escaped,  // rdescribe
		"Can't find 'user:no" + escaped, // the diagnostic
	} {
		if !strings.Contains(tty, want) {
			t.Errorf("terminal output lacks %q:\n%s", want, tty)
		}
	}
	if n := strings.Count(tty, escaped); n != 5 {
		t.Errorf("escaped description appears %d times, want 5:\n%s", n, tty)
	}

	// Not a terminal: the kernel's bytes, as the C tool prints them.
	got := runSession(t, ours, escapeScript)
	raw := "evil\x1b]0;pwned\x07\x1b[2J\u009b\u202e\xff\tend"
	if strings.Count(got.stdout, raw) != 4 || !strings.Contains(got.stderr, "Can't find 'user:no"+raw+"'") {
		t.Errorf("piped output does not hold the raw description:\nstdout %q\nstderr %q", got.stdout, got.stderr)
	}
	if _, err := os.Stat(cKeyctl); err != nil {
		t.Skipf("no C keyctl at %s to compare with: %v", cKeyctl, err)
	}
	want := runSession(t, cKeyctl, escapeScript)
	if got.stdout != want.stdout || got.stderr != want.stderr || got.status != want.status {
		t.Errorf("piped output differs from the C tool's:\nC    %q\n     %q\nours %q\n     %q", want.stdout, want.stderr, got.stdout, got.stderr)
	}
	if bytes.Contains([]byte(got.stdout), []byte(escaped)) {
		t.Errorf("piped output is escaped: %q", got.stdout)
	}
}

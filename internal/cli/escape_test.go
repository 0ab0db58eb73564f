//go:build linux

package cli

import (
	"bytes"
	"os"
	"testing"

	"github.com/keyutils-go/keyutils/internal/testutil"
)

// openPty opens a pseudo-terminal pair, the slave in raw output mode (no
// \n to \r\n translation), closed when the test ends; it skips the test
// when there is none.
func openPty(t *testing.T) (master, slave *os.File) {
	t.Helper()
	master, slave, err := testutil.OpenPty(true)
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	t.Cleanup(func() { master.Close(); slave.Close() })
	return master, slave
}

// The diagnostics that echo arguments escape them on a terminal and keep
// them as they are elsewhere. (The commands that print key descriptions
// are tested on a terminal by cmd/keyctl, in a session keyring of their
// own.)
func TestDiagnosticsEscapedOnTerminal(t *testing.T) {
	master, slave := openPty(t)
	arg := "@\x1b]0;pwned\x07"
	var out bytes.Buffer
	if st := Main([]string{"keyctl", "describe", arg}, IO{Stdout: &out, Stderr: slave}); st != 2 {
		t.Fatalf("exit status %d, want 2", st)
	}
	buf := make([]byte, 256)
	n, err := master.Read(buf)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(buf[:n]), `Unknown special key: '@\x1b]0;pwned\x07'`+"\n"; got != want {
		t.Errorf("on a terminal: %q, want %q", got, want)
	}

	var stderr bytes.Buffer
	Main([]string{"keyctl", "describe", arg}, IO{Stdout: &out, Stderr: &stderr})
	if got, want := stderr.String(), "Unknown special key: '"+arg+"'\n"; got != want {
		t.Errorf("not on a terminal: %q, want %q", got, want)
	}
}

//go:build linux

package requestkey

import (
	"testing"

	"github.com/keyutils-go/keyutils/internal/testutil"
	"golang.org/x/sys/unix"
)

func TestMain(m *testing.M) {
	// Run as root, request-key skips configuration that group or others
	// can write: the files and directories tests create must not depend
	// on the caller's umask.
	unix.Umask(0o022)
	testutil.Main(m)
}

//go:build linux

package keyutils_test

import (
	"errors"
	"runtime"
	"testing"

	"github.com/keyutils-go/keyutils"
	"github.com/keyutils-go/keyutils/internal/testutil"
)

// Without an authorisation key for it, a key cannot be constructed, and
// Construct leaves nothing behind. Construction with authority is tested
// end to end through the kernel upcall (cmd/request-key, requestkey.Serve).
func TestConstructWithoutAuthority(t *testing.T) {
	ring := testutil.Keyring(t)
	id, err := keyutils.AddKey("user", "construct-test", []byte("x"), ring)
	if err != nil {
		t.Fatal(err)
	}
	for name, construct := range map[string]func(keyutils.Serial) (*keyutils.Construction, error){
		"Construct": keyutils.Construct, "ConstructLocked": keyutils.ConstructLocked,
	} {
		runtime.LockOSThread() // for ConstructLocked
		c, err := construct(id)
		runtime.UnlockOSThread()
		if c != nil || err == nil {
			t.Fatalf("%s = %v, %v; want an error", name, c, err)
		}
		if !errors.Is(err, keyutils.ErrNotFound) && !errors.Is(err, keyutils.ErrPermission) {
			t.Errorf("%s: %v, want ENOKEY or EPERM", name, err)
		}
	}
}

func TestConstructionDone(t *testing.T) {
	c := &keyutils.Construction{Key: 1}
	if c.Done() {
		t.Fatal("new Construction is done")
	}
	c.Callout = []byte("info\x00rest")
	if got := c.CalloutString(); got != "info" {
		t.Errorf("CalloutString = %q", got)
	}
}

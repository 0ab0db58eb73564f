//go:build linux

package keyutils_test

import (
	"errors"
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
	c, err := keyutils.Construct(id)
	if c != nil || err == nil {
		t.Fatalf("Construct = %v, %v; want an error", c, err)
	}
	if !errors.Is(err, keyutils.ErrNotFound) && !errors.Is(err, keyutils.ErrPermission) {
		t.Errorf("Construct: %v, want ENOKEY or EPERM", err)
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

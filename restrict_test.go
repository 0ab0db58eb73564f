//go:build linux

package keyutils_test

import (
	"errors"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/keyutils-go/keyutils"
	"github.com/keyutils-go/keyutils/internal/testutil"
)

// An empty type or restriction is an error, not "restrict everything": the
// keyring stays open. A nil type is what refuses all links.
func TestRestrictKeyringArgs(t *testing.T) {
	empty, user := "", "user"
	for _, c := range []struct {
		name             string
		typ, restriction *string
	}{
		{"empty type", &empty, nil},
		{"empty type and restriction", &empty, &empty},
		{"type, empty restriction", &user, &empty},
	} {
		ring := testutil.Keyring(t)
		if err := keyutils.RestrictKeyringArgs(ring, c.typ, c.restriction); err == nil {
			t.Errorf("%s: no error", c.name)
		}
		if _, err := keyutils.AddKey("user", "still-open", []byte("v"), ring); err != nil {
			t.Errorf("%s: the keyring was restricted: %v", c.name, err)
		}
	}
	ring := testutil.Keyring(t)
	if err := keyutils.RestrictKeyringArgs(ring, nil, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := keyutils.AddKey("user", "refused", []byte("v"), ring); !errors.Is(err, unix.EPERM) {
		t.Errorf("AddKey into a keyring restricted with a nil type: %v, want EPERM", err)
	}
}

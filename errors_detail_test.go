//go:build linux

package keyutils_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/keyutils-go/keyutils"
	"github.com/keyutils-go/keyutils/internal/testutil"
)

// A permission failure explains which rights applied; a payload never
// appears in an error.
func TestErrorDetailPermission(t *testing.T) {
	ring := testutil.Keyring(t)
	const secret = "hunter2-secret-payload"
	id, err := keyutils.AddKey("user", "guarded", []byte(secret), ring)
	if err != nil {
		t.Fatal(err)
	}
	// Possession needs the key's own search permission: keep it, so that
	// the possessor rights apply and setperm stays allowed.
	if err := keyutils.SetPerm(id, keyutils.PosView|keyutils.PosSearch|keyutils.PosSetattr|keyutils.UsrView); err != nil {
		t.Fatal(err)
	}
	// No write right: the update is refused, and its message explains the
	// mask without showing the payload.
	err = keyutils.Update(id, []byte(secret))
	if !errors.Is(err, keyutils.ErrPermission) {
		t.Fatalf("Update: %v, want ErrPermission", err)
	}
	var ke *keyutils.Error
	if !errors.As(err, &ke) || !strings.Contains(ke.Detail, "29010000") || !strings.Contains(ke.Detail, "possess") {
		t.Errorf("detail %q does not explain the permissions", ke.Detail)
	}
	if strings.Contains(err.Error(), secret) {
		t.Errorf("error %q leaks the payload", err)
	}
	// A possessed key with search permission may be read without read.
	if _, err := keyutils.Read(id); err != nil {
		t.Errorf("Read of a possessed, searchable key: %v", err)
	}
	if err := keyutils.SetPerm(id, keyutils.PosSearch|keyutils.PosSetattr); err != nil {
		t.Fatal(err)
	}
	_, err = keyutils.Describe(id)
	if !errors.As(err, &ke) || !strings.Contains(ke.Detail, "view") {
		t.Errorf("describe without view: %v", err)
	}
}

// TestErrCgo: ErrCgo wraps ErrUnsupported and says what to do instead.
func TestErrCgo(t *testing.T) {
	if !errors.Is(keyutils.ErrCgo, keyutils.ErrUnsupported) {
		t.Error("ErrCgo does not wrap ErrUnsupported")
	}
	const want = "cannot change the session keyring of every thread of a program that links cgo (use Session.ExecSelf instead): unsupported operation"
	if got := keyutils.ErrCgo.Error(); got != want {
		t.Errorf("ErrCgo.Error() = %q, want %q", got, want)
	}
}

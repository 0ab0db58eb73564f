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
	if err := keyutils.SetPerm(id, keyutils.PosView|keyutils.PosSearch|keyutils.PosSetattr|keyutils.UsrView); err != nil {
		t.Fatal(err)
	}
	_, err = keyutils.Read(id)
	if !errors.Is(err, keyutils.ErrPermission) {
		t.Fatalf("Read: %v, want ErrPermission", err)
	}
	var ke *keyutils.Error
	if !errors.As(err, &ke) || !strings.Contains(ke.Detail, "29010000") || !strings.Contains(ke.Detail, "possess") {
		t.Errorf("detail %q does not explain the permissions", ke.Detail)
	}
	if err := keyutils.SetPerm(id, keyutils.PosSearch|keyutils.PosSetattr); err != nil {
		t.Fatal(err)
	}
	_, err = keyutils.Describe(id)
	if !errors.As(err, &ke) || !strings.Contains(ke.Detail, "view") {
		t.Errorf("describe without view: detail %q", ke.Detail)
	}
	// (Possession needs the key's own search permission: without it the
	// possessor rights would not apply and setperm would be refused.)
	// Update with the secret as payload fails (no write): the message must
	// not contain it.
	err = keyutils.Update(id, []byte(secret))
	if err == nil || strings.Contains(err.Error(), secret) {
		t.Errorf("Update error %v leaks or is nil", err)
	}
}

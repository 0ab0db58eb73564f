//go:build linux

package keyutils_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/keyutils-go/keyutils"
)

// addUser adds a "user" key to ring and fails the test if that fails.
func addUser(t testing.TB, ring keyutils.ID, desc, payload string) keyutils.Serial {
	t.Helper()
	id, err := keyutils.AddKey("user", desc, []byte(payload), ring)
	if err != nil {
		t.Fatalf("AddKey(user, %q): %v", desc, err)
	}
	return id
}

// newRing creates a keyring named name in ring.
func newRing(t testing.TB, ring keyutils.ID, name string) keyutils.Serial {
	t.Helper()
	id, err := keyutils.NewKeyring(name, ring)
	if err != nil {
		t.Fatalf("NewKeyring(%q): %v", name, err)
	}
	return id
}

// wantErr checks that err matches target with errors.Is, is a
// *keyutils.Error and that its message names op and, if key is not 0, the
// key.
func wantErr(t testing.TB, err, target error, op string, key int32) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: got nil error, want %v", op, target)
	}
	if !errors.Is(err, target) {
		t.Fatalf("%s: got %v, want errors.Is(err, %v)", op, err, target)
	}
	var ke *keyutils.Error
	if !errors.As(err, &ke) {
		t.Fatalf("%s: error %v (%T) is not a *keyutils.Error", op, err, err)
	}
	msg := err.Error()
	if !strings.Contains(msg, op) {
		t.Errorf("error %q does not name operation %q", msg, op)
	}
	if key != 0 && !strings.Contains(msg, keyutils.Serial(key).String()) {
		t.Errorf("error %q does not name key %d", msg, key)
	}
}

// contains reports whether ids holds id.
func contains(ids []keyutils.Serial, id keyutils.Serial) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// members reads keyring ring.
func members(t testing.TB, ring keyutils.ID) []keyutils.Serial {
	t.Helper()
	ids, err := keyutils.ReadKeyring(ring)
	if err != nil {
		t.Fatalf("ReadKeyring(%v): %v", ring, err)
	}
	return ids
}

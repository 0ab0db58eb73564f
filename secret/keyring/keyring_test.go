//go:build linux

package keyring_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/keyutils-go/keyutils"
	"github.com/keyutils-go/keyutils/secret"
	"github.com/keyutils-go/keyutils/secret/keyring"
)

// cleanup removes the store's keyring from the test's session keyring.
func cleanup(t *testing.T) {
	t.Cleanup(func() {
		s, err := secret.Open(keyring.StoreName, secret.Options{})
		if err != nil {
			t.Error(err)
			return
		}
		s.Clear()
		keyutils.Unlink(s.Keyring(), keyutils.SessionKeyring)
	})
}

// The functions behave as go-keyring's: Set replaces, Get and Delete of
// what is not there return ErrNotFound itself, DeleteAll removes one
// service's secrets and refuses an empty service.
func TestFunctions(t *testing.T) {
	cleanup(t)
	pairs := [][2]string{
		{"svc", "alice"}, {"svc", "bob"}, {"svc:x", "alice"}, {"svc", "x:alice"},
		{"sv%3Ac", "alice"}, {"", ""}, {"nul\x00", "u\x00"}, {"ünï", "✓"},
	}
	for i, p := range pairs {
		if err := keyring.Set(p[0], p[1], "old"); err != nil {
			t.Fatalf("Set(%q, %q): %v", p[0], p[1], err)
		}
		if err := keyring.Set(p[0], p[1], "pw"+string(rune('0'+i))); err != nil {
			t.Fatalf("Set(%q, %q) again: %v", p[0], p[1], err)
		}
	}
	for i, p := range pairs {
		if got, err := keyring.Get(p[0], p[1]); err != nil || got != "pw"+string(rune('0'+i)) {
			t.Errorf("Get(%q, %q) = %q, %v", p[0], p[1], got, err)
		}
	}
	if _, err := keyring.Get("svc", "carol"); err != keyring.ErrNotFound {
		t.Errorf("Get of a missing secret: %v; want ErrNotFound itself", err)
	}
	if err := keyring.Delete("svc", "carol"); err != keyring.ErrNotFound {
		t.Errorf("Delete of a missing secret: %v; want ErrNotFound itself", err)
	}
	if err := keyring.Delete("svc", "bob"); err != nil {
		t.Fatal(err)
	}
	if _, err := keyring.Get("svc", "bob"); err != keyring.ErrNotFound {
		t.Errorf("Get after Delete: %v", err)
	}
	if err := keyring.DeleteAll(""); err != keyring.ErrNotFound {
		t.Errorf("DeleteAll(\"\"): %v; want ErrNotFound", err)
	}
	if err := keyring.DeleteAll("nothing here"); err != nil {
		t.Errorf("DeleteAll of a service without secrets: %v", err)
	}
	if err := keyring.DeleteAll("svc"); err != nil {
		t.Fatal(err)
	}
	for i, p := range pairs {
		_, err := keyring.Get(p[0], p[1])
		if gone := p[0] == "svc"; gone != (err == keyring.ErrNotFound) {
			t.Errorf("after DeleteAll(svc): Get(%q, %q): %v", p[0], p[1], err)
		} else if !gone && err != nil {
			t.Errorf("pair %d: %v", i, err)
		}
	}
}

func TestTooBig(t *testing.T) {
	cleanup(t)
	if err := keyring.Set("svc", "u", strings.Repeat("x", secret.MaxValueSize)); err != nil {
		t.Errorf("Set of %d bytes: %v", secret.MaxValueSize, err)
	}
	if err := keyring.Set("svc", "u", strings.Repeat("x", secret.MaxValueSize+1)); err != keyring.ErrSetDataTooBig {
		t.Errorf("Set of %d bytes: %v; want ErrSetDataTooBig", secret.MaxValueSize+1, err)
	}
	long := strings.Repeat("s", 4096)
	if err := keyring.Set(long, "u", "pw"); err != keyring.ErrSetDataTooBig {
		t.Errorf("Set with a service of 4096 bytes: %v; want ErrSetDataTooBig", err)
	}
	if _, err := keyring.Get(long, "u"); err != keyring.ErrNotFound {
		t.Errorf("Get with a service of 4096 bytes: %v; want ErrNotFound", err)
	}
	if err := keyring.Delete(long, "u"); err != keyring.ErrNotFound {
		t.Errorf("Delete with a service of 4096 bytes: %v; want ErrNotFound", err)
	}
}

// Anchored works through the Keyring interface, in the anchor it names.
func TestAnchored(t *testing.T) {
	cleanup(t)
	var k keyring.Keyring = keyring.Anchored{Anchor: secret.Session}
	if err := k.Set("svc", "u", "pw"); err != nil {
		t.Fatal(err)
	}
	// The functions use the session keyring here too (EnvAnchor).
	if got, err := keyring.Get("svc", "u"); err != nil || got != "pw" {
		t.Errorf("Get = %q, %v", got, err)
	}
	if err := k.DeleteAll("svc"); err != nil {
		t.Fatal(err)
	}
	if _, err := k.Get("svc", "u"); err != keyring.ErrNotFound {
		t.Errorf("Get after DeleteAll: %v", err)
	}
	if err := k.DeleteAll(""); err != keyring.ErrNotFound {
		t.Errorf("DeleteAll(\"\"): %v", err)
	}
}

func TestBadEnvAnchor(t *testing.T) {
	t.Setenv(keyring.EnvAnchor, "@s")
	err := keyring.Set("svc", "u", "pw")
	if err == nil || !strings.Contains(err.Error(), keyring.EnvAnchor) || !errors.Is(err, secret.ErrInvalid) {
		t.Errorf("Set with %s=@s: %v; want an error naming the variable", keyring.EnvAnchor, err)
	}
}

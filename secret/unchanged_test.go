//go:build linux

package secret_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/keyutils-go/keyutils"
	"github.com/keyutils-go/keyutils/secret"
)

// Lookup reads the value and the metadata of one key.
func TestLookup(t *testing.T) {
	s := openStore(t, "lookup", secret.Options{TTL: time.Hour})
	before := time.Now()
	if err := s.Set("k", []byte("v1")); err != nil {
		t.Fatal(err)
	}
	info, v, err := s.Lookup("k")
	if err != nil || string(v) != "v1" {
		t.Fatalf("Lookup = %q, %v; want v1", v, err)
	}
	want, err := s.Info("k")
	if err != nil || info != want {
		t.Errorf("Lookup's Info %+v, Info %+v, %v; want the same", info, want, err)
	}
	if info.Name != "k" || info.Size != 2 || info.Created.Before(before) || info.Expires.IsZero() {
		t.Errorf("Lookup's Info %+v", info)
	}
	keyutils.Wipe(v)
	_, _, err = s.Lookup("absent")
	wantKind(t, "Lookup of an absent entry", err, secret.ErrNotFound)
	_, _, err = s.Lookup("")
	wantKind(t, "Lookup of an empty name", err, secret.ErrInvalid)
}

// DeleteUnchanged removes the value it was given, and never a newer one.
func TestDeleteUnchanged(t *testing.T) {
	s := openStore(t, "unchanged", secret.Options{TTL: time.Hour})
	other := openStore(t, "unchanged-other", secret.Options{})
	if err := s.Set("k", []byte("old")); err != nil {
		t.Fatal(err)
	}
	old, v, err := s.Lookup("k")
	if err != nil {
		t.Fatal(err)
	}
	keyutils.Wipe(v)
	if err := s.Set("k", []byte("new")); err != nil {
		t.Fatal(err)
	}
	// Replaced since: the new value stays.
	wantKind(t, "DeleteUnchanged of a replaced value", s.DeleteUnchanged(old), secret.ErrNotFound)
	if v, err := s.Get("k"); err != nil || string(v) != "new" {
		t.Fatalf("after DeleteUnchanged of the old value: %q, %v; want new", v, err)
	}
	cur, err := s.Info("k")
	if err != nil {
		t.Fatal(err)
	}
	// An Info of another store's entry of the same name removes
	// nothing from either.
	if err := other.Set("k", []byte("o")); err != nil {
		t.Fatal(err)
	}
	oi, err := other.Info("k")
	if err != nil {
		t.Fatal(err)
	}
	wantKind(t, "DeleteUnchanged of another store's entry", s.DeleteUnchanged(oi), secret.ErrNotFound)
	if _, err := other.Get("k"); err != nil {
		t.Errorf("the other store's entry: %v", err)
	}
	// An Info naming another entry than its serial's.
	forged := cur
	forged.Name = "j"
	wantKind(t, "DeleteUnchanged of a mismatched Info", s.DeleteUnchanged(forged), secret.ErrNotFound)
	// Unchanged: removed.
	if err := s.DeleteUnchanged(cur); err != nil {
		t.Fatalf("DeleteUnchanged: %v", err)
	}
	if names, err := s.List(); err != nil || len(names) != 0 {
		t.Errorf("List after DeleteUnchanged = %q, %v; want nothing", names, err)
	}
	if _, err := s.Get("k"); !errors.Is(err, secret.ErrNotFound) {
		t.Errorf("Get after DeleteUnchanged: %v; want ErrNotFound", err)
	}
	// The invalidated key is unlinked by the garbage collector, which
	// the kernel schedules at once: it does not hold a place in the
	// quota for minutes, as an expired key does.
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		ids, err := keyutils.ReadKeyring(s.Keyring())
		if err == nil && !slices.Contains(ids, cur.Serial) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("store keyring still holds %v, %v 5 s after DeleteUnchanged; want the invalidated key %d gone", ids, err, cur.Serial)
		}
	}
	// A Set after it stores anew.
	if err := s.Set("k", []byte("again")); err != nil {
		t.Fatal(err)
	}
	if v, err := s.Get("k"); err != nil || string(v) != "again" {
		t.Errorf("Get after a new Set: %q, %v", v, err)
	}
	again, err := s.Info("k")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteUnchanged(again); err != nil {
		t.Fatal(err)
	}
	wantKind(t, "DeleteUnchanged twice", s.DeleteUnchanged(cur), secret.ErrNotFound)
	wantKind(t, "DeleteUnchanged of an empty name", s.DeleteUnchanged(secret.Info{}), secret.ErrInvalid)

	// Expired: not found, and unlinked.
	if err := s.SetTTL("short", []byte("v"), time.Second); err != nil {
		t.Fatal(err)
	}
	short, err := s.Info("short")
	if err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if _, err := s.Get("short"); errors.Is(err, secret.ErrNotFound) {
			break
		}
	}
	wantKind(t, "DeleteUnchanged of an expired entry", s.DeleteUnchanged(short), secret.ErrNotFound)
	if ids, err := keyutils.ReadKeyring(s.Keyring()); err != nil || slices.Contains(ids, short.Serial) {
		t.Errorf("store keyring holds %v, %v after DeleteUnchanged of the expired entry; want it unlinked", ids, err)
	}
}

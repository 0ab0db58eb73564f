//go:build linux

package keyutils_test

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/keyutils-go/keyutils"
	"github.com/keyutils-go/keyutils/internal/testutil"
)

// Faults: keys that die while other goroutines use them, keyrings that
// change under a recursive scan, descriptions with the characters the
// formats use as separators.

// TestFaultKeyDiesMidOperation: readers loop on Read, ReadInto, Describe
// and Search while the key is revoked, invalidated or expires. Before the
// event they see the payload whole; after it only the error the event
// explains (or ErrNotFound once the key is gone), never a panic, a
// partial payload or another error.
func TestFaultKeyDiesMidOperation(t *testing.T) {
	ring := testutil.Keyring(t)
	payload := bytes.Repeat([]byte("p"), 1500) // longer than Read's first buffer
	cases := []struct {
		name string
		kill func(keyutils.ID) error
		want []error
	}{
		{"revoke", keyutils.Revoke, []error{keyutils.ErrRevoked, keyutils.ErrNotFound}},
		// An invalidated key is unlinked from its keyrings by the garbage
		// collector at once, but found by serial until it is destroyed;
		// the kernel checks read permission before validity, and the key
		// is no longer possessed: a key whose only read right is the
		// possessor's gives EACCES. Searches report it as EKEYREVOKED.
		{"invalidate", keyutils.Invalidate, []error{keyutils.ErrNotFound, keyutils.ErrRevoked, keyutils.ErrPermission}},
		// The kernel's timeouts have a resolution of one second.
		{"expire", func(id keyutils.ID) error { return keyutils.SetTimeout(id, time.Second) },
			[]error{keyutils.ErrExpired, keyutils.ErrNotFound}},
	}
	var all sync.WaitGroup
	for _, c := range cases {
		id := addUser(t, ring, "dies:"+c.name, string(payload))
		var dead atomic.Int64 // readers that have seen the key die
		const readers = 3
		var wg sync.WaitGroup
		for r := range readers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				buf := make([]byte, 4096)
				deadline := time.Now().Add(5 * time.Second)
				sawDeath := false
				for i := 0; time.Now().Before(deadline); i++ {
					var err error
					switch i % 4 {
					case 0:
						var p []byte
						if p, err = keyutils.Read(id); err == nil && !bytes.Equal(p, payload) {
							t.Errorf("%s: Read returned %d bytes %.20q", c.name, len(p), p)
						}
					case 1:
						var n int
						if n, err = keyutils.ReadInto(id, buf); err == nil && !bytes.Equal(buf[:n], payload) {
							t.Errorf("%s: ReadInto returned %d bytes", c.name, n)
						}
					case 2:
						var d keyutils.Description
						if d, err = keyutils.Describe(id); err == nil && d.Description != "dies:"+c.name {
							t.Errorf("%s: Describe = %+v", c.name, d)
						}
					case 3:
						var s keyutils.Serial
						if s, err = keyutils.Search(ring, "user", "dies:"+c.name, nil); err == nil && s != id {
							t.Errorf("%s: Search found %v, want %v", c.name, s, id)
						}
					}
					if err == nil {
						if sawDeath && i%4 != 2 {
							// Describe of a revoked key still works
							// (view permission); the others must not.
							t.Errorf("%s: reader %d: op %d succeeded after the key died", c.name, r, i%4)
						}
						continue
					}
					var ke *keyutils.Error
					if !allowed(err, c.want...) || !errors.As(err, &ke) {
						t.Errorf("%s: reader %d: %v (%T)", c.name, r, err, err)
						return
					}
					// The detail must not blame the permissions of a key
					// that died.
					if errors.Is(err, keyutils.ErrPermission) && strings.Contains(ke.Detail, "may not view") {
						t.Errorf("%s: reader %d: misleading detail: %v", c.name, r, err)
					}
					if !sawDeath {
						sawDeath = true
						dead.Add(1)
					}
					if i > 40 && sawDeath && dead.Load() == readers {
						return
					}
				}
				if !sawDeath {
					t.Errorf("%s: reader %d never saw the key die", c.name, r)
				}
			}()
		}
		all.Add(1)
		go func() {
			defer all.Done()
			time.Sleep(20 * time.Millisecond)
			if err := c.kill(id); err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
			wg.Wait()
		}()
	}
	all.Wait()
}

// TestFaultScanOfChangingTree: RecursiveKeyScan (and ReadKeyring) of a
// tree that another goroutine keeps rebuilding, clearing, unlinking and
// revoking must always finish, within a time bound, and report each link
// with either a parsable description or an error.
func TestFaultScanOfChangingTree(t *testing.T) {
	root := testutil.Keyring(t)
	stop := testutil.ChurnTree(t, root, "k")
	scans := 0
	deadline := time.Now().Add(700 * time.Millisecond)
	for time.Now().Before(deadline) {
		done := make(chan int, 1)
		go func() {
			links := 0
			keyutils.RecursiveKeyScan(root, func(parent, key keyutils.Serial, desc string, err error) int {
				links++
				if (desc == "") == (err == nil) {
					t.Errorf("scan: key %v: desc %q with error %v", key, desc, err)
				}
				if err == nil {
					if _, perr := keyutils.ParseDescription(desc); perr != nil {
						t.Errorf("scan: key %v: unparsable %q", key, desc)
					}
				}
				return 1
			})
			keyutils.ReadKeyring(root)
			done <- links
		}()
		select {
		case n := <-done:
			if n > 10000 {
				t.Fatalf("scan reported %d links of a tree of at most ~40", n)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("RecursiveKeyScan of a changing tree did not finish in 10 s")
		}
		scans++
	}
	stop()
	t.Logf("%d scans", scans)
}

// TestFaultDescriptionSeparators: a description holding ';' (the describe
// string's separator) and ": " (what /proc/keys puts between description
// and summary) round-trips through Describe, /proc/keys, Search,
// FindKeyByTypeAndDesc and RecursiveKeyScan.
func TestFaultDescriptionSeparators(t *testing.T) {
	ring := testutil.Keyring(t)
	const desc = "a;b;c: d: 5;;x:"
	id := addUser(t, ring, desc, "payload")
	// A decoy whose description is a prefix of desc up to ": ".
	decoy := addUser(t, ring, "a;b;c", "decoy")

	d, err := keyutils.Describe(id)
	if err != nil || d.Description != desc || d.Type != "user" {
		t.Fatalf("Describe = %+v, %v", d, err)
	}
	if s, err := keyutils.Search(ring, "user", desc, nil); err != nil || s != id {
		t.Errorf("Search = %v, %v; want %v", s, err, id)
	}
	if s, err := keyutils.FindKeyByTypeAndDesc("user", desc, nil); err != nil || s != id {
		t.Errorf("FindKeyByTypeAndDesc = %v, %v; want %v", s, err, id)
	}
	if s, err := keyutils.FindKeyByTypeAndDesc("user", "a;b;c", nil); err != nil || s != decoy {
		t.Errorf("FindKeyByTypeAndDesc(decoy) = %v, %v; want %v", s, err, decoy)
	}
	keys, err := keyutils.ReadProcKeys()
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, k := range keys {
		if k.Serial == id {
			found = true
			if !k.HasDescription(desc) || k.Type != "user" {
				t.Errorf("/proc/keys line %q parsed as %+v", k.Raw, k)
			}
		}
	}
	if !found {
		t.Errorf("key %v not in /proc/keys", id)
	}
	seen := false
	keyutils.RecursiveKeyScan(ring, func(_, key keyutils.Serial, raw string, err error) int {
		if key == id {
			seen = true
			d, perr := keyutils.ParseDescription(raw)
			if err != nil || perr != nil || d.Description != desc {
				t.Errorf("scan: %q, %v, %v", raw, err, perr)
			}
		}
		return 0
	})
	if !seen {
		t.Error("RecursiveKeyScan did not visit the key")
	}
	if got := fmt.Sprint(d.Description); got != desc {
		t.Errorf("description %q", got)
	}
}

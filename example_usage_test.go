//go:build linux

package keyutils_test

import (
	"errors"
	"fmt"
	"log"
	"os"
	"os/exec"
	"time"

	"github.com/keyutils-go/keyutils"
)

// Run each container of a container runtime in a session keyring of its
// own that holds its secret from the start: the secrets live in a keyring
// the runtime owns, and each program possesses only its own.
func ExampleSession_StartWithKeys() {
	store, err := keyutils.NewKeyring("runtime:secrets", keyutils.SessionKeyring)
	if err != nil {
		log.Fatal(err)
	}
	defer keyutils.Unlink(store, keyutils.SessionKeyring)
	defer keyutils.Clear(store)

	secret, err := keyutils.AddKey("user", "secret", []byte("db-password"), store)
	if err != nil {
		log.Fatal(err)
	}
	cmd := exec.Command("sh", "-c", "keyctl print %user:secret")
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if _, err := (keyutils.Session{}).StartWithKeys(cmd, secret); err != nil {
		log.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		log.Fatal(err)
	}
}

// A token that expires: reads fail with ErrExpired once its timeout has
// passed. The kernel counts whole seconds, so a one-second timeout ends at
// the next second boundary, which may be almost at once: read before
// setting it, and wait for the expiry with a bound.
func ExampleSetTimeout() {
	ring, err := keyutils.NewKeyring("example", keyutils.SessionKeyring)
	if err != nil {
		log.Fatal(err)
	}
	defer keyutils.Unlink(ring, keyutils.SessionKeyring)
	defer keyutils.Clear(ring)

	id, _ := keyutils.AddKey("user", "agent:token", []byte("tgt"), ring)
	_, err = keyutils.Read(id)
	fmt.Println(err == nil)

	if err := keyutils.SetTimeout(id, time.Second); err != nil {
		log.Fatal(err)
	}
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if _, err = keyutils.Read(id); err != nil {
			break
		}
	}
	fmt.Println(errors.Is(err, keyutils.ErrExpired))
	// Output:
	// true
	// true
}

// Rotate a secret that must expire. Update (and AddKey onto the key) would
// clear its timeout; Replace swaps in a new key that has the timeout from
// the start, in one step: readers of the keyring find the old key or the
// new one, never neither, and never the new one without its expiry.
func ExampleReplace() {
	ring, err := keyutils.NewKeyring("example", keyutils.SessionKeyring)
	if err != nil {
		log.Fatal(err)
	}
	defer keyutils.Unlink(ring, keyutils.SessionKeyring)
	defer keyutils.Clear(ring)

	old, err := keyutils.Replace("user", "api:token", []byte("v1"), time.Hour, ring)
	if err != nil {
		log.Fatal(err)
	}
	id, err := keyutils.Replace("user", "api:token", []byte("v2"), time.Hour, ring)
	if err != nil {
		log.Fatal(err)
	}
	found, _ := keyutils.Search(ring, "user", "api:token", nil)
	payload, _ := keyutils.Read(found)
	fmt.Println(found == id, id != old, string(payload))

	keys, _ := keyutils.ReadProcKeys()
	for _, k := range keys {
		if k.Serial == id {
			fmt.Println("expires:", !k.Permanent)
		}
	}
	// Output:
	// true true v2
	// expires: true
}

// A revoked key fails every later access with ErrRevoked.
func ExampleRevoke() {
	ring, err := keyutils.NewKeyring("example", keyutils.SessionKeyring)
	if err != nil {
		log.Fatal(err)
	}
	defer keyutils.Unlink(ring, keyutils.SessionKeyring)
	defer keyutils.Clear(ring)

	id, _ := keyutils.AddKey("user", "agent:token", []byte("tgt"), ring)
	if err := keyutils.Revoke(id); err != nil {
		log.Fatal(err)
	}
	_, err = keyutils.Read(id)
	fmt.Println(errors.Is(err, keyutils.ErrRevoked))
	_, err = keyutils.Search(ring, "user", "agent:token", nil)
	fmt.Println(errors.Is(err, keyutils.ErrRevoked))
	// Output:
	// true
	// true
}

// A "logon" key, as fscrypt and cifs use: its description needs a
// "<service>:" prefix, the kernel can use its payload but user space cannot
// read it back, and it is found by search.
func ExampleAddKey_logon() {
	ring, err := keyutils.NewKeyring("example", keyutils.SessionKeyring)
	if err != nil {
		log.Fatal(err)
	}
	defer keyutils.Unlink(ring, keyutils.SessionKeyring)

	id, err := keyutils.AddKey("logon", "fscrypt:0123456789abcdef", make([]byte, 72), ring)
	if err != nil {
		log.Fatal(err)
	}
	found, err := keyutils.Search(ring, "logon", "fscrypt:0123456789abcdef", nil)
	fmt.Println(found == id, err)
	_, err = keyutils.Read(id)
	fmt.Println(errors.Is(err, keyutils.ErrUnsupported))

	if err := keyutils.Unlink(id, ring); err != nil {
		log.Fatal(err)
	}
	_, err = keyutils.Search(ring, "logon", "fscrypt:0123456789abcdef", nil)
	fmt.Println(errors.Is(err, keyutils.ErrNotFound))
	// Output:
	// true <nil>
	// true
	// true
}

// When adding a key fails because the owner's quota is exhausted, the
// error says how much is used; KeyUserOf gives the numbers.
func ExampleErrQuotaExceeded() {
	_, err := keyutils.AddKey("user", "cache:entry", make([]byte, 16384), keyutils.SessionKeyring)
	if errors.Is(err, keyutils.ErrQuotaExceeded) {
		u, uerr := keyutils.KeyUserOf(os.Geteuid())
		if uerr == nil {
			log.Printf("key quota: %d/%d keys, %d/%d bytes", u.QuotaKeys, u.MaxKeys, u.QuotaBytes, u.MaxBytes)
		}
	}
	if err != nil {
		log.Fatal(err)
	}
}

//go:build linux

package keyutils_test

import (
	"fmt"
	"log"
	"runtime"

	"github.com/keyutils-go/keyutils"
)

// Ask why a key may or may not be read: a key in a keyring the caller may
// not search is not possessed, so its possessor rights do not apply.
func ExampleWhy() {
	runtime.LockOSThread() // the answer is the calling thread's
	defer runtime.UnlockOSThread()
	ring, err := keyutils.NewKeyring("example", keyutils.SessionKeyring)
	if err != nil {
		log.Fatal(err)
	}
	defer keyutils.Unlink(ring, keyutils.SessionKeyring)
	defer keyutils.Clear(ring)
	key, err := keyutils.AddKey("user", "example:key", []byte("v"), ring)
	if err != nil {
		log.Fatal(err)
	}

	a, err := keyutils.Why(key, keyutils.PermRead)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("possessed:", a.Possessed, "chain length:", len(a.Chain), "allowed:", a.Allowed)

	// Take search away from the keyring: the key is no longer possessed.
	if err := keyutils.SetPerm(ring, 0x37370000); err != nil {
		log.Fatal(err)
	}
	a, err = keyutils.Why(key, keyutils.PermRead)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("possessed:", a.Possessed, "allowed:", a.Allowed, "granted:", a.Granted)
	for _, r := range a.Remedies {
		fmt.Println("remedy:", r.Kind, r.Perm.Hex())
	}
	// Output:
	// possessed: true chain length: 3 allowed: true
	// possessed: false allowed: false granted: -----v
	// remedy: link 00000000
	// remedy: session 00000000
	// remedy: setperm 3f030000
}

//go:build linux

package keyutils_test

import (
	"fmt"
	"log"
	"strings"
	"time"

	"github.com/keyutils-go/keyutils"
)

// Print a tree of keys, indented by depth, skipping one keyring's members.
func ExampleWalkKeys() {
	ring, err := keyutils.NewKeyring("example", keyutils.SessionKeyring)
	if err != nil {
		log.Fatal(err)
	}
	defer keyutils.Unlink(ring, keyutils.SessionKeyring)
	defer keyutils.Clear(ring)
	sub, _ := keyutils.NewKeyring("sub", ring)
	skip, _ := keyutils.NewKeyring("skipped", sub)
	keyutils.AddKey("user", "not-shown", []byte("v"), skip)

	err = keyutils.WalkKeys(ring, func(path []keyutils.Serial, key keyutils.Serial, desc keyutils.Description, err error) error {
		if err != nil {
			fmt.Printf("%s%d: %v\n", strings.Repeat("  ", len(path)), key, err)
			return nil // reported, and the walk goes on
		}
		fmt.Printf("%s%s %q\n", strings.Repeat("  ", len(path)), desc.Type, desc.Description)
		if desc.Description == "skipped" {
			return keyutils.SkipKeyring
		}
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// keyring "example"
	//   keyring "sub"
	//     keyring "skipped"
}

// What /proc/keys adds to a key's description: its state and expiry.
func ExampleInfo() {
	ring, err := keyutils.NewKeyring("example", keyutils.SessionKeyring)
	if err != nil {
		log.Fatal(err)
	}
	defer keyutils.Unlink(ring, keyutils.SessionKeyring)
	defer keyutils.Clear(ring)
	key, err := keyutils.AddKey("user", "example:info", []byte("12345"), ring)
	if err != nil {
		log.Fatal(err)
	}
	if err := keyutils.SetTimeout(key, 10*time.Minute); err != nil {
		log.Fatal(err)
	}
	info, err := keyutils.Info(key)
	if err != nil {
		log.Fatal(err)
	}
	// The timeout is rounded down to whole minutes: 10m or 9m.
	fmt.Println(info.Description.Description, info.Instantiated(), info.Summary, info.Timeout >= 9*time.Minute)

	keyutils.Revoke(key)
	info, err = keyutils.Info(key)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("described:", info.Described, "revoked:", info.Revoked())
	// Output:
	// example:info true 5 true
	// described: false revoked: true
}

//go:build linux

package keyring_test

import (
	"fmt"
	"log"

	"github.com/keyutils-go/keyutils/secret/keyring"
)

// go-keyring's example, unchanged but for the import path. (The tests run
// it with KEYUTILS_KEYRING_ANCHOR=session, in a throwaway session keyring.)
func Example() {
	service := "my-app"
	user := "anon"
	password := "secret"

	// set password
	err := keyring.Set(service, user, password)
	if err != nil {
		log.Fatal(err)
	}

	// get password
	secret, err := keyring.Get(service, user)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(secret)

	// delete it, then it is not found
	if err := keyring.Delete(service, user); err != nil {
		log.Fatal(err)
	}
	_, err = keyring.Get(service, user)
	fmt.Println(err == keyring.ErrNotFound)
	// Output:
	// secret
	// true
}

//go:build linux

package dockercredential_test

import (
	"fmt"
	"log"

	"github.com/docker/docker-credential-helpers/credentials"

	"github.com/keyutils-go/keyutils"
	"github.com/keyutils-go/keyutils/dockercredential"
	"github.com/keyutils-go/keyutils/secret"
)

// A Go program stores and reads registry credentials as Docker's helper
// protocol does; a command serves them with credentials.Serve(h).
func ExampleHelper() {
	h := &dockercredential.Helper{Anchor: secret.Session}
	err := h.Add(&credentials.Credentials{ServerURL: "registry.example.com", Username: "alice", Secret: "s3cret"})
	if err != nil {
		log.Fatal(err)
	}
	user, pass, err := h.Get("registry.example.com")
	fmt.Println(user, pass, err)
	_, _, err = h.Get("other.example.com")
	fmt.Println(credentials.IsErrCredentialsNotFound(err))

	s, _ := h.Store()
	s.Clear()
	keyutils.Unlink(s.Keyring(), keyutils.SessionKeyring)
	// Output:
	// alice s3cret <nil>
	// true
}
